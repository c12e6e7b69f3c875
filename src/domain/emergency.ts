/**
 * Recognises a message that mentions a medical emergency, so the bot answers "call 115" at once and pages the
 * on-call staff, whatever the conversation was doing.
 *
 * The rule: a listed phrase occurs as whole words, in order. A word typed WITH diacritics must carry the same
 * marks as the phrase (the tone may sit on either vowel: "quỵ" = "qụy"), so "thơm ngát", "ngắt điện" and
 * "có giặt" are not "ngất" or "co giật". A word typed WITHOUT any diacritics matches on its letters
 * ("ngat", "cap cuu"), because many people type that way and a wrong "call 115" costs less than a missed
 * emergency. Any mention counts, a question too ("trung tâm cấp cứu ở đâu"): staff close a false alarm in a
 * minute. A word that merely contains a phrase ("ngatngat") never matches.
 */
export const EMERGENCY_PHRASES = [
  'khó thở',
  'không thở được',
  'ngừng thở',
  'ngừng tim',
  'đau ngực',
  'tức ngực',
  'cấp cứu',
  'ngất',
  'đột quỵ',
  'tai biến mạch máu não',
  'co giật',
  'bất tỉnh',
  'hôn mê',
  'chảy máu nhiều',
  'mất máu nhiều',
] as const;

interface Syllable {
  /** Letters without marks, đ as d. */
  base: string;
  /** The marks (sorted, so the tone's position does not matter); '' when typed without diacritics. */
  marks: string;
}

function syllable(word: string): Syllable {
  let base = '';
  const marks: string[] = [];
  for (const ch of word.normalize('NFD')) {
    if (/\p{M}/u.test(ch)) marks.push(ch);
    else if (ch === 'đ') {
      base += 'd';
      marks.push('đ');
    } else base += ch;
  }
  return { base, marks: marks.sort().join('') };
}

function words(text: string): Syllable[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean)
    .map(syllable);
}

const phrases = EMERGENCY_PHRASES.map((p) => ({ phrase: p, words: words(p) }));

const sameWord = (typed: Syllable, wanted: Syllable) => typed.base === wanted.base && (typed.marks === '' || typed.marks === wanted.marks);

/** The first emergency phrase the text mentions, or null. */
export function detectEmergency(text: string): string | null {
  const typed = words(text);
  for (const { phrase, words: wanted } of phrases) {
    for (let i = 0; i + wanted.length <= typed.length; i++) {
      if (wanted.every((w, j) => sameWord(typed[i + j]!, w))) return phrase;
    }
  }
  return null;
}
