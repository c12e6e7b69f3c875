import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { zaloUsers } from './zaloUsers';

/** Dialog state per Zalo user; `version` increases with every committed turn. */
export const conversations = sqliteTable('conversations', {
  zaloUserId: text('zalo_user_id')
    .primaryKey()
    .references(() => zaloUsers.id, { onDelete: 'cascade' }),
  state: text('state', { mode: 'json' }).notNull(),
  version: integer('version').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});
