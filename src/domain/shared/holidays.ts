import { getSolarDate } from '@dqcai/vn-lunar';
import { asc } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { holidays } from '../../store/schema';
import { vietnamDate, vietnamInstant } from './quietHours';

/**
 * Vietnamese public holidays (Labour Code 2019, art. 112), the lunar ones computed with @dqcai/vn-lunar:
 * Tết Dương lịch 1/1; Tết Nguyên đán (the last day of the lunar year and 1–4 tháng Giêng); Giỗ Tổ Hùng Vương
 * (10/3 âm lịch); 30/4 and 1/5; Quốc khánh 2/9 and 1/9. Days moved by yearly decision, and the province's own,
 * are added by staff (the `holidays` table). SLA clocks, slot generation, reminders and nudges skip them all.
 */

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const byYear = new Map<number, Map<string, string>>();

/** The public holidays of a solar year: date → name. */
export function publicHolidays(year: number): Map<string, string> {
  const cached = byYear.get(year);
  if (cached) return cached;
  const days = new Map<string, string>();
  days.set(iso(year, 1, 1), 'Tết Dương lịch');
  // Tết of this solar year: the lunar new year that falls in it (late January to mid February).
  const tet = getSolarDate(1, 1, year);
  const tetDay = iso(tet.year, tet.month, tet.day);
  days.set(shift(tetDay, -1), 'Tết Nguyên đán (30 Tết)');
  for (let i = 0; i < 4; i++) days.set(shift(tetDay, i), `Tết Nguyên đán (mùng ${i + 1})`);
  const gioTo = getSolarDate(10, 3, year);
  days.set(iso(gioTo.year, gioTo.month, gioTo.day), 'Giỗ Tổ Hùng Vương');
  days.set(iso(year, 4, 30), 'Ngày Giải phóng miền Nam');
  days.set(iso(year, 5, 1), 'Ngày Quốc tế Lao động');
  days.set(iso(year, 9, 1), 'Quốc khánh');
  days.set(iso(year, 9, 2), 'Quốc khánh');
  byYear.set(year, days);
  return days;
}

export interface HolidayCalendar {
  /** The holiday's name, or null on a normal day (weekends are not holidays here). */
  holidayOn(date: string): string | null;
}

/** Public holidays plus the given staff-added days. */
export function holidayCalendar(extra: Iterable<{ date: string; name: string }> = []): HolidayCalendar {
  const added = new Map([...extra].map((h) => [h.date, h.name]));
  return { holidayOn: (date) => added.get(date) ?? publicHolidays(Number(date.slice(0, 4))).get(date) ?? null };
}

/** The calendar as stored now: public holidays and the days staff added. */
export function storedHolidayCalendar(db: DbOrTx): HolidayCalendar {
  return holidayCalendar(db.select({ date: holidays.date, name: holidays.name }).from(holidays).all());
}

export const publicHolidayCalendar = holidayCalendar();

/** Every holiday of a year (public and added), in date order, for the staff page. */
export function holidaysOfYear(db: DbOrTx, year: number): { date: string; name: string; added: boolean }[] {
  const added = db.select().from(holidays).orderBy(asc(holidays.date)).all().filter((h) => h.date.startsWith(`${year}-`));
  const out = new Map<string, { date: string; name: string; added: boolean }>();
  for (const [date, name] of publicHolidays(year)) out.set(date, { date, name, added: false });
  for (const h of added) out.set(h.date, { date: h.date, name: h.name, added: true });
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The first instant at or after `instant` not on a day off: a holiday moves to 07:00 of the next normal day. */
export function outsideDaysOff(instant: number, calendar: HolidayCalendar = publicHolidayCalendar): number {
  let t = instant;
  for (let guard = 0; guard < 30 && calendar.holidayOn(vietnamDate(t)); guard++) t = vietnamInstant(shift(vietnamDate(t), 1), 7, 0);
  return t;
}
