import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const zaloSendStatuses = ['in_flight', 'sent'] as const;
export type ZaloSendStatus = (typeof zaloSendStatuses)[number];

/**
 * One row per Zalo message we tried to send (a reply part, a notice to one account, a broadcast to one
 * recipient), written in flight before the call and marked sent with Zalo's message id after it. A retry that
 * finds its send still in flight settles it from Zalo's conversation history before sending anything again.
 * No message text is stored here.
 */
export const zaloSends = sqliteTable(
  'zalo_sends',
  {
    /** Which send this is, e.g. 'outbox-12-0' (part 0 of outbox row 12) or 'broadcast-7'. */
    key: text('key').primaryKey(),
    zaloUserId: text('zalo_user_id').notNull(),
    status: text('status', { enum: zaloSendStatuses }).notNull(),
    /** When the latest attempt began (epoch ms): the history is searched from here. */
    startedAt: integer('started_at').notNull(),
    /**
     * Set when the attempt's call ended with an answer that does not say whether Zalo kept the message (HTTP
     * 5xx): the attempt is over and can be settled at once. Null while it may still be under way (a worker
     * killed mid-call, a timeout), when settling waits until it is surely over.
     */
    endedAt: integer('ended_at'),
    attempts: integer('attempts').notNull().default(1),
    messageId: text('message_id'),
    sentAt: integer('sent_at'),
  },
  (t) => [index('zalo_sends_user_started').on(t.zaloUserId, t.startedAt)],
);

export type ZaloSendRow = typeof zaloSends.$inferSelect;
