import type { PendingAsk } from '../../domain/aftercare/chat';
import { followUpText } from '../../domain/aftercare/followUps';
import { LOW_RATING } from '../../domain/aftercare/serviceDone';
import { ratingText } from '../../domain/aftercare/ratings';
import { waitlistOfferText } from '../../domain/aftercare/waitlist';
import { formatVietnamDateTime } from '../../domain/shared/dates';
import { ackDeadline } from '../../domain/requests/sla';
import { answer, honorific } from '../reply';
import type { TurnContext, TurnResult } from '../flow';
import { chooseOption } from '../menu';
import { decide, type Meaning } from '../understand';
import { readRating } from '../understand/rating';

/**
 * Answers to what the bot asked on its own, read at idle before anything else: a freed place from the
 * waitlist (yes books it), a follow-up after a worrying result (re-examination or home visit), a rating 1–5.
 * Anything that is not an answer falls through to the usual reading, so "đặt lịch" still starts booking.
 */

const aftercareText = {
  offerBooked: (title: string, name: string) => `Đã đặt lịch khám cho ${title} ${name}:`,
  offerReminders: 'Chúng tôi sẽ nhắc trước ngày khám. Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.',
  offerDeclined: (title: string) => `Dạ, ${title} vẫn có tên trong danh sách chờ. Khi có chỗ khác, chúng tôi sẽ nhắn ${title}.`,
  offerTooLate: (title: string, until: string) => `Rất tiếc, chỗ trống chỉ được giữ đến ${until} và đã chuyển cho người tiếp theo. ${title} vẫn có tên trong danh sách chờ.`,
  ratingSkipped: (title: string) => `Dạ, không sao ạ. Cảm ơn ${title}. Gõ "menu" để xem các việc khác.`,
  followUpLater: (title: string) => `Dạ. Phòng khám sẽ gọi điện cho ${title} để hẹn khám lại. Gõ "menu" để xem các việc khác.`,
};

/** The follow-up offer's two choices as typed by elderly cadres (numbers and button labels work too). */
const followUpOptions = [
  { label: followUpText.clinic, phrases: ['kham lai', 'phong kham', 'hen kham', 'den kham', 'di kham', 'tu di', 'len vien', 'benh vien', 'tai phong kham', 'phong kham gan nha'] },
  { label: followUpText.home, phrases: ['tai nha', 'kham tai nha', 'bac si den nha', 'den nha', 'o nha', 've nha kham', 'di lai kho', 'khong di duoc', 'khong tu di duoc'] },
];
/** "Not now" to the offer: the clinic calls instead. */
const LATER = ['thoi khoi', 'de sau', 'luc khac', 'chua can', 'khong can', 'de toi nghi', 'de con hoi', 'hoi con', 'hoi y kien', 'ban voi gia dinh', 'tinh sau', 'hom khac'];

/**
 * A reply to the follow-up offer: re-examination at the clinic, a home visit, or not now. Null when the message
 * is about something else, so it is read as usual ("xem kết quả", "đặt lịch", an emergency).
 */
export function readFollowUpAnswer(meaning: Meaning, text: string): 'clinic' | 'home' | 'later' | null {
  const picked = chooseOption(text, followUpOptions) ?? (meaning.number === 1 || meaning.number === 2 ? meaning.number - 1 : null);
  if (picked !== null) return picked === 0 ? 'clinic' : 'home';
  if (chooseOption(text, [{ label: followUpText.clinic, phrases: LATER }]) === 0) return 'later';
  // A command typed instead ("à mà xem kết quả") is a topic switch, not a no.
  if (meaning.intent && !meaning.intent.fuzzy) return null;
  return decide(meaning, 'confirm').kind === 'no' ? 'later' : null;
}

/** A reply to the rating question: a score (with any comment), "skip" for a plain no ("thôi khỏi"), or null. */
export function readRatingAnswer(meaning: Meaning, text: string): { score: number; comment: string } | 'skip' | null {
  const r = readRating(text);
  if (r) return r;
  if (meaning.intent && !meaning.intent.fuzzy) return null;
  if (decide(meaning, 'confirm').kind === 'no' || chooseOption(text, [{ label: 'khoi', phrases: ['thoi khoi', 'khong danh gia', 'khong muon danh gia', 'khoi danh gia', 'de sau'] }]) === 0) return 'skip';
  return null;
}

const titleOf = (a: PendingAsk) => (a.viaProxy ? 'Ông/Bà' : honorific(a.sex));

export function answerPendingAsk(meaning: Meaning, text: string, ctx: TurnContext): TurnResult | null {
  const ask = ctx.lookups.aftercare?.pendingAsk() ?? null;
  if (!ask) return null;
  const title = titleOf(ask);
  const idle = { flow: 'idle' as const };
  switch (ask.kind) {
    case 'waitlistOffer': {
      const d = decide(meaning, 'confirm');
      const picked = chooseOption(text, [
        { label: waitlistOfferText.yes, phrases: ['nhan cho', 'lay cho', 'dong y nhan'] },
        { label: waitlistOfferText.no, phrases: ['khong nhan', 'khong lay'] },
      ]);
      const yes = d.kind === 'yes' || picked === 0;
      const no = d.kind === 'no' || picked === 1;
      if (!yes && !no) return null;
      const effect = { type: 'waitlist.answer' as const, offerId: ask.offerId, cadreId: ask.cadreId, accept: yes && !no, viaProxy: ask.viaProxy };
      if (ctx.now >= ask.expiresAt) return answer(idle, aftercareText.offerTooLate(title, formatVietnamDateTime(ask.expiresAt)), undefined, { ...effect, accept: false });
      if (no) return answer(idle, aftercareText.offerDeclined(title), undefined, effect);
      return answer(idle, [aftercareText.offerBooked(title, ask.fullName), ...ask.details, aftercareText.offerReminders].join('\n'), undefined, effect);
    }
    case 'followUp': {
      const picked = readFollowUpAnswer(meaning, text);
      if (picked === null) return null;
      if (picked === 'later') return answer(idle, aftercareText.followUpLater(title));
      const policy = ctx.lookups.requests.settings().policy;
      return {
        state: idle,
        effects: [
          {
            type: 'followUp.choose',
            followUpId: ask.followUpId,
            cadreId: ask.cadreId,
            choice: picked,
            viaProxy: ask.viaProxy,
            confirmText: (picked === 'home' ? followUpText.chosenHome : followUpText.chosenClinic).replaceAll('Ông/Bà', title),
            ackDueAt: ackDeadline('normal', ctx.now, policy),
          },
        ],
      };
    }
    case 'rating': {
      const r = readRatingAnswer(meaning, text);
      if (!r) return null;
      // After other talk a bare number is a menu choice again, and a "no" answers something else.
      if (ask.stale && (r === 'skip' || meaning.number !== null || /^\s*\d+\s*$/.test(text))) return null;
      if (r === 'skip') return answer(idle, aftercareText.ratingSkipped(title));
      const policy = ctx.lookups.requests.settings().policy;
      return answer(idle, r.score <= LOW_RATING ? ratingText.thanksLow(title) : ratingText.thanks(title), undefined, {
        type: 'rating.answer',
        ratingId: ask.ratingId,
        cadreId: ask.cadreId,
        score: r.score,
        comment: r.comment,
        viaProxy: ask.viaProxy,
        ackDueAt: ackDeadline('normal', ctx.now, policy),
      });
    }
  }
}
