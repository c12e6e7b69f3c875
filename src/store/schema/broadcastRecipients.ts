import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { broadcasts } from './broadcasts';
import { cadres } from './cadres';

/**
 * pending -> sending (claimed by a worker, the Zalo or SMTP call in flight) -> sent | skipped | failed;
 * pending -> cancelled when the broadcast is cancelled. This row, not Redis, says whether the cadre got it.
 */
export const recipientStatuses = ['pending', 'sending', 'sent', 'skipped', 'failed', 'cancelled'] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];
/** How a recipient was (or is being) reached. */
export const recipientChannels = ['zalo', 'zalo_template', 'email'] as const;
export type RecipientChannel = (typeof recipientChannels)[number];

export const broadcastRecipients = sqliteTable(
  'broadcast_recipients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    broadcastId: integer('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    status: text('status', { enum: recipientStatuses }).notNull().default('pending'),
    /** The channel tried (while sending) or used (once sent). */
    channel: text('channel', { enum: recipientChannels }),
    /** The Zalo account messaged (the cadre's own, or an approved proxy's). */
    zaloUserId: text('zalo_user_id'),
    /** Why skipped or failed: opted_out, no_zalo_link, no_channel, or Zalo's error. */
    reason: text('reason'),
    /** Zalo message id or SMTP Message-ID. */
    externalId: text('external_id'),
    /** When the current claim was taken; a claim older than the send timeout is resolved, never blindly resent. */
    claimedAt: integer('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: integer('sent_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('broadcast_recipients_one_per_cadre').on(t.broadcastId, t.cadreId), index('broadcast_recipients_status').on(t.broadcastId, t.status)],
);

export type BroadcastRecipient = typeof broadcastRecipients.$inferSelect;
