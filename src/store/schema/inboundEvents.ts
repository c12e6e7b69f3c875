import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per webhook event we accepted. The unique dedupe key stops Zalo's retries from being processed
 * twice; rows are kept at least as long as the replay window. No message text is stored here.
 */
export const inboundEvents = sqliteTable(
  'inbound_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    eventName: text('event_name').notNull(),
    zaloUserId: text('zalo_user_id'),
    /** The event's own timestamp (epoch ms) as Zalo sent it. */
    eventAt: integer('event_at').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('inbound_events_received_at').on(t.receivedAt)],
);
