import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { careRequests } from './careRequests';

/** The timeline of a request: created, notified, escalated, acknowledged, scheduled, done, cancelled, SLA. */
export const careRequestEvents = sqliteTable(
  'care_request_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => careRequests.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    /** 'staff' (with id), 'zalo' (user id), 'system'. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    /** Ids and small facts (level, recipient count, date), never health data. */
    detail: text('detail', { mode: 'json' }),
  },
  (t) => [index('care_request_events_request').on(t.requestId, t.at)],
);

export type CareRequestEvent = typeof careRequestEvents.$inferSelect;
