import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { zaloUsers } from './zaloUsers';

/** A verified Zalo account of a cadre (the cadre in person). One account per cadre, one cadre per account. */
export const zaloLinks = sqliteTable('zalo_links', {
  zaloUserId: text('zalo_user_id')
    .primaryKey()
    .references(() => zaloUsers.id, { onDelete: 'cascade' }),
  cadreId: integer('cadre_id')
    .notNull()
    .unique()
    .references(() => cadres.id, { onDelete: 'cascade' }),
  method: text('method', { enum: ['phone', 'otp', 'staff'] }).notNull(),
  linkedAt: integer('linked_at').notNull(),
  linkedByStaffId: integer('linked_by_staff_id'),
});

export type ZaloLink = typeof zaloLinks.$inferSelect;
