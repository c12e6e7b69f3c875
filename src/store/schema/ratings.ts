import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { careRequests } from './careRequests';
import { clinics } from './clinics';

export const ratingSubjects = ['exam', 'request'] as const;
export type RatingSubject = (typeof ratingSubjects)[number];

/**
 * One question after a service (an attended exam, a finished request): 1 to 5 and an optional comment.
 * At most one asked a week per cadre. A low score opens a request for the clinic head (`requestId`).
 */
export const ratings = sqliteTable(
  'ratings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    subject: text('subject', { enum: ratingSubjects }).notNull(),
    /** The booking or the request rated. */
    subjectId: integer('subject_id').notNull(),
    clinicId: integer('clinic_id').references(() => clinics.id),
    /** When the question goes out; answers are read until `expiresAt`. */
    askedAt: integer('asked_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    score: integer('score'),
    comment: text('comment'),
    answeredAt: integer('answered_at'),
    requestId: integer('request_id').references(() => careRequests.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('ratings_subject').on(t.subject, t.subjectId), index('ratings_cadre').on(t.cadreId, t.askedAt), index('ratings_clinic').on(t.clinicId, t.answeredAt)],
);
export type Rating = typeof ratings.$inferSelect;
