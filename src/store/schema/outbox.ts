import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** blocked: waits for an earlier row of its lane; pending: ready for the relay; queued: a job exists in BullMQ. */
export const outboxStatuses = ['blocked', 'pending', 'queued', 'done', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Transactional outbox: every side effect is first a row here, written in the same transaction as the state
 * change that caused it. The relay enqueues a BullMQ job whose id is derived from the row id and whose
 * payload is only that id; what to send stays in SQLite.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Job name in the queue catalog, e.g. 'zalo.message'. */
    kind: text('kind').notNull(),
    /** Rows sharing a lane are released one at a time, in id order (per-user reply order). */
    lane: text('lane'),
    /** What the row is about, e.g. 'booking-12', so timed rows can be cancelled when it changes. */
    subject: text('subject'),
    payload: text('payload', { mode: 'json' }).notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** How many parts of a multi-message row were already accepted, so a retry resends none of them. */
    progress: integer('progress').notNull().default(0),
    externalId: text('external_id'),
    /** Which channel finally carried it (zalo, zalo_template, email, none). */
    channel: text('channel'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    doneAt: integer('done_at'),
  },
  (t) => [
    index('outbox_status_due').on(t.status, t.dueAt),
    index('outbox_lane_status').on(t.lane, t.status),
    index('outbox_subject').on(t.subject),
  ],
);

export type OutboxRow = typeof outbox.$inferSelect;
