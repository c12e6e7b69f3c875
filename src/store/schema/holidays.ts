import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { staffUsers } from './staff';

/**
 * Days off the committee adds to the public holidays computed from the calendar (src/domain/shared/holidays.ts):
 * a day swapped by government decision, the province's own days, a day the clinics close.
 */
export const holidays = sqliteTable('holidays', {
  /** Local date, YYYY-MM-DD. */
  date: text('date').primaryKey(),
  name: text('name').notNull(),
  createdByStaffId: integer('created_by_staff_id').references(() => staffUsers.id),
  createdAt: integer('created_at').notNull(),
});

export type Holiday = typeof holidays.$inferSelect;
