import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { bookings, cadres, callOutcomeKinds, callOutcomes, campaigns, clinics, examResults, type CallOutcomeKind, type Campaign } from '../../store/schema';
import { healthClassOf } from '../results/classification';
import { nudgeDueAt } from '../booking/nudges';
import { addDays } from '../shared/dates';
import { rowsOf, statement } from '../../store/prepared';
import { campaignCohort } from '../reports/examined';
import { ackDeadline, type RequestPolicy } from '../requests/sla';
import { createRequest } from '../requests/creation';

/**
 * The staff call list of a campaign: eligible cadres the chat, the nudges and the reminders did not reach. Who is on it:
 * - not booked: no booking that counts and not examined, once the campaign's nudge has gone out (or from the
 *   start when the campaign has no nudge);
 * - not confirmed: booked for today or tomorrow, the day-before question sent, no answer yet;
 * - did not come: marked no-show and not booked again nor examined.
 * Older people first, then the frail, then the lowest last health class. A call counts for the reason it was made
 * for (calls made before a booking or a no-show was recorded do not); "unreachable" keeps the cadre on the list,
 * any other outcome moves them to the handled list.
 */

export const callOutcomeLabels: Record<CallOutcomeKind, string> = {
  booked_by_phone: 'Đã đặt lịch qua điện thoại',
  home_exam_requested: 'Đề nghị khám tại nhà',
  declined: 'Từ chối (có lý do)',
  unreachable: 'Không liên lạc được',
  wrong_number: 'Sai số điện thoại',
};

export type CallReason = 'not_booked' | 'unconfirmed' | 'no_show';
export const callReasons: readonly CallReason[] = ['not_booked', 'unconfirmed', 'no_show'];
export const callReasonLabels: Record<CallReason, string> = {
  not_booked: 'Chưa đặt lịch sau lời nhắc',
  unconfirmed: 'Chưa xác nhận lịch khám',
  no_show: 'Đã đặt nhưng không đến',
};

export interface CallListRow {
  cadreId: number;
  code: string;
  fullName: string;
  sex: 'male' | 'female';
  birthDate: string;
  age: number;
  frail: boolean;
  healthClass: string | null;
  phone: string | null;
  clinicName: string | null;
  unit: string;
  reason: CallReason;
  /** The booking the call is about (not confirmed, did not come). */
  booking: { id: number; startsAt: number; clinicName: string } | null;
  /** Calls made for this reason. */
  calls: number;
  last: { outcome: CallOutcomeKind; note: string; at: number } | null;
}

/** Whole years between a birth date and a local date. */
function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Worse class first (V before IV ... before I, D before C ... before A), then not classified. */
const classRank = (c: string | null) => healthClassOf(c)?.rank ?? -1;

/** Whether the campaign's nudges are out, so a cadre still without a booking needs a call. */
function nudgesOut(c: Campaign, now: number): boolean {
  return c.nudgeAfterDays === null || c.nudgeAfterDays === undefined ? true : nudgeDueAt(c) <= now;
}

interface Why {
  reason: CallReason;
  /** Calls before this instant were about something else. */
  since: number;
  booking: { id: number; startsAt: number; clinicId: number; clinicName: string } | null;
}

/** Booked for today or tomorrow, still unanswered, and the day-before question is no longer waiting to go out. */
const UNCONFIRMED = `SELECT b.id AS id, b.cadre_id AS cadreId, b.created_at AS createdAt, s.starts_at AS startsAt, s.clinic_id AS clinicId, k.name AS clinicName
  FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN clinics k ON k.id = s.clinic_id
  WHERE b.campaign_id = ? AND b.status = 'booked' AND b.confirmation IS NULL AND s.local_date IN (?, ?) AND s.starts_at > ?
    AND EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'booking-' || b.id AND json_extract(o.payload, '$.ref.variant') = 'T-1')
    AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'booking-' || b.id AND json_extract(o.payload, '$.ref.variant') = 'T-1'
                    AND o.status IN ('blocked', 'pending', 'queued'))`;

/** The latest no-show booking of each cadre in the campaign. */
const NO_SHOWS = `SELECT b.id AS id, b.cadre_id AS cadreId, coalesce(b.attendance_at, b.updated_at) AS markedAt, s.starts_at AS startsAt, s.clinic_id AS clinicId, k.name AS clinicName
  FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN clinics k ON k.id = s.clinic_id
  WHERE b.campaign_id = ? AND b.status = 'no_show' ORDER BY s.starts_at`;

/** The call list of a campaign: `pending` (still to call) and `handled`, each in call order. */
export function callList(db: DbOrTx, campaignId: number, clinicScope: number | null, now: number): { pending: CallListRow[]; handled: CallListRow[]; nudgesOut: boolean } {
  const c = db.select().from(campaigns).where(eq(campaigns.id, campaignId)).get();
  if (!c) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
  const cohort = campaignCohort(db, c, now);
  const out = nudgesOut(c, now);
  const eligible = new Set(cohort.eligible.map((x) => x.id));
  const whys = new Map<number, Why>();
  // A no-show who booked again is not called about the no-show.
  const rebooked = new Set(
    db
      .select({ id: bookings.cadreId })
      .from(bookings)
      .where(and(eq(bookings.campaignId, campaignId), inArray(bookings.status, ['booked', 'attended'])))
      .all()
      .map((r) => r.id),
  );
  for (const r of rowsOf<{ id: number; cadreId: number; markedAt: number; startsAt: number; clinicId: number; clinicName: string }>(db, NO_SHOWS).all(campaignId)) {
    if (!cohort.noShow.has(r.cadreId) || rebooked.has(r.cadreId)) continue;
    whys.set(r.cadreId, { reason: 'no_show', since: r.markedAt, booking: { id: r.id, startsAt: r.startsAt, clinicId: r.clinicId, clinicName: r.clinicName } });
  }
  const today = cohort.today;
  for (const r of rowsOf<{ id: number; cadreId: number; createdAt: number; startsAt: number; clinicId: number; clinicName: string }>(db, UNCONFIRMED).all(campaignId, today, addDays(today, 1), now)) {
    if (!eligible.has(r.cadreId) || whys.has(r.cadreId)) continue;
    whys.set(r.cadreId, { reason: 'unconfirmed', since: r.createdAt, booking: { id: r.id, startsAt: r.startsAt, clinicId: r.clinicId, clinicName: r.clinicName } });
  }
  if (out) {
    for (const x of cohort.eligible) {
      if (cohort.examined.has(x.id) || cohort.booked.has(x.id) || cohort.homeExams.has(x.id) || whys.has(x.id)) continue;
      whys.set(x.id, { reason: 'not_booked', since: 0, booking: null });
    }
  }
  const ids = [...whys.keys()];
  if (!ids.length) return { pending: [], handled: [], nudgesOut: out };
  const people = db
    .select({ id: cadres.id, code: cadres.code, fullName: cadres.fullName, sex: cadres.sex, birthDate: cadres.birthDate, frail: cadres.frail, registryClass: cadres.healthClass, phone: cadres.phone, unit: cadres.unit, clinicId: cadres.clinicId, clinicName: clinics.name })
    .from(cadres)
    .leftJoin(clinics, eq(clinics.id, cadres.clinicId))
    .where(inArray(cadres.id, ids))
    .all()
    // Staff of a clinic see the cadres registered there and those booked there.
    .filter((p) => clinicScope === null || p.clinicId === clinicScope || whys.get(p.id)!.booking?.clinicId === clinicScope);
  const lastClass = new Map<number, string | null>();
  for (const r of db
    .select({ cadreId: examResults.cadreId, healthClass: examResults.healthClass })
    .from(examResults)
    .where(and(inArray(examResults.cadreId, ids), eq(examResults.status, 'released')))
    .orderBy(examResults.examDate, examResults.id)
    .all())
    lastClass.set(r.cadreId, r.healthClass);
  const calls = db.select().from(callOutcomes).where(and(eq(callOutcomes.campaignId, campaignId), inArray(callOutcomes.cadreId, ids))).orderBy(desc(callOutcomes.at), desc(callOutcomes.id)).all();
  const rows: CallListRow[] = people.map((p) => {
    const why = whys.get(p.id)!;
    const mine = calls.filter((x) => x.cadreId === p.id && x.at >= why.since);
    return {
      cadreId: p.id,
      code: p.code,
      fullName: p.fullName,
      sex: p.sex,
      birthDate: p.birthDate,
      age: ageOn(p.birthDate, today),
      frail: p.frail,
      healthClass: lastClass.get(p.id) ?? p.registryClass ?? null,
      phone: p.phone,
      clinicName: p.clinicName,
      unit: p.unit,
      reason: why.reason,
      booking: why.booking && { id: why.booking.id, startsAt: why.booking.startsAt, clinicName: why.booking.clinicName },
      calls: mine.length,
      last: mine[0] ? { outcome: mine[0].outcome, note: mine[0].note, at: mine[0].at } : null,
    };
  });
  rows.sort((a, b) => b.age - a.age || Number(b.frail) - Number(a.frail) || classRank(b.healthClass) - classRank(a.healthClass) || a.fullName.localeCompare(b.fullName, 'vi'));
  const stillToCall = (r: CallListRow) => r.last === null || r.last.outcome === 'unreachable';
  return { pending: rows.filter(stillToCall), handled: rows.filter((r) => !stillToCall(r)), nudgesOut: out };
}

export const CallOutcomeInput = z
  .object({
    cadreId: z.coerce.number().int().positive(),
    outcome: z.enum(callOutcomeKinds, { message: 'Xin chọn kết quả cuộc gọi.' }),
    note: z.string().trim().max(500, 'Ghi chú tối đa 500 ký tự.').default(''),
  })
  .refine((x) => x.outcome !== 'declined' || x.note.length >= 3, { message: 'Xin ghi lý do cán bộ từ chối.', path: ['note'] });
export type CallOutcomeInput = z.infer<typeof CallOutcomeInput>;

/**
 * Records one call. "Home exam requested" opens a home-visit request for the cadre's clinic, so it goes
 * through the usual inbox and escalation. Returns the request's outbox ids (if one was opened).
 */
export function recordCall(
  tx: DbOrTx,
  campaignId: number,
  input: CallOutcomeInput,
  actor: AuditActor,
  staffId: number,
  clinicScope: number | null,
  policy: RequestPolicy,
  now: number,
): { id: number; requestId: number | null; outboxIds: number[] } {
  const cadre = tx.select().from(cadres).where(eq(cadres.id, input.cadreId)).get();
  // Staff of a clinic call the cadres registered there and those booked there in this campaign.
  const bookedHere = (scope: number) =>
    statement(tx, 'SELECT 1 AS one FROM bookings b JOIN exam_slots s ON s.id = b.slot_id WHERE b.cadre_id = ? AND b.campaign_id = ? AND s.clinic_id = ? LIMIT 1').get(input.cadreId, campaignId, scope) !== undefined;
  if (!cadre || (clinicScope !== null && cadre.clinicId !== clinicScope && !bookedHere(clinicScope))) throw new AppError('not_found', 'Không tìm thấy cán bộ này.');
  if (!tx.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, campaignId)).get()) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
  let requestId: number | null = null;
  let outboxIds: number[] = [];
  if (input.outcome === 'home_exam_requested') {
    const created = createRequest(
      tx,
      null,
      {
        type: 'home_visit',
        cadreId: cadre.id,
        clinicId: cadre.clinicId,
        viaProxy: false,
        urgency: 'normal',
        details: `Đề nghị khám tại nhà qua điện thoại (danh sách gọi điện).${input.note ? ` ${input.note}` : ''}`,
        ackDueAt: ackDeadline('normal', now, policy),
      },
      now,
    );
    requestId = created.id;
    outboxIds = created.outboxIds;
  }
  const { id } = tx
    .insert(callOutcomes)
    .values({ campaignId, cadreId: cadre.id, outcome: input.outcome, note: input.note, requestId, staffId, at: now })
    .returning({ id: callOutcomes.id })
    .get();
  recordAudit(tx, actor, { action: 'call.outcome', entity: 'cadre', entityId: cadre.id, detail: { campaignId, outcome: input.outcome, requestId } }, now);
  return { id, requestId, outboxIds };
}

/** Calls per campaign by outcome (each cadre counted once, by their last call), for the reports. */
export function callFigures(db: DbOrTx, campaignIds: number[]): { campaignId: number; campaign: string; called: number; byOutcome: Record<CallOutcomeKind, number> }[] {
  if (!campaignIds.length) return [];
  const rows = db
    .select({ campaignId: callOutcomes.campaignId, campaign: campaigns.name, cadreId: callOutcomes.cadreId, outcome: callOutcomes.outcome, at: callOutcomes.at, id: callOutcomes.id })
    .from(callOutcomes)
    .innerJoin(campaigns, eq(campaigns.id, callOutcomes.campaignId))
    .where(inArray(callOutcomes.campaignId, campaignIds))
    .orderBy(callOutcomes.at, callOutcomes.id)
    .all();
  const last = new Map<string, (typeof rows)[number]>();
  for (const r of rows) last.set(`${r.campaignId}:${r.cadreId}`, r);
  const by = new Map<number, { campaignId: number; campaign: string; called: number; byOutcome: Record<CallOutcomeKind, number> }>();
  for (const r of last.values()) {
    const g = by.get(r.campaignId) ?? { campaignId: r.campaignId, campaign: r.campaign, called: 0, byOutcome: Object.fromEntries(callOutcomeKinds.map((k) => [k, 0])) as Record<CallOutcomeKind, number> };
    g.called += 1;
    g.byOutcome[r.outcome] += 1;
    by.set(r.campaignId, g);
  }
  return [...by.values()];
}
