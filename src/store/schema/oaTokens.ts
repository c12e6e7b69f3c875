import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The OA's token pair (a single row, id 1). The refresh token is single-use and rotates, so a new pair is
 * stored before it is used, and `refreshLockUntil` lets only one process refresh at a time.
 */
export const oaTokens = sqliteTable('oa_tokens', {
  id: integer('id').primaryKey(),
  accessToken: text('access_token').notNull(),
  refreshToken: text('refresh_token').notNull(),
  accessExpiresAt: integer('access_expires_at').notNull(),
  refreshedAt: integer('refreshed_at'),
  refreshLockUntil: integer('refresh_lock_until'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  updatedAt: integer('updated_at').notNull(),
});
