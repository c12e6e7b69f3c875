import { and, asc, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import type { JobPayload } from '../../jobs/catalog';
import { enqueue, sendToUser } from '../../jobs/enqueue';
import { cadres, careRequests, clinics, staffUsers, type CareRequest } from '../../store/schema';
import { inCustomerServiceWindow, getZaloUser } from '../../store/zaloUsers';
import { formatVietnamDateTime } from '../shared/dates';
import { formatPhone, telHref } from '../shared/phone';
import { outsideQuietHours } from '../shared/quietHours';
import { nextEscalation, type RequestPolicy } from './sla';
import { requestTypeLabels, ticketOf, urgencyLabels } from './labels';
import { addTimeline, requestSubject } from './creation';
import { ackLink } from './ackLinks';

/**
 * Requests from cadres (home visit, medicine delivery, record-book renewal, question for staff, emergency):
 * one pipeline. A request goes to its cadre's clinic; staff are told by email (always) and by Zalo (while
 * their 7-day window is open); unless someone acknowledges in time, timed escalation steps page the clinic
 * head, then the on-call staff. Every step is an outbox row about 'request-<id>', so acknowledging cancels
 * what is left and the reconciler restores what Redis lost.
 */

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
function escalationEmail(
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
