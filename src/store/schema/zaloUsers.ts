import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A Zalo user as seen by our OA. Ids are strings: they exceed 2^53. */
export const zaloUsers = sqliteTable('zalo_users', {
  id: text('id').primaryKey(),
  userIdByApp: text('user_id_by_app'),
  displayName: text('display_name'),
  /** E.164 digits without '+', e.g. 84912345678, once the user shared it. */
  phone: text('phone'),
  followed: integer('followed', { mode: 'boolean' }).notNull().default(false),
  /** Last event that opens Zalo's 7-day customer-service window (epoch ms, UTC). */
  lastInteractionAt: integer('last_interaction_at'),
  /** The user said "dừng nhận tin": no broadcasts through this account (reminders and results still go). */
  broadcastOptOut: integer('broadcast_opt_out', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type ZaloUser = typeof zaloUsers.$inferSelect;
