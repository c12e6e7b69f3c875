import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The day's template-message quota as Zalo last reported it (by-phone answers carry dailyQuota / remainingQuota). */
export const templateQuota = sqliteTable('template_quota', {
  /** Local (Vietnam) date, YYYY-MM-DD. */
  day: text('day').primaryKey(),
  dailyQuota: integer('daily_quota').notNull(),
  remaining: integer('remaining').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
