import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres, healthClasses } from './cadres';
import { campaigns } from './campaigns';
import { clinics } from './clinics';
import { staffUsers } from './staff';

export const examResultStatuses = ['draft', 'released', 'superseded'] as const;
export type ExamResultStatus = (typeof examResultStatuses)[number];

/**
 * One version of a cadre's periodic exam result. Health data: shown only to the cadre's verified Zalo account
 * or an approved proxy (once released), and to staff with a reading role; every read is audited.
 *
 * Life: a `draft` is entered or imported by staff; a doctor or admin releases it (`released`, who and when
 * recorded). A correction is a new version (`version` + 1, `correctsId` = the released one) entered as a
 * draft; releasing it marks the old version `superseded` (kept, never shown in chat). The versions of one
 * result share `chainId` (the first version's id).
 */
export const examResults = sqliteTable(
  'exam_results',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The id of the first version; equal to `id` for the first version. */
    chainId: integer('chain_id').notNull(),
    version: integer('version').notNull().default(1),
    /** For a correction: the released version it replaces. */
    correctsId: integer('corrects_id'),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    /** The exam campaign (round) it belongs to, when it was part of one. */
    campaignId: integer('campaign_id').references(() => campaigns.id),
    /** Local (Vietnam) date of the exam, YYYY-MM-DD. */
    examDate: text('exam_date').notNull(),
    clinicId: integer('clinic_id').references(() => clinics.id),
    /** Loại I–V; null while the committee has not classified the person. */
    healthClass: text('health_class', { enum: healthClasses }),
    conclusions: text('conclusions').notNull().default(''),
    /** One diagnosis per line, as the doctor wrote them. */
    diagnoses: text('diagnoses', { mode: 'json' }).$type<string[]>().notNull().default([]),
    advice: text('advice').notNull().default(''),
    followUp: integer('follow_up', { mode: 'boolean' }).notNull().default(false),
    /** Where to follow up (a clinic, a specialist), when a follow-up is recommended. */
    followUpWhere: text('follow_up_where').notNull().default(''),
    /** The doctor who signed the result, as written on it. */
    signedBy: text('signed_by').notNull().default(''),
    status: text('status', { enum: examResultStatuses }).notNull().default('draft'),
    source: text('source', { enum: ['manual', 'import'] }).notNull().default('manual'),
    enteredByStaffId: integer('entered_by_staff_id').references(() => staffUsers.id),
    releasedAt: integer('released_at'),
    releasedByStaffId: integer('released_by_staff_id').references(() => staffUsers.id),
    supersededAt: integer('superseded_at'),
    supersededById: integer('superseded_by_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('exam_results_cadre').on(t.cadreId, t.status),
    index('exam_results_status').on(t.status, t.updatedAt),
    // With the cadre, so the examined cadres of a campaign are read from the index alone.
    index('exam_results_campaign').on(t.campaignId, t.cadreId),
    // The results that count for a campaign's cohort (domain/reports/examined.ts), read from the index alone.
    index('exam_results_campaign_scope').on(t.campaignId, t.status, t.examDate, t.cadreId),
    // The released results of a period in date order (the report's classification mix), from the index alone
    // instead of every released result of every year.
    index('exam_results_released_dates').on(t.status, t.examDate, t.id, t.cadreId, t.healthClass),
    uniqueIndex('exam_results_chain_version').on(t.chainId, t.version),
  ],
);

export type ExamResult = typeof examResults.$inferSelect;
