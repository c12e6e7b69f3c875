import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bookings } from './bookings';
import { cadres } from './cadres';
import { campaigns } from './campaigns';
import { clinics } from './clinics';

export const waitlistStatuses = ['waiting', 'offered', 'booked', 'left'] as const;
export type WaitlistStatus = (typeof waitlistStatuses)[number];

/**
 * A cadre waiting for a place at a clinic whose days in a campaign were full. Order is by `id` (first come,
 * first offered). `offered` while one of their offers is open; `booked` once an offer was accepted.
 */
export const waitlistEntries = sqliteTable(
  'waitlist_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    status: text('status', { enum: waitlistStatuses }).notNull().default('waiting'),
    /** The Zalo account that joined (the cadre's own, or a proxy's). */
    joinedByZaloUserId: text('joined_by_zalo_user_id'),
    bookingId: integer('booking_id').references(() => bookings.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // One live place in line per cadre and campaign.
    uniqueIndex('waitlist_one_per_campaign')
      .on(t.campaignId, t.cadreId)
      .where(sql`status IN ('waiting', 'offered')`),
    index('waitlist_line').on(t.campaignId, t.clinicId, t.status, t.id),
  ],
);
export type WaitlistEntry = typeof waitlistEntries.$inferSelect;
