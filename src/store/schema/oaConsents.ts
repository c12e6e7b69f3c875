import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * OA consents in progress (OAuth v4 with PKCE): the `state` sent to Zalo and the verifier that must buy the
 * code back. Stored here, not in a web process's memory, so the callback may reach any web process. A row
 * lives 10 minutes and is taken (deleted) once.
 */
export const oaConsents = sqliteTable(
  'oa_consents',
  {
    state: text('state').primaryKey(),
    verifier: text('verifier').notNull(),
    /** Who started it (a staff id). */
    owner: text('owner').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('oa_consents_owner').on(t.owner, t.createdAt)],
);
