import { and, asc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { cadres, clinics, ratings } from '../../store/schema';
import type { NoticeRenderer } from '../outreach/notices';
import { VN_OFFSET_MS } from '../shared/dates';
import { createRequest } from '../requests/creation';
import { ticketOf } from '../requests/labels';
import { LOW_RATING } from './serviceDone';
import { committeeWord } from '../shared/organisation';
import { honorific } from '../shared/vietnamese';

/**
 * One question after a service: an attended exam or a finished request. Asked a little after the service,
 * never more than once a week per cadre; answered in chat with 1–5 (or words, src/bot/understand/rating.ts)
 * and an optional comment. A score of 1 or 2 opens a request for the clinic head. When it is asked:
 * ./serviceDone.ts.
 */

export const ratingText = {
  ask: (title: string, what: string) =>
    `${title} thấy ${what} thế nào? Xin chấm từ 1 (chưa hài lòng) đến 5 (rất hài lòng), gõ một số. Có thể viết thêm góp ý sau số, ví dụ: "5 bác sĩ tận tình".`,
  exam: (clinic: string) => `buổi khám sức khỏe tại ${clinic}`,
  get request() {
    return `việc ${committeeWord()} hỗ trợ vừa rồi`;
  },
  thanks: (title: string) => `Cảm ơn ${title} đã đánh giá. Ý kiến của ${title} giúp ${committeeWord()} phục vụ tốt hơn.`,
  thanksLow: (title: string) => `Cảm ơn ${title} đã cho biết. Trưởng phòng khám sẽ xem xét và liên hệ lại với ${title}.`,
};

/** 'rating.ask' notice: null once answered or expired. No email: the answer is a chat reply. */
export const renderRatingAsk: NoticeRenderer = (db, ref, now) => {
  const r = db.select().from(ratings).where(eq(ratings.id, ref.id)).get();
  if (!r || r.answeredAt !== null || now >= r.expiresAt) return null;
  const cadre = db.select().from(cadres).where(eq(cadres.id, r.cadreId)).get();
  if (!cadre) return null;
  const clinic = r.clinicId === null ? null : db.select({ name: clinics.name }).from(clinics).where(eq(clinics.id, r.clinicId)).get();
  const what = r.subject === 'exam' ? ratingText.exam(clinic?.name ?? 'phòng khám') : ratingText.request;
  return {
    text: ratingText.ask(honorific(cadre.sex), what),
    buttons: [5, 4, 3, 2, 1].map((n) => ({ title: `${n} sao`, payload: String(n) })),
  };
};

/**
 * Records the answer (once). A low score opens a request for the clinic head with the comment. Returns the
 * outbox ids of that request's escalation, if any.
 */
export function recordRating(
  tx: DbOrTx,
  ratingId: number,
  answer: { score: number; comment: string },
  actor: AuditActor & { type: 'zalo' },
  ackDueAt: number,
  now: number,
): { recorded: boolean; outboxIds: number[] } {
  const r = tx.select().from(ratings).where(eq(ratings.id, ratingId)).get();
  if (!r || r.answeredAt !== null || now >= r.expiresAt) return { recorded: false, outboxIds: [] };
  const score = Math.min(5, Math.max(1, Math.round(answer.score)));
  const comment = answer.comment.trim().slice(0, 500) || null;
  tx.update(ratings).set({ score, comment, answeredAt: now }).where(eq(ratings.id, r.id)).run();
  recordAudit(tx, actor, { action: 'rating.answer', entity: 'rating', entityId: r.id, detail: { score } }, now);
  if (score > LOW_RATING) return { recorded: true, outboxIds: [] };
  const what = r.subject === 'exam' ? `buổi khám (lịch #${r.subjectId})` : `yêu cầu ${ticketOf(r.subjectId)}`;
  const created = createRequest(
    tx,
    actor.id,
    {
      type: 'feedback',
      cadreId: r.cadreId,
      clinicId: r.clinicId,
      viaProxy: actor.onBehalfOfCadreId != null,
      urgency: 'normal',
      details: `Cán bộ chấm ${score}/5 cho ${what}.${comment ? `\nGóp ý: ${comment}` : ''}`,
      ackDueAt,
      firstLevel: 1,
    },
    now,
  );
  tx.update(ratings).set({ requestId: created.id }).where(eq(ratings.id, r.id)).run();
  return { recorded: true, outboxIds: created.outboxIds };
}

export interface RatingFigure {
  clinic: string;
  month: string;
  answered: number;
  average: number | null;
  low: number;
}

/** Average score by clinic and month (local month of the answer), answers between two instants. */
export function ratingFigures(db: DbOrTx, fromMs: number, toMs: number): RatingFigure[] {
  const rows = db
    .select({
      clinic: sql<string>`coalesce(${clinics.name}, '(Không rõ phòng khám)')`,
      month: sql<string>`strftime('%Y-%m', (${ratings.answeredAt} + ${VN_OFFSET_MS}) / 1000, 'unixepoch')`,
      answered: sql<number>`count(*)`,
      average: sql<number>`round(avg(${ratings.score}), 2)`,
      low: sql<number>`sum(CASE WHEN ${ratings.score} <= ${LOW_RATING} THEN 1 ELSE 0 END)`,
    })
    .from(ratings)
    .leftJoin(clinics, eq(clinics.id, ratings.clinicId))
    .where(and(isNotNull(ratings.answeredAt), gte(ratings.answeredAt, fromMs), lt(ratings.answeredAt, toMs)))
    .groupBy(sql`1`, sql`2`)
    .orderBy(asc(sql`2`), asc(sql`1`))
    .all();
  return rows.map((r) => ({ ...r, average: r.answered ? r.average : null }));
}
