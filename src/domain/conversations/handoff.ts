import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { staffActor } from '../staff/actor';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { prepared } from '../../store/prepared';
import type { DbOrTx } from '../../store/db';
import { enqueue, sendToUser, userLane } from '../../jobs/enqueue';
import { cadres, careRequests, clinics, handoffMessages, handoffs, outbox, staffUsers, zaloLinks, zaloSends, type ChatAttachment, type Handoff, type StaffRole } from '../../store/schema';
import { getZaloUser, inCustomerServiceWindow } from '../../store/zaloUsers';
import type { OutMessage } from '../../conversation/messages';
import { formatVietnamDateTime, parseVietnameseDate } from '../shared/dates';
import { recipientsFor } from '../requests/escalation';
import { ticketOf } from '../requests/labels';
import { honorific } from '../shared/vietnamese';
import { roleLabels } from '../staff/staff';
import { readPage, rowCount } from '../shared/listing';

/**
 * Talking to a person: a Zalo user asks for staff, a conversation opens in the staff inbox, the bot keeps
 * quiet for that user while it is open, staff replies go to the user in Zalo, and staff close it
 * (or it times out after a period without activity) and the bot resumes.
 *
 * Chat texts are kept only while a conversation with staff is open, and only the last TRANSCRIPT_KEEP per user.
 */
const TRANSCRIPT_KEEP = 20;
export const handoffSubject = (id: number) => `handoff-${id}`;

const handoffText = {
  closedByStaff: 'Nhân viên đã kết thúc cuộc trò chuyện. Trợ lý tự động tiếp tục giúp Ông/Bà. Gõ "menu" để xem các việc có thể làm.',
  closedByTimeout: 'Cuộc trò chuyện với nhân viên đã tạm dừng vì lâu không có tin nhắn mới. Trợ lý tự động tiếp tục giúp Ông/Bà. Gõ "menu" để bắt đầu, hoặc "gặp nhân viên" để hỏi tiếp.',
};

// Both run on every dialog turn: prepared once per connection.
export function openHandoffOf(tx: DbOrTx, zaloUserId: string): Handoff | undefined {
  return prepared(tx, 'handoff.open', () =>
    tx
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.zaloUserId, sql.placeholder('zaloUserId')), eq(handoffs.status, 'open')))
      .prepare(),
  ).get({ zaloUserId });
}

function appendTranscript(tx: DbOrTx, zaloUserId: string, direction: 'in' | 'bot' | 'staff' | 'note', text: string, staffId: number | null, now: number, attachment?: ChatAttachment): void {
  if (!text.trim()) return;
  tx.insert(handoffMessages).values({ zaloUserId, direction, text: text.slice(0, 2000), staffId, at: now, attachment: attachment ?? null }).run();
  const keepFrom = tx
    .select({ id: handoffMessages.id })
    .from(handoffMessages)
    .where(eq(handoffMessages.zaloUserId, zaloUserId))
    .orderBy(desc(handoffMessages.id))
    .limit(1)
    .offset(TRANSCRIPT_KEEP - 1)
    .get();
  if (keepFrom) tx.delete(handoffMessages).where(and(eq(handoffMessages.zaloUserId, zaloUserId), lt(handoffMessages.id, keepFrom.id))).run();
}

/** How a photo, file or voice note reads in the transcript and in the topic: "[Ảnh]", "[Tệp: đơn thuốc.pdf]". */
export function attachmentLabel(kind: string, name?: string): string {
  const label = ({ image: 'Ảnh', file: 'Tệp', audio: 'Tin nhắn thoại', video: 'Video', sticker: 'Nhãn dán', gif: 'Ảnh động', location: 'Vị trí' } as Record<string, string>)[kind] ?? 'Tệp đính kèm';
  return name ? `[${label}: ${name}]` : `[${label}]`;
}

/** The attachment kept with a transcript message: only when Zalo gave where it is. */
function attachmentOf(event: { kind?: string; url?: string; name?: string; thumbnail?: string }): ChatAttachment | undefined {
  if (!event.url) return undefined;
  return { kind: event.kind ?? 'file', url: event.url, ...(event.name ? { name: event.name } : {}), ...(event.thumbnail ? { thumbnail: event.thumbnail } : {}) };
}

/** What staff see in place of a message that carried health data or a secret. */
export const transcriptPlaceholder = { result: '[đã gửi kết quả khám]', secret: '[mã xác minh]', birthDate: '[ngày sinh]' } as const;

/** How the dialog stood when the message arrived: a linking step asking for a birth date or a code. */
export type TranscriptContext = { linkingStep?: string };

/**
 * The user's message as kept for staff. A birth date or a verification code typed by the user is a secret
 * (it proves identity), so staff see a placeholder; a date is taken as a birth date when it is at least
 * 18 years old (cadres are elderly; exam and visit dates are recent).
 */
function inboundForTranscript(event: { type: string; text?: string; kind?: string; name?: string }, context: TranscriptContext, now: number): string {
  if (event.type === 'location') return '[vị trí]';
  if (event.type === 'attachment') return attachmentLabel(event.kind ?? '', event.name);
  if (event.type !== 'text') return '';
  const text = event.text ?? '';
  const step = context.linkingStep;
  if (step === 'birth' || step === 'proxyBirth') return transcriptPlaceholder.birthDate;
  if (step === 'otp' || /^\s*\d{3}\s?\d{3}\s*$/.test(text)) return transcriptPlaceholder.secret;
  const date = parseVietnameseDate(text);
  if (date && Number(date.slice(0, 4)) <= new Date(now).getUTCFullYear() - 18) return transcriptPlaceholder.birthDate;
  return text;
}

/**
 * After a dialog turn: keeps the user's message and the bot's texts while a conversation with staff is open
 * (or was open when the message arrived, so "kết thúc" and its answer are seen). Nothing is kept otherwise.
 * A reply that carried health data is kept as a placeholder, never its text. The open conversation also
 * counts as active again.
 */
export function recordChatTurn(
  tx: DbOrTx,
  zaloUserId: string,
  event: { type: string; text?: string; kind?: string; url?: string; name?: string; thumbnail?: string },
  replies: { messages: OutMessage[]; sensitive?: boolean }[],
  context: TranscriptContext & { openBefore: boolean },
  now: number,
): void {
  const openNow = openHandoffOf(tx, zaloUserId) !== undefined;
  if (!context.openBefore && !openNow) return;
  // The message that opened the conversation is already kept as its topic.
  const inbound = context.openBefore ? inboundForTranscript(event, context, now) : '';
  if (inbound) appendTranscript(tx, zaloUserId, 'in', inbound, null, now, event.type === 'attachment' ? attachmentOf(event) : undefined);
  for (const r of replies) {
    if (r.sensitive) {
      appendTranscript(tx, zaloUserId, 'bot', transcriptPlaceholder.result, null, now);
      continue;
    }
    for (const m of r.messages) if (m.type === 'text') appendTranscript(tx, zaloUserId, 'bot', m.text, null, now);
  }
  if (inbound && openNow) tx.update(handoffs).set({ lastActivityAt: now }).where(and(eq(handoffs.zaloUserId, zaloUserId), eq(handoffs.status, 'open'))).run();
}

/**
 * Opens a conversation (inside the turn's transaction) and tells the clinic's staff (or the on-call staff for
 * a user with no clinic): email always, Zalo inside their window. The first message is the user's topic.
 */
export function openHandoff(
  tx: DbOrTx,
  zaloUserId: string,
  input: { cadreId: number | null; clinicId: number | null; topic: string; timeoutMs: number; publicBaseUrl: string; attachment?: ChatAttachment },
  now: number,
): number[] {
  const existing = openHandoffOf(tx, zaloUserId);
  if (existing) return [];
  const row = tx
    .insert(handoffs)
    .values({ zaloUserId, cadreId: input.cadreId, clinicId: input.clinicId, openedAt: now, lastActivityAt: now })
    .returning({ id: handoffs.id })
    .get();
  appendTranscript(tx, zaloUserId, 'in', inboundForTranscript({ type: 'text', text: input.topic }, {}, now), null, now, input.attachment);
  recordAudit(tx, { type: 'zalo', id: zaloUserId }, { action: 'handoff.open', entity: 'handoff', entityId: row.id, detail: { cadreId: input.cadreId } }, now);
  const ids: number[] = [];
  ids.push(enqueue(tx, 'handoff.timeout', { handoffId: row.id }, { now, dueAt: now + input.timeoutMs, subject: handoffSubject(row.id) }));
  const cadre = input.cadreId === null ? null : tx.select().from(cadres).where(eq(cadres.id, input.cadreId)).get();
  const who = cadre ? `${cadre.fullName} (mã ${cadre.code})` : 'Người dùng Zalo chưa liên kết hồ sơ';
  const link = `${input.publicBaseUrl}/staff/requests/conversations/${row.id}`;
  const { staff, addresses } = recipientsFor(tx, { clinicId: input.clinicId, type: 'question' }, 0);
  const subject = `[CadreCare] ${who} muốn trò chuyện với nhân viên`;
  const text = [
    'Kính gửi anh/chị,',
    '',
    `${who} vừa nhờ gặp nhân viên qua Zalo lúc ${formatVietnamDateTime(now)}.`,
    'Trợ lý tự động đã dừng trả lời người này cho đến khi anh/chị kết thúc cuộc trò chuyện.',
    '',
    'Đọc và trả lời (cần đăng nhập):',
    link,
  ].join('\n');
  for (const s of staff) {
    if (s.email) ids.push(enqueue(tx, 'email.message', { to: s.email, subject, text }, { now }));
    const z = s.zaloUserId ? getZaloUser(tx, s.zaloUserId) : undefined;
    if (z && inCustomerServiceWindow(z, now)) {
      ids.push(
        sendToUser(tx, z.id, [{ type: 'text', text: `${who} muốn trò chuyện với nhân viên.\nTrả lời: ${link}` }], { now }),
      );
    }
  }
  for (const to of addresses) ids.push(enqueue(tx, 'email.message', { to, subject, text }, { now }));
  return ids;
}

/**
 * Staff start a conversation from a request: the cadre is written to on their own Zalo account (only inside
 * Zalo's 7-day window; otherwise staff are told to call), the bot stays quiet while it is open, and the staff
 * member holds it. An open conversation with the cadre is reused.
 */
export function staffOpensConversation(
  tx: DbOrTx,
  requestId: number,
  staff: { id: number; fullName: string },
  scope: number | null,
  env: { timeoutMs: number },
  now: number,
): { handoffId: number; outboxIds: number[] } {
  const request = tx.select().from(careRequests).where(eq(careRequests.id, requestId)).get();
  if (!request) throw new AppError('not_found', 'Không tìm thấy yêu cầu.');
  if (scope !== null && request.clinicId !== scope) throw new AppError('forbidden', 'Yêu cầu này không thuộc phòng khám của bạn.');
  const cadre = request.cadreId === null ? undefined : tx.select().from(cadres).where(eq(cadres.id, request.cadreId)).get();
  if (!cadre) throw new AppError('conflict', 'Yêu cầu này không gắn với hồ sơ cán bộ nào; hãy gọi điện cho người gửi.');
  const link = tx.select({ zaloUserId: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, cadre.id)).get();
  if (!link) throw new AppError('conflict', 'Cán bộ chưa liên kết tài khoản Zalo; hãy gọi điện cho cán bộ.');
  const user = getZaloUser(tx, link.zaloUserId);
  if (!user || !inCustomerServiceWindow(user, now)) {
    throw new AppError('conflict', 'Đã quá 7 ngày từ tin nhắn cuối của cán bộ; Zalo không cho nhắn trước. Hãy gọi điện cho cán bộ.');
  }
  const existing = openHandoffOf(tx, link.zaloUserId);
  if (existing) return { handoffId: existing.id, outboxIds: [] };
  const row = tx
    .insert(handoffs)
    .values({ zaloUserId: link.zaloUserId, cadreId: cadre.id, clinicId: request.clinicId, staffId: staff.id, openedAt: now, lastActivityAt: now })
    .returning({ id: handoffs.id })
    .get();
  recordAudit(tx, staffActor(staff), { action: 'handoff.open', entity: 'handoff', entityId: row.id, detail: { cadreId: cadre.id, requestId } }, now);
  const title = honorific(cadre.sex);
  const text = `Kính gửi ${title} ${cadre.fullName}: ${staff.fullName} muốn trao đổi với ${title} về yêu cầu ${ticketOf(requestId)}. ${title} cứ nhắn trả lời ngay tại đây ạ.`;
  appendTranscript(tx, link.zaloUserId, 'staff', text, staff.id, now);
  return {
    handoffId: row.id,
    outboxIds: [
      enqueue(tx, 'handoff.timeout', { handoffId: row.id }, { now, dueAt: now + env.timeoutMs, subject: handoffSubject(row.id) }),
      sendText(tx, link.zaloUserId, text, now),
    ],
  };
}

/** The user ends the conversation themself ("kết thúc"); the bot resumes. */
export function userClosesHandoff(tx: DbOrTx, zaloUserId: string, now: number): void {
  const open = openHandoffOf(tx, zaloUserId);
  if (!open) return;
  tx.update(handoffs).set({ status: 'closed', closedAt: now, closedBy: 'user', lastActivityAt: now }).where(eq(handoffs.id, open.id)).run();
  recordAudit(tx, { type: 'zalo', id: zaloUserId }, { action: 'handoff.close', entity: 'handoff', entityId: open.id, detail: { by: 'user' } }, now);
}

// --- staff side -------------------------------------------------------------------------------------------

export function loadHandoff(tx: DbOrTx, id: number, scope: number | null): Handoff {
  const h = tx.select().from(handoffs).where(eq(handoffs.id, id)).get();
  if (!h) throw new AppError('not_found', 'Không tìm thấy cuộc trò chuyện.');
  if (scope !== null && h.clinicId !== scope) throw new AppError('forbidden', 'Cuộc trò chuyện này không thuộc phòng khám của bạn.');
  return h;
}

const sendText = (tx: DbOrTx, zaloUserId: string, text: string, now: number): number => sendToUser(tx, zaloUserId, [{ type: 'text', text }], { now });

export const ReplyInput = z.object({ text: z.string().trim().min(1, 'Nhập nội dung trả lời.').max(1800, 'Tối đa 1800 ký tự.') });

/** A staff reply: goes to the user in Zalo (in their lane, after any bot reply), is kept, keeps the conversation alive. */
export function staffReply(tx: DbOrTx, id: number, staff: { id: number; fullName: string; role: StaffRole; clinicId?: number | null }, scope: number | null, text: string, now: number): number[] {
  const h = loadHandoff(tx, id, scope);
  if (h.status !== 'open') throw new AppError('conflict', 'Cuộc trò chuyện đã kết thúc; người dùng có thể nhờ gặp nhân viên lại.');
  const user = getZaloUser(tx, h.zaloUserId);
  if (user && !inCustomerServiceWindow(user, now)) {
    throw new AppError('conflict', 'Đã quá 7 ngày từ tin nhắn cuối của người dùng; Zalo không cho gửi tin tư vấn. Hãy gọi điện cho người dùng.');
  }
  appendTranscript(tx, h.zaloUserId, 'staff', text, staff.id, now);
  tx.update(handoffs).set({ lastActivityAt: now, staffId: staff.id }).where(eq(handoffs.id, id)).run();
  recordAudit(tx, staffActor(staff), { action: 'handoff.reply', entity: 'handoff', entityId: id, detail: { zaloUserId: h.zaloUserId } }, now);
  // Signed like a letter, with the name and role (and clinic) the cadre can ask for again.
  const clinic = staff.clinicId ? tx.select({ name: clinics.name }).from(clinics).where(eq(clinics.id, staff.clinicId)).get()?.name : undefined;
  const signature = [staff.fullName, roleLabels[staff.role].toLowerCase(), clinic].filter(Boolean).join(', ');
  return [sendText(tx, h.zaloUserId, `${text}\n— ${signature}`, now)];
}

/** An internal note on a conversation: kept in the transcript for staff, never sent to the user. */
export function staffNote(tx: DbOrTx, id: number, staff: { id: number }, scope: number | null, text: string, now: number): void {
  const h = loadHandoff(tx, id, scope);
  appendTranscript(tx, h.zaloUserId, 'note', text, staff.id, now);
  recordAudit(tx, staffActor(staff), { action: 'handoff.note', entity: 'handoff', entityId: id, detail: { zaloUserId: h.zaloUserId } }, now);
}

/** A staff member takes a conversation (it shows under "Của tôi"); taking one already taken passes it over. */
export function assignHandoff(tx: DbOrTx, id: number, staff: { id: number }, scope: number | null, now: number): void {
  const h = loadHandoff(tx, id, scope);
  if (h.status !== 'open') throw new AppError('conflict', 'Cuộc trò chuyện đã kết thúc.');
  if (h.staffId === staff.id) return;
  tx.update(handoffs).set({ staffId: staff.id }).where(eq(handoffs.id, id)).run();
  recordAudit(tx, staffActor(staff), { action: 'handoff.assign', entity: 'handoff', entityId: id, detail: { from: h.staffId } }, now);
}

export type DeliveryState = 'sending' | 'sent' | 'failed' | 'cancelled' | 'unknown';

/**
 * Where each staff reply of a transcript stands, from its outbox row (written in the same transaction as the
 * transcript line, in the user's lane) and the Zalo send it became: sending, sent to Zalo (with the time) or failed.
 */
export function replyDeliveries(tx: DbOrTx, zaloUserId: string, replies: { id: number; at: number; text: string }[]): Map<number, { state: DeliveryState; at: number | null }> {
  const out = new Map<number, { state: DeliveryState; at: number | null }>();
  if (!replies.length) return out;
  const rows = tx
    .select({ id: outbox.id, status: outbox.status, createdAt: outbox.createdAt, payload: outbox.payload, doneAt: outbox.updatedAt })
    .from(outbox)
    .where(and(eq(outbox.lane, userLane(zaloUserId)), eq(outbox.kind, 'zalo.message'), inArray(outbox.createdAt, [...new Set(replies.map((r) => r.at))])))
    .all();
  for (const r of replies) {
    const row = rows.find((o) => {
      const text = (o.payload as { messages?: { text?: string }[] } | null)?.messages?.[0]?.text ?? '';
      return o.createdAt === r.at && text.startsWith(r.text);
    });
    if (!row) {
      out.set(r.id, { state: 'unknown', at: null });
      continue;
    }
    const send = tx.select({ status: zaloSends.status, sentAt: zaloSends.sentAt }).from(zaloSends).where(eq(zaloSends.key, `outbox-${row.id}-0`)).get();
    if (send?.status === 'sent') out.set(r.id, { state: 'sent', at: send.sentAt ?? null });
    else if (row.status === 'failed') out.set(r.id, { state: 'failed', at: row.doneAt });
    else if (row.status === 'cancelled') out.set(r.id, { state: 'cancelled', at: row.doneAt });
    else if (row.status === 'done') out.set(r.id, { state: 'sent', at: row.doneAt });
    else out.set(r.id, { state: 'sending', at: null });
  }
  return out;
}

/** Staff end the conversation: the bot resumes and tells the user so. */
export function closeHandoff(tx: DbOrTx, id: number, staff: { id: number }, scope: number | null, now: number): number[] {
  const h = loadHandoff(tx, id, scope);
  if (h.status !== 'open') throw new AppError('conflict', 'Cuộc trò chuyện đã kết thúc.');
  tx.update(handoffs).set({ status: 'closed', closedAt: now, closedBy: 'staff', staffId: h.staffId ?? staff.id }).where(eq(handoffs.id, id)).run();
  recordAudit(tx, staffActor(staff), { action: 'handoff.close', entity: 'handoff', entityId: id, detail: { by: 'staff' } }, now);
  appendTranscript(tx, h.zaloUserId, 'bot', handoffText.closedByStaff, null, now);
  return [sendText(tx, h.zaloUserId, handoffText.closedByStaff, now)];
}

/**
 * The timeout timer of a conversation: closes it when it has been quiet for `timeoutMs`, else sets itself
 * again for the new deadline. Returns the outbox ids it wrote.
 */
export function handoffTimeoutStep(tx: DbOrTx, handoffId: number, timeoutMs: number, now: number): { closed: boolean; outboxIds: number[] } {
  const h = tx.select().from(handoffs).where(eq(handoffs.id, handoffId)).get();
  if (!h || h.status !== 'open') return { closed: false, outboxIds: [] };
  const due = h.lastActivityAt + timeoutMs;
  if (due > now) {
    return { closed: false, outboxIds: [enqueue(tx, 'handoff.timeout', { handoffId: h.id }, { now, dueAt: due, subject: handoffSubject(h.id) })] };
  }
  tx.update(handoffs).set({ status: 'closed', closedAt: now, closedBy: 'timeout' }).where(eq(handoffs.id, h.id)).run();
  recordAudit(tx, { type: 'system', id: 'handoff-timeout' }, { action: 'handoff.close', entity: 'handoff', entityId: h.id, detail: { by: 'timeout' } }, now);
  appendTranscript(tx, h.zaloUserId, 'bot', handoffText.closedByTimeout, null, now);
  const user = getZaloUser(tx, h.zaloUserId);
  const ids = user && inCustomerServiceWindow(user, now) ? [sendText(tx, h.zaloUserId, handoffText.closedByTimeout, now)] : [];
  return { closed: true, outboxIds: ids };
}

// --- reads for the staff inbox ----------------------------------------------------------------------------

/** Whose conversations a list shows: the staff member's own, nobody's yet, or all. */
export type Assignment = { mine: number } | 'unassigned' | 'all';

function handoffFilter(scope: number | null, status: 'open' | 'closed' | 'all', assignment: Assignment) {
  const where = [];
  if (scope !== null) where.push(eq(handoffs.clinicId, scope));
  if (status !== 'all') where.push(eq(handoffs.status, status));
  if (assignment === 'unassigned') where.push(isNull(handoffs.staffId));
  else if (assignment !== 'all') where.push(eq(handoffs.staffId, assignment.mine));
  return where.length ? and(...where) : undefined;
}

/** One page of conversations, most recently active first, and where it sits in the whole list: none silently cut. */
export function listHandoffs(tx: DbOrTx, scope: number | null, status: 'open' | 'closed' | 'all', assignment: Assignment = 'all', page = 1) {
  const filter = handoffFilter(scope, status, assignment);
  const rows = tx
    .select({ handoff: handoffs, cadreName: cadres.fullName, cadreCode: cadres.code, clinicName: clinics.name, staffName: staffUsers.fullName })
    .from(handoffs)
    .leftJoin(cadres, eq(cadres.id, handoffs.cadreId))
    .leftJoin(clinics, eq(clinics.id, handoffs.clinicId))
    .leftJoin(staffUsers, eq(staffUsers.id, handoffs.staffId))
    .where(filter)
    // The id breaks ties so that pages never overlap nor skip a conversation.
    .orderBy(desc(handoffs.lastActivityAt), desc(handoffs.id));
  return readPage(tx.select(rowCount).from(handoffs).where(filter), rows, page);
}

/** How many conversations a list holds, counted in SQL. */
export function countHandoffs(tx: DbOrTx, scope: number | null, status: 'open' | 'closed' | 'all', assignment: Assignment = 'all'): number {
  return tx.select(rowCount).from(handoffs).where(handoffFilter(scope, status, assignment)).get()?.n ?? 0;
}

export function handoffDetail(tx: DbOrTx, id: number, scope: number | null, now: number) {
  const h = loadHandoff(tx, id, scope);
  const cadre = h.cadreId === null ? null : tx.select().from(cadres).where(eq(cadres.id, h.cadreId)).get() ?? null;
  const user = getZaloUser(tx, h.zaloUserId) ?? null;
  const messages = tx
    .select({ message: handoffMessages, staffName: staffUsers.fullName })
    .from(handoffMessages)
    .leftJoin(staffUsers, eq(staffUsers.id, handoffMessages.staffId))
    .where(eq(handoffMessages.zaloUserId, h.zaloUserId))
    .orderBy(asc(handoffMessages.id))
    .all();
  return { handoff: h, cadre, displayName: user?.displayName ?? null, messages, canReply: !!user && inCustomerServiceWindow(user, now) };
}
