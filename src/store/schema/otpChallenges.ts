import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';

/** A 6-digit code mailed to a cadre's registry email to prove a Zalo account belongs to them. */
export const otpChallenges = sqliteTable(
  'otp_challenges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id').notNull(),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    /** `salt$sha256(salt:id:code)`; the code itself is only in the email, and lives 10 minutes. */
    codeHash: text('code_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    consumedAt: integer('consumed_at'),
  },
  (t) => [index('otp_user').on(t.zaloUserId, t.createdAt), index('otp_cadre').on(t.cadreId, t.createdAt)],
);
