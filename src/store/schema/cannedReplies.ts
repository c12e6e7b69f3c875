import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Short ready-made replies staff pick in a conversation or a request's answer box (e.g. "/diachi" for the
 * clinic's address). Managed at /staff/canned-replies; picking one only fills the box, staff still send it.
 */
export const cannedReplies = sqliteTable(
  'canned_replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** A short code starting with "/", unique, e.g. "/diachi". */
    code: text('code').notNull(),
    text: text('text').notNull(),
    updatedBy: integer('updated_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('canned_replies_code').on(t.code)],
);

export type CannedReply = typeof cannedReplies.$inferSelect;
