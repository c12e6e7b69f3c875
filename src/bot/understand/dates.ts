import { addDays, isoIfValid } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { foldVietnamese } from '../text';

/**
 * Vietnamese dates and times as people type them, one reader for booking and home visits. Pure: everything is
 * relative to the `now` it is given, read as a day in Asia/Ho_Chi_Minh.
 *
 * Days: "hôm nay", "mai" / "ngày mai", "ngày kia" / "ngày mốt", "thứ hai" … "chủ nhật" (also "thứ 5", "t5",
 * "cn"), "thứ 5 tuần sau", "15/12", "15-12-2026", "15 tháng 12", "ngày 15", "mùng 5".
 * Times: "2 giờ chiều", "14h", "14h30", "7:30", "7 rưỡi", "7 giờ rưỡi sáng", and the part of day alone
 * ("sáng", "chiều").
 *
 * Diacritics carry meaning: when the input has them, words are matched with them ("tôi" is not "tối", "sang"
 * is not "sáng"); input typed without any is matched folded, and then the ambiguous words count only next to
 * a time or a day ("8 gio toi", "sang mai").
 */

type PartOfDay = 'morning' | 'noon' | 'afternoon' | 'evening';

export interface TimeMention {
  /** Minutes after local midnight, with the part of day applied (2 giờ chiều -> 840). */
  minutes: number | null;
  partOfDay: PartOfDay | null;
  /** An hour from 1 to 11 given without sáng/chiều: `minutes` is the morning reading, +12 h the other. */
  ambiguous: boolean;
}

export interface DateTimeMention {
  /** Local date YYYY-MM-DD, or null when none was named. */
  date: string | null;
  time: TimeMention | null;
}

/** 0 = Sunday … 6 = Saturday, for a local date. */
function weekdayOf(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

/** Lower case, NFC, punctuation (but not the separators of dates and times) to spaces. */
function tidy(input: string): string {
  return input
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[^\p{L}\p{N}/:.\-]+/gu, ' ')
    .replace(/(?<!\d)[.:\-/]|[.:\-/](?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Any Vietnamese letter with a mark (or đ): the writer typed diacritics, so they count. */
const hasMarks = (s: string) => /[^\x00-\x7f]/.test(s);

/** The text to match and a way to spell a vocabulary word for it (folded when the input has no marks). */
function reader(input: string) {
  const text = tidy(input);
  const marked = hasMarks(text);
  const form = (word: string) => (marked ? word : foldVietnamese(word));
  return { s: text, marked, form };
}

const alt = (words: string[]) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const re = (body: string) => new RegExp(`${B}(?:${body})${E}`, 'u');

// --- days ---------------------------------------------------------------------------------------------------

const WEEKDAY_WORDS: [number, string[]][] = [
  [1, ['thứ hai', 'thứ 2', 't2']],
  [2, ['thứ ba', 'thứ 3', 't3']],
  [3, ['thứ tư', 'thứ bốn', 'thứ 4', 't4']],
  [4, ['thứ năm', 'thứ 5', 't5']],
  [5, ['thứ sáu', 'thứ 6', 't6']],
  [6, ['thứ bảy', 'thứ 7', 't7']],
  [0, ['chủ nhật', 'cn']],
];
const NEXT_WEEK = ['tuần sau', 'tuần tới', 'tuần tiếp theo', 'tuần tiếp'];

/** The date a weekday names: this week's when still ahead (today counts), "tuần sau" the one in next week. */
function weekdayDate(today: string, weekday: number, nextWeek: boolean): string {
  const todayDow = weekdayOf(today);
  if (nextWeek) {
    // Weeks run Monday to Sunday.
    const mondayNext = addDays(today, 7 - ((todayDow + 6) % 7));
    return addDays(mondayNext, (weekday + 6) % 7);
  }
  return addDays(today, (weekday - todayDow + 7) % 7);
}

/** Day and month without a year: this year when still ahead (today counts), else next year. */
function dayMonthDate(today: string, day: number, month: number, year?: number): string | null {
  if (year !== undefined) return isoIfValid(year < 100 ? 2000 + year : year, month, day);
  const y = Number(today.slice(0, 4));
  const thisYear = isoIfValid(y, month, day);
  if (thisYear && thisYear >= today) return thisYear;
  return isoIfValid(y + 1, month, day) ?? thisYear;
}

/** Reads the day named in `input`, relative to `now`; null when none is named. */
export function parseDay(input: string, now: number): string | null {
  const { s, form } = reader(input);
  const today = vietnamDate(now);
  const has = (words: string[]) => re(alt(words.map(form))).test(s);

  // Numeric dates first: "15/12", "15-12-2026", "15.12".
  let m = new RegExp(`${B}(\\d{1,2})\\s*[/.\\-]\\s*(\\d{1,2})(?:\\s*[/.\\-]\\s*(\\d{4}|\\d{2}))?${E}`, 'u').exec(s);
  if (m) {
    const date = dayMonthDate(today, Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (date) return date;
  }
  // "15 tháng 12 (năm 2026)", "ngày 15 tháng 12".
  m = new RegExp(`${B}(\\d{1,2})\\s+(?:${form('tháng')}|th)\\s*(\\d{1,2})(?:\\s+(?:${form('năm')}\\s+)?(\\d{4}))?${E}`, 'u').exec(s);
  if (m) {
    const date = dayMonthDate(today, Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (date) return date;
  }
  if (has(['ngày kia', 'ngày mốt', 'mốt'])) return addDays(today, 2);
  if (has(['mai', 'ngày mai', 'mai kia'])) return addDays(today, 1);
  if (has(['hôm nay', 'bữa nay', 'hnay', 'ngày hôm nay', 'sáng nay', 'chiều nay', 'trưa nay'])) return today;

  const nextWeek = has(NEXT_WEEK);
  for (const [weekday, words] of WEEKDAY_WORDS) {
    if (has(words)) return weekdayDate(today, weekday, nextWeek);
  }
  // "ngày 15", "mùng 5": this month when still ahead, else next month.
  m = new RegExp(`${B}(?:${alt(['ngày', 'mùng', 'mồng'].map(form))})\\s+(\\d{1,2})${E}`, 'u').exec(s);
  if (m) {
    const day = Number(m[1]);
    const [y, mo] = today.split('-').map(Number) as [number, number];
    const date = isoIfValid(y, mo, day);
    if (date && date >= today) return date;
    return mo === 12 ? isoIfValid(y + 1, 1, day) : isoIfValid(y, mo + 1, day);
  }
  return null;
}

const THIS_WEEK = ['tuần này', 'trong tuần', 'tuần nay'];

/**
 * The week a message names without naming a day ("tuần sau", "tuan toi", "trong tuần này"): the Monday it
 * starts on (this week's is today when today is later). Null when a day is named too, or no week at all.
 */
export function parseWeek(input: string, now: number): { from: string; to: string } | null {
  if (parseDay(input, now)) return null;
  const { s, form } = reader(input);
  const has = (words: string[]) => re(alt(words.map(form))).test(s);
  const today = vietnamDate(now);
  const monday = addDays(today, -((weekdayOf(today) + 6) % 7));
  if (has(NEXT_WEEK)) return { from: addDays(monday, 7), to: addDays(monday, 13) };
  if (has(THIS_WEEK)) return { from: today, to: addDays(monday, 6) };
  return null;
}

// --- times --------------------------------------------------------------------------------------------------

const PARTS: [PartOfDay, string[], boolean][] = [
  // [part, words, ambiguous when typed without marks]
  ['morning', ['sáng'], true],
  ['noon', ['trưa'], false],
  ['afternoon', ['chiều'], false],
  ['evening', ['tối', 'đêm'], true],
];

const HOUR = ['giờ', 'h', 'g', 'tiếng'];

function partOfDayOf(s: string, marked: boolean, form: (w: string) => string, nearTime: boolean): PartOfDay | null {
  for (const [part, words, ambiguous] of PARTS) {
    const w = alt(words.map(form));
    if (marked || !ambiguous) {
      if (re(w).test(s)) return part;
      continue;
    }
    // Folded "sang" / "toi" may be "sang" (over to) or "tôi" (I): only right after a time, or before mai / nay.
    const afterTime = new RegExp(`(?:\\d|${alt(['ruoi', 'phut', 'h', 'gio'])})\\s+(?:${w})${E}`, 'u');
    const beforeDay = new RegExp(`${B}(?:${w})\\s+(?:mai|nay|hom nay)${E}`, 'u');
    // "sang thu 5" is a morning, "doi sang thu 5" a move (over to Thursday).
    const beforeWeekday = new RegExp(`(?<!(?:doi|chuyen|qua|lui|hoan)\\s)${B}(?:${w})\\s+(?:thu|chu nhat|ngay)${E}`, 'u');
    if ((nearTime && afterTime.test(s)) || beforeDay.test(s) || beforeWeekday.test(s)) return part;
  }
  return null;
}

/** Applies the part of day to a clock hour (1-12 style as people say it). */
function withPart(hour: number, part: PartOfDay | null): { hour: number; ambiguous: boolean } {
  if (hour > 12) return { hour, ambiguous: false };
  switch (part) {
    case 'morning':
      return { hour: hour === 12 ? 0 : hour, ambiguous: false };
    case 'noon':
      return { hour: hour <= 3 ? hour + 12 : hour, ambiguous: false };
    case 'afternoon':
    case 'evening':
      return { hour: hour < 12 ? hour + 12 : hour, ambiguous: false };
    case null:
      return { hour, ambiguous: hour >= 1 && hour <= 11 };
  }
}

/** Reads the time named in `input`; null when there is neither a clock time nor a part of day. */
export function parseTime(input: string): TimeMention | null {
  const { s, marked, form } = reader(input);
  const hourWords = alt(HOUR.map(form));
  const half = alt(['rưỡi', 'rưởi', 'ruỡi'].map(form));
  let hour: number | null = null;
  let minute = 0;

  // 14:30, 7.30 (only when not a date), 14h30, 7 giờ 30 (phút), 7 giờ rưỡi, 7h, 7 rưỡi
  let m = new RegExp(`${B}(\\d{1,2})\\s*(?:${hourWords})\\s*(\\d{1,2})(?:\\s*(?:${alt(['phút', 'p'].map(form))}))?${E}`, 'u').exec(s);
  if (m) [hour, minute] = [Number(m[1]), Number(m[2])];
  if (hour === null) {
    m = new RegExp(`${B}(\\d{1,2})\\s*(?:(?:${hourWords})\\s*)?(?:${half})${E}`, 'u').exec(s);
    if (m) [hour, minute] = [Number(m[1]), 30];
  }
  if (hour === null) {
    m = new RegExp(`${B}(\\d{1,2}):(\\d{2})${E}`, 'u').exec(s);
    if (m) [hour, minute] = [Number(m[1]), Number(m[2])];
  }
  if (hour === null) {
    m = new RegExp(`${B}(\\d{1,2})\\s*(?:${hourWords})(?:\\s*(?:${alt(['kém', 'đúng'].map(form))}))?${E}`, 'u').exec(s);
    if (m) hour = Number(m[1]);
  }
  if (hour === null) {
    // A bare number followed by a part of day: "2 chiều", "8 sáng".
    m = new RegExp(`${B}(\\d{1,2})\\s+(?:${alt(['sáng', 'chiều', 'trưa', 'tối'].map(form))})${E}`, 'u').exec(s);
    if (m) hour = Number(m[1]);
  }
  const part = partOfDayOf(s, marked, form, hour !== null);
  if (hour === null) return part ? { minutes: null, partOfDay: part, ambiguous: false } : null;
  if (hour > 23 || minute > 59) return null;
  const resolved = withPart(hour, part);
  return { minutes: resolved.hour * 60 + minute, partOfDay: part, ambiguous: resolved.ambiguous };
}

/** Reads both the day and the time named in one message ("2 giờ chiều thứ 5 tuần sau"). */
export function parseDateTime(input: string, now: number): DateTimeMention {
  return { date: parseDay(input, now), time: parseTime(input) };
}

/** Whether a clock time (minutes after midnight) is what the mention names, reading an ambiguous hour both ways. */
export function timeMatches(mention: TimeMention, minutes: number): boolean {
  if (mention.minutes === null) return false;
  return mention.minutes === minutes || (mention.ambiguous && mention.minutes + 12 * 60 === minutes);
}
