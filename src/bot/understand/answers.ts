import { compilePhrase, hasAnyPhrase, hasPhrase, phraseAt, WordSet, type Word } from './normalize';

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
const AROUND_YES_WORDS = (
  'tôi bác ông bà cháu em con mình anh chị cô chú thì à rồi luôn đi đặt gửi làm lịch khám này đó ấy vậy thế như cho giúp hộ ' +
    'yêu cầu xác nhận cảm ơn nhé nha ạ với đồng ý hủy đổi lại là nhận đúng được ok có vâng dạ ừ ờ phải chuẩn chốt quá hay tốt đấy'
).split(' ');

const YES_WORDS = YES_PHRASES.flatMap((p) => p.split(' '));
const AROUND_YES = new WordSet([...AROUND_YES_WORDS, ...YES_WORDS]);
const YES = YES_PHRASES.map(compilePhrase);
const NO = NO_PHRASES.map(compilePhrase);

/** Folded, these hold a no-word but mean something else ("thoi tiet" is "thời tiết", not "thôi"). */
const NOT_NO = ['thời tiết', 'thời gian', 'thời điểm', 'thời hạn', 'không gian', 'không khí', 'chưa chắc'].map(compilePhrase);

export type Answer = 'yes' | 'no' | null;

/** The words left once compounds that only look like a no ("thời tiết") are set aside. */
function withoutLookalikes(words: Word[]): Word[] {
  const taken = new Set<number>();
  for (const c of NOT_NO) {
    for (let i = phraseAt(words, c); i >= 0; i = phraseAt(words, c, i + 1)) for (let j = 0; j < c.length; j++) taken.add(i + j);
  }
  return taken.size ? words.filter((_, i) => !taken.has(i)) : words;
}

function isNoWord(words: Word[]): boolean {
  const rest = withoutLookalikes(words);
  return hasAnyPhrase(rest, NO);
}

/** "yes", "no", or null when the message is neither (then nothing is committed either). */
export function yesNo(words: Word[]): Answer {
  if (!words.length) return null;
  if (isNoWord(words)) return 'no';
  if (!hasAnyPhrase(words, YES)) return null;
  return words.every((w) => AROUND_YES.has(w)) ? 'yes' : null;
}

const RETRACTING = ['không', 'chưa', 'chẳng', 'khỏi'].map(compilePhrase);

/** "không … nữa", "thôi khỏi", "thôi": the user takes back what they started. */
export function isRetraction(all: Word[]): boolean {
  const words = withoutLookalikes(all);
  const negated = hasAnyPhrase(words, RETRACTING);
  return (negated && hasPhrase(words, 'nữa')) || hasPhrase(words, 'thôi') || hasPhrase(words, 'khỏi');
}
