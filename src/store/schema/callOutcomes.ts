import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { campaigns } from './campaigns';
import { careRequests } from './careRequests';
import { staffUsers } from './staff';

export const callOutcomeKinds = ['booked_by_phone', 'home_exam_requested', 'declined', 'unreachable', 'wrong_number'] as const;
export type CallOutcomeKind = (typeof callOutcomeKinds)[number];

/** One phone call staff made to a cadre of a campaign's call list, and how it ended. */
export const callOutcomes = sqliteTable(
  'call_outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    outcome: text('outcome', { enum: callOutcomeKinds }).notNull(),
    /** Why the cadre declined, or anything staff want to note. */
    note: text('note').notNull().default(''),
    /** The home-visit request opened when a home exam was requested. */
    requestId: integer('request_id').references(() => careRequests.id),
    staffId: integer('staff_id').references(() => staffUsers.id),
    at: integer('at').notNull(),
  },
  (t) => [index('call_outcomes_campaign').on(t.campaignId, t.cadreId, t.at)],
);
export type CallOutcome = typeof callOutcomes.$inferSelect;
