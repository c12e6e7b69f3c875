import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { clinics } from './clinics';
import { staffUsers } from './staff';

export const handoffStatuses = ['open', 'closed'] as const;
export type HandoffStatus = (typeof handoffStatuses)[number];

/**
 * A Zalo user talking to a person at the clinic. While one is open for a user the bot stays silent for them;
 * staff close it, or it closes after a period without activity, and the bot resumes.
 */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id').notNull(),
    /** The linked cadre, if any (unlinked users may ask for staff too). */
    cadreId: integer('cadre_id').references(() => cadres.id),
    clinicId: integer('clinic_id').references(() => clinics.id),
    status: text('status', { enum: handoffStatuses }).notNull().default('open'),
    /** The last staff member who replied. */
    staffId: integer('staff_id').references(() => staffUsers.id),
    openedAt: integer('opened_at').notNull(),
    lastActivityAt: integer('last_activity_at').notNull(),
    closedAt: integer('closed_at'),
    /** 'staff', 'user' or 'timeout'. */
    closedBy: text('closed_by'),
  },
  (t) => [index('handoffs_user_status').on(t.zaloUserId, t.status), index('handoffs_status').on(t.status, t.clinicId)],
);

export type Handoff = typeof handoffs.$inferSelect;
