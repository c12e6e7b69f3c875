import { isRetraction, yesNo, YES_PHRASES, NO_PHRASES, type Answer } from './answers';
import { detectEmergency, type EmergencySign } from './emergency';
import { intentVocabulary, matchIntent, typedFormOf, type IntentMatch } from './intents';
import { compilePhrase, hasAnyPhrase, hasPhrase, normalize, phraseAt, stripTypingKeys, toWord, WordSet, type Normalized, type Phrase, type Word } from './normalize';

/**
 * The understanding step: one pure function from a message to what it means, run before any flow sees the
 * message. Flows and the turn act on this meaning; the corpora in test/corpus measure it.
 */

type SmallTalk = 'greeting' | 'thanks' | 'bye' | 'ack';

export interface Meaning {
  norm: Normalized;
  /** Checked first, in every state. */
  emergency: EmergencySign | null;
  /** Yes / no to the question on screen; a no-word anywhere makes it a no. */
  answer: Answer;
  /** "không … nữa", "thôi khỏi": taking back what was started. */
  retraction: boolean;
  /** Nothing but no-words and politeness ("thôi", "không ạ", "thôi khỏi"): a no even where a value is asked. */
  bareNo: boolean;
  /** A menu number ("2", "số hai", "chọn 2"). */
  number: number | null;
  /** "menu", "thoát", "0", "quay lại": back to the main menu from anywhere. */
  toMenu: boolean;
  /** "kết thúc", "xong rồi", "tạm biệt": ends a live chat with staff. */
  endChat: boolean;
  /** What the message asks for; null when negated ("không đặt lịch nữa"). */
  intent: IntentMatch | null;
  smallTalk: SmallTalk | null;
  /** About coming to the exam: "sẽ đến", "không đi được", "đã đến" (read only where a booking makes it matter). */
  attendance: Attendance | null;
}


const MENU_COMMANDS = ['menu', 'bắt đầu', 'start', 'thoát', 'quay lại', 'về menu', 'trang chủ', 'hủy bỏ', 'huỷ bỏ', 'trở về', 'bắt đầu lại', 'về trang chủ', 'mở menu', 'xem menu', 'thoát ra', 'ra menu'];
const END_CHAT = ['kết thúc', 'kết thúc trò chuyện', 'dừng trò chuyện', 'quay lại trợ lý', 'trợ lý tự động', 'xong rồi', 'xong', 'tạm biệt', 'hết rồi', 'không hỏi nữa', 'thế thôi'];

const SMALL_TALK: { kind: SmallTalk; phrases: string[] }[] = [
  { kind: 'thanks', phrases: ['cảm ơn', 'cám ơn', 'xin cảm ơn', 'cảm ơn nhiều', 'biết ơn'] },
  { kind: 'bye', phrases: ['tạm biệt', 'bye', 'bai', 'hẹn gặp lại', 'chúc ngủ ngon', 'chào tạm biệt'] },
  { kind: 'greeting', phrases: ['chào', 'xin chào', 'hello', 'hi', 'alo', 'a lô', 'chào buổi sáng', 'chào buổi chiều', 'kính chào'] },
];
/** Words that may come with small talk without making it a request. */
const COURTESY =
  'tôi bác ông bà cháu em con mình anh chị cô chú bạn nhiều lắm rất ạ nhé nha nhá ơi rồi xong vâng dạ ok được chúc sức khỏe khoẻ khỏe buổi sáng chiều tối ngày tốt lành nhé thật';
const COURTESY_WORDS = new WordSet(COURTESY.split(' '));

/** A bare no: nothing but no-words, politeness, "lại" and "nữa". */
const BARE_NO_WORDS = new WordSet([...NO_PHRASES.flatMap((p) => p.split(' ')), ...COURTESY.split(' '), 'lại', 'nữa']);

type Attendance = 'coming' | 'notComing' | 'arrived';

/** Any of these anywhere: the cadre cannot come ("mai tôi ốm, không đi được ạ", "ko di dc", "bận rồi"). */
const NOT_COMING = [
  'không đến được', 'không đi được', 'không tới được', 'không đi khám được', 'không thể đến', 'không thể đi', 'không đến', 'không đi',
  'không tới', 'đi không được', 'đến không được', 'chưa đi được', 'chưa đến được', 'bận', 'vắng', 'không kịp', 'không khám được',
];
/**
 * The whole message, give or take politeness: the cadre will come ("dạ tôi sẽ đến"). A trailing "đi" is read as
 * a particle and dropped ("tôi sẽ đi" arrives as "tôi sẽ"), hence "sẽ" and "vẫn" alone.
 */
const COMING = [
  'sẽ', 'vẫn',
  'sẽ đến', 'sẽ đi', 'sẽ tới', 'có đến', 'có đi', 'vẫn đến', 'vẫn đi', 'đến được', 'đi được', 'sẽ có mặt', 'đi khám', 'đến khám',
  'sẽ đi khám', 'sẽ đến khám', 'tôi đến', 'tôi đi', 'đến đúng giờ', 'chắc chắn đến', 'nhất định đến', 'mai đến', 'mai đi',
];
/** The whole message, give or take politeness: the cadre is at the clinic ("đã đến", "tôi tới rồi"). */
const ARRIVED = [
  'đã đến', 'đến rồi', 'đã tới', 'tới rồi', 'đã có mặt', 'có mặt rồi', 'có mặt', 'đến nơi rồi', 'đã đến nơi', 'đang ở phòng khám',
  'đến phòng khám rồi', 'đã đến phòng khám', 'tôi đến rồi', 'đang ở đây', 'ở phòng khám rồi',
];
const AROUND_ATTENDANCE = new WordSet([...COURTESY.split(' '), ...'mai ngày hôm nay sáng chiều nhé ạ dạ vâng ừ tôi bác ông bà cháu con mình đúng giờ rồi'.split(' ')]);
const [NOT_COMING_PHRASES, ARRIVED_PHRASES, COMING_PHRASES] = [NOT_COMING, ARRIVED, COMING].map((list) => list.map(compilePhrase));

/** The phrase the message is, around words that change nothing ("dạ, mai tôi sẽ đến ạ"). */
function wholePhrase(words: Word[], phrases: readonly Phrase[]): boolean {
  for (const p of phrases) {
    const at = phraseAt(words, p);
    if (at < 0) continue;
    if (words.every((w, k) => (k >= at && k < at + p.length) || AROUND_ATTENDANCE.has(w))) return true;
  }
  return false;
}

function attendanceOf(words: Word[]): Attendance | null {
  if (hasAnyPhrase(words, NOT_COMING_PHRASES!)) return 'notComing';
  if (wholePhrase(words, ARRIVED_PHRASES!)) return 'arrived';
  if (wholePhrase(words, COMING_PHRASES!)) return 'coming';
  return null;
}

const VOCABULARY = new Set<string>([
  ...intentVocabulary,
  ...[...YES_PHRASES, ...NO_PHRASES, ...MENU_COMMANDS, ...END_CHAT, ...SMALL_TALK.flatMap((s) => s.phrases)].flatMap((p) => toWord(p).folded.split(' ')),
]);

/** Stray Telex/VNI keys ("ddatj lichj", "d9a85t") become the word they spell, when that word is one we know. */
function withoutTypingKeys(words: Word[]): { words: Word[]; changed: boolean } {
  let changed = false;
  const out = words.map((w) => {
    if (w.marked || VOCABULARY.has(w.folded)) return w;
    const stripped = stripTypingKeys(w.folded);
    if (stripped !== w.folded && VOCABULARY.has(stripped)) {
      changed = true;
      return toWord(stripped);
    }
    return w;
  });
  return { words: out, changed };
}

const isWhole = (words: Word[], phrases: readonly Phrase[]) => phrases.some((p) => p.length === words.length && phraseAt(words, p) === 0);
const [MENU, END, FINISHED] = [MENU_COMMANDS, END_CHAT, ['xong rồi']].map((list) => list.map(compilePhrase));

/** Each kind of small talk with its phrases and the words they are made of. */
const SMALL_TALK_COMPILED = SMALL_TALK.map((s) => ({ kind: s.kind, phrases: s.phrases.map(compilePhrase), words: new WordSet(s.phrases.flatMap((p) => p.split(' '))) }));

function smallTalkOf(words: Word[]): SmallTalk | null {
  for (const s of SMALL_TALK_COMPILED) {
    if (!hasAnyPhrase(words, s.phrases)) continue;
    if (words.every((w) => s.words.has(w) || COURTESY_WORDS.has(w))) return s.kind;
  }
  return null;
}

const NEGATING = ['không', 'khỏi', 'đừng', 'chưa', 'chẳng', 'chả', 'không cần', 'không muốn'].map(compilePhrase);

/** An intent the message itself takes back: "không đặt lịch nữa", "thôi khỏi hủy lịch", "đừng hủy". */
function negatedIntent(words: Word[], m: IntentMatch): boolean {
  return hasAnyPhrase(words.slice(0, m.start), NEGATING);
}

/** What a message means. Pure, total and fast: it runs on every message. */
export function understand(message: string): Meaning {
  // A tap on the OA's menu means what typing its label means.
  const text = typedFormOf(message);
  const norm = normalize(text);
  const emergency = detectEmergency(text);
  const fixed = withoutTypingKeys(norm.words);
  const words = fixed.words;
  // "#4" or "id 4" name something else; only a number typed as a choice is one.
  const numeric = /^\d{1,2}$/.test(norm.folded) && !/[#@/]/.test(text) ? Number(norm.folded) : null;
  const answer = yesNo(words);
  let intent = numeric === null ? matchIntent(words) : null;
  if (intent && fixed.changed) intent = { ...intent, fuzzy: true };
  if (intent && negatedIntent(words, intent)) intent = null;
  const toMenu = numeric === 0 || isWhole(words, MENU!);
  const endChat = isWhole(words, END!) || (hasPhrase(words, 'kết thúc') && words.length <= 4) || (isWhole(words.slice(0, 2), FINISHED!) && smallTalkOf(words.slice(2)) !== null);
  const smallTalk = intent && !intent.fuzzy ? null : (smallTalkOf(words) ?? (answer === 'yes' && words.length <= 3 ? 'ack' : null));
  return {
    norm,
    emergency,
    answer,
    retraction: isRetraction(words),
    bareNo: answer === 'no' && words.every((w) => BARE_NO_WORDS.has(w)),
    number: numeric,
    toMenu,
    endChat,
    intent: smallTalk && smallTalk !== 'ack' ? null : intent,
    smallTalk,
    attendance: numeric === null ? attendanceOf(words) : null,
  };
}

/** What the bot makes of a message, by where the conversation is; the turn acts on it and the corpus checks it. */
export type Decision =
  | { kind: 'emergency' }
  | { kind: 'menu' }
  | { kind: 'intent'; id: IntentMatch['id'] }
  /** A near miss, or a command typed where an answer was expected: ask first. */
  | { kind: 'confirmIntent'; id: IntentMatch['id'] }
  | { kind: 'smallTalk'; what: SmallTalk }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'number'; n: number }
  /** Left to the flow (a value for the field asked, a menu option, or not understood). */
  | { kind: 'flow' }
  | { kind: 'unknown' }
  /** Answers to the day-before question, and "đã đến" on the exam day. */
  | { kind: 'coming' }
  | { kind: 'notComing' }
  | { kind: 'arrived' };

/**
 * Where the conversation stands: nothing pending (idle), a summary waiting for yes/no (confirm), a value being
 * asked (field), the day-before question answered (reminder: "1 Sẽ đến · 2 Đổi lịch · 3 Không đến được"), the
 * exam day with a booking (examDay: "đã đến" checks in).
 */
export type Where = 'idle' | 'confirm' | 'field' | 'reminder' | 'examDay';

export function decide(m: Meaning, where: Where): Decision {
  if (m.emergency) return { kind: 'emergency' };
  if (m.toMenu) return { kind: 'menu' };
  if (where === 'examDay') return m.attendance === 'arrived' ? { kind: 'arrived' } : decide(m, 'idle');
  if (where === 'reminder') {
    if (m.number !== null) return { kind: 'number', n: m.number };
    if (m.intent && !m.intent.fuzzy && (m.intent.id === 'moveBooking' || m.intent.id === 'cancelBooking')) return { kind: 'intent', id: m.intent.id };
    if (m.attendance === 'notComing') return { kind: 'notComing' };
    if (m.attendance === 'coming' || m.attendance === 'arrived') return { kind: 'coming' };
    if (m.answer === 'yes') return { kind: 'coming' };
    if (m.bareNo) return { kind: 'notComing' };
    return decide(m, 'idle');
  }
  if (where === 'confirm') {
    if (m.answer === 'no' || m.retraction) return { kind: 'no' };
    if (m.answer === 'yes') return { kind: 'yes' };
    if (m.number !== null) return { kind: 'number', n: m.number };
    if (m.intent?.strong) return { kind: 'confirmIntent', id: m.intent.id };
    return { kind: 'flow' };
  }
  if (where === 'field') {
    if (m.intent?.strong && !m.intent.fuzzy) return { kind: 'confirmIntent', id: m.intent.id };
    if (m.retraction || m.bareNo) return { kind: 'no' };
    return { kind: 'flow' };
  }
  if (m.number !== null) return { kind: 'number', n: m.number };
  if (m.intent) return m.intent.fuzzy ? { kind: 'confirmIntent', id: m.intent.id } : { kind: 'intent', id: m.intent.id };
  if (m.smallTalk) return { kind: 'smallTalk', what: m.smallTalk };
  if (m.answer === 'no' || m.retraction) return { kind: 'no' };
  return { kind: 'unknown' };
}
