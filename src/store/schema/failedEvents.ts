import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const failedEventStatuses = ['failed', 'replayed'] as const;

/**
 * Signed, well-formed webhook events whose turn threw. Zalo was answered 200 (it switches off a webhook whose
 * deliveries keep failing); the event waits here, with its error, until staff replay it.
 */
export const failedEvents = sqliteTable(
  'failed_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    eventName: text('event_name').notNull(),
    zaloUserId: text('zalo_user_id').notNull(),
    /** The event as Zalo sent it (its signature was checked), to run again. */
    body: text('body').notNull(),
    error: text('error').notNull(),
    status: text('status', { enum: failedEventStatuses }).notNull().default('failed'),
    attempts: integer('attempts').notNull().default(1),
    failedAt: integer('failed_at').notNull(),
    replayedAt: integer('replayed_at'),
    replayedBy: text('replayed_by'),
  },
  (t) => [index('failed_events_status').on(t.status, t.failedAt)],
);

export type FailedEvent = typeof failedEvents.$inferSelect;
