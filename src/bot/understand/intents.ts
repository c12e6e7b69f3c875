import { compilePhrase, toWord, wordDistance, wordIs, WordSet, type Phrase, type Word } from './normalize';

/**
 * What a message asks for, from typed words: an exact phrase (with the diacritics rule), or a near miss
 * (a typo, a missing letter, stray Telex/VNI keys) that is only ever confirmed, never acted on.
 */

export const INTENTS = [
  { id: 'booking', label: 'đặt lịch khám', phrases: ['đặt lịch khám', 'đặt lịch', 'đăng ký khám', 'đăng kí khám', 'hẹn khám', 'lịch khám', 'khám định kỳ', 'khám sức khỏe', 'khám sức khoẻ', 'đặt khám', 'đăng ký lịch', 'đặt hẹn'] },
  { id: 'results', label: 'xem kết quả khám', phrases: ['xem kết quả', 'kết quả khám', 'kết quả', 'kết quả xét nghiệm', 'xét nghiệm', 'phiếu kết quả'] },
  { id: 'homeVisit', label: 'yêu cầu khám tại nhà', phrases: ['khám tại nhà', 'yêu cầu khám tại nhà', 'bác sĩ đến nhà', 'tại nhà', 'khám ở nhà', 'đến nhà khám', 'về nhà khám', 'bác sĩ về nhà'] },
  { id: 'staff', label: 'gặp nhân viên', phrases: ['gặp nhân viên', 'nhân viên', 'gặp người', 'tư vấn', 'hỏi đáp', 'nói chuyện với nhân viên', 'người thật', 'trợ giúp', 'liên hệ', 'tổng đài'] },
  { id: 'moveBooking', label: 'đổi lịch khám', phrases: ['đổi lịch', 'dời lịch', 'đổi ngày', 'đổi giờ', 'chuyển lịch', 'đổi lịch khám', 'đổi ngày khám', 'lùi lịch'] },
  { id: 'cancelBooking', label: 'hủy lịch khám', phrases: ['hủy lịch', 'huỷ lịch', 'hủy hẹn', 'huỷ hẹn', 'hủy lịch khám', 'hủy đặt lịch', 'bỏ lịch khám'] },
  { id: 'myBookings', label: 'xem lịch khám đã đặt', phrases: ['lịch của tôi', 'xem lịch', 'lịch hẹn của tôi', 'lịch đã đặt', 'lịch khám của tôi', 'lịch của bác', 'lịch của mình'] },
  { id: 'medicine', label: 'nhận thuốc tại nhà', phrases: ['thuốc', 'nhận thuốc', 'xin thuốc', 'cấp thuốc', 'giao thuốc', 'lấy thuốc', 'lĩnh thuốc', 'đơn thuốc', 'thuốc men'] },
  { id: 'recordBook', label: 'đổi sổ y bạ', phrases: ['sổ y bạ', 'đổi sổ y bạ', 'cấp sổ y bạ', 'sổ khám bệnh', 'làm lại sổ', 'đổi sổ'] },
  { id: 'question', label: 'hỏi nhân viên y tế', phrases: ['hỏi', 'câu hỏi', 'hỏi bác sĩ', 'hỏi nhân viên y tế', 'thắc mắc', 'cho hỏi', 'muốn hỏi', 'hỏi ý kiến bác sĩ'] },
  { id: 'myRequests', label: 'xem yêu cầu đã gửi', phrases: ['yêu cầu của tôi', 'xem yêu cầu', 'phiếu của tôi', 'tình trạng yêu cầu', 'yêu cầu đã gửi'] },
  { id: 'otherRequest', label: 'gửi yêu cầu khác', phrases: ['yêu cầu khác', 'yêu cầu'] },
  { id: 'unlink', label: 'hủy liên kết tài khoản', phrases: ['hủy liên kết', 'huỷ liên kết', 'bỏ liên kết', 'gỡ liên kết'] },
  {
    id: 'leaveProxy',
    label: 'thôi làm người đại diện',
    phrases: ['thôi làm người đại diện', 'thôi làm người nhà', 'thôi đại diện', 'không làm người đại diện nữa', 'không làm người đại diện', 'không làm đại diện nữa', 'bỏ làm người đại diện', 'hủy làm người đại diện', 'rút khỏi người đại diện', 'ngừng làm người đại diện', 'thôi thay mặt', 'không thay mặt nữa', 'xóa tôi khỏi người đại diện'],
  },
  {
    id: 'addProxy',
    label: 'làm người đại diện cho cán bộ',
    phrases: ['làm người đại diện', 'xin làm người đại diện', 'đăng ký người đại diện', 'người đại diện cho', 'thêm người thân', 'thêm người nhà', 'thêm cán bộ', 'thêm người khác', 'đại diện cho người khác', 'làm người nhà cho', 'thay mặt cho người khác', 'giúp thêm người'],
  },
  { id: 'link', label: 'xác minh tài khoản', phrases: ['liên kết tài khoản', 'xác minh tài khoản', 'xác minh', 'đăng nhập', 'liên kết zalo', 'liên kết'] },
] as const;

export type IntentId = (typeof INTENTS)[number]['id'];

export interface IntentMatch {
  id: IntentId;
  /** How to name it in "Có phải Ông muốn …?". */
  label: string;
  /** A near miss: confirm before doing anything. */
  fuzzy: boolean;
  /** Nothing else of substance in the message ("cho bác đặt lịch khám ngày mai nhé"). */
  strong: boolean;
  /** Words of the message the phrase took. */
  start: number;
  end: number;
}

/** Words that do not change what a request is for; a message of a phrase and these is a clear command. */
const FILLERS =
  'tôi bác ông bà cháu em con mình anh chị cô chú bạn muốn cho xin cần giúp hộ với ạ nhé nha đi hãy làm ơn vui lòng được lại à ơi dạ vâng ' +
  'để đang sẽ này đó nay hôm mai ngày tuần sau tới thứ sáng chiều tối giờ nữa thì là ra rồi mới của ạ luôn ngay bây có một cái chút xem ' +
  'thôi giùm dùm nhờ định tính đến';
const FILLER_WORDS = new WordSet(FILLERS.split(' '));
const isFiller = (w: Word) => /^\d+$/.test(w.folded) || FILLER_WORDS.has(w);

function exactAt(words: Word[], phrase: Phrase, i: number): boolean {
  for (let j = 0; j < phrase.length; j++) {
    const w = words[i + j];
    if (w === undefined || !wordIs(w, phrase[j]!)) return false;
  }
  return true;
}

/**
 * Two neighbouring letters swapped ("lihc" for "lich"): one slip of the finger. Walked in place: it runs for
 * every word against every phrase word of the same length.
 */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let second = -1;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (first < 0) first = i;
    else if (second < 0) second = i;
    else return false;
  }
  return second === first + 1 && a.charCodeAt(first) === b.charCodeAt(second) && a.charCodeAt(second) === b.charCodeAt(first);
}

function fuzzyCostAt(words: Word[], phrase: Phrase, i: number, max: number): number | null {
  let cost = 0;
  for (let j = 0; j < phrase.length; j++) {
    const w = words[i + j];
    if (!w) return null;
    const d = swapped(w.folded, phrase[j]!.folded) ? 1 : wordDistance(w, phrase[j]!);
    if (d > 1) return null;
    cost += d;
    if (cost > max) return null;
  }
  return cost;
}

const letters = (phrase: string) => toWord(phrase).folded.replace(/\s/g, '').length;

/** Every phrase split and measured once: matching runs on every message. */
const PHRASES = INTENTS.flatMap((intent) =>
  intent.phrases.map((phrase) => {
    const parts = compilePhrase(phrase);
    return { intent, parts, foldedParts: parts.map((p) => p.folded), len: letters(phrase) };
  }),
);

function missingWords(foldedParts: readonly string[], present: ReadonlySet<string>): number {
  let missing = 0;
  for (const p of foldedParts) if (!present.has(p)) missing++;
  return missing;
}

function strongAround(words: Word[], start: number, end: number): boolean {
  return words.every((w, k) => (k >= start && k < end) || isFiller(w));
}

/** The best intent: the longest exact phrase; else the closest near miss of a phrase long enough to judge. */
export function matchIntent(words: Word[]): IntentMatch | null {
  let best: { m: IntentMatch; len: number; cost: number } | null = null;
  const present = new Set(words.map((w) => w.folded));
  for (const { intent, parts, len } of PHRASES) {
    // An exact match needs the phrase's first word in the message, letter for letter.
    if (!present.has(parts[0]!.folded)) continue;
    for (let i = 0; i + parts.length <= words.length; i++) {
      if (!exactAt(words, parts, i)) continue;
      // The phrase that starts first wins ("bỏ liên kết tài khoản" is unlinking), then the longest.
      if (!best || best.cost > 0 || i < best.m.start || (i === best.m.start && len > best.len)) {
        best = { m: { id: intent.id, label: intent.label, fuzzy: false, strong: strongAround(words, i, i + parts.length), start: i, end: i + parts.length }, len, cost: 0 };
      }
    }
  }
  if (best) return best.m;
  for (const { intent, parts, foldedParts, len } of PHRASES) {
    if (parts.length < 2 && len < 5) continue;
    const max = len >= 9 ? 2 : 1;
    // Each typo changes one word: with more words missing than typos allowed, it cannot match.
    if (missingWords(foldedParts, present) > max) continue;
    for (let i = 0; i + parts.length <= words.length; i++) {
      const cost = fuzzyCostAt(words, parts, i, max);
      if (cost === null) continue;
      if (!best || cost < best.cost || (cost === best.cost && len > best.len)) {
        best = { m: { id: intent.id, label: intent.label, fuzzy: true, strong: strongAround(words, i, i + parts.length), start: i, end: i + parts.length }, len, cost };
      }
    }
  }
  return best?.m ?? null;
}

/** All the folded words intents, answers and small talk know: stray typing keys are stripped only toward these. */
export const intentVocabulary: ReadonlySet<string> = new Set(INTENTS.flatMap((i) => i.phrases.flatMap((p) => toWord(p).folded.split(' '))));

/**
 * The OA's persistent menu, set by hand in the OA manager. A tap sends the item's payload as the user's text
 * (a query button): it means what typing the label means, in every state, so flows and switches treat both alike.
 */
export const OA_MENU = [
  { payload: '#datlich', label: 'Đặt lịch khám', intent: 'booking', does: 'Đặt lịch khám định kỳ; nếu đã có lịch thì xem, đổi hoặc hủy lịch.' },
  { payload: '#ketqua', label: 'Kết quả khám', intent: 'results', does: 'Xem kết quả khám đã công bố (chỉ tài khoản đã xác minh).' },
  { payload: '#lichcuatoi', label: 'Lịch của tôi', intent: 'myBookings', does: 'Xem lịch khám đã đặt, lịch khám tại nhà và các yêu cầu đang xử lý.' },
  { payload: '#gapnhanvien', label: 'Gặp nhân viên', intent: 'staff', does: 'Nói chuyện trực tiếp với nhân viên.' },
  { payload: '#yeucau', label: 'Yêu cầu khác', intent: 'otherRequest', does: 'Gửi yêu cầu: khám tại nhà, nhận thuốc, đổi sổ y bạ, câu hỏi.' },
] as const satisfies readonly { payload: `#${string}`; label: string; intent: IntentId; does: string }[];

export type OaMenuItem = (typeof OA_MENU)[number];

/** The menu item a message is the payload of: any case, with or without the '#'. */
export function oaMenuItemOf(text: string): OaMenuItem | null {
  const key = text.trim().toLowerCase().replace(/^#\s*/, '');
  return OA_MENU.find((item) => item.payload.slice(1) === key) ?? null;
}

/** What a menu tap stands for as typed text (its label); any other message as it is. */
export const typedFormOf = (text: string): string => oaMenuItemOf(text)?.label ?? text;
