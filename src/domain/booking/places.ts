import { and, eq, gt, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { statement } from '../../store/prepared';
import { examSlots } from '../../store/schema';
import { offerToWaitlist } from '../aftercare/placeFreed';

/**
 * Places in exam slots. Capacity is exact: a place is taken only by a guarded counter update
 * (`booked < capacity`, checked by `changes`) that the table's CHECK backs up.
 */

export const DAY_MS = 24 * 3600_000;
/** A slot can be booked until this long before it starts. */
export const BOOKING_MIN_LEAD_MS = 60 * 60_000;

/** Why a guarded booking write was refused. */
export type BookingConflictReason = 'slot_full' | 'not_active' | 'already_booked' | 'slot_gone';

const conflictText: Record<BookingConflictReason, string> = {
  slot_full: 'Ca khám vừa hết chỗ; xin chọn ca khác.',
  already_booked: 'Cán bộ đã có lịch trong đợt khám này.',
  not_active: 'Lịch khám này đã được đổi hoặc hủy.',
  slot_gone: 'Không có ca khám này.',
};

/** A write the guarded rules refused (another booking took the last place meanwhile): a 409, its reason in the details. */
export const bookingConflict = (reason: BookingConflictReason) => new AppError('conflict', conflictText[reason], { reason });

/** Takes one place in a slot, or throws: the guarded update is the capacity rule, whatever the caller checked. */
export function takePlace(tx: DbOrTx, slotId: number, now: number): void {
  const res = statement(tx, 'UPDATE exam_slots SET booked = booked + 1, updated_at = ? WHERE id = ? AND booked < capacity').run(now, slotId);
  if (res.changes !== 1) throw bookingConflict('slot_full');
}

/** Why a place in a slot became free again. */
export type PlaceFreedCause = 'cancelled' | 'moved' | 'declined';

/**
 * A place in a slot became free again (a cancel, a move away, "không đến được" to the day-before question).
 * The one point every path that frees a place passes through, inside its transaction: what a freed place
 * sets off (offering it to the waitlist) hangs here.
 */
function placeFreed(tx: DbOrTx, freed: { slotId: number; bookingId: number; cause: PlaceFreedCause }, now: number): void {
  offerToWaitlist(tx, freed.slotId, now);
}

export function releasePlace(tx: DbOrTx, slotId: number, now: number, freedBy?: { bookingId: number; cause: PlaceFreedCause }): void {
  const res = tx
    .update(examSlots)
    .set({ booked: sql`${examSlots.booked} - 1`, updatedAt: now })
    .where(and(eq(examSlots.id, slotId), gt(examSlots.booked, 0)))
    .run();
  if (res.changes === 1 && freedBy) placeFreed(tx, { slotId, ...freedBy }, now);
}

export function slotRow(tx: DbOrTx, slotId: number) {
  const slot = tx.select().from(examSlots).where(eq(examSlots.id, slotId)).get();
  if (!slot) throw bookingConflict('slot_gone');
  return slot;
}
