import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { clinics } from './clinics';
import { healthClassCodes, type HealthClassCode } from '../../domain/results/classification';

export const cadreCategories = ['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac'] as const;
export type CadreCategory = (typeof cadreCategories)[number];
export const birthDatePrecisions = ['day', 'year'] as const;
export type BirthDatePrecision = (typeof birthDatePrecisions)[number];
export const leftReasons = ['left', 'died'] as const;
export type LeftReason = (typeof leftReasons)[number];
/** Every class code of every scheme (domain/results/classification.ts owns the schemes; a stored code names its own). */
export const healthClasses = healthClassCodes;
export type HealthClass = HealthClassCode;

/** The registry: serving and retired officials and people with meritorious service the committee cares for. */
export const cadres = sqliteTable(
  'cadres',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The committee's own code, the key for imports (upsert by code). */
    code: text('code').notNull().unique(),
    fullName: text('full_name').notNull(),
    /**
     * The name folded for search and sorting (lower case, no diacritics: "nguyen van an"). Written by the
     * database itself: triggers fold full_name with vi_fold() on every insert and rename (store/fold.ts).
     */
    foldedName: text('folded_name').notNull().default(''),
    /** ISO date, YYYY-MM-DD. With a year-only precision the month and day are stored as 01-01 and mean nothing. */
    birthDate: text('birth_date').notNull(),
    /** How much of the birth date the office records hold: the full date, or the year alone (older records). */
    birthDatePrecision: text('birth_date_precision', { enum: birthDatePrecisions }).notNull().default('day'),
    sex: text('sex', { enum: ['male', 'female'] }).notNull(),
    category: text('category', { enum: cadreCategories }).notNull(),
    unit: text('unit').notNull().default(''),
    /** E.164 digits without '+': 84 and the 9-digit subscriber number. */
    phone: text('phone'),
    email: text('email'),
    clinicId: integer('clinic_id').references(() => clinics.id),
    healthClass: text('health_class', { enum: healthClasses }),
    /** Too frail to come to exams: offered home visits instead. */
    frail: integer('frail', { mode: 'boolean' }).notNull().default(false),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Local date from which the committee manages the person; null: from before any campaign on record. */
    managedFrom: text('managed_from'),
    /** Local date the person stopped being managed (moved away, died); null while managed. */
    leftOn: text('left_on'),
    leftReason: text('left_reason', { enum: leftReasons }),
    /** Stops broadcasts (not reminders or results) to this cadre's Zalo accounts. */
    broadcastOptOut: integer('broadcast_opt_out', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('cadres_phone').on(t.phone),
    index('cadres_clinic').on(t.clinicId),
    // The registry sorted by name pages through this index; a search by name scans it instead of the table.
    index('cadres_folded_name').on(t.foldedName, t.code),
    // The campaign cohort (domain/reports/examined.ts) is counted per unit and clinic from this index alone; it also
    // serves the unit filter's list.
    index('cadres_cohort').on(t.unit, t.clinicId, t.category, t.managedFrom, t.leftOn, t.active),
  ],
);

export type Cadre = typeof cadres.$inferSelect;
