import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { campaigns } from './campaigns';
import { careRequests } from './careRequests';
import { clinics } from './clinics';
import { staffUsers } from './staff';

export const followUpStatuses = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof followUpStatuses)[number];
export const followUpReasons = ['class', 'reexam'] as const;
export type FollowUpReason = (typeof followUpReasons)[number];
export const followUpChoices = ['clinic', 'home'] as const;
export type FollowUpChoice = (typeof followUpChoices)[number];

/**
 * Care after a worrying result: a released result in the lowest classes of the scheme, or marked for
 * re-examination, opens one follow-up (per result chain). The cadre is offered a re-examination or a home
 * visit in chat; done when the request that came of it is done or staff close it; past `dueDate` it escalates
 * through a request.
 */
export const followUps = sqliteTable(
  'follow_ups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    /** The result chain (first version's id) it follows. */
    resultChainId: integer('result_chain_id').notNull(),
    campaignId: integer('campaign_id').references(() => campaigns.id),
    clinicId: integer('clinic_id').references(() => clinics.id),
    reason: text('reason', { enum: followUpReasons }).notNull(),
    status: text('status', { enum: followUpStatuses }).notNull().default('open'),
    /** What the cadre chose in chat, and the request it opened. */
    choice: text('choice', { enum: followUpChoices }),
    requestId: integer('request_id').references(() => careRequests.id),
    /** When the offer went to the cadre; a reply after another conversation is not read as an answer. */
    offeredAt: integer('offered_at').notNull(),
    /** Local date (YYYY-MM-DD) by which it should be done, and the instant it escalates. */
    dueDate: text('due_date').notNull(),
    dueAt: integer('due_at').notNull(),
    /** The request that escalated it once overdue. */
    escalationRequestId: integer('escalation_request_id').references(() => careRequests.id),
    closedAt: integer('closed_at'),
    closedByStaffId: integer('closed_by_staff_id').references(() => staffUsers.id),
    closeNote: text('close_note'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('follow_ups_chain').on(t.resultChainId), index('follow_ups_status').on(t.status, t.dueAt), index('follow_ups_request').on(t.requestId)],
);
export type FollowUp = typeof followUps.$inferSelect;
