import { distance } from 'fastest-levenshtein';

/**
 * The first half of understanding a message: one normal form for what people actually type. Diacritics are
 * kept as information: a word typed with marks is compared with marks ("dừng" is not "đúng"), a word typed
 * without any is compared on its letters only, because many elderly users type that way.
 */

export interface Word {
  /** NFC, lower case, as typed (after abbreviations are expanded). */
  text: string;
  /** Letters only: marks stripped, đ as d. */
  folded: string;
  /** The word carries diacritics (then it is matched with them). */
  marked: boolean;
  /** Its marks, sorted, so the tone's place does not matter. */
  marks: string;
}

export interface Normalized {
  /** NFC text with emoji, full-width digits, a lone number word and trailing particles resolved. */
  text: string;
  words: Word[];
  /** The folded words joined by single spaces. */
  folded: string;
  /** Any word of the input carries diacritics. */
  marked: boolean;
}

/** Letters only: "Đặt" -> "dat". */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

/** Sorted marks, so the tone's place does not matter ("hoà" = "hòa", "qụy" = "quỵ"). */
function marksOf(word: string): string {
  const marks: string[] = [];
  for (const ch of word.normalize('NFD')) {
    if (/\p{M}/u.test(ch)) marks.push(ch);
    else if (ch === 'đ') marks.push('đ');
  }
  return marks.sort().join('');
}

const wordCache = new Map<string, Word>();

/** One word in its forms; cached, since the same vocabulary is compared on every message. */
export function toWord(raw: string): Word {
  let w = wordCache.get(raw);
  if (!w) {
    const text = raw.normalize('NFC').toLowerCase();
    const folded = foldWord(text);
    w = { text, folded, marked: folded !== text, marks: marksOf(text) };
    if (wordCache.size < 50_000) wordCache.set(raw, w);
  }
  return w;
}

const asWord = (word: string | Word) => (typeof word === 'string' ? toWord(word) : word);

/** True when the typed word is the wanted word: with marks when typed with marks, else on letters. */
export function wordIs(typed: Word, wanted: string | Word): boolean {
  const w = asWord(wanted);
  return typed.folded === w.folded && (!typed.marked || typed.marks === w.marks);
}

/** Edit distance that respects marks: letters only for an unmarked word, NFC letters for a marked one. */
export function wordDistance(typed: Word, wanted: string | Word): number {
  const w = asWord(wanted);
  if (!typed.marked) return distance(typed.folded, w.folded);
  if (typed.folded === w.folded) return typed.marks === w.marks ? 0 : 1;
  return distance(typed.text, w.text);
}

/**
 * A list of words asked "is this typed word one of them?" on every message: one lookup by letters instead of
 * comparing with each word in turn (the same answer as `list.some((x) => wordIs(w, x))`).
 */
export class WordSet {
  /** Folded letters -> the marks of the listed words with those letters. */
  private readonly byLetters = new Map<string, Set<string>>();

  constructor(words: Iterable<string>) {
    for (const raw of words) {
      const w = toWord(raw);
      let marks = this.byLetters.get(w.folded);
      if (!marks) this.byLetters.set(w.folded, (marks = new Set()));
      marks.add(w.marks);
    }
  }

  has(typed: Word | undefined): boolean {
    if (!typed) return false;
    const marks = this.byLetters.get(typed.folded);
    return marks !== undefined && (!typed.marked || marks.has(typed.marks));
  }
}

/** Abbreviations and chat spellings, expanded to the words they stand for. */
const ABBREVIATIONS: Record<string, string> = {
  kq: 'kết quả',
  xn: 'xét nghiệm',
  bs: 'bác sĩ',
  bsi: 'bác sĩ',
  nv: 'nhân viên',
  sđt: 'số điện thoại',
  sdt: 'số điện thoại',
  đt: 'điện thoại',
  dt: 'điện thoại',
  đk: 'đăng ký',
  dk: 'đăng ký',
  dki: 'đăng ký',
  đki: 'đăng ký',
  dky: 'đăng ký',
  ko: 'không',
  k: 'không',
  kg: 'không',
  kh: 'không',
  hok: 'không',
  hông: 'không',
  khg: 'không',
  đc: 'được',
  dc: 'được',
  lh: 'liên hệ',
  ks: 'khám sức khỏe',
  ksk: 'khám sức khỏe',
  ytế: 'y tế',
  tks: 'cảm ơn',
  thanks: 'cảm ơn',
  thank: 'cảm ơn',
  thks: 'cảm ơn',
  camon: 'cảm ơn',
  vg: 'vâng',
  uk: 'ừ',
  uh: 'ừ',
  uhm: 'ừ',
  ừm: 'ừ',
  ok: 'ok',
  oke: 'ok',
  okie: 'ok',
  okay: 'ok',
  oki: 'ok',
  okê: 'ok',
  'ô kê': 'ok',
  j: 'gì',
  vs: 'với',
  r: 'rồi',
  ntn: 'như thế nào',
  bn: 'bao nhiêu',
  ng: 'người',
  bv: 'bệnh viện',
};

/** Emoji that carry a meaning, as the words they stand for. */
const EMOJI: [RegExp, string][] = [
  [/👍+(?:\p{Emoji_Modifier})?/gu, ' ok '],
  [/👌/gu, ' ok '],
  [/🙏+(?:\p{Emoji_Modifier})?/gu, ' cảm ơn '],
  [/❤️|💕|🌹|💐/gu, ' cảm ơn '],
  [/👎/gu, ' không '],
  [/👋/gu, ' chào '],
];

/** Whole-message number words, for menus ("hai", "số ba", "chọn một"). */
const NUMBER_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

/** Particles and forms of address that end a polite sentence and carry no meaning of their own. */
const TRAILING = ['ạ', 'a', 'nhé', 'nhe', 'nhá', 'với', 'cháu', 'con', 'em', 'bạn', 'ơi', 'luôn', 'giúp', 'hộ', 'đi', 'thế', 'vậy'];

/** Typed without marks, only these are surely particles ("nha" may be "nhà", "ho" may be "ho"). */
const BARE_TRAILING = ['a', 'nhe', 'voi', 'chau', 'con', 'em', 'ban', 'oi', 'luon', 'giup', 'di', 'the', 'vay'];
const isTrailing = (raw: string) => TRAILING.includes(raw) || BARE_TRAILING.includes(raw);

/** Keys of Telex or VNI typed without an input method: "ddatj lichj" -> "dat lich", "d9a85t" -> "dat". */
export function stripTypingKeys(token: string): string {
  if (/[a-z]\d|\d[a-z]/.test(token) && /^[a-z0-9]+$/.test(token) && /[a-z]/.test(token)) return token.replace(/\d/g, '');
  if (!/^[a-z]+$/.test(token) || token.length < 3) return token;
  let t = token.replace(/dd/g, 'd').replace(/aa|aw/g, 'a').replace(/ee/g, 'e').replace(/oo|ow/g, 'o').replace(/uw/g, 'u');
  if (/[aeiouy][a-z]*[sfrxj]$/.test(t) && !/(ch|nh|ng)$/.test(t)) t = t.slice(0, -1);
  return t.replace(/w/g, 'u');
}

function splitWords(text: string): string[] {
  return text.split(/[^\p{L}\p{M}\p{N}/:]+/u).filter(Boolean);
}

/** NFC, full-width digits, emoji, abbreviations, a lone number word, trailing particles. Pure and total. */
export function normalize(input: string): Normalized {
  let text = input.normalize('NFC').replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48));
  // Every emoji with a meaning lies above U+2000, where Vietnamese text has no letters.
  if (/[^\u0000-\u1fff]/u.test(text)) for (const [re, words] of EMOJI) text = text.replace(re, words);
  text = text.replace(/\p{Extended_Pictographic}/gu, ' ').toLowerCase();
  let words = splitWords(text).flatMap((raw) => {
    const expanded = ABBREVIATIONS[raw];
    return expanded ? expanded.split(' ') : [raw];
  });
  // "đặt lịch ạ", "vâng cháu ạ", "ok nhé": the particles at the end are politeness.
  while (words.length > 1 && isTrailing(words[words.length - 1]!)) words = words.slice(0, -1);
  const lone = /^(?:(?:chọn|chon|số|so)\s+)*(\S+)$/u.exec(words.join(' '));
  if (lone && words.length <= 3 && /^\d{1,2}$/.test(lone[1]!)) words = [lone[1]!];
  else if (lone && words.length <= 3) {
    const w = toWord(lone[1]!);
    // Bare "khong" is a no, not zero; "ba" is three only when typed without marks or as "ba".
    const n = NUMBER_WORDS.findIndex((nw, i) => i > 0 && wordIs(w, nw));
    if (n > 0) words = [String(n)];
  }
  const list = words.map(toWord);
  return {
    text: words.join(' '),
    words: list,
    folded: list.map((w) => w.folded).join(' '),
    marked: list.some((w) => w.marked),
  };
}

/** A phrase written with diacritics, as the words it is compared on. */
export type Phrase = readonly Word[];

const phraseCache = new Map<string, Phrase>();

/** The phrase's words, split once: the same phrases are looked for in every message. */
export function compilePhrase(phrase: string): Phrase {
  let compiled = phraseCache.get(phrase);
  if (!compiled) {
    compiled = phrase.split(' ').map(toWord);
    if (phraseCache.size < 10_000) phraseCache.set(phrase, compiled);
  }
  return compiled;
}

/** Where `phrase` (written with diacritics) occurs in `words` as whole words, or -1. */
export function phraseAt(words: readonly Word[], phrase: string | Phrase, from = 0): number {
  const wanted = typeof phrase === 'string' ? compilePhrase(phrase) : phrase;
  const last = words.length - wanted.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < wanted.length; j++) if (!wordIs(words[i + j]!, wanted[j]!)) continue outer;
    return i;
  }
  return -1;
}

export const hasPhrase = (words: readonly Word[], phrase: string | Phrase) => phraseAt(words, phrase) >= 0;

/** Whether any of the phrases occurs in `words`. */
export const hasAnyPhrase = (words: readonly Word[], phrases: readonly Phrase[]) => phrases.some((p) => phraseAt(words, p) >= 0);
