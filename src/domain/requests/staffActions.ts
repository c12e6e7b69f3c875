import { afterRequestClosed } from '../aftercare/serviceDone';
import { ackLinkStaffIdOf, staffActor, staffIdOf, type StaffIdentity } from '../staff/actor';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import { sendToUser } from '../../jobs/enqueue';
import { careRequests, staffUsers, type CareRequest } from '../../store/schema';
import { vietnameseDateField } from '../shared/dates';
import { enqueueNotice } from '../outreach/notices';
import { vietnamDate } from '../shared/quietHours';
import { renderRequestUpdate } from './updateNotice';
import { addTimeline, requestSubject } from './creation';

/** How the timeline names who acted: an acknowledge link as 'link' with the staff id it was mailed to, others as audited. */
export function timelineActor(actor: AuditActor): Parameters<typeof addTimeline>[3] {
  const linkStaffId = ackLinkStaffIdOf(actor);
  return linkStaffId === null ? { type: actor.type, id: actor.id } : { type: 'link', id: String(linkStaffId) };
}

export function loadForAction(tx: DbOrTx, id: number, scope: number | null): CareRequest {
  const req = tx.select().from(careRequests).where(eq(careRequests.id, id)).get();
  if (!req) throw new AppError('not_found', 'Không tìm thấy yêu cầu.');
  if (scope !== null && req.clinicId !== scope) throw new AppError('forbidden', 'Yêu cầu này không thuộc phòng khám của bạn.');
  return req;
}

/**
 * Tells the person who made the request: a notice to the cadre (rendered when sent, on whatever channel
 * reaches them), or a Zalo message to an unlinked requester. `ref` defaults to the request's own update.
 */
export function tellRequester(
  tx: DbOrTx,
  req: CareRequest,
  variant: 'acknowledged' | 'scheduled' | 'done' | 'cancelled' | 'note',
  now: number,
  ref: { kind: string; id: number } = { kind: 'request.update', id: req.id },
  renderNow: () => { text: string } | null = () => renderRequestUpdate(tx, req.id, variant),
): number[] {
  if (req.cadreId !== null) {
    return [enqueueNotice(tx, { cadreId: req.cadreId, ref: { ...ref, variant }, dueAt: now }, now)];
  }
  if (req.zaloUserId) {
    const text = renderNow();
    if (text) {
      return [sendToUser(tx, req.zaloUserId, [{ type: 'text', text: text.text }], { now })];
    }
  }
  return [];
}

function doAcknowledge(tx: DbOrTx, req: CareRequest, actor: AuditActor, now: number): number[] {
  const staffId = staffIdOf(actor) ?? (ackLinkStaffIdOf(actor) || null);
  const sla = now <= req.ackDueAt ? 'met' : 'breached';
  const changed = tx
    .update(careRequests)
    .set({ state: 'acknowledged', acknowledgedAt: now, acknowledgedByStaffId: staffId, sla, updatedAt: now })
    .where(and(eq(careRequests.id, req.id), eq(careRequests.state, 'new')))
    .run().changes;
  if (!changed) throw new AppError('conflict', 'Yêu cầu này đã được tiếp nhận trước đó.');
  const cancelled = cancelOutboxBySubject(tx, requestSubject(req.id), now);
  addTimeline(tx, req.id, 'acknowledged', timelineActor(actor), { staffId, sla, stoppedSteps: cancelled }, now);
  recordAudit(tx, actor, { action: 'request.acknowledge', entity: 'care_request', entityId: req.id, detail: { staffId, sla } }, now);
  return tellRequester(tx, { ...req, state: 'acknowledged', acknowledgedByStaffId: staffId }, 'acknowledged', now);
}

/** Acknowledges a new request: stops the escalation, records SLA met or breached, tells the cadre who handles it. */
export function acknowledgeRequest(tx: DbOrTx, id: number, actor: AuditActor, scope: number | null, now: number): number[] {
  const req = loadForAction(tx, id, scope);
  const linkStaffId = ackLinkStaffIdOf(actor);
  if (linkStaffId) {
    const s = tx.select().from(staffUsers).where(eq(staffUsers.id, linkStaffId)).get();
    if (!s || !s.active) throw new AppError('forbidden', 'Tài khoản nhận thư này không còn hoạt động.');
  }
  if (req.state === 'cancelled' || req.state === 'done') {
    throw new AppError('conflict', `Yêu cầu này đã ${req.state === 'cancelled' ? 'được hủy' : 'hoàn thành'}, không cần tiếp nhận nữa.`);
  }
  return doAcknowledge(tx, req, actor, now);
}

export const ScheduleInput = z.object({
  date: vietnameseDateField,
  time: z.enum(['morning', 'afternoon', 'any']).default('any'),
});

/** Sets (or moves) the visit or delivery date; acknowledges first when still new. The cadre is told. */
export function scheduleRequest(tx: DbOrTx, id: number, staff: Pick<StaffIdentity, 'id'>, scope: number | null, input: z.infer<typeof ScheduleInput>, now: number): number[] {
  const actor = staffActor(staff);
  let req = loadForAction(tx, id, scope);
  if (req.state === 'done' || req.state === 'cancelled') throw new AppError('conflict', 'Yêu cầu đã đóng, không thể hẹn lịch.');
  const parsed = Date.parse(`${input.date}T00:00:00Z`);
  if (Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== input.date) throw new AppError('validation_failed', 'Ngày hẹn không hợp lệ.');
  if (input.date < vietnamDate(now)) throw new AppError('validation_failed', 'Ngày hẹn đã qua.');
  const ids: number[] = [];
  if (req.state === 'new') {
    doAcknowledge(tx, req, actor, now);
    req = loadForAction(tx, id, scope);
  }
  tx.update(careRequests)
    .set({ state: 'scheduled', scheduledDate: input.date, scheduledTime: input.time, updatedAt: now })
    .where(eq(careRequests.id, id))
    .run();
  addTimeline(tx, id, 'scheduled', timelineActor(actor), { date: input.date, time: input.time }, now);
  recordAudit(tx, actor, { action: 'request.schedule', entity: 'care_request', entityId: id, detail: { date: input.date, time: input.time } }, now);
  ids.push(...tellRequester(tx, req, 'scheduled', now));
  return ids;
}

export const CloseInput = z.object({ note: z.string().trim().max(500, 'Ghi chú tối đa 500 ký tự.').default('') });
/** Cancelling needs a reason, and the cadre is told it. */
export const CancelInput = z.object({ note: z.string().trim().min(3, 'Vui lòng ghi lý do hủy (cán bộ sẽ nhận được lý do này).').max(500, 'Lý do tối đa 500 ký tự.') });

/** Marks done or cancels; stops any escalation left; the cadre is told. */
export function closeRequest(tx: DbOrTx, id: number, outcome: 'done' | 'cancelled', staff: Pick<StaffIdentity, 'id'>, scope: number | null, note: string, now: number): number[] {
  const req = loadForAction(tx, id, scope);
  if (req.state === 'done' || req.state === 'cancelled') throw new AppError('conflict', 'Yêu cầu này đã đóng.');
  const actor = staffActor(staff);
  const patch: Partial<CareRequest> = { state: outcome, closedAt: now, closeNote: note || null, updatedAt: now };
  if (req.state === 'new' && outcome === 'done') {
    Object.assign(patch, { acknowledgedAt: now, acknowledgedByStaffId: staff.id, sla: now <= req.ackDueAt ? 'met' : 'breached' });
  }
  tx.update(careRequests).set(patch).where(eq(careRequests.id, id)).run();
  cancelOutboxBySubject(tx, requestSubject(id), now);
  addTimeline(tx, id, outcome, timelineActor(actor), { noted: Boolean(note) }, now);
  recordAudit(tx, actor, { action: `request.${outcome === 'done' ? 'done' : 'cancel'}`, entity: 'care_request', entityId: id, detail: { fromState: req.state } }, now);
  afterRequestClosed(tx, req, outcome, now);
  return tellRequester(tx, { ...req, ...patch } as CareRequest, outcome, now);
}
