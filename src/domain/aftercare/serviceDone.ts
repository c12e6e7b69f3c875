import { and, eq, gt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { followUps, ratings, type CareRequest, type Rating, type RatingSubject } from '../../store/schema';
import { enqueueNotice } from '../outreach/notices';
import { outsideQuietHours } from '../shared/quietHours';

/**
 * What happens after a service is done: an attended exam or a finished request is followed by one rating
 * question, and a finished request closes the follow-up it came from. Called by booking and request code,
 * so it imports neither (no cycle).
 */

export const RATING_NOTICE = 'rating.ask';
/** How long after the service the question goes out (then moved out of quiet hours). */
const RATING_DELAY_MS = 2 * 3600_000;
/** At most one question in this period per cadre. */
const RATING_INTERVAL_MS = 7 * 24 * 3600_000;
/** Answers are read for this long after the question went out. */
const RATING_ANSWER_MS = 3 * 24 * 3600_000;
export const LOW_RATING = 2;

/**
 * Schedules the question about a service, unless one was asked (or is planned) for this cadre within the
 * week around it or this service was already rated. Returns the rating row, or null when skipped.
 */
export function askRatingAfter(tx: DbOrTx, service: { cadreId: number; subject: RatingSubject; subjectId: number; clinicId: number | null }, now: number): Rating | null {
  const askedAt = outsideQuietHours(now + RATING_DELAY_MS);
  const recent = tx
    .select({ id: ratings.id })
    .from(ratings)
    .where(and(eq(ratings.cadreId, service.cadreId), gt(ratings.askedAt, askedAt - RATING_INTERVAL_MS)))
    .get();
  if (recent) return null;
  const row = tx
    .insert(ratings)
    .values({ ...service, askedAt, expiresAt: askedAt + RATING_ANSWER_MS, createdAt: now })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!row) return null;
  enqueueNotice(tx, { cadreId: service.cadreId, ref: { kind: RATING_NOTICE, id: row.id }, dueAt: askedAt, subject: `rating-${row.id}` }, now);
  return row;
}


/** After staff recorded an exam as attended. */
export function afterExamAttended(tx: DbOrTx, booking: { id: number; cadreId: number; clinicId: number | null }, now: number): void {
  askRatingAfter(tx, { cadreId: booking.cadreId, subject: 'exam', subjectId: booking.id, clinicId: booking.clinicId }, now);
}

/** Requests that are not a service to rate: an emergency mention, a complaint itself, an overdue follow-up alert. */
const unrated: CareRequest['type'][] = ['emergency', 'feedback'];

/** After a request was closed: a done one closes the follow-up it served and asks for a rating. */
export function afterRequestClosed(tx: DbOrTx, req: Pick<CareRequest, 'id' | 'type' | 'cadreId' | 'clinicId'>, outcome: 'done' | 'cancelled', now: number): void {
  if (outcome !== 'done') return;
  tx.update(followUps)
    .set({ status: 'done', closedAt: now, closeNote: `Hoàn thành qua yêu cầu ${req.id}`, updatedAt: now })
    .where(and(eq(followUps.status, 'open'), or(eq(followUps.requestId, req.id), eq(followUps.escalationRequestId, req.id))))
    .run();
  if (req.cadreId !== null && !unrated.includes(req.type)) {
    askRatingAfter(tx, { cadreId: req.cadreId, subject: 'request', subjectId: req.id, clinicId: req.clinicId }, now);
  }
}

