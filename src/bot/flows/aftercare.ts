import type { PendingAsk } from '../../domain/aftercare/chat';
import { followUpText } from '../../domain/aftercare/followUps';
import { LOW_RATING } from '../../domain/aftercare/serviceDone';
import { ratingText } from '../../domain/aftercare/ratings';
import { waitlistOfferText } from '../../domain/aftercare/waitlist';
import { formatVietnamDateTime } from '../../domain/shared/dates';
import { ackDeadline } from '../../domain/requests/sla';
import { answer, honorific, type TurnContext, type TurnResult } from '../reply';
import { chooseOption } from '../menu';
import { decide, type Meaning } from '../understand';
import { readRating } from '../understand/rating';

/**
 * Answers to what the bot asked on its own, read at idle before anything else: a freed place from the
 * waitlist (yes books it), a follow-up after a worrying result (re-examination or home visit), a rating 1–5.
 * Anything that is not an answer falls through to the usual reading, so "đặt lịch" still starts booking.
 */

export const aftercareText = {
  offerBooked: (title: string, name: string) => `Đã đặt lịch khám cho ${title} ${name}:`,
  offerReminders: 'Chúng tôi sẽ nhắc trước ngày khám. Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.',
  offerDeclined: (title: string) => `Dạ, ${title} vẫn có tên trong danh sách chờ. Khi có chỗ khác, chúng tôi sẽ nhắn ${title}.`,
  offerTooLate: (title: string, until: string) => `Rất tiếc, chỗ trống chỉ được giữ đến ${until} và đã chuyển cho người tiếp theo. ${title} vẫn có tên trong danh sách chờ.`,
  followUpLater: (title: string) => `Dạ. Phòng khám sẽ gọi điện cho ${title} để hẹn khám lại. Gõ "menu" để xem các việc khác.`,
};

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
      const picked = chooseOption(text, [
        { label: followUpText.clinic, phrases: ['kham lai', 'phong kham', 'hen kham'] },
        { label: followUpText.home, phrases: ['tai nha', 'kham tai nha', 'bac si den nha'] },
      ]);
      if (picked === null) {
        if (decide(meaning, 'confirm').kind === 'no') return answer(idle, aftercareText.followUpLater(title));
        return null;
      }
      const choice = picked === 0 ? 'clinic' : 'home';
      const policy = ctx.lookups.requests.settings().policy;
      return {
        state: idle,
        effects: [
          {
            type: 'followUp.choose',
            followUpId: ask.followUpId,
            cadreId: ask.cadreId,
            choice,
            viaProxy: ask.viaProxy,
            confirmText: (choice === 'home' ? followUpText.chosenHome : followUpText.chosenClinic).replaceAll('Ông/Bà', title),
            ackDueAt: ackDeadline('normal', ctx.now, policy),
          },
        ],
      };
    }
    case 'rating': {
      const r = readRating(text);
      if (!r) return null;
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
