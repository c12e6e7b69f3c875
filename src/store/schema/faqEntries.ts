import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Answers to simple questions ("phòng khám ở đâu", "giờ làm việc"), managed by staff. The bot searches
 * question and phrasings over folded text; the answer may hold placeholders filled from the clinics table
 * ({dia_chi} with a map link, {dien_thoai}, {gio_lam_viec}, {hotline}).
 */
export const faqEntries = sqliteTable(
  'faq_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The question as staff would title it, e.g. "Phòng khám ở đâu?". */
    question: text('question').notNull(),
    /** Other ways people ask it, one per line. */
    phrasings: text('phrasings').notNull().default(''),
    answer: text('answer').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    updatedBy: integer('updated_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('faq_entries_active').on(t.active)],
);

export type FaqEntry = typeof faqEntries.$inferSelect;
