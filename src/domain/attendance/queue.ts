import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { bookings } from '../../store/schema';
import { AppError } from '../../errors';
import { staffActor, staffIdOf } from '../staff/actor';
import { bookingSubject } from '../booking/reminders';
import { findBooking } from '../booking/lookups';
import { formatVietnamDay } from '../shared/dates';
import { enqueueNotice } from '../outreach/notices';
import { vietnamDate } from '../shared/quietHours';
import { afterExamAttended } from '../aftercare/serviceDone';
import { NEAR_TURN_AHEAD, PACE_MIN_GAPS, PACE_RECENT_GAPS, type QueueSettings } from './attendance';

const QUEUE = `SELECT b.id AS bookingId, b.queue_number AS number, b.called_at AS calledAt, b.checked_in_at AS checkedInAt,
  b.near_turn_at AS nearTurnAt, b.cadre_id AS cadreId, c.full_name AS fullName
  FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN cadres c ON c.id = b.cadre_id
  WHERE s.clinic_id = ? AND s.local_date = ? AND b.queue_number IS NOT NULL ORDER BY b.queue_number`;

interface QueueRow {
  bookingId: number;
  number: number;
  calledAt: number | null;
  checkedInAt: number | null;
  nearTurnAt: number | null;
  cadreId: number;
  fullName: string;
}

/** "Nguyễn Văn An" -> "N.V.A.": the counter page never shows a full name. */
const initialsOf = (fullName: string) =>
  fullName
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w.charAt(0).toLocaleUpperCase('vi')}.`)
    .join('');

export interface QueueView {
  clinicId: number;
  date: string;
  /** The number called last, with initials; null before the first call. */
  current: { number: number; initials: string; calledAt: number } | null;
  waiting: { number: number; initials: string }[];
  calledCount: number;
  minutesPerCadre: number;
  /** Whether minutesPerCadre is the counter's measured pace today (else the configured default). */
  measured: boolean;
}

export const queueRows = (db: DbOrTx, clinicId: number, date: string) => rowsOf<QueueRow>(db, QUEUE).all(clinicId, date);

/**
 * The counter's pace today, in minutes per cadre: the median of its recent service gaps, where a gap runs from
 * the previous call (or the called cadre's check-in, if later: the counter was idle meanwhile) to the call. A
 * median, so a long pause or a double tap does not distort the estimate. Until the counter has called enough
 * numbers to measure, the configured default.
 */
export function paceOf(rows: readonly Pick<QueueRow, 'calledAt' | 'checkedInAt' | 'number'>[], settings: QueueSettings): { minutes: number; measured: boolean } {
  const called = rows.filter((r) => r.calledAt !== null).sort((a, b) => a.calledAt! - b.calledAt! || a.number - b.number);
  const gaps: number[] = [];
  for (let i = 1; i < called.length; i += 1) {
    const from = Math.max(called[i - 1]!.calledAt!, called[i]!.checkedInAt ?? 0);
    const gap = called[i]!.calledAt! - from;
    if (gap > 0) gaps.push(gap);
  }
  const recent = gaps.slice(-PACE_RECENT_GAPS).sort((a, b) => a - b);
  if (recent.length < PACE_MIN_GAPS) return { minutes: settings.defaultMinutesPerCadre, measured: false };
  const mid = recent.length >> 1;
  const median = recent.length % 2 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2;
  return { minutes: Math.min(60, Math.max(1, Math.round(median / 60_000))), measured: true };
}

export function queueView(db: DbOrTx, clinicId: number, date: string, settings: QueueSettings): QueueView {
  const rows = queueRows(db, clinicId, date);
  const called = rows.filter((r) => r.calledAt !== null).sort((a, b) => a.calledAt! - b.calledAt! || a.number - b.number);
  const last = called[called.length - 1];
  const pace = paceOf(rows, settings);
  return {
    clinicId,
    date,
    current: last ? { number: last.number, initials: initialsOf(last.fullName), calledAt: last.calledAt! } : null,
    waiting: rows.filter((r) => r.calledAt === null).map((r) => ({ number: r.number, initials: initialsOf(r.fullName) })),
    calledCount: called.length,
    minutesPerCadre: pace.minutes,
    measured: pace.measured,
  };
}

/** A checked-in cadre's place in the queue. */
export interface QueuePosition {
  number: number;
  /** Checked-in cadres not yet called with a smaller number. */
  ahead: number;
  called: boolean;
}

export interface QueuePlace extends QueuePosition {
  waitMinutes: number;
}

function positionIn(rows: QueueRow[], bookingId: number): QueuePosition | null {
  const mine = rows.find((r) => r.bookingId === bookingId);
  if (!mine) return null;
  const ahead = rows.filter((r) => r.calledAt === null && r.number < mine.number).length;
  return { number: mine.number, ahead, called: mine.calledAt !== null };
}

function queueRowsOf(db: DbOrTx, bookingId: number): QueueRow[] | null {
  const b = findBooking(db, bookingId);
  return b ? queueRows(db, b.clinic.id, b.slot.localDate) : null;
}

export function queuePositionOf(db: DbOrTx, bookingId: number): QueuePosition | null {
  const rows = queueRowsOf(db, bookingId);
  return rows && positionIn(rows, bookingId);
}

export function queuePlaceOf(db: DbOrTx, bookingId: number, settings: QueueSettings): QueuePlace | null {
  const rows = queueRowsOf(db, bookingId);
  const position = rows && positionIn(rows, bookingId);
  return rows && position ? { ...position, waitMinutes: position.ahead * paceOf(rows, settings).minutes } : null;
}

/**
 * Checks a cadre in at the clinic on the exam day: the next number of that clinic's queue, attendance recorded.
 * Checking in again keeps the number already given. Throws AppError when the booking is not for today.
 */
export function checkIn(tx: DbOrTx, bookingId: number, by: AuditActor, now: number): { place: QueuePosition; fresh: boolean } {
  const info = findBooking(tx, bookingId);
  if (!info || !['booked', 'attended'].includes(info.status)) throw new AppError('conflict', 'Lịch khám đã hủy hoặc đã đổi; không nhận số được.');
  if (info.slot.localDate !== vietnamDate(now)) throw new AppError('validation_failed', `Lịch khám này vào ${formatVietnamDay(info.slot.localDate)}, không phải hôm nay.`);
  const row = tx.select().from(bookings).where(eq(bookings.id, bookingId)).get()!;
  if (row.queueNumber !== null) return { place: queuePositionOf(tx, bookingId)!, fresh: false };
  const next =
    rowsOf<{ n: number }>(
      tx,
      `SELECT coalesce(max(b.queue_number), 0) + 1 AS n FROM bookings b JOIN exam_slots s ON s.id = b.slot_id WHERE s.clinic_id = ? AND s.local_date = ?`,
    ).get(info.clinic.id, info.slot.localDate)?.n ?? 1;
  tx.update(bookings)
    .set({
      status: 'attended',
      queueNumber: next,
      checkedInAt: now,
      attendanceAt: row.attendanceAt ?? now,
      attendanceByStaffId: staffIdOf(by) ?? row.attendanceByStaffId,
      updatedAt: now,
    })
    .where(eq(bookings.id, bookingId))
    .run();
  // Checking in records attendance: the exam is followed by one rating question (unless recorded before).
  if (row.status !== 'attended') afterExamAttended(tx, { id: bookingId, cadreId: row.cadreId, clinicId: info.clinic.id }, now);
  const place = queuePositionOf(tx, bookingId)!;
  // Told at check-in already: no separate "sắp đến lượt" later.
  if (place.ahead <= NEAR_TURN_AHEAD) tx.update(bookings).set({ nearTurnAt: now }).where(eq(bookings.id, bookingId)).run();
  return { place, fresh: true };
}

export const QUEUE_NOTICE = 'attendance.queue';
export const NEAR_TURN_NOTICE = 'attendance.nearTurn';

/** Staff checked the cadre in (code typed or name tapped): the cadre gets the number in Zalo. */
export function checkInByStaff(db: Db, actor: AuditActor, staffId: number, bookingId: number, clinicScope: number | null, now: number): QueuePosition {
  return inTransaction(db, (tx) => {
    const info = findBooking(tx, bookingId);
    if (!info || (clinicScope !== null && info.clinic.id !== clinicScope)) throw new AppError('not_found', 'Không có lịch khám này.');
    const { place, fresh } = checkIn(tx, bookingId, staffActor(staffId), now);
    if (fresh) {
      enqueueNotice(tx, { cadreId: info.cadreId, ref: { kind: QUEUE_NOTICE, id: bookingId }, dueAt: now, subject: `${bookingSubject(bookingId)}-queue` }, now);
      recordAudit(tx, actor, { action: 'booking.checkIn', entity: 'booking', entityId: bookingId, detail: { cadreId: info.cadreId, queueNumber: place.number } }, now);
    }
    return place;
  });
}

/** The booking a check-in code names at a clinic on a day, if any (active or already checked in). */
export function bookingByCheckInCode(db: DbOrTx, clinicId: number, date: string, code: string): number | null {
  const r = rowsOf<{ id: number }>(
    db,
    `SELECT b.id AS id FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
     WHERE s.clinic_id = ? AND s.local_date = ? AND b.check_in_code = ? AND b.status IN ('booked', 'attended')`,
  ).get(clinicId, date, code.trim());
  return r?.id ?? null;
}

/**
 * The counter calls the next number: the smallest checked-in number not yet called. Whoever now has three or
 * fewer before them and has not been told gets "sắp đến lượt". Returns the number called, or null when nobody waits.
 */
export function callNext(db: Db, actor: AuditActor, clinicId: number, date: string, now: number): { number: number; initials: string } | null {
  return inTransaction(db, (tx) => {
    const rows = queueRows(tx, clinicId, date);
    const next = rows.find((r) => r.calledAt === null);
    if (!next) return null;
    tx.update(bookings).set({ calledAt: now, updatedAt: now }).where(eq(bookings.id, next.bookingId)).run();
    const waiting = rows.filter((r) => r.calledAt === null && r.bookingId !== next.bookingId);
    waiting.forEach((r, ahead) => {
      if (ahead > NEAR_TURN_AHEAD || r.nearTurnAt !== null) return;
      tx.update(bookings).set({ nearTurnAt: now }).where(and(eq(bookings.id, r.bookingId), isNull(bookings.nearTurnAt))).run();
      enqueueNotice(tx, { cadreId: r.cadreId, ref: { kind: NEAR_TURN_NOTICE, id: r.bookingId }, dueAt: now, subject: `${bookingSubject(r.bookingId)}-near` }, now);
    });
    recordAudit(tx, actor, { action: 'queue.call', entity: 'booking', entityId: next.bookingId, detail: { clinicId, date, number: next.number } }, now);
    return { number: next.number, initials: initialsOf(next.fullName) };
  });
}
