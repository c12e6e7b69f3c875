import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { careRequests } from './careRequests';
import { staffUsers } from './staff';

/**
 * What staff write on a request: an answer or note sent to the cadre (`toCadre`), or an internal note that
 * stays on the staff pages. The text may be health data: it lives here only, never in timeline details,
 * jobs or logs, and goes with the request when a cadre's data is erased.
 */
export const careRequestNotes = sqliteTable(
  'care_request_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => careRequests.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    text: text('text').notNull(),
    toCadre: integer('to_cadre', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('care_request_notes_request').on(t.requestId, t.at)],
);

export type CareRequestNote = typeof careRequestNotes.$inferSelect;
