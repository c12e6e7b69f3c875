import { publicHolidayCalendar, type HolidayCalendar } from '../shared/holidays';
import { afterRequestClosed } from '../aftercare/serviceDone';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNotNull, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { Db, DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import type { JobPayload } from '../../jobs/catalog';
import { enqueue, sendToUser } from '../../jobs/enqueue';
import {
  cadres,
  careRequestEvents,
  careRequests,
  clinics,
  staffUsers,
  type CareRequest,
  type CareRequestState,
  type CareRequestType,
  type CareRequestUrgency,
  type TimeOfDay,
} from '../../store/schema';
import type { ChatAttachment } from '../../store/schema';
import { inCustomerServiceWindow, getZaloUser } from '../../store/zaloUsers';
import { formatVietnamDateTime, formatVietnamDay, vietnameseDateField } from '../shared/dates';
import { formatPhone, telHref } from '../shared/phone';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate, vietnamInstant } from '../shared/quietHours';

/**
 * Requests from cadres (home visit, medicine delivery, record-book renewal, question for staff, emergency):
 * one pipeline. A request goes to its cadre's clinic; staff are told by email (always) and by Zalo (while
 * their 7-day window is open); unless someone acknowledges in time, timed escalation steps page the clinic
 * head, then the on-call staff. Every step is an outbox row about 'request-<id>', so acknowledging cancels
 * what is left and the reconciler restores what Redis lost.
 */

// --- labels -----------------------------------------------------------------------------------------------

export const requestTypeLabels: Record<CareRequestType, string> = {
  home_visit: 'Khám tại nhà',
  medicine: 'Nhận thuốc tại nhà',
  record_book: 'Đổi sổ y bạ',
  question: 'Hỏi nhân viên y tế',
  emergency: 'Báo khẩn cấp',
  follow_up: 'Theo dõi sau khám',
  feedback: 'Đánh giá thấp sau dịch vụ',
};

export const requestStateLabels: Record<CareRequestState, string> = {
  new: 'Mới, chờ tiếp nhận',
  acknowledged: 'Đã tiếp nhận',
  scheduled: 'Đã hẹn lịch',
  done: 'Đã hoàn thành',
  cancelled: 'Đã hủy',
};

export const timeOfDayLabels: Record<TimeOfDay, string> = {
  morning: 'buổi sáng',
  afternoon: 'buổi chiều',
  any: 'giờ nào cũng được',
};

export const urgencyLabels: Record<CareRequestUrgency, string> = { urgent: 'Gấp', normal: 'Bình thường' };

export const openStates: CareRequestState[] = ['new', 'acknowledged', 'scheduled'];

/** YC-000123 */
export const ticketOf = (id: number) => `YC-${String(id).padStart(6, '0')}`;

/** "YC-000123", "yc123", "123" -> 123; null otherwise. */
export function parseTicket(input: string): number | null {
  const m = /^\s*(?:yc[-\s]?)?0*(\d{1,9})\s*$/i.exec(input);
  return m ? Number(m[1]) : null;
}

// --- SLA policy -------------------------------------------------------------------------------------------

export interface RequestPolicy {
  /** An urgent request must be acknowledged within this; then the clinic head is paged. */
  urgentAckMs: number;
  /** Then, this long after the clinic head, the on-call staff. */
  urgentHeadMs: number;
  /** A normal request must be acknowledged within this much working time; then the clinic head is told. */
  normalAckWorkingMs: number;
  /** Local working hours, Monday to Friday, as minutes after midnight. */
  workingHours: { startMinute: number; endMinute: number };
  /** Days off besides weekends: public holidays, plus staff-added days when read from the store. */
  holidays?: HolidayCalendar;
}

export const defaultRequestPolicy: RequestPolicy = {
  urgentAckMs: 15 * 60_000,
  urgentHeadMs: 15 * 60_000,
  normalAckWorkingMs: 4 * 3600_000,
  workingHours: { startMinute: 7 * 60 + 30, endMinute: 16 * 60 + 30 },
};

const nextIsoDate = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

/** Whether an instant falls in working hours (Monday to Friday, local time). */
export function inWorkingHours(instant: number, wh: RequestPolicy['workingHours'], calendar: HolidayCalendar = publicHolidayCalendar): boolean {
  const date = vietnamDate(instant);
  const day = weekday(date);
  return day >= 1 && day <= 5 && !calendar.holidayOn(date) && instant >= vietnamInstant(date, 0, wh.startMinute) && instant < vietnamInstant(date, 0, wh.endMinute);
}

/**
 * The instant when `ms` of working time (Monday to Friday, inside working hours, Vietnam time, holidays
 * skipped) has passed after `start`.
 */
export function addWorkingTime(start: number, ms: number, wh: RequestPolicy['workingHours'], calendar: HolidayCalendar = publicHolidayCalendar): number {
  let t = start;
  let left = ms;
  for (let guard = 0; guard < 3700; guard++) {
    const date = vietnamDate(t);
    const dayStart = vietnamInstant(date, 0, wh.startMinute);
    const dayEnd = vietnamInstant(date, 0, wh.endMinute);
    const day = weekday(date);
    if (day === 0 || day === 6 || t >= dayEnd || calendar.holidayOn(date)) {
      t = vietnamInstant(nextIsoDate(date), 0, wh.startMinute);
      continue;
    }
    if (t < dayStart) t = dayStart;
    if (left <= dayEnd - t) return t + left;
    left -= dayEnd - t;
    t = dayEnd;
  }
  throw new Error('working time out of range');
}

/** When a new request must be acknowledged by. */
export function ackDeadline(urgency: CareRequestUrgency, createdAt: number, policy: RequestPolicy): number {
  return urgency === 'urgent' ? createdAt + policy.urgentAckMs : addWorkingTime(createdAt, policy.normalAckWorkingMs, policy.workingHours, policy.holidays);
}

/** Escalation levels: 0 the clinic (on creation), 1 the clinic head (at the deadline), 2 the on-call staff (urgent only). */
export function nextEscalation(req: Pick<CareRequest, 'urgency' | 'ackDueAt'>, level: number, now: number, policy: RequestPolicy): { level: number; dueAt: number } | null {
  if (level === 0) return { level: 1, dueAt: req.ackDueAt };
  if (level === 1 && req.urgency === 'urgent') return { level: 2, dueAt: now + policy.urgentHeadMs };
  return null;
}

// --- acknowledge links ------------------------------------------------------------------------------------

/** The key for acknowledge links, derived from the session secret so no second secret needs managing. */
export const ackKeyFrom = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('cadrecare request acknowledge links v1').digest();

const ackMac = (key: Buffer, requestId: number, staffId: number, expiresAt: number) =>
  createHmac('sha256', key).update(`ack|${requestId}|${staffId}|${expiresAt}`).digest('base64url');

export interface AckLinkParams {
  requestId: number;
  /** The staff member the link was sent to; 0 for a clinic's shared address. */
  staffId: number;
  expiresAt: number;
}

export function ackLink(baseUrl: string, key: Buffer, p: AckLinkParams): string {
  return `${baseUrl}/ack/requests/${p.requestId}?s=${p.staffId}&e=${p.expiresAt}&t=${ackMac(key, p.requestId, p.staffId, p.expiresAt)}`;
}

export const AckQuery = z.object({
  s: z.coerce.number().int().min(0),
  e: z.coerce.number().int().positive(),
  t: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** Checks an acknowledge link: 'forged' for a wrong signature, 'expired' past its time. */
export function verifyAckLink(key: Buffer, requestId: number, q: z.infer<typeof AckQuery>, now: number): 'ok' | 'forged' | 'expired' {
  const expected = Buffer.from(ackMac(key, requestId, q.s, q.e));
  const got = Buffer.from(q.t);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'forged';
  return q.e <= now ? 'expired' : 'ok';
}

// --- creation (from a dialog turn) ------------------------------------------------------------------------

export interface NewRequest {
  type: CareRequestType;
  cadreId: number | null;
  clinicId: number | null;
  viaProxy: boolean;
  urgency: CareRequestUrgency;
  details: string;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  preferredDate?: string | null;
  preferredTime?: TimeOfDay | null;
  ackDueAt: number;
  /** Photos or files sent in chat while it was being filed. */
  attachments?: ChatAttachment[];
  /** 1: the clinic head is told first (e.g. a low rating of the clinic); default 0, the clinic's staff. */
  firstLevel?: 0 | 1;
}

export const requestSubject = (id: number) => `request-${id}`;

export function addTimeline(
  tx: DbOrTx,
  requestId: number,
  kind: string,
  actor: { type: 'staff' | 'zalo' | 'system' | 'link'; id?: string | null },
  detail: Record<string, unknown> | null,
  now: number,
): void {
  tx.insert(careRequestEvents).values({ requestId, at: now, kind, actorType: actor.type, actorId: actor.id ?? null, detail }).run();
}

/** Writes the request, its first timeline entry and its first escalation step (due now). */
export function createRequest(tx: DbOrTx, zaloUserId: string | null, r: NewRequest, now: number): { id: number; outboxIds: number[] } {
  const row = tx
    .insert(careRequests)
    .values({
      type: r.type,
      cadreId: r.cadreId,
      clinicId: r.clinicId,
      zaloUserId,
      viaProxy: r.viaProxy,
      urgency: r.urgency,
      details: r.details.slice(0, 2000),
      address: r.address ?? null,
      latitude: r.latitude ?? null,
      longitude: r.longitude ?? null,
      preferredDate: r.preferredDate ?? null,
      preferredTime: r.preferredTime ?? null,
      attachments: r.attachments?.length ? r.attachments : null,
      ackDueAt: r.ackDueAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: careRequests.id })
    .get();
  addTimeline(tx, row.id, 'created', { type: zaloUserId ? 'zalo' : 'system', id: zaloUserId }, { type: r.type, urgency: r.urgency, viaProxy: r.viaProxy }, now);
  if (zaloUserId) {
    recordAudit(
      tx,
      { type: 'zalo', id: zaloUserId, onBehalfOfCadreId: r.viaProxy ? r.cadreId : null },
      { action: 'request.create', entity: 'care_request', entityId: row.id, detail: { type: r.type, urgency: r.urgency, cadreId: r.cadreId } },
      now,
    );
  }
  const step = enqueue(tx, 'request.escalate', { requestId: row.id, level: r.firstLevel ?? 0 }, { now, subject: requestSubject(row.id) });
  return { id: row.id, outboxIds: [step] };
}

// --- routing and escalation -------------------------------------------------------------------------------

export interface Recipient {
  staffId: number;
  name: string;
  email: string | null;
  zaloUserId: string | null;
}

function activeStaff(tx: DbOrTx) {
  return tx.select().from(staffUsers).where(and(eq(staffUsers.active, true), ne(staffUsers.role, 'viewer'))).orderBy(asc(staffUsers.id)).all();
}

const asRecipient = (s: typeof staffUsers.$inferSelect): Recipient => ({ staffId: s.id, name: s.fullName, email: s.email, zaloUserId: s.zaloUserId });

/**
 * Who is told at an escalation level: the chain staff configure on the staff accounts page (clinic staff →
 * clinic head → on-call list). Level 0: the clinic's staff other than its head (an emergency: the on-call staff
 * too); level 1: the clinic head(s) (an emergency: with the on-call staff); level 2: the on-call staff. A level
 * with nobody falls to the on-call staff. Addresses without a person are added when no one on the list has an
 * email: at level 0 the clinic's mailbox, later the configured fallback (the clinic's mailbox only when none is
 * configured), so a reminder does not go back to the mailbox that was already told.
 */
export function recipientsFor(tx: DbOrTx, req: Pick<CareRequest, 'clinicId' | 'type'>, level: number, fallbackEmail?: string): { staff: Recipient[]; addresses: string[] } {
  const everyone = activeStaff(tx);
  const ofClinic = req.clinicId === null ? [] : everyone.filter((s) => s.clinicId === req.clinicId);
  const onCall = everyone.filter((s) => s.onCall);
  let chosen: typeof everyone;
  // The head is the next step, so the first notice goes to the others when there are any.
  const firstLine = ofClinic.some((s) => !s.isClinicHead) ? ofClinic.filter((s) => !s.isClinicHead) : ofClinic;
  if (level === 0) chosen = req.type === 'emergency' ? [...onCall, ...firstLine] : firstLine;
  else if (level === 1) chosen = [...ofClinic.filter((s) => s.isClinicHead), ...(req.type === 'emergency' ? onCall : [])];
  else chosen = onCall;
  if (!chosen.length) chosen = onCall;
  const seen = new Set<number>();
  const staff = chosen.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true))).map(asRecipient);
  const addresses: string[] = [];
  if (!staff.some((s) => s.email)) {
    const clinicEmail = req.clinicId === null ? null : tx.select({ email: clinics.email }).from(clinics).where(eq(clinics.id, req.clinicId)).get()?.email;
    const ordered = level === 0 ? [clinicEmail, fallbackEmail] : [fallbackEmail, clinicEmail];
    const address = ordered.find((a): a is string => !!a);
    if (address) addresses.push(address);
  }
  return { staff, addresses };
}

export interface EscalationEnv {
  policy: RequestPolicy;
  ackKey: Buffer;
  publicBaseUrl: string;
  ackLinkTtlMs: number;
  fallbackEmail?: string;
  committeeName: string;
}

const levelWords = ['Yêu cầu mới', 'Nhắc lần 2 – chưa ai tiếp nhận', 'Báo trực – chưa ai tiếp nhận'];

function requestFacts(tx: DbOrTx, req: CareRequest) {
  const cadre = req.cadreId === null ? null : tx.select().from(cadres).where(eq(cadres.id, req.cadreId)).get() ?? null;
  const clinic = req.clinicId === null ? null : tx.select().from(clinics).where(eq(clinics.id, req.clinicId)).get() ?? null;
  return { cadre, clinic };
}

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The subject line of an escalation (mail) and first line (Zalo): urgent ones lead with KHẨN and the request type. */
function escalationHeadline(req: CareRequest, level: number): string {
  const step = levelWords[level] ?? levelWords[2];
  return req.urgency === 'urgent' ? `KHẨN – ${requestTypeLabels[req.type]} – ${step}` : `${step}: ${requestTypeLabels[req.type]}`;
}

/**
 * The escalation mail (Vietnamese), as text and HTML. It names the person, their phone (a `tel:` link: one tap
 * calls on a phone) and the kind of request, with a one-tap link to the request's page and one to acknowledge;
 * what the cadre wrote (health details) stays behind the login.
 */
export function escalationEmail(
  req: CareRequest,
  facts: ReturnType<typeof requestFacts>,
  level: number,
  links: { ack: string; page: string; expiresAt: number },
  env: Pick<EscalationEnv, 'committeeName'>,
): { subject: string; text: string; html: string } {
  const who = facts.cadre ? `${facts.cadre.fullName} (mã ${facts.cadre.code})` : 'Người dùng Zalo chưa liên kết hồ sơ';
  const phone = facts.cadre?.phone ?? null;
  const subject = `[${ticketOf(req.id)}] ${escalationHeadline(req, level)}`;
  const facts_ = [
    ['Loại', requestTypeLabels[req.type]],
    ['Mức độ', urgencyLabels[req.urgency]],
    ['Cán bộ', who],
    ['Điện thoại', phone ? `${formatPhone(phone)} (gọi: ${telHref(phone)})` : 'chưa có trong hồ sơ'],
    ['Phòng khám', facts.clinic?.name ?? 'chưa xác định'],
    ['Gửi lúc', formatVietnamDateTime(req.createdAt)],
    ['Cần tiếp nhận trước', formatVietnamDateTime(req.ackDueAt)],
  ] as const;
  const late = level > 0 ? 'Yêu cầu này CHƯA được ai tiếp nhận đúng hạn.' : null;
  const lines = [
    'Kính gửi anh/chị,',
    '',
    `${env.committeeName} nhận được yêu cầu ${ticketOf(req.id)}:`,
    ...facts_.map(([k, v]) => `- ${k}: ${v}`),
    ...(late ? ['', late] : []),
    '',
    'Mở yêu cầu (cần đăng nhập):',
    links.page,
    '',
    'Bấm vào đường dẫn sau để xác nhận anh/chị tiếp nhận (cán bộ sẽ được báo tên người phụ trách):',
    links.ack,
    `(Đường dẫn có hiệu lực đến ${formatVietnamDateTime(links.expiresAt)}.)`,
    '',
    'Thư này được gửi tự động từ CadreCare.',
  ];
  const button = (href: string, label: string, color: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;margin:4px 8px 4px 0;padding:12px 18px;border-radius:8px;background:${color};color:#fff;font-weight:bold;text-decoration:none">${escapeHtml(label)}</a>`;
  const html = [
    '<!doctype html><html lang="vi"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1d2733">',
    `<p>Kính gửi anh/chị,</p><p>${escapeHtml(env.committeeName)} nhận được yêu cầu <b>${ticketOf(req.id)}</b>:</p>`,
    '<table cellpadding="4" style="border-collapse:collapse">',
    ...facts_.map(([k, v]) =>
      k === 'Điện thoại' && phone
        ? `<tr><td style="color:#5c6b7a">${k}</td><td><a href="${telHref(phone)}" style="font-weight:bold">${formatPhone(phone)}</a></td></tr>`
        : `<tr><td style="color:#5c6b7a">${k}</td><td>${escapeHtml(v)}</td></tr>`,
    ),
    '</table>',
    late ? `<p style="color:#b42318;font-weight:bold">${late}</p>` : '',
    '<p>',
    button(links.page, 'Mở yêu cầu', '#0b6e4f'),
    phone ? button(telHref(phone), `Gọi ${formatPhone(phone)}`, '#1d4ed8') : '',
    button(links.ack, 'Tôi tiếp nhận', '#a15c00'),
    '</p>',
    `<p style="font-size:13px;color:#5c6b7a">Đường dẫn tiếp nhận có hiệu lực đến ${formatVietnamDateTime(links.expiresAt)}. Thư này được gửi tự động từ CadreCare.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}

/**
 * One escalation step, inside the worker's transaction: if the request still waits for an acknowledgement,
 * tell this level's people (email always, Zalo inside their window), record the SLA breach at the deadline,
 * and schedule the next step. Returns the channel to record on the step's row and the new outbox ids.
 */
export function escalationStep(tx: DbOrTx, payload: JobPayload<'request.escalate'>, env: EscalationEnv, now: number): { channel: string; note?: string; outboxIds: number[] } {
  const req = tx.select().from(careRequests).where(eq(careRequests.id, payload.requestId)).get();
  if (!req) return { channel: 'none', note: 'request not found', outboxIds: [] };
  if (req.state !== 'new') return { channel: 'none', note: `request ${req.state}`, outboxIds: [] };
  const outboxIds: number[] = [];
  if (payload.level > 0 && req.sla === 'pending' && now >= req.ackDueAt) {
    tx.update(careRequests).set({ sla: 'breached', updatedAt: now }).where(eq(careRequests.id, req.id)).run();
    addTimeline(tx, req.id, 'sla_breached', { type: 'system' }, { ackDueAt: req.ackDueAt }, now);
  }
  const facts = requestFacts(tx, req);
  const { staff, addresses } = recipientsFor(tx, req, payload.level, env.fallbackEmail);
  const expiresAt = now + env.ackLinkTtlMs;
  const page = `${env.publicBaseUrl}/staff/requests/${req.id}`;
  let emails = 0;
  let zalos = 0;
  const targets: { staffId: number; email: string | null; zaloUserId: string | null }[] = [
    ...staff,
    ...addresses.map((email) => ({ staffId: 0, email, zaloUserId: null })),
  ];
  for (const r of targets) {
    const ack = ackLink(env.publicBaseUrl, env.ackKey, { requestId: req.id, staffId: r.staffId, expiresAt });
    if (r.email) {
      const mail = escalationEmail(req, facts, payload.level, { ack, page, expiresAt }, env);
      outboxIds.push(enqueue(tx, 'email.message', { to: r.email, ...mail }, { now }));
      emails++;
    }
    const zaloUser = r.zaloUserId ? getZaloUser(tx, r.zaloUserId) : undefined;
    if (zaloUser && inCustomerServiceWindow(zaloUser, now)) {
      const who = facts.cadre ? `${facts.cadre.fullName} (${facts.cadre.code})` : 'người dùng chưa liên kết';
      const text = [
        `${ticketOf(req.id)} – ${escalationHeadline(req, payload.level)}`,
        `Cán bộ: ${who}`,
        ...(facts.cadre?.phone ? [`Điện thoại: ${formatPhone(facts.cadre.phone)}`] : []),
        `Mở yêu cầu: ${page}`,
        `Cần tiếp nhận trước ${formatVietnamDateTime(req.ackDueAt)}.`,
        `Tiếp nhận: ${ack}`,
      ].join('\n');
      outboxIds.push(
        // A normal request does not wake anyone by Zalo at night (email waits in the inbox anyway); urgent ones do.
        sendToUser(tx, zaloUser.id, [{ type: 'text', text }], { now, dueAt: req.urgency === 'urgent' ? now : outsideQuietHours(now) }),
      );
      zalos++;
    }
  }
  tx.update(careRequests).set({ escalationLevel: payload.level, updatedAt: now }).where(eq(careRequests.id, req.id)).run();
  addTimeline(
    tx,
    req.id,
    payload.level === 0 ? 'notified' : 'escalated',
    { type: 'system' },
    { level: payload.level, staffIds: staff.map((s) => s.staffId), emails, zalo: zalos },
    now,
  );
  const next = nextEscalation(req, payload.level, now, env.policy);
  if (next) {
    outboxIds.push(
      enqueue(tx, 'request.escalate', { requestId: req.id, level: next.level }, { now, dueAt: next.dueAt, subject: requestSubject(req.id) }),
    );
  }
  return { channel: emails + zalos > 0 ? (zalos > 0 ? (emails > 0 ? 'email+zalo' : 'zalo') : 'email') : 'none', note: emails + zalos ? undefined : 'nobody to notify', outboxIds };
}

// --- staff actions ----------------------------------------------------------------------------------------

export interface ActingStaff {
  id: number;
  fullName: string;
  role: string;
  clinicId: number | null;
}

/** Who acts: a logged-in staff member, or the holder of an acknowledge link (staff id 0 = a clinic address). */
export type RequestActor = { kind: 'staff'; staff: ActingStaff } | { kind: 'link'; staffId: number };

export const actorAudit = (a: RequestActor): AuditActor => (a.kind === 'staff' ? { type: 'staff', id: String(a.staff.id) } : { type: 'system', id: `ack-link:${a.staffId}` });
export const actorTimeline = (a: RequestActor) => (a.kind === 'staff' ? { type: 'staff' as const, id: String(a.staff.id) } : { type: 'link' as const, id: String(a.staffId) });

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

function doAcknowledge(tx: DbOrTx, req: CareRequest, actor: RequestActor, now: number): number[] {
  const staffId = actor.kind === 'staff' ? actor.staff.id : actor.staffId || null;
  const sla = now <= req.ackDueAt ? 'met' : 'breached';
  const changed = tx
    .update(careRequests)
    .set({ state: 'acknowledged', acknowledgedAt: now, acknowledgedByStaffId: staffId, sla, updatedAt: now })
    .where(and(eq(careRequests.id, req.id), eq(careRequests.state, 'new')))
    .run().changes;
  if (!changed) throw new AppError('conflict', 'Yêu cầu này đã được tiếp nhận trước đó.');
  const cancelled = cancelOutboxBySubject(tx, requestSubject(req.id), now);
  addTimeline(tx, req.id, 'acknowledged', actorTimeline(actor), { staffId, sla, stoppedSteps: cancelled }, now);
  recordAudit(tx, actorAudit(actor), { action: 'request.acknowledge', entity: 'care_request', entityId: req.id, detail: { staffId, sla } }, now);
  return tellRequester(tx, { ...req, state: 'acknowledged', acknowledgedByStaffId: staffId }, 'acknowledged', now);
}

/** Acknowledges a new request: stops the escalation, records SLA met or breached, tells the cadre who handles it. */
export function acknowledgeRequest(tx: DbOrTx, id: number, actor: RequestActor, scope: number | null, now: number): number[] {
  const req = loadForAction(tx, id, scope);
  if (actor.kind === 'link' && actor.staffId > 0) {
    const s = tx.select().from(staffUsers).where(eq(staffUsers.id, actor.staffId)).get();
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
export function scheduleRequest(tx: DbOrTx, id: number, actor: RequestActor & { kind: 'staff' }, scope: number | null, input: z.infer<typeof ScheduleInput>, now: number): number[] {
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
  addTimeline(tx, id, 'scheduled', actorTimeline(actor), { date: input.date, time: input.time }, now);
  recordAudit(tx, actorAudit(actor), { action: 'request.schedule', entity: 'care_request', entityId: id, detail: { date: input.date, time: input.time } }, now);
  ids.push(...tellRequester(tx, req, 'scheduled', now));
  return ids;
}

export const CloseInput = z.object({ note: z.string().trim().max(500, 'Ghi chú tối đa 500 ký tự.').default('') });
/** Cancelling needs a reason, and the cadre is told it. */
export const CancelInput = z.object({ note: z.string().trim().min(3, 'Vui lòng ghi lý do hủy (cán bộ sẽ nhận được lý do này).').max(500, 'Lý do tối đa 500 ký tự.') });

/** Marks done or cancels; stops any escalation left; the cadre is told. */
export function closeRequest(tx: DbOrTx, id: number, outcome: 'done' | 'cancelled', actor: RequestActor & { kind: 'staff' }, scope: number | null, note: string, now: number): number[] {
  const req = loadForAction(tx, id, scope);
  if (req.state === 'done' || req.state === 'cancelled') throw new AppError('conflict', 'Yêu cầu này đã đóng.');
  const staffId = actor.staff.id;
  const patch: Partial<CareRequest> = { state: outcome, closedAt: now, closeNote: note || null, updatedAt: now };
  if (req.state === 'new' && outcome === 'done') {
    Object.assign(patch, { acknowledgedAt: now, acknowledgedByStaffId: staffId, sla: now <= req.ackDueAt ? 'met' : 'breached' });
  }
  tx.update(careRequests).set(patch).where(eq(careRequests.id, id)).run();
  cancelOutboxBySubject(tx, requestSubject(id), now);
  addTimeline(tx, id, outcome, actorTimeline(actor), { noted: Boolean(note) }, now);
  recordAudit(tx, actorAudit(actor), { action: `request.${outcome === 'done' ? 'done' : 'cancel'}`, entity: 'care_request', entityId: id, detail: { fromState: req.state } }, now);
  afterRequestClosed(tx, req, outcome, now);
  return tellRequester(tx, { ...req, ...patch } as CareRequest, outcome, now);
}

// --- telling the cadre ------------------------------------------------------------------------------------

function renderRequestUpdate(
  db: DbOrTx,
  id: number,
  variant: string,
): { text: string; subject: string; template: { name: string; data: Record<string, string> } } | null {
  const req = db.select().from(careRequests).where(eq(careRequests.id, id)).get();
  if (!req) return null;
  const clinic = req.clinicId === null ? null : db.select().from(clinics).where(eq(clinics.id, req.clinicId)).get() ?? null;
  const handler = req.acknowledgedByStaffId === null ? null : db.select().from(staffUsers).where(eq(staffUsers.id, req.acknowledgedByStaffId)).get() ?? null;
  const ticket = ticketOf(req.id);
  const label = requestTypeLabels[req.type].toLowerCase();
  const contact = [handler ? `Người phụ trách: ${handler.fullName}` : null, clinic ? `${clinic.name}${clinic.phone ? `, ĐT ${clinic.phone}` : ''}` : null].filter(Boolean).join(' – ');
  let text: string;
  switch (variant) {
    case 'acknowledged':
      if (req.state === 'new') return null;
      text = `Yêu cầu ${ticket} (${label}) đã được tiếp nhận.${contact ? `\n${contact}.` : ''}`;
      break;
    case 'scheduled':
      if (req.state !== 'scheduled' || !req.scheduledDate) return null;
      text = `Lịch cho yêu cầu ${ticket} (${label}): ${formatVietnamDay(req.scheduledDate)}, ${timeOfDayLabels[req.scheduledTime ?? 'any']}.${contact ? `\n${contact}.` : ''}`;
      break;
    case 'done':
      if (req.state !== 'done') return null;
      text = `Yêu cầu ${ticket} (${label}) đã hoàn thành. Cảm ơn Ông/Bà.`;
      break;
    case 'cancelled':
      if (req.state !== 'cancelled') return null;
      text = `Yêu cầu ${ticket} (${label}) đã được hủy.${req.closeNote ? `\nLý do: ${req.closeNote}` : ''}${clinic?.phone ? `\nCần hỗ trợ, xin gọi ${clinic.phone}.` : ''}`;
      break;
    default:
      return null;
  }
  const cadre = req.cadreId === null ? null : db.select({ fullName: cadres.fullName }).from(cadres).where(eq(cadres.id, req.cadreId)).get();
  // The approved Zalo templates' parameters (the templates page lists them); no health data.
  const data: Record<string, string> = { name: cadre?.fullName ?? '', ticket, request: label, status: requestStateLabels[req.state] };
  if (variant === 'scheduled' && req.scheduledDate) data.date = formatVietnamDay(req.scheduledDate);
  return { text, subject: `${ticket}: ${requestStateLabels[req.state]}`, template: { name: variant === 'scheduled' ? 'visit_scheduled' : 'request_update', data } };
}

/** Notice renderer 'request.update' (variants acknowledged, scheduled, done, cancelled). */
export const renderRequestNotice: NoticeRenderer = (db, ref) => {
  const r = renderRequestUpdate(db, ref.id, ref.variant ?? '');
  return r ? { text: r.text, email: { subject: r.subject, text: r.text }, template: r.template } : null;
};

// --- reads ------------------------------------------------------------------------------------------------

export interface OpenRequestSummary {
  id: number;
  type: CareRequestType;
  state: CareRequestState;
  cadreId: number | null;
  createdAt: number;
  scheduledDate: string | null;
  scheduledTime: TimeOfDay | null;
  handlerName: string | null;
}

/** Open requests of these cadres, newest first (for "Yêu cầu của tôi"). */
export function openRequestsOf(tx: DbOrTx, cadreIds: number[], zaloUserId: string): OpenRequestSummary[] {
  const who = cadreIds.length ? or(inArray(careRequests.cadreId, cadreIds), eq(careRequests.zaloUserId, zaloUserId)) : eq(careRequests.zaloUserId, zaloUserId);
  return tx
    .select({
      id: careRequests.id,
      type: careRequests.type,
      state: careRequests.state,
      cadreId: careRequests.cadreId,
      createdAt: careRequests.createdAt,
      scheduledDate: careRequests.scheduledDate,
      scheduledTime: careRequests.scheduledTime,
      handlerName: staffUsers.fullName,
    })
    .from(careRequests)
    .leftJoin(staffUsers, eq(staffUsers.id, careRequests.acknowledgedByStaffId))
    .where(and(who, inArray(careRequests.state, openStates)))
    .orderBy(desc(careRequests.id))
    .limit(10)
    .all();
}

/** The address used on this cadre's last request, offered again. */
export function lastAddressOf(tx: DbOrTx, cadreId: number): string | null {
  return (
    tx
      .select({ address: careRequests.address })
      .from(careRequests)
      .where(and(eq(careRequests.cadreId, cadreId), isNotNull(careRequests.address)))
      .orderBy(desc(careRequests.id))
      .get()?.address ?? null
  );
}

/** An emergency mention by this user still open and recent (a repeat adds to it instead of paging again). */
export function recentEmergencyOf(tx: DbOrTx, zaloUserId: string, since: number): number | null {
  return (
    tx
      .select({ id: careRequests.id })
      .from(careRequests)
      .where(and(eq(careRequests.zaloUserId, zaloUserId), eq(careRequests.type, 'emergency'), inArray(careRequests.state, openStates), gt(careRequests.createdAt, since)))
      .orderBy(desc(careRequests.id))
      .get()?.id ?? null
  );
}

export function getRequest(db: Db | DbOrTx, id: number): CareRequest | undefined {
  return db.select().from(careRequests).where(eq(careRequests.id, id)).get();
}
