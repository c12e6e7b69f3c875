import { hasPhrase, wordIs, type Word } from './normalize';

/**
 * Yes and no. Only a clear yes commits anything: a message with any no-word or retraction in it ("thôi, không
 * hủy nữa", "không đồng ý", "dừng lại") is a no wherever the yes-words are, and a word typed without marks that
 * could be either ("dung": đúng or dừng) is a no. A yes must be the whole message, give or take politeness,
 * so "tôi có việc bận" is not a yes for "có".
 */

export const YES_PHRASES = [
  'vâng', 'dạ', 'ừ', 'ờ', 'được', 'được rồi', 'đúng', 'đúng rồi', 'đúng vậy', 'phải', 'phải rồi', 'ok', 'có', 'đồng ý',
  'xác nhận', 'chắc chắn', 'chuẩn', 'nhất trí', 'yes', 'chốt', 'tốt', 'hay quá', 'được đấy',
];

export const NO_PHRASES = [
  'không', 'thôi', 'khỏi', 'chưa', 'đừng', 'dừng', 'ngừng', 'no', 'sai', 'nhầm', 'khoan', 'đợi đã', 'chờ đã', 'để sau',
  'để khi khác', 'bỏ qua', 'quên đi', 'hủy bỏ', 'chẳng', 'chả', 'hổng', 'hem', 'hong',
];

/** Words that may surround a yes without changing it ("dạ vâng, cháu đặt giúp bác luôn nhé"). */
const AROUND_YES = new Set(
  ('tôi bác ông bà cháu em con mình anh chị cô chú thì à rồi luôn đi đặt gửi làm lịch khám này đó ấy vậy thế như cho giúp hộ ' +
    'yêu cầu xác nhận cảm ơn nhé nha ạ với đồng ý hủy đổi lại là nhận đúng được ok có vâng dạ ừ ờ phải chuẩn chốt quá hay tốt đấy').split(' '),
);

const YES_WORDS = YES_PHRASES.flatMap((p) => p.split(' '));

/** Folded, these hold a no-word but mean something else ("thoi tiet" is "thời tiết", not "thôi"). */
const NOT_NO = ['thời tiết', 'thời gian', 'thời điểm', 'thời hạn', 'không gian', 'không khí', 'chưa chắc'];

export type Answer = 'yes' | 'no' | null;

/** The words left once compounds that only look like a no ("thời tiết") are set aside. */
function withoutLookalikes(words: Word[]): Word[] {
  const taken = new Set<number>();
  for (const c of NOT_NO) {
    const n = c.split(' ').length;
    for (let i = 0; i + n <= words.length; i++) if (c.split(' ').every((x, j) => wordIs(words[i + j]!, x))) for (let j = 0; j < n; j++) taken.add(i + j);
  }
  return taken.size ? words.filter((_, i) => !taken.has(i)) : words;
}

export function isNoWord(words: Word[]): boolean {
  const rest = withoutLookalikes(words);
  return NO_PHRASES.some((p) => hasPhrase(rest, p));
}

/** "yes", "no", or null when the message is neither (then nothing is committed either). */
export function yesNo(words: Word[]): Answer {
  if (!words.length) return null;
  if (isNoWord(words)) return 'no';
  const isYes = YES_PHRASES.some((p) => hasPhrase(words, p));
  if (!isYes) return null;
  const around = [...AROUND_YES, ...YES_WORDS];
  return words.every((w) => around.some((a) => wordIs(w, a))) ? 'yes' : null;
}

/** "không … nữa", "thôi khỏi", "thôi": the user takes back what they started. */
export function isRetraction(all: Word[]): boolean {
  const words = withoutLookalikes(all);
  const negated = ['không', 'chưa', 'chẳng', 'khỏi'].some((p) => hasPhrase(words, p));
  return (negated && hasPhrase(words, 'nữa')) || hasPhrase(words, 'thôi') || hasPhrase(words, 'khỏi');
}
