import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Failed staff logins, shared by every web process: a per-address limit across usernames and a growing
 * per-account delay read them. Rows older than the window are pruned as new ones arrive.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The normalised username tried (known or not). */
    username: text('username').notNull(),
    /** The client address. */
    address: text('address').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('login_failures_username').on(t.username, t.at), index('login_failures_address').on(t.address, t.at)],
);
