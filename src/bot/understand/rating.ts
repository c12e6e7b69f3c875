import { hasPhrase, normalize, wordIs, type Word } from './normalize';

/**
 * An answer to "how was it, 1 to 5?": a number alone ("4", "5 sao", "cho 5 điểm", "5/5", "năm sao"), or words
 * ("tốt", "rất hài lòng", "không tốt lắm", "tệ"), with or without diacritics, and whatever follows the number as
 * a comment ("4 bác sĩ tận tình"). Negated praise is low ("không tốt", "chưa hài lòng"). Null when the message
 * holds no rating, so it is read as usual.
 */

export interface RatingAnswer {
  score: number;
  comment: string;
}

const DIGIT_WORDS = ['một', 'hai', 'ba', 'bốn', 'năm'];
const UNIT = ['sao', 'điểm', 'diem'];
const LEAD = ['cho', 'chấm', 'được', 'xin', 'tôi', 'bác', 'cháu', 'đánh', 'giá', 'mức', 'khoảng', 'tầm'];

/** Checked in this order, so "rất không hài lòng" is 1 and "không tốt" is 2 before "tốt" is 4. */
const SCALE: [number, string[]][] = [
  [1, ['rất tệ', 'quá tệ', 'rất kém', 'quá kém', 'rất không hài lòng', 'rất tồi', 'tồi tệ', 'rất chậm', 'rất bực']],
  [2, ['không tốt', 'chưa tốt', 'không hài lòng', 'chưa hài lòng', 'không được tốt', 'chưa được tốt', 'chưa ổn', 'không ổn', 'kém', 'tệ', 'chậm quá', 'phải chờ lâu', 'chờ lâu quá', 'chưa chu đáo', 'không chu đáo', 'không vừa ý']],
  [5, ['rất tốt', 'tuyệt vời', 'xuất sắc', 'rất hài lòng', 'quá tốt', 'tốt lắm', 'tốt quá', 'rất chu đáo', 'rất ổn', 'hoàn hảo', 'tuyệt', 'rất tận tình', 'rất nhiệt tình']],
  [4, ['tốt', 'hài lòng', 'chu đáo', 'tận tình', 'nhiệt tình', 'khá tốt', 'ổn', 'khá', 'hài lòng ạ', 'vừa ý']],
  [3, ['bình thường', 'tạm được', 'tạm', 'trung bình', 'tàm tạm', 'cũng được', 'được']],
];

function numberAt(words: Word[], i: number): number | null {
  const w = words[i];
  if (!w) return null;
  // "5", "5/5", and glued "5sao", "5*".
  const m = /^([1-5])(?:\/5|sao|diem|\*)?$/.exec(w.folded);
  if (m) return Number(m[1]);
  const n = DIGIT_WORDS.findIndex((d) => wordIs(w, d));
  // A number word counts only before "sao" / "điểm" ("năm" alone is also a year, "ba" a father).
  return n >= 0 && words[i + 1] && UNIT.some((u) => wordIs(words[i + 1]!, u)) ? n + 1 : null;
}

export function readRating(message: string): RatingAnswer | null {
  const norm = normalize(message);
  const words = norm.words;
  if (!words.length) return null;
  // A number: first after lead-in words ("cho 5 sao"), or anywhere right before "sao"/"điểm".
  let at = 0;
  while (at < words.length - 1 && LEAD.some((l) => wordIs(words[at]!, l))) at++;
  let score = numberAt(words, at);
  if (score === null) {
    for (let i = 0; i < words.length - 1 && score === null; i++) if (UNIT.some((u) => wordIs(words[i + 1]!, u))) score = numberAt(words, i), (at = i);
  }
  if (score !== null) {
    let end = at + 1;
    while (end < words.length && UNIT.some((u) => wordIs(words[end]!, u))) end++;
    const comment = commentAfter(message, words.slice(0, end));
    return { score, comment };
  }
  if (/^\s*\d+\s*$/.test(message)) return null;
  // "cảm ơn" typed without marks is "cam on", whose "on" would read as "ổn".
  const scaleWords = normalize(message.replace(/c[aảá]m\s+[oơ]n/giu, ' ')).words;
  for (const [value, phrases] of SCALE) {
    if (phrases.some((p) => hasPhrase(scaleWords, p))) return { score: value, comment: words.length > 3 ? message.trim() : '' };
  }
  return null;
}

/** What follows the rating words in the original message, punctuation trimmed. */
function commentAfter(message: string, lead: Word[]): string {
  let rest = message.normalize('NFC');
  for (const w of lead) {
    const i = rest.toLowerCase().indexOf(w.text);
    if (i < 0) break;
    rest = rest.slice(i + w.text.length);
  }
  return rest.replace(/^[\s,.:;!*\-–/5]*/u, '').trim();
}
