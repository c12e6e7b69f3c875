import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';

/**
 * Channels a notice can take, best first: a customer-service message inside the 7-day window ('zalo'), an
 * approved template by user id ('zalo_template'), the same template by phone ('zalo_phone'), email, or none.
 * 'deferred' means the day's template quota was kept for more urgent notices and the notice waits for tomorrow.
 */
export const noticeChannels = ['zalo', 'zalo_template', 'zalo_phone', 'email', 'none', 'deferred'] as const;
export type NoticeChannel = (typeof noticeChannels)[number];

/**
 * How one notice (one outbox row) went out: channel, template, estimated cost and, for Zalo, the message id
 * and tracking id that a delivery receipt names. No message text is stored here.
 */
export const noticeSends = sqliteTable(
  'notice_sends',
  {
    outboxId: integer('outbox_id').primaryKey(),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id),
    /** The notice kind, e.g. 'booking.reminder'. */
    kind: text('kind').notNull(),
    channel: text('channel', { enum: noticeChannels }).notNull(),
    /** Zalo template id when a template carried it. */
    templateId: text('template_id'),
    zaloUserId: text('zalo_user_id'),
    /** 84… form, for a template sent by phone. */
    phone: text('phone'),
    /** Ours, sent with a by-phone template and named again by its delivery receipt. */
    trackingId: text('tracking_id'),
    messageId: text('message_id'),
    /** Estimated price in VND (configured prices at the time of sending). */
    costVnd: integer('cost_vnd').notNull().default(0),
    /** Why the better channels were not used (one short clause each), or why nothing was sent. */
    reason: text('reason'),
    sentAt: integer('sent_at').notNull(),
    /** From Zalo's delivery receipt (user_received_message). */
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    uniqueIndex('notice_sends_tracking').on(t.trackingId),
    index('notice_sends_message').on(t.messageId),
    index('notice_sends_sent').on(t.sentAt),
    index('notice_sends_cadre').on(t.cadreId),
  ],
);

export type NoticeSend = typeof noticeSends.$inferSelect;
