import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { campaigns } from './campaigns';
import { clinics } from './clinics';

/**
 * A bookable time at a clinic during a campaign. `booked` counts the bookings holding a place (booked,
 * attended, no-show); it only grows through a guarded update (`... WHERE booked < capacity`) and the CHECK
 * makes SQLite refuse any write that would overfill the slot, whatever the code path.
 */
export const examSlots = sqliteTable(
  'exam_slots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
    /** Local (Vietnam) date of the slot, YYYY-MM-DD, for listing by day. */
    localDate: text('local_date').notNull(),
    /** Instants, epoch ms UTC. */
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('exam_slots_clinic_start').on(t.campaignId, t.clinicId, t.startsAt),
    index('exam_slots_day').on(t.campaignId, t.clinicId, t.localDate),
    check('exam_slots_capacity', sql`${t.capacity} >= 0 AND ${t.booked} >= 0 AND ${t.booked} <= ${t.capacity}`),
    check('exam_slots_span', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export type ExamSlot = typeof examSlots.$inferSelect;
