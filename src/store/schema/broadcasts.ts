import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { staffUsers } from './staff';

/**
 * scheduled -> running -> done; running <-> paused; scheduled | running | paused -> cancelled.
 * A broadcast starts at `startAt` (already moved out of quiet hours); the fan-out job materialises its
 * recipients in batches and advances `fanoutCursor` (the last cadre id covered) until `fanoutDone`.
 */
export const broadcastStatuses = ['scheduled', 'running', 'paused', 'cancelled', 'done'] as const;
export type BroadcastStatus = (typeof broadcastStatuses)[number];

export interface BroadcastButton {
  title: string;
  payload: string;
}

export const broadcasts = sqliteTable(
  'broadcasts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Shown to staff, and the email subject when a cadre is reached by email. */
    title: text('title').notNull(),
    /** The message, Vietnamese; no health data of any one person. */
    text: text('text').notNull(),
    buttons: text('buttons', { mode: 'json' }).$type<BroadcastButton[]>().notNull().default([]),
    /** Name of an approved Zalo template (ZALO_TEMPLATES) for cadres outside the 7-day window; null for none. */
    templateName: text('template_name'),
    /** The segment (domain/broadcasts/segments.ts SegmentFilter) as chosen by staff. */
    segment: text('segment', { mode: 'json' }).notNull(),
    status: text('status', { enum: broadcastStatuses }).notNull().default('scheduled'),
    /** What staff asked for (epoch ms); `startAt` is that instant moved out of quiet hours. */
    requestedAt: integer('requested_at').notNull(),
    startAt: integer('start_at').notNull(),
    fanoutCursor: integer('fanout_cursor').notNull().default(0),
    fanoutDone: integer('fanout_done', { mode: 'boolean' }).notNull().default(false),
    /** Recipient rows created so far. */
    total: integer('total').notNull().default(0),
    createdByStaffId: integer('created_by_staff_id').references(() => staffUsers.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    /** When the status last changed (pause, resume, cancel). */
    statusChangedAt: integer('status_changed_at').notNull(),
  },
  (t) => [index('broadcasts_status').on(t.status, t.startAt)],
);

export type Broadcast = typeof broadcasts.$inferSelect;
