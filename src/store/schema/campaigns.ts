import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadreCategories, type CadreCategory } from './cadres';
import { clinics } from './clinics';
import { staffUsers } from './staff';

export const campaignStatuses = ['draft', 'open', 'closed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/**
 * A periodic exam round (two a year): who may book (registry categories), where (campaign_clinics), when
 * (local dates), and what to tell cadres (what to bring, fasting). Only `open` campaigns take bookings.
 */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    /** 1 or 2: the first or second round of the year. */
    round: integer('round').notNull(),
    name: text('name').notNull(),
    /** Local (Vietnam) dates, YYYY-MM-DD, both included. */
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    eligibleCategories: text('eligible_categories', { mode: 'json' }).$type<CadreCategory[]>().notNull().default([...cadreCategories]),
    /** Shown to cadres when they book and in reminders: papers to bring, fasting, ... */
    instructions: text('instructions').notNull().default(''),
    status: text('status', { enum: campaignStatuses }).notNull().default('draft'),
    /** Days after the start when eligible cadres without a booking get a nudge; null for none. */
    nudgeAfterDays: integer('nudge_after_days'),
    createdByStaffId: integer('created_by_staff_id').references(() => staffUsers.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('campaigns_year_round').on(t.year, t.round), index('campaigns_status').on(t.status)],
);

export type Campaign = typeof campaigns.$inferSelect;

/** The clinics taking part in a campaign. */
export const campaignClinics = sqliteTable(
  'campaign_clinics',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    clinicId: integer('clinic_id')
      .notNull()
      .references(() => clinics.id),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.clinicId] })],
);
