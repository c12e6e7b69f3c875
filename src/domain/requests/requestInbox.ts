import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { requestNotes } from './requestNotes';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { cadres, careRequestEvents, careRequests, careRequestStates, careRequestTypes, clinics, staffUsers } from '../../store/schema';
import { openStates, requestTypeLabels, ticketOf } from './labels';
import { personSearch, readPage, rowCount } from '../shared/listing';

/** The staff inbox of requests: filters, the SLA clock, the detail with its timeline. */

export const RequestFilter = z.object({
  clinic: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  type: z.enum([...careRequestTypes, '']).optional(),
  state: z.enum([...careRequestStates, 'open', 'all', '']).optional(),
  /** The cadre's name (with or without diacritics) or code. */
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type RequestFilter = z.infer<typeof RequestFilter>;

export type SlaClock = { kind: 'left' | 'overdue'; ms: number } | { kind: 'met' | 'breached' | 'none' };

/**
 * Time left to acknowledge (or overdue by), while a request waits; met or breached once decided. A request
 * closed before anyone acknowledged it and before its deadline (cancelled at the cadre's wish) has no verdict.
 */
function slaClock(r: { state: string; ackDueAt: number; sla: string; acknowledgedAt: number | null }, now: number): SlaClock {
  if (r.sla === 'met' || r.sla === 'breached') return { kind: r.sla };
  if (r.acknowledgedAt !== null || r.state !== 'new') return { kind: 'none' };
  return r.ackDueAt >= now ? { kind: 'left', ms: r.ackDueAt - now } : { kind: 'overdue', ms: now - r.ackDueAt };
}

/** "1 giờ 05 phút", "12 phút", "2 ngày 3 giờ" */
export function durationVi(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d} ngày ${h} giờ`;
  if (h > 0) return `${h} giờ ${String(m).padStart(2, '0')} phút`;
  return `${m} phút`;
}

/** One page of the inbox and where it sits in the whole list: every matching request is reachable, none silently cut. */
export function listRequests(tx: DbOrTx, scope: number | null, f: RequestFilter, now: number) {
  const where: SQL[] = [];
  if (scope !== null) where.push(eq(careRequests.clinicId, scope));
  if (f.clinic) where.push(eq(careRequests.clinicId, f.clinic));
  if (f.type) where.push(eq(careRequests.type, f.type));
  const state = f.state || 'open';
  if (state === 'open') where.push(inArray(careRequests.state, openStates));
  else if (state !== 'all') where.push(eq(careRequests.state, state));
  const byPerson = personSearch(f.q, cadres.foldedName, cadres.code);
  if (byPerson) where.push(byPerson);
  const filter = where.length ? and(...where) : undefined;
  const rows = tx
    .select({
      id: careRequests.id,
      type: careRequests.type,
      state: careRequests.state,
      urgency: careRequests.urgency,
      sla: careRequests.sla,
      ackDueAt: careRequests.ackDueAt,
      acknowledgedAt: careRequests.acknowledgedAt,
      escalationLevel: careRequests.escalationLevel,
      createdAt: careRequests.createdAt,
      scheduledDate: careRequests.scheduledDate,
      scheduledTime: careRequests.scheduledTime,
      clinicId: careRequests.clinicId,
      clinicName: clinics.name,
      cadreId: careRequests.cadreId,
      cadreName: cadres.fullName,
      cadreCode: cadres.code,
      handlerName: staffUsers.fullName,
    })
    .from(careRequests)
    .leftJoin(clinics, eq(clinics.id, careRequests.clinicId))
    .leftJoin(cadres, eq(cadres.id, careRequests.cadreId))
    .leftJoin(staffUsers, eq(staffUsers.id, careRequests.acknowledgedByStaffId))
    .where(filter)
    // Waiting ones first, most urgent deadline first; then the rest newest first.
    .orderBy(sql`case when ${careRequests.state} = 'new' then 0 else 1 end`, sql`case when ${careRequests.state} = 'new' then ${careRequests.ackDueAt} else -${careRequests.id} end`);
  const { items, window } = readPage(tx.select(rowCount).from(careRequests).leftJoin(cadres, eq(cadres.id, careRequests.cadreId)).where(filter), rows, f.page ?? 1);
  return { items: items.map((r) => ({ ...r, ticket: ticketOf(r.id), typeLabel: requestTypeLabels[r.type], clock: slaClock(r, now) })), window };
}

export function requestDetail(tx: DbOrTx, id: number, scope: number | null, now: number) {
  const req = tx.select().from(careRequests).where(eq(careRequests.id, id)).get();
  if (!req) throw new AppError('not_found', 'Không tìm thấy yêu cầu.');
  if (scope !== null && req.clinicId !== scope) throw new AppError('forbidden', 'Yêu cầu này không thuộc phòng khám của bạn.');
  const cadre = req.cadreId === null ? null : tx.select().from(cadres).where(eq(cadres.id, req.cadreId)).get() ?? null;
  const clinic = req.clinicId === null ? null : tx.select().from(clinics).where(eq(clinics.id, req.clinicId)).get() ?? null;
  const handler = req.acknowledgedByStaffId === null ? null : tx.select({ id: staffUsers.id, fullName: staffUsers.fullName }).from(staffUsers).where(eq(staffUsers.id, req.acknowledgedByStaffId)).get() ?? null;
  const timeline = tx
    .select({ event: careRequestEvents, staffName: staffUsers.fullName })
    .from(careRequestEvents)
    .leftJoin(staffUsers, and(inArray(careRequestEvents.actorType, ['staff', 'link']), eq(sql`cast(${staffUsers.id} as text)`, careRequestEvents.actorId)))
    .where(eq(careRequestEvents.requestId, id))
    .orderBy(asc(careRequestEvents.at), asc(careRequestEvents.id))
    .all();
  return { request: req, ticket: ticketOf(req.id), cadre, clinic, handler, timeline, notes: requestNotes(tx, id), clock: slaClock(req, now) };
}
