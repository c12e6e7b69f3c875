import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';

/**
 * A cadre code + birth date that did not match the registry, typed in chat. Counted per Zalo user and per
 * code over the last day to stop guessing a cadre's birth date (the count in a conversation alone restarts
 * with the conversation).
 */
export const verificationFailures = sqliteTable(
  'verification_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id').notNull(),
    /** The cadre code as typed (upper case, no spaces), whether or not it exists. */
    cadreCode: text('cadre_code').notNull(),
    /** The cadre with that code, when there is one. */
    cadreId: integer('cadre_id').references(() => cadres.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
  },
  (t) => [index('verification_failures_user').on(t.zaloUserId, t.at), index('verification_failures_code').on(t.cadreCode, t.at)],
);
