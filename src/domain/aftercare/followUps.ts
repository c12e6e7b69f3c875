import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { cancelOutboxBySubject } from '../../store/outbox';
import { enqueue } from '../../jobs/enqueue';
import { cadres, campaigns, clinics, followUps, type ExamResult, type FollowUp } from '../../store/schema';
import { addDays, formatIsoDate } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate, vietnamInstant } from '../shared/quietHours';
import { ackDeadline, type RequestPolicy } from '../requests/sla';
import { createRequest } from '../requests/creation';
import { ticketOf } from '../requests/labels';
import { shareOf } from '../reports/examined';
import { readPage, rowCount, type PageWindow } from '../shared/listing';
import { committeeWord } from '../shared/organisation';
import { honorific } from '../shared/vietnamese';

/**
 * Follow-up on a worrying result. Releasing a result in the two lowest classes of the classification scheme,
 * or one the doctor marked for re-examination, opens one follow-up per result chain: the cadre is offered a
 * re-examination at the clinic or a home visit in chat (each opens a request that staff schedule), staff see
 * open follow-ups with their due date, and one still open at its due date escalates as a request of its own
 * (clinic staff, then the clinic head: the request escalation). It is done when the request that came of it
 * is done (./serviceDone.ts) or staff close it.
 */

const FOLLOW_UP_DAYS = 14;
const FOLLOW_UP_DUE_JOB = 'followUp.due' as const;
const followUpSubject = (id: number) => `follow-up-${id}`;

/**
 * Why a released result calls for a follow-up: its class is one of `lowest` (the two lowest of the scheme,
 * `lowestHealthClasses` beside the other health-class helpers), or the doctor marked it for re-examination.
 */
export function needsFollowUp(r: Pick<ExamResult, 'healthClass' | 'followUp'>, lowest: readonly string[]): FollowUp['reason'] | null {
  if (r.healthClass && lowest.includes(r.healthClass)) return 'class';
  if (r.followUp) return 'reexam';
  return null;
}

/** The offer goes a while after the "results ready" notice, so the cadre has read the result first. */
const FOLLOW_UP_OFFER_DELAY_MS = 2 * 3600_000;
export const FOLLOW_UP_OFFER_NOTICE = 'followUp.offer' as const;

/**
 * On release of a result: opens its chain's follow-up when the result calls for one (once per chain, a
 * correction keeps the open one), schedules the offer in chat and the overdue check.
 */
export function openFollowUp(tx: DbOrTx, r: ExamResult, lowest: readonly string[], resultNoticeAt: number, now: number): FollowUp | null {
  const reason = needsFollowUp(r, lowest);
  if (!reason) return null;
  const dueDate = addDays(vietnamDate(now), FOLLOW_UP_DAYS);
  const offeredAt = outsideQuietHours(resultNoticeAt + FOLLOW_UP_OFFER_DELAY_MS);
  const row = tx
    .insert(followUps)
    .values({
      cadreId: r.cadreId,
      resultChainId: r.chainId,
      campaignId: r.campaignId,
      clinicId: r.clinicId ?? tx.select({ clinicId: cadres.clinicId }).from(cadres).where(eq(cadres.id, r.cadreId)).get()?.clinicId ?? null,
      reason,
      offeredAt,
      dueDate,
      // Overdue from the morning after the due date.
      dueAt: vietnamInstant(addDays(dueDate, 1), 8, 0),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!row) return null;
  const subject = followUpSubject(row.id);
  enqueueNotice(tx, { cadreId: r.cadreId, ref: { kind: FOLLOW_UP_OFFER_NOTICE, id: row.id }, dueAt: offeredAt, subject }, now);
  enqueue(tx, FOLLOW_UP_DUE_JOB, { followUpId: row.id }, { now, dueAt: row.dueAt, subject });
  recordAudit(tx, { type: 'system', id: 'follow-up' }, { action: 'followUp.open', entity: 'follow_up', entityId: row.id, detail: { cadreId: r.cadreId, resultId: r.id, reason } }, now);
  return row;
}

export const followUpText = {
  offer: (who: string, title: string) => `${committeeWord()} muốn hẹn ${who} khám lại để theo dõi sức khỏe. ${title} chọn (gõ số):`,
  clinic: 'Hẹn khám lại tại phòng khám',
  home: 'Đề nghị bác sĩ khám tại nhà',
  chosenClinic: 'Đã gửi đề nghị hẹn khám lại (mã {ticket}). Phòng khám sẽ gọi điện hẹn ngày giờ với Ông/Bà.',
  chosenHome: 'Đã gửi đề nghị khám tại nhà (mã {ticket}). Phòng khám sẽ liên hệ để hẹn ngày bác sĩ đến.',
};

/**
 * The 'followUp.offer' notice: a re-examination or a home visit, numbered (buttons when on). Says nothing about
 * the result itself, and goes by Zalo only (no email): staff call those it does not reach. Null once the
 * cadre chose or the follow-up closed.
 */
export const renderFollowUpOffer: NoticeRenderer = (db, ref) => {
  const f = db.select().from(followUps).where(eq(followUps.id, ref.id)).get();
  if (!f || f.status !== 'open' || f.choice !== null) return null;
  const cadre = db.select({ fullName: cadres.fullName, sex: cadres.sex }).from(cadres).where(eq(cadres.id, f.cadreId)).get();
  if (!cadre) return null;
  const title = honorific(cadre.sex);
  return {
    text: [followUpText.offer(`${title} ${cadre.fullName}`, title), `1. ${followUpText.clinic}`, `2. ${followUpText.home}`].join('\n'),
    buttons: [
      { title: followUpText.clinic, payload: followUpText.clinic },
      { title: followUpText.home, payload: followUpText.home },
    ],
  };
};

/** The cadre's choice in chat: opens the request staff schedule, linked to the follow-up. */
export function chooseFollowUp(tx: DbOrTx, id: number, choice: 'clinic' | 'home', zaloUserId: string, viaProxy: boolean, ackDueAt: number, now: number): { requestId: number; outboxIds: number[] } | null {
  const f = tx.select().from(followUps).where(eq(followUps.id, id)).get();
  if (!f || f.status !== 'open' || f.choice !== null) return null;
  const created = createRequest(
    tx,
    zaloUserId,
    {
      type: choice === 'home' ? 'home_visit' : 'follow_up',
      cadreId: f.cadreId,
      clinicId: f.clinicId,
      viaProxy,
      urgency: 'normal',
      details: choice === 'home' ? 'Khám tại nhà để theo dõi sau đợt khám (cán bộ chọn trong Zalo).' : 'Hẹn khám lại tại phòng khám để theo dõi sau đợt khám (cán bộ chọn trong Zalo).',
      ackDueAt,
    },
    now,
  );
  tx.update(followUps).set({ choice, requestId: created.id, updatedAt: now }).where(eq(followUps.id, id)).run();
  return { requestId: created.id, outboxIds: created.outboxIds };
}

/**
 * The 'followUp.due' job: a follow-up still open at its due time escalates as a request (clinic staff, then
 * the clinic head). Returns the request id, or null when nothing was due.
 */
export function escalateOverdueFollowUp(tx: DbOrTx, id: number, policy: RequestPolicy, now: number): number | null {
  const f = tx.select().from(followUps).where(eq(followUps.id, id)).get();
  if (!f || f.status !== 'open' || f.escalationRequestId !== null || now < f.dueAt) return null;
  const reason = f.reason === 'class' ? 'kết quả phân loại sức khỏe thấp' : 'bác sĩ đề nghị khám lại';
  const chosen = f.choice === 'home' ? 'cán bộ đã chọn khám tại nhà' : f.choice === 'clinic' ? 'cán bộ đã chọn khám lại tại phòng khám' : 'cán bộ chưa trả lời';
  const created = createRequest(
    tx,
    null,
    {
      type: 'follow_up',
      cadreId: f.cadreId,
      clinicId: f.clinicId,
      viaProxy: false,
      urgency: 'normal',
      details: `Theo dõi sau khám quá hạn (hạn ${formatIsoDate(f.dueDate)}): ${reason}; ${chosen}.${f.requestId ? ` Yêu cầu liên quan: ${ticketOf(f.requestId)}.` : ''}`,
      ackDueAt: ackDeadline('normal', now, policy),
    },
    now,
  );
  tx.update(followUps).set({ escalationRequestId: created.id, updatedAt: now }).where(eq(followUps.id, id)).run();
  recordAudit(tx, { type: 'system', id: 'follow-up' }, { action: 'followUp.overdue', entity: 'follow_up', entityId: id, detail: { requestId: created.id } }, now);
  return created.id;
}

export const CloseFollowUpInput = z.object({
  outcome: z.enum(['done', 'cancelled']),
  note: z.string().trim().max(500, 'Ghi chú tối đa 500 ký tự.').default(''),
});

/** Staff close a follow-up (done, or not needed); what is left of its timers stops. */
export function closeFollowUp(tx: DbOrTx, id: number, input: z.infer<typeof CloseFollowUpInput>, actor: AuditActor, staffId: number, clinicScope: number | null, now: number): void {
  const f = tx.select().from(followUps).where(eq(followUps.id, id)).get();
  if (!f || (clinicScope !== null && f.clinicId !== clinicScope)) throw new AppError('not_found', 'Không tìm thấy việc theo dõi này.');
  if (f.status !== 'open') throw new AppError('conflict', 'Việc theo dõi này đã đóng.');
  if (input.outcome === 'cancelled' && input.note.length < 3) throw new AppError('validation_failed', 'Vui lòng ghi lý do không cần theo dõi.');
  tx.update(followUps).set({ status: input.outcome, closedAt: now, closedByStaffId: staffId, closeNote: input.note || null, updatedAt: now }).where(eq(followUps.id, id)).run();
  cancelOutboxBySubject(tx, followUpSubject(id), now);
  recordAudit(tx, actor, { action: `followUp.${input.outcome}`, entity: 'follow_up', entityId: id, detail: { cadreId: f.cadreId } }, now);
}

export interface FollowUpRow extends FollowUp {
  code: string;
  fullName: string;
  phone: string | null;
  clinicName: string | null;
  campaignName: string | null;
  overdue: boolean;
}

export const followUpListStatuses = ['open', 'overdue', 'done', 'cancelled', 'all'] as const;
export type FollowUpListStatus = (typeof followUpListStatuses)[number];

/**
 * One page of follow-ups (open and overdue: by due date, oldest first; closed: newest first), within the staff
 * member's clinic when scoped. "overdue" are the open ones past their escalation time.
 */
export function pageFollowUps(db: DbOrTx, q: { status: FollowUpListStatus; page: number }, clinicScope: number | null, now: number): { items: FollowUpRow[]; window: PageWindow } {
  const where = and(
    q.status === 'all' ? undefined : q.status === 'overdue' ? and(eq(followUps.status, 'open'), lte(followUps.dueAt, now)) : eq(followUps.status, q.status),
    clinicScope === null ? undefined : eq(followUps.clinicId, clinicScope),
  );
  const closed = q.status === 'done' || q.status === 'cancelled';
  const rows = db
    .select({ f: followUps, code: cadres.code, fullName: cadres.fullName, phone: cadres.phone, clinicName: clinics.name, campaignName: campaigns.name })
    .from(followUps)
    .innerJoin(cadres, eq(cadres.id, followUps.cadreId))
    .leftJoin(clinics, eq(clinics.id, followUps.clinicId))
    .leftJoin(campaigns, eq(campaigns.id, followUps.campaignId))
    .where(where)
    .orderBy(...(closed ? [desc(followUps.closedAt), desc(followUps.id)] : [asc(followUps.dueAt), asc(followUps.id)]));
  const { items, window } = readPage(db.select(rowCount).from(followUps).where(where), rows, q.page);
  return { items: items.map(({ f, ...c }) => ({ ...f, ...c, overdue: f.status === 'open' && now >= f.dueAt })), window };
}

export interface FollowUpCompletion {
  campaignId: number | null;
  campaign: string;
  opened: number;
  done: number;
  cancelled: number;
  open: number;
  overdue: number;
  /** done / (opened − cancelled); null when none count. */
  completion: number | null;
}

/** Follow-up completion per campaign, for follow-ups opened between two instants (all when not given). */
export function followUpCompletion(db: DbOrTx, campaignIds: number[] | null, now: number): FollowUpCompletion[] {
  const rows = db
    .select({ campaignId: followUps.campaignId, campaign: campaigns.name, status: followUps.status, dueAt: followUps.dueAt })
    .from(followUps)
    .leftJoin(campaigns, eq(campaigns.id, followUps.campaignId))
    .where(campaignIds === null ? sql`1 = 1` : inArray(followUps.campaignId, campaignIds.length ? campaignIds : [-1]))
    .all();
  const by = new Map<string, FollowUpCompletion>();
  for (const r of rows) {
    const key = String(r.campaignId);
    const g = by.get(key) ?? { campaignId: r.campaignId, campaign: r.campaign ?? '(Ngoài đợt khám)', opened: 0, done: 0, cancelled: 0, open: 0, overdue: 0, completion: null };
    g.opened += 1;
    if (r.status === 'done') g.done += 1;
    else if (r.status === 'cancelled') g.cancelled += 1;
    else {
      g.open += 1;
      if (now >= r.dueAt) g.overdue += 1;
    }
    by.set(key, g);
  }
  return [...by.values()].map((g) => ({ ...g, completion: shareOf(g.done, g.opened - g.cancelled) }));
}

