import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { campaigns } from './campaigns';
import { examSlots } from './examSlots';
import { staffUsers } from './staff';

/**
 * booked -> attended | no_show (staff), booked -> cancelled (with a reason), booked -> moved (the row is
 * kept; `replacedById` names the new booking, whose `movedFromId` points back).
 */
export const bookingStatuses = ['booked', 'moved', 'cancelled', 'attended', 'no_show'] as const;
export type BookingStatus = (typeof bookingStatuses)[number];
/** Statuses that count as the cadre's booking in the campaign (a no-show may book again). */
export const campaignHoldStatuses = ['booked', 'attended'] as const satisfies readonly BookingStatus[];
/** Statuses that keep their place in the slot's `booked` count. */
export const slotHoldStatuses = ['booked', 'attended', 'no_show'] as const satisfies readonly BookingStatus[];
/** The cadre's answer to the day-before question "1 Sẽ đến · 2 Đổi lịch · 3 Không đến được". */
export const confirmationAnswers = ['confirmed', 'declined'] as const;
export type ConfirmationAnswer = (typeof confirmationAnswers)[number];

export const bookings = sqliteTable(
  'bookings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    slotId: integer('slot_id')
      .notNull()
      .references(() => examSlots.id),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    status: text('status', { enum: bookingStatuses }).notNull().default('booked'),
    /** The Zalo account that booked (the cadre's own, or a proxy's); null when staff booked. */
    bookedByZaloUserId: text('booked_by_zalo_user_id'),
    viaProxy: integer('via_proxy', { mode: 'boolean' }).notNull().default(false),
    bookedByStaffId: integer('booked_by_staff_id').references(() => staffUsers.id),
    movedFromId: integer('moved_from_id'),
    replacedById: integer('replaced_by_id'),
    cancelReason: text('cancel_reason'),
    cancelledAt: integer('cancelled_at'),
    /** Who marked attended / no-show, and when. */
    attendanceByStaffId: integer('attendance_by_staff_id').references(() => staffUsers.id),
    attendanceAt: integer('attendance_at'),
    /** Answer to the day-before confirmation (null: not answered), and when. */
    confirmation: text('confirmation', { enum: confirmationAnswers }),
    confirmedAt: integer('confirmed_at'),
    /** Short code carried by the morning-of reminder; typed by the cadre or staff at the clinic to check in. */
    checkInCode: text('check_in_code'),
    /** Check-in at the clinic: the number in that clinic's queue of the day, when it was taken and called. */
    queueNumber: integer('queue_number'),
    checkedInAt: integer('checked_in_at'),
    calledAt: integer('called_at'),
    /** When "sắp đến lượt" was sent (once). */
    nearTurnAt: integer('near_turn_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // At most one active (or attended) booking per cadre and campaign.
    uniqueIndex('bookings_one_per_campaign')
      .on(t.campaignId, t.cadreId)
      .where(sql`status IN ('booked', 'attended')`),
    index('bookings_slot').on(t.slotId, t.status),
    index('bookings_cadre').on(t.cadreId, t.status),
    // Who booked / attended a campaign (reports, dashboard), answered from the index alone.
    index('bookings_campaign_status').on(t.campaignId, t.status, t.cadreId),
  ],
);

export type Booking = typeof bookings.$inferSelect;
