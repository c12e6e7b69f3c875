import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { cancelOutboxBySubject } from '../../store/outbox';
import { bookings, campaignHoldStatuses, examSlots, type Booking } from '../../store/schema';
import { newCheckInCode } from '../attendance/checkIn';
import { bookingConflict, releasePlace, slotRow, takePlace } from './places';
import { bookingSubject, scheduleReminders } from './reminders';

/** What the booking chat flow may write: BookingEffect appliers, inside the turn's transaction. */

export type BookingEffect =
  | { type: 'booking.create'; cadreId: number; slotId: number; viaProxy: boolean }
  | { type: 'booking.move'; bookingId: number; slotId: number; viaProxy: boolean }
  /** `declined`: the cadre answered "không đến được" to the day-before confirmation. */
  | { type: 'booking.cancel'; bookingId: number; reason: string; viaProxy: boolean; declined?: boolean };

export interface BookingActorContext {
  zaloUserId: string;
  now: number;
}

const zaloActor = (ctx: BookingActorContext, cadreId: number, viaProxy: boolean): AuditActor => ({
  type: 'zalo',
  id: ctx.zaloUserId,
  onBehalfOfCadreId: viaProxy ? cadreId : null,
});

export function activeBooking(tx: DbOrTx, bookingId: number): Booking {
  const b = tx.select().from(bookings).where(eq(bookings.id, bookingId)).get();
  if (!b || b.status !== 'booked') throw bookingConflict('not_active');
  return b;
}

/** Books a place for a cadre: guarded counter, the booking row, its reminders and an audit row. Returns the id. */
export function createBooking(
  tx: DbOrTx,
  input: { cadreId: number; slotId: number; zaloUserId: string | null; viaProxy: boolean; staffId?: number; movedFromId?: number },
  now: number,
): number {
  const slot = slotRow(tx, input.slotId);
  const held = tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.campaignId, slot.campaignId), eq(bookings.cadreId, input.cadreId), inArray(bookings.status, [...campaignHoldStatuses])))
    .get();
  if (held) throw bookingConflict('already_booked');
  takePlace(tx, slot.id, now);
  const { id } = tx
    .insert(bookings)
    .values({
      campaignId: slot.campaignId,
      slotId: slot.id,
      cadreId: input.cadreId,
      status: 'booked',
      bookedByZaloUserId: input.zaloUserId,
      viaProxy: input.viaProxy,
      bookedByStaffId: input.staffId ?? null,
      movedFromId: input.movedFromId ?? null,
      checkInCode: newCheckInCode(tx, slot.clinicId, slot.localDate),
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: bookings.id })
    .get();
  scheduleReminders(tx, { id, cadreId: input.cadreId, startsAt: slot.startsAt }, now);
  return id;
}

/**
 * Moves an active booking to another slot of its campaign: the old one is marked moved, its place and reminders
 * released, a new booking takes the place (guarded like any booking). Returns both and the target slot.
 */
export function moveBooking(
  tx: DbOrTx,
  input: { bookingId: number; slotId: number; zaloUserId: string | null; viaProxy: boolean; staffId?: number },
  now: number,
): { old: Booking; id: number; target: typeof examSlots.$inferSelect } {
  const old = activeBooking(tx, input.bookingId);
  const target = slotRow(tx, input.slotId);
  if (target.campaignId !== old.campaignId) throw bookingConflict('slot_gone');
  tx.update(bookings).set({ status: 'moved', updatedAt: now }).where(eq(bookings.id, old.id)).run();
  releasePlace(tx, old.slotId, now, { bookingId: old.id, cause: 'moved' });
  cancelOutboxBySubject(tx, bookingSubject(old.id), now);
  const id = createBooking(
    tx,
    { cadreId: old.cadreId, slotId: target.id, zaloUserId: input.zaloUserId, viaProxy: input.viaProxy, staffId: input.staffId, movedFromId: old.id },
    now,
  );
  tx.update(bookings).set({ replacedById: id }).where(eq(bookings.id, old.id)).run();
  return { old, id, target };
}

/** Applies a booking effect of a dialog turn, inside the turn's transaction. */
export function applyBookingEffect(tx: DbOrTx, ctx: BookingActorContext, effect: BookingEffect): void {
  const { now } = ctx;
  switch (effect.type) {
    case 'booking.create': {
      const id = createBooking(tx, { cadreId: effect.cadreId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy }, now);
      recordAudit(
        tx,
        zaloActor(ctx, effect.cadreId, effect.viaProxy),
        { action: 'booking.create', entity: 'booking', entityId: id, detail: { cadreId: effect.cadreId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy } },
        now,
      );
      return;
    }
    case 'booking.move': {
      const { old, id, target } = moveBooking(tx, { bookingId: effect.bookingId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy }, now);
      recordAudit(
        tx,
        zaloActor(ctx, old.cadreId, effect.viaProxy),
        { action: 'booking.move', entity: 'booking', entityId: id, detail: { cadreId: old.cadreId, fromBookingId: old.id, fromSlotId: old.slotId, slotId: target.id, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy } },
        now,
      );
      return;
    }
    case 'booking.cancel': {
      const b = activeBooking(tx, effect.bookingId);
      if (effect.declined) tx.update(bookings).set({ confirmation: 'declined', confirmedAt: now }).where(eq(bookings.id, b.id)).run();
      cancelBooking(tx, b, effect.reason, now, effect.declined ? 'declined' : 'cancelled');
      recordAudit(
        tx,
        zaloActor(ctx, b.cadreId, effect.viaProxy),
        {
          action: effect.declined ? 'booking.decline' : 'booking.cancel',
          entity: 'booking',
          entityId: b.id,
          detail: { cadreId: b.cadreId, slotId: b.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy },
        },
        now,
      );
      return;
    }
  }
}

export function cancelBooking(tx: DbOrTx, b: Booking, reason: string, now: number, cause: 'cancelled' | 'declined' = 'cancelled'): void {
  tx.update(bookings)
    .set({ status: 'cancelled', cancelReason: reason.slice(0, 300), cancelledAt: now, updatedAt: now })
    .where(eq(bookings.id, b.id))
    .run();
  releasePlace(tx, b.slotId, now, { bookingId: b.id, cause });
  cancelOutboxBySubject(tx, bookingSubject(b.id), now);
}
