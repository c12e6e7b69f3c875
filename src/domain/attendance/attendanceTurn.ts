import { and, eq } from 'drizzle-orm';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { bookings, type Booking } from '../../store/schema';
import { findBooking, type BookingInfo } from '../booking/lookups';
import { vietnamDate } from '../shared/quietHours';
import { checkIn, paceOf, type QueuePlace, queuePlaceOf, queueRows } from './queue';
import type { QueueSettings } from './attendance';

/** "1 Sẽ đến": recorded once; a later answer does not change an earlier one. */
export function recordConfirmation(tx: DbOrTx, bookingId: number, now: number): Booking | undefined {
  return tx
    .update(bookings)
    .set({ confirmation: 'confirmed', confirmedAt: now, updatedAt: now })
    .where(and(eq(bookings.id, bookingId), eq(bookings.status, 'booked')))
    .returning()
    .get();
}

export interface AttendanceBooking {
  booking: BookingInfo;
  /** Acting for the cadre as an approved proxy rather than as their own account. */
  viaProxy: boolean;
  code: string | null;
  /** The place in the queue once checked in. */
  place: QueuePlace | null;
}

export interface AttendanceLookups {
  /** A booking whose day-before question reached the user and has no answer yet (the soonest). */
  awaitingAnswer(): AttendanceBooking | null;
  /** Today's bookings (active or checked in) of the cadres this user acts for. */
  today(): AttendanceBooking[];
  /** The place a booking would take if checked in now. */
  placeIfCheckedIn(bookingId: number): QueuePlace | null;
}

const ACTS_FOR = `SELECT cadre_id AS cadreId, 0 AS viaProxy FROM zalo_links WHERE zalo_user_id = ?
  UNION SELECT cadre_id AS cadreId, 1 AS viaProxy FROM proxies WHERE zalo_user_id = ? AND status = 'approved'`;

export function createAttendanceLookups(tx: DbOrTx, now: number, zaloUserId: string, settings: QueueSettings): AttendanceLookups {
  const actsFor = () => rowsOf<{ cadreId: number; viaProxy: number }>(tx, ACTS_FOR).all(zaloUserId, zaloUserId);
  const asAttendance = (id: number, viaProxy: boolean, code: string | null): AttendanceBooking | null => {
    const booking = findBooking(tx, id);
    return booking ? { booking, viaProxy, code, place: queuePlaceOf(tx, id, settings) } : null;
  };
  return {
    awaitingAnswer() {
      for (const who of actsFor()) {
        const r = rowsOf<{ id: number; code: string | null }>(
          tx,
          `SELECT b.id AS id, b.check_in_code AS code FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
           WHERE b.cadre_id = ? AND b.status = 'booked' AND b.confirmation IS NULL AND s.starts_at > ?
             AND EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'booking-' || b.id AND o.status = 'done' AND o.channel <> 'none'
                         AND json_extract(o.payload, '$.ref.variant') = 'T-1')
           ORDER BY s.starts_at LIMIT 1`,
        ).get(who.cadreId, now);
        if (r) return asAttendance(r.id, who.viaProxy === 1, r.code);
      }
      return null;
    },
    today() {
      const date = vietnamDate(now);
      return actsFor().flatMap((who) =>
        (
          rowsOf<{ id: number; code: string | null }>(
            tx,
            `SELECT b.id AS id, b.check_in_code AS code FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
             WHERE b.cadre_id = ? AND s.local_date = ? AND b.status IN ('booked', 'attended') ORDER BY s.starts_at`,
          ).all(who.cadreId, date)
        ).flatMap((r) => asAttendance(r.id, who.viaProxy === 1, r.code) ?? []),
      );
    },
    placeIfCheckedIn(bookingId) {
      const b = findBooking(tx, bookingId);
      if (!b) return null;
      const existing = queuePlaceOf(tx, bookingId, settings);
      if (existing) return existing;
      const rows = queueRows(tx, b.clinic.id, b.slot.localDate);
      const ahead = rows.filter((r) => r.calledAt === null).length;
      const number = rows.reduce((m, r) => Math.max(m, r.number), 0) + 1;
      return { number, ahead, waitMinutes: ahead * paceOf(rows, settings).minutes, called: false };
    },
  };
}

export type AttendanceEffect =
  | { type: 'attendance.confirm'; bookingId: number; viaProxy: boolean }
  | { type: 'attendance.checkIn'; bookingId: number; viaProxy: boolean };

/** Applies an attendance effect of a dialog turn, inside the turn's transaction. */
export function applyAttendanceEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: AttendanceEffect): void {
  const b = tx.select().from(bookings).where(eq(bookings.id, effect.bookingId)).get();
  if (!b) return;
  const actor: AuditActor = { type: 'zalo', id: ctx.zaloUserId, onBehalfOfCadreId: effect.viaProxy ? b.cadreId : null };
  if (effect.type === 'attendance.confirm') {
    if (recordConfirmation(tx, b.id, ctx.now)) {
      recordAudit(tx, actor, { action: 'booking.confirm', entity: 'booking', entityId: b.id, detail: { cadreId: b.cadreId } }, ctx.now);
    }
    return;
  }
  const { place, fresh } = checkIn(tx, b.id, actor, ctx.now);
  if (fresh) recordAudit(tx, actor, { action: 'booking.checkIn', entity: 'booking', entityId: b.id, detail: { cadreId: b.cadreId, queueNumber: place.number } }, ctx.now);
}
