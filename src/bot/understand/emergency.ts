import { compilePhrase, phraseAt, toWord, wordDistance, wordIs, WordSet, type Word } from './normalize';

/**
 * Recognises a message that tells of a medical emergency, so the bot answers "call 115" at once and pages the
 * on-call staff, in every state. Checked before anything else, and never overruled by what else the message
 * might mean.
 *
 * - Signs, not diagnoses: FAST stroke signs, chest pain in its usual wordings, breathing, consciousness,
 *   seizures, bleeding, poisoning; a fall counts with an injury or when the person cannot get up; a blood
 *   pressure of 180/110 or more counts with a symptom; palpitations count with sweating or fainting.
 * - A word typed with diacritics is matched with them ("ngắt điện" is not "ngất"); a word without any on its
 *   letters. A phrase of two or more words also matches with one letter wrong ("khó thỏ", "dau ngwc").
 * - Negation and history: "tôi không khó thở", "hết đau ngực rồi", "từng bị tai biến năm 2019", "thuốc chống
 *   co giật", "sợ bị đột quỵ" are not emergencies. A question about one still is ("có phải đột quỵ không").
 */

export type EmergencyKind =
  | 'stroke'
  | 'chest'
  | 'breathing'
  | 'consciousness'
  | 'seizure'
  | 'fall'
  | 'bleeding'
  | 'poisoning'
  | 'bloodPressure'
  | 'palpitations'
  | 'general';

export interface EmergencySign {
  kind: EmergencyKind;
  /** The phrase as listed (for staff and tests). */
  phrase: string;
}

type Item = { word: Word } | { gap: true };

/** A phrase of the lists above, split and measured once. */
interface Compiled {
  phrase: string;
  items: Item[];
  /** Letters of its words, to rule it out when too few of them are in the message. */
  folded: string[];
  /** Typos allowed: one in a phrase of two or more words and five or more letters. */
  maxCost: number;
  /** A typo'd phrase must still start with its first word's first letter ("co giật", not "no giật"). */
  firstLetter: string;
}

function compile(phrase: string): Compiled {
  const items: Item[] = phrase.split(' ').map((w) => (w === '…' ? { gap: true } : { word: toWord(w) }));
  const words = items.flatMap((x) => ('word' in x ? [x.word] : []));
  const letters = phrase.replace(/…/g, '').replace(/\s/g, '').length;
  return { phrase, items, folded: words.map((w) => w.folded), maxCost: words.length >= 2 && letters >= 5 ? 1 : 0, firstLetter: words[0]?.folded[0] ?? '' };
}

/**
 * Phrases looked for in every message, indexed by their words' letters: a phrase can only match when at least
 * one of its words is in the message (a typo changes one word of two or more), so only those are tried, in
 * list order.
 */
class PhraseList<T extends { phrase: string }> {
  readonly entries: (T & Compiled)[];
  private readonly byWord = new Map<string, number[]>();

  constructor(list: T[]) {
    this.entries = list.map((x) => ({ ...x, ...compile(x.phrase) }));
    this.entries.forEach((e, i) => {
      for (const f of new Set(e.folded)) {
        const at = this.byWord.get(f);
        if (at) at.push(i);
        else this.byWord.set(f, [i]);
      }
    });
  }

  /** The entries that may match these tokens, in list order. */
  candidates(tokens: Token[]): (T & Compiled)[] {
    const found = new Set<number>();
    for (const t of tokens) for (const i of this.byWord.get(t.folded) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => this.entries[i]!);
  }
}

const phraseList = (phrases: string[]) => new PhraseList(phrases.map((phrase) => ({ phrase })));

interface Pattern {
  kind: EmergencyKind;
  /** Words with diacritics; "…" allows up to two other words in between. */
  phrase: string;
  /** Not this sign when the next word is one of these ("ngất ngây", "nghẹn ngào"). */
  notBefore?: WordSet;
  /** Not this sign when the word just before is one of these ("cao ngất", "sốt xuất huyết"). */
  notAfter?: WordSet;
  /** Typed without marks, counts only after one of these words ("doi xiu" is "đợi xíu"). */
  bareAfter?: WordSet;
}

type WordLists = { [K in 'notBefore' | 'notAfter' | 'bareAfter']?: string[] };

function P(kind: EmergencyKind, phrases: string[], lists: WordLists = {}): Pattern[] {
  const sets = Object.fromEntries(Object.entries(lists).map(([k, words]) => [k, new WordSet(words)]));
  return phrases.map((phrase) => ({ kind, phrase, ...sets }));
}

const PATTERN_LIST: Pattern[] = [
  ...P('stroke', [
    'đột quỵ', 'tai biến', 'trúng gió', 'méo miệng', 'méo mồm', 'lệch miệng', 'méo mặt', 'méo … miệng', 'miệng … méo', 'mồm … méo',
    'mặt … méo', 'mặt … lệch', 'miệng … lệch', 'nói ngọng', 'nói không rõ', 'nói không ra', 'nói không được', 'nói lắp bắp', 'líu lưỡi',
    'nói líu', 'nói đớ', 'đớ lưỡi', 'cứng lưỡi', 'yếu nửa người', 'liệt nửa người', 'tê nửa người', 'yếu … nửa người',
    'liệt … nửa người', 'tê … nửa người', 'nửa người … yếu', 'nửa người … tê', 'nửa người … liệt', 'yếu một bên', 'tê một bên',
    'liệt một bên', 'yếu … một bên', 'tê … một bên', 'liệt … một bên', 'một bên … yếu', 'một bên … tê', 'một bên … liệt',
    'không nhấc được tay', 'không nhấc nổi tay', 'không nhấc được chân', 'tay … không nhấc', 'xệ một bên', 'rũ một bên',
  ]),
  ...P('stroke', ['khó nói', 'nói khó'], { notAfter: ['chuyện', 'bệnh', 'điều', 'thật', 'rất', 'hơi', 'cũng', 'đề', 'vấn', 'này', 'ấy', 'đó', 'thế'] }),
  ...P('chest', [
    'đau ngực', 'tức ngực', 'thắt ngực', 'nặng ngực', 'nhói ngực', 'đè ngực', 'ép ngực', 'bó ngực', 'đau … ngực', 'tức … ngực',
    'ngực … đè', 'ngực đau', 'ngực … tức', 'ngực … thắt', 'ngực … nặng', 'đau tim', 'nhồi máu cơ tim', 'nhồi máu', 'ngừng tim',
    'tim ngừng', 'cơn đau thắt',
  ]),
  ...P('breathing', [
    'khó thở', 'thở không nổi', 'thở … không nổi', 'thở không được', 'thở … không được', 'không thở được', 'không thở nổi',
    'ngừng thở', 'thở dốc', 'thở gấp', 'thở hổn hển', 'ngạt thở', 'nghẹt thở', 'tắc thở', 'thở không ra hơi', 'không thở',
    'tím tái', 'tím môi', 'môi tím', 'tím người', 'người tím', 'lên cơn hen', 'cơn hen',
  ]),
  ...P('breathing', ['nghẹn'], { notBefore: ['ngào', 'lời', 'họng'] }),
  ...P('breathing', ['hóc'], { notBefore: ['búa', 'hách'] }),
  ...P('consciousness', [
    'ngất xỉu', 'té xỉu', 'bất tỉnh', 'lơ mơ', 'mê man', 'hôn mê', 'gọi không tỉnh', 'gọi … không tỉnh', 'gọi … không trả lời',
    'gọi … không thưa', 'lay … không tỉnh', 'gọi … không biết', 'lịm đi', 'li bì', 'ngã gục', 'gục xuống', 'ngã quỵ', 'ngã lăn',
    'không phản ứng', 'mất ý thức', 'mất tri giác', 'không nhận ra ai',
  ]),
  ...P('consciousness', ['ngất'], { notBefore: ['ngây', 'ngưởng', 'trời'], notAfter: ['cao', 'thơm'] }),
  ...P('consciousness', ['không tỉnh', 'chưa tỉnh'], { notBefore: ['táo', 'ngủ', 'nào', 'thành', 'lại'] }),
  ...P('consciousness', ['xỉu'], {
    notAfter: ['đợi', 'chờ', 'một', 'tí', 'chút', 'nghỉ', 'ngồi', 'hỏi', 'nói', 'nhắn', 'ngủ', 'xíu'],
    bareAfter: ['bị', 'ngất', 'té', 'lăn', 'muốn', 'sắp', 'gần', 'đã', 'vừa', 'ngã', 'như', 'tôi', 'ông', 'bà', 'bố', 'mẹ', 'ba', 'má'],
  }),
  ...P('seizure', ['co giật', 'lên cơn co', 'lên cơn động kinh', 'cơn động kinh', 'sùi bọt mép', 'co quắp', 'cứng người', 'trợn mắt', 'giật … người'], {
    notBefore: ['mình'],
  }),
  ...P('bleeding', [
    'nôn ra máu', 'ói ra máu', 'mửa ra máu', 'nôn máu', 'ói máu', 'ho ra máu', 'khạc ra máu', 'đi ngoài ra máu', 'đi cầu ra máu',
    'đi ngoài phân đen', 'phân đen', 'đại tiện ra máu', 'chảy máu nhiều', 'chảy máu không cầm', 'chảy máu không ngừng',
    'chảy máu … không cầm', 'chảy máu … nhiều', 'chảy máu … không ngừng', 'máu chảy … không cầm', 'máu chảy nhiều', 'máu chảy không ngừng',
    'máu chảy … nhiều', 'máu … không cầm', 'mất máu', 'mất nhiều máu', 'băng huyết', 'ra máu nhiều', 'nôn … máu', 'ói … máu',
  ]),
  ...P('bleeding', ['xuất huyết'], { notAfter: ['sốt'] }),
  ...P('poisoning', [
    'ngộ độc', 'trúng độc', 'uống nhầm', 'uống quá liều', 'quá liều', 'uống nhiều thuốc', 'uống cả vỉ', 'uống hết vỉ', 'uống thuốc chuột',
    'uống thuốc sâu', 'thuốc diệt cỏ', 'uống … thuốc sâu', 'uống … thuốc chuột', 'nuốt nhầm', 'ăn nhầm', 'uống … quá liều', 'uống … thuốc tự tử',
  ]),
  ...P('general', ['cấp cứu', 'gọi 115', 'sắp chết', 'nguy kịch', 'hấp hối', 'cứu với', 'nguy hiểm tính mạng', 'không qua khỏi']),
];

const PATTERNS = new PhraseList(PATTERN_LIST);

/** Signs that only count together with another one. */
const FALL = phraseList(['ngã', 'té', 'trượt ngã', 'té ngã', 'bị ngã']);
const FALL_NOT_BEFORE = new WordSet(['ba', 'tư', 'sáu', 'bảy', 'giá', 'ngũ', 'lòng', 'ra', 'ngửa', 'mũ', 'bệnh', 'nước', 'rẽ']);
const INJURY = phraseList([
  'không dậy', 'không dậy được', 'không đứng dậy', 'không đứng lên', 'không tự dậy', 'không ngồi dậy', 'không dậy nổi', 'không đứng được',
  'nằm im', 'nằm bất động', 'đập đầu', 'va đầu', 'chảy máu', 'gãy', 'bất tỉnh', 'không cử động', 'không đi được', 'không nhúc nhích',
  'trẹo', 'sưng', 'u đầu', 'chấn thương', 'vỡ đầu', 'bể đầu', 'rách', 'đau lắm', 'đau quá', 'ngất', 'xỉu', 'lơ mơ', 'dập',
]);
const PALPITATION = phraseList([
  'tim đập nhanh', 'tim đập mạnh', 'tim đập loạn', 'tim đập thình thịch', 'tim … đập nhanh', 'tim … đập loạn', 'hồi hộp', 'đánh trống ngực',
  'trống ngực', 'loạn nhịp', 'nhịp tim nhanh', 'tim nhanh', 'đánh trống',
]);
const PALPITATION_WITH = phraseList(['mồ hôi', 'choáng', 'xỉu', 'ngất', 'lả', 'tối sầm', 'muốn ngã', 'hoa mắt', 'ngã', 'vã']);
const BP_SYMPTOMS = phraseList([
  'đau đầu', 'nhức đầu', 'chóng mặt', 'mờ mắt', 'nhìn mờ', 'hoa mắt', 'buồn nôn', 'nôn', 'ói', 'đau ngực', 'tức ngực', 'khó thở', 'tê',
  'yếu', 'lơ mơ', 'choáng', 'lú lẫn', 'nói khó', 'co giật', 'mệt lả', 'đau gáy', 'đỏ mặt', 'váng đầu', 'vã mồ hôi', 'khó chịu',
]);

/** Before a sign, these make it not happening now. */
const NEGATORS = new WordSet(['không', 'chẳng', 'chả', 'chưa', 'hết', 'khỏi', 'ko', 'k', 'hông', 'không còn', 'đâu có']);
/** After a negator, these make it not knowing rather than denying ("không biết có phải đột quỵ không"). */
const NOT_KNOWING = new WordSet(['biết', 'rõ', 'hiểu', 'hiểu sao']);
/** Only with marks: typed bare they are other words ("do" = because). */
const MARKED_NEGATORS = new WordSet(['đỡ', 'bớt']);
const NOT_NOW = new WordSet(['sợ', 'lo', 'nếu', 'phòng', 'ngừa', 'tránh', 'chống', 'thuốc', 'tầm soát', 'sàng lọc', 'tái khám', 'từng', 'tiền sử']);
/** "tầm soát", "sàng lọc", "tái khám", "tiền sử" typed as two words before the sign. */
const SCREENING_FIRST = new WordSet(['tầm', 'sàng', 'tái', 'tiền']);
const SCREENING_SECOND = new WordSet(['soát', 'lọc', 'khám', 'sử']);
/** Words that may stand between a negator and the sign ("không hề bị khó thở"). */
const FILLERS = new WordSet(['bị', 'có', 'còn', 'hề', 'thấy', 'cảm', 'hay', 'phải', 'đang', 'hẳn', 'gì', 'là', 'cứ', 'tí', 'nào', 'hơi', 'thì', 'bao', 'giờ', 'lại', 'đột', 'nhiên', 'tôi', 'ông', 'bà', 'bố', 'mẹ', 'cháu', 'con', 'em', 'mình', 'nhà', 'ấy', 'đó', 'người', 'ai']);
/** In the same clause, these place the sign in the past, make it lifelong, or make it a topic ("… có di truyền không"). */
const HISTORY = ['tháng trước', 'tuần trước', 'hôm trước', 'di truyền', 'là gì', 'nguyên nhân', 'định kỳ', 'tầm soát', 'sàng lọc', 'từng', 'tiền sử', 'năm ngoái', 'năm trước', 'hồi trước', 'trước đây', 'đã khỏi', 'khỏi rồi', 'bẩm sinh', 'từ nhỏ', 'hồi nhỏ', 'từ bé', 'lâu rồi', 'mấy năm nay', 'hồi xưa', 'ngày xưa'].map(compilePhrase);

interface Token extends Word {
  /** Which clause the word belongs to (split at punctuation and at "nhưng", "chỉ", "mà"). */
  clause: number;
}

const CLAUSE_WORDS = new WordSet(['nhưng', 'chỉ', 'mà']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  for (const part of text.normalize('NFC').toLowerCase().split(/([,.;!?\n]+)/)) {
    if (/^[,.;!?\n]+$/.test(part)) {
      clause++;
      continue;
    }
    for (const raw of part.split(/[^\p{L}\p{M}\p{N}/]+/u).filter(Boolean)) {
      const w = toWord(raw);
      if (CLAUSE_WORDS.has(w)) clause++;
      tokens.push({ ...w, clause });
    }
  }
  return tokens;
}

interface Match {
  start: number;
  end: number;
}

/** Matches items at token i: returns the end index and the typo cost, best first. */
function matchFrom(tokens: Token[], items: Item[], i: number, maxCost: number): { end: number; cost: number } | null {
  return matchItems(tokens, items, i, maxCost, 0, i, 0);
}

/** Items from the k-th on at token t, `cost` typos spent (a plain function: a closure per call cost more than the match). */
function matchItems(tokens: Token[], items: Item[], i: number, maxCost: number, k: number, t: number, cost: number): { end: number; cost: number } | null {
  if (k === items.length) return { end: t, cost };
  const item = items[k]!;
  if ('gap' in item) {
    for (let skip = 0; skip <= 2; skip++) {
      if (t + skip > tokens.length) break;
      const r = matchItems(tokens, items, i, maxCost, k + 1, t + skip, cost);
      if (r) return r;
    }
    return null;
  }
  const token = tokens[t];
  if (!token || (t > i && token.clause !== tokens[i]!.clause)) return null;
  if (wordIs(token, item.word)) return matchItems(tokens, items, i, maxCost, k + 1, t + 1, cost);
  // Any other word is at least one edit away: a typo, only while the phrase allows one more. A typo is a wrong
  // mark ("thỏ" for "thở"), or one letter off that keeps the word's first letter ("ngwc" for "ngực", "mái" for
  // "máu"); "nhớ" is not "thở". Both are checked before the edit distance, which runs only when they pass.
  if (cost + 1 > maxCost) return null;
  if (token.folded !== item.word.folded && token.folded[0] !== item.word.folded[0]) return null;
  if (wordDistance(token, item.word) > 1) return null;
  return matchItems(tokens, items, i, maxCost, k + 1, t + 1, cost + 1);
}

/** Every match of a phrase in the tokens. */
function findAll(tokens: Token[], present: Set<string>, c: Compiled): Match[] {
  // A typo changes one word's letters at most: more words missing than that means no match at all (fast path).
  let missing = 0;
  for (const f of c.folded) if (!present.has(f)) missing++;
  if (missing > c.maxCost) return [];
  const out: Match[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const r = matchFrom(tokens, c.items, i, c.maxCost);
    if (r && (r.cost === 0 || tokens[i]!.folded[0] === c.firstLetter)) out.push({ start: i, end: r.end });
  }
  return out;
}

/** The words just before the sign, past fillers, say it is not happening ("không", "hết", "sợ", "thuốc"). */
function negatedAt(tokens: Token[], start: number): boolean {
  const clause = tokens[start]!.clause;
  for (let j = start - 1; j >= 0 && tokens[j]!.clause === clause; j--) {
    const w = tokens[j]!;
    // "không biết có phải đột quỵ không": not knowing is not a negation of the sign.
    if (NEGATORS.has(w) && !NOT_KNOWING.has(tokens[j + 1])) return true;
    if (w.marked && MARKED_NEGATORS.has(w)) return true;
    if (NOT_NOW.has(w)) return true;
    if (j >= 1 && SCREENING_FIRST.has(tokens[j - 1]) && SCREENING_SECOND.has(w)) return true;
    if (!FILLERS.has(w)) return false;
  }
  return false;
}

function inHistoryClause(tokens: Token[], m: Match): boolean {
  const clause = tokens[m.start]!.clause;
  const words = tokens.filter((t) => t.clause === clause);
  if (words.some((w) => /^(19|20)\d\d$/.test(w.folded))) return true;
  return HISTORY.some((h) => phraseAt(words, h) >= 0);
}

function accept(tokens: Token[], p: Pattern & Compiled, m: Match): boolean {
  if (p.notBefore && p.notBefore.has(tokens[m.end])) return false;
  if (p.notAfter && p.notAfter.has(tokens[m.start - 1])) return false;
  if (p.bareAfter && !tokens[m.start]!.marked && !p.bareAfter.has(tokens[m.start - 1])) return false;
  return !negatedAt(tokens, m.start) && !inHistoryClause(tokens, m);
}

function firstLive(tokens: Token[], present: Set<string>, phrases: PhraseList<{ phrase: string }>, from = 0, notBefore?: WordSet): Match | null {
  for (const c of phrases.candidates(tokens)) {
    for (const m of findAll(tokens, present, c)) {
      if (m.start < from) continue;
      if (notBefore?.has(tokens[m.end])) continue;
      if (!negatedAt(tokens, m.start) && !inHistoryClause(tokens, m)) return m;
    }
  }
  return null;
}

/** "huyết áp 200/110", "đo được 190 trên 100", "huyết áp lên 185": the highest reading typed. */
function bloodPressureCrisis(text: string): boolean {
  const t = text.normalize('NFC').toLowerCase();
  for (const m of t.matchAll(/(\d{2,3})\s*(?:\/|trên|tren|-)\s*(\d{2,3})/g)) {
    const [sys, dia] = [Number(m[1]), Number(m[2])];
    if (sys >= 60 && sys <= 300 && dia >= 30 && dia <= 200 && sys > dia && (sys >= 180 || dia >= 110)) return true;
  }
  const folded = toWord(t).folded;
  const single = /(?:huyet ap|ha|ap huyet)\D{0,12}?(\d{3})(?!\d|\s*(?:\/|tren))/.exec(folded);
  return !!single && Number(single[1]) >= 180 && Number(single[1]) <= 300;
}

/** The emergency a message tells of, or null. Pure; fast enough to run on every message. */
export function detectEmergency(text: string): EmergencySign | null {
  const tokens = tokenize(text);
  if (!tokens.length) return null;
  const present = new Set(tokens.map((t) => t.folded));
  for (const p of PATTERNS.candidates(tokens)) {
    if (findAll(tokens, present, p).some((m) => accept(tokens, p, m))) return { kind: p.kind, phrase: p.phrase.replace(/ … /g, ' ') };
  }
  const fall = firstLive(tokens, present, FALL, 0, FALL_NOT_BEFORE);
  if (fall) {
    const injury = firstLive(tokens, present, INJURY, fall.end);
    if (injury) return { kind: 'fall', phrase: 'ngã' };
  }
  const palpitation = firstLive(tokens, present, PALPITATION);
  if (palpitation && firstLive(tokens, present, PALPITATION_WITH)) return { kind: 'palpitations', phrase: 'tim đập nhanh' };
  if (bloodPressureCrisis(text) && firstLive(tokens, present, BP_SYMPTOMS)) return { kind: 'bloodPressure', phrase: 'huyết áp' };
  return null;
}
