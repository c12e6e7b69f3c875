import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Partner hospitals and "A" clinics where cadres are registered and examined. */
export const clinics = sqliteTable('clinics', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  address: text('address').notNull().default(''),
  phone: text('phone').notNull().default(''),
  /** Free text shown to cadres, e.g. "Thứ Hai – Thứ Sáu, 7:00–16:30". */
  workingHours: text('working_hours').notNull().default(''),
  /** Email that receives this clinic's escalations when no staff member is named. */
  email: text('email'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type Clinic = typeof clinics.$inferSelect;
