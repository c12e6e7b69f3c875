import { publicHolidayCalendar, type HolidayCalendar } from '../shared/holidays';
import { type CareRequest, type CareRequestUrgency } from '../../store/schema';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';

export interface RequestPolicy {
  /** An urgent request must be acknowledged within this; then the clinic head is paged. */
  urgentAckMs: number;
  /** Then, this long after the clinic head, the on-call staff. */
  urgentHeadMs: number;
  /** A normal request must be acknowledged within this much working time; then the clinic head is told. */
  normalAckWorkingMs: number;
  /** Local working hours, Monday to Friday, as minutes after midnight. */
  workingHours: { startMinute: number; endMinute: number };
  /** Days off besides weekends: public holidays, plus staff-added days when read from the store. */
  holidays?: HolidayCalendar;
}

export const defaultRequestPolicy: RequestPolicy = {
  urgentAckMs: 15 * 60_000,
  urgentHeadMs: 15 * 60_000,
  normalAckWorkingMs: 4 * 3600_000,
  workingHours: { startMinute: 7 * 60 + 30, endMinute: 16 * 60 + 30 },
};

const nextIsoDate = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

/** Whether an instant falls in working hours (Monday to Friday, local time). */
export function inWorkingHours(instant: number, wh: RequestPolicy['workingHours'], calendar: HolidayCalendar = publicHolidayCalendar): boolean {
  const date = vietnamDate(instant);
  const day = weekday(date);
  return day >= 1 && day <= 5 && !calendar.holidayOn(date) && instant >= vietnamInstant(date, 0, wh.startMinute) && instant < vietnamInstant(date, 0, wh.endMinute);
}

/**
 * The instant when `ms` of working time (Monday to Friday, inside working hours, Vietnam time, holidays
 * skipped) has passed after `start`.
 */
export function addWorkingTime(start: number, ms: number, wh: RequestPolicy['workingHours'], calendar: HolidayCalendar = publicHolidayCalendar): number {
  let t = start;
  let left = ms;
  for (let guard = 0; guard < 3700; guard++) {
    const date = vietnamDate(t);
    const dayStart = vietnamInstant(date, 0, wh.startMinute);
    const dayEnd = vietnamInstant(date, 0, wh.endMinute);
    const day = weekday(date);
    if (day === 0 || day === 6 || t >= dayEnd || calendar.holidayOn(date)) {
      t = vietnamInstant(nextIsoDate(date), 0, wh.startMinute);
      continue;
    }
    if (t < dayStart) t = dayStart;
    if (left <= dayEnd - t) return t + left;
    left -= dayEnd - t;
    t = dayEnd;
  }
  throw new Error('working time out of range');
}

/** When a new request must be acknowledged by. */
export function ackDeadline(urgency: CareRequestUrgency, createdAt: number, policy: RequestPolicy): number {
  return urgency === 'urgent' ? createdAt + policy.urgentAckMs : addWorkingTime(createdAt, policy.normalAckWorkingMs, policy.workingHours, policy.holidays);
}

/** Escalation levels: 0 the clinic (on creation), 1 the clinic head (at the deadline), 2 the on-call staff (urgent only). */
export function nextEscalation(req: Pick<CareRequest, 'urgency' | 'ackDueAt'>, level: number, now: number, policy: RequestPolicy): { level: number; dueAt: number } | null {
  if (level === 0) return { level: 1, dueAt: req.ackDueAt };
  if (level === 1 && req.urgency === 'urgent') return { level: 2, dueAt: now + policy.urgentHeadMs };
  return null;
}
