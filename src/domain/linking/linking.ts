import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { honorific } from '../shared/vietnamese';
import { and, asc, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { recordAudit } from '../../store/audit';
import { staffActor, zaloActor, type StaffIdentity } from '../staff/actor';
import { LINK_AUDIT } from '../staff/auditText';
import { cadreInScope } from '../registry/search';
import { enqueue, sendToUser } from '../../jobs/enqueue';
import { AppError } from '../../errors';
import { getZaloUser, inCustomerServiceWindow } from '../../store/zaloUsers';
import { cadres, clinics, linkRequests, otpChallenges, outbox, proxies, verificationFailures, zaloLinks, zaloUsers, type LinkRequest } from '../../store/schema';
import { enqueueNotice, type NoticeRef, type RenderedNotice } from '../outreach/notices';
import { committeeWord } from '../shared/organisation';

/**
 * Linking a Zalo account to a cadre of the registry, and proxies. The chat flow decides (bot/flows/linking.ts);
 * these appliers write the result inside the turn's transaction, with an audit row for each change.
 */

const OTP_TTL_MS = 10 * 60_000;
/** Codes a Zalo user may ask for per hour, and codes a cadre's email may receive per day. */
export const OTP_PER_USER_PER_HOUR = 3;
export const OTP_PER_CADRE_PER_DAY = 5;
/** Wrong cadre code + birth date pairs allowed per Zalo user, and per cadre code, in a rolling day. */
export const VERIFY_FAILURES_PER_USER_PER_DAY = 5;
export const VERIFY_FAILURES_PER_CODE_PER_DAY = 5;
export const VERIFY_WINDOW_MS = 24 * 3600_000;

export type LinkingEffect =
  | { type: 'link'; cadreId: number; method: 'phone' | 'otp' }
  | { type: 'unlink' }
  | { type: 'otpStart'; cadreId: number; committeeName: string }
  | { type: 'otpAttempt'; challengeId: number; ok: boolean }
  | { type: 'verifyFailed'; code: string }
  | { type: 'linkHold'; cadreId: number; phone: string }
  | { type: 'proxyRequest'; cadreId: number; relation: string; proxyName: string; requesterPhone: string | null };

export interface LinkingContext {
  zaloUserId: string;
  now: number;
}

function hashCode(salt: string, challengeId: number, code: string): string {
  return createHash('sha256').update(`${salt}:${challengeId}:${code}`).digest('hex');
}

/** Constant-time check of a typed code against a stored `salt$hash`. */
export function otpMatches(stored: string, challengeId: number, code: string): boolean {
  const [salt, hash] = stored.split('$');
  if (!salt || !hash || !/^\d{6}$/.test(code)) return false;
  return timingSafeEqual(Buffer.from(hashCode(salt, challengeId, code), 'hex'), Buffer.from(hash, 'hex'));
}

/** How an account came to be linked: a phone shared in chat, a code sent by email, or staff by hand. */
type LinkMethod = 'phone' | 'otp' | 'staff';

/** A Zalo user id as staff type it. */
export const ZaloUserId = z.string().trim().regex(/^\d{1,32}$/, 'Mã Zalo gồm các chữ số.');

export interface NewLink {
  cadreId: number;
  zaloUserId: string;
  method: LinkMethod;
  /** The staff member who links (by hand, or by approving a held move); absent when the cadre proved it in chat. */
  staffId?: number;
  now: number;
}

/**
 * The one way an account gets linked to a cadre, whoever asks (the chat after a proof, staff by hand, staff
 * approving a held move), with one rule set:
 * - the account must have written to or followed the OA;
 * - by hand (method 'staff') nothing is displaced: an account already linked, or a cadre that already has an
 *   account, is refused, so staff unlink first;
 * - a proof of identity (phone, emailed code; an approved move counts as the phone) moves what stands in the way:
 *   the account's old link goes, the cadre's old account loses the link and is told;
 * - one audit row, `link.create`, with the method, who acted and where the link moved from.
 */
export function linkZaloUser(tx: DbOrTx, link: NewLink): void {
  const { cadreId, zaloUserId, method, now } = link;
  if (!tx.select({ id: zaloUsers.id }).from(zaloUsers).where(eq(zaloUsers.id, zaloUserId)).get()) {
    throw new AppError('not_found', 'Tài khoản Zalo này chưa từng nhắn tin hay quan tâm OA, nên chưa thể liên kết.');
  }
  const ofAccount = tx.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, zaloUserId)).get();
  const ofCadre = tx.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get();
  const movedFrom = ofCadre && ofCadre.zaloUserId !== zaloUserId ? ofCadre.zaloUserId : undefined;
  if (method === 'staff') {
    if (ofAccount) {
      throw new AppError('conflict', ofAccount.cadreId === cadreId ? 'Tài khoản Zalo này đã liên kết với cán bộ này.' : 'Tài khoản Zalo này đã liên kết với một cán bộ khác.');
    }
    if (ofCadre) throw new AppError('conflict', 'Cán bộ đã có tài khoản Zalo liên kết; hãy gỡ liên kết cũ trước.');
  }
  if (ofAccount) tx.delete(zaloLinks).where(eq(zaloLinks.zaloUserId, zaloUserId)).run();
  if (movedFrom) tx.delete(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).run();
  tx.insert(zaloLinks).values({ zaloUserId, cadreId, method, linkedAt: now, linkedByStaffId: link.staffId ?? null }).run();
  if (movedFrom) tellLinkMoved(tx, movedFrom, cadreId, now);
  recordAudit(
    tx,
    link.staffId === undefined ? zaloActor(zaloUserId) : staffActor(link.staffId),
    { action: LINK_AUDIT.create, entity: 'cadre', entityId: cadreId, detail: { zaloUserId, method, movedFrom } },
    now,
  );
}

/**
 * The one way a link ends: the user in chat (by account) or staff (by cadre). Audited as `link.remove` with
 * the account and how it had been linked; null when there was no link.
 */
function unlinkZaloUser(tx: DbOrTx, which: { zaloUserId: string } | { cadreId: number }, now: number, staffId?: number): number | null {
  const where = 'zaloUserId' in which ? eq(zaloLinks.zaloUserId, which.zaloUserId) : eq(zaloLinks.cadreId, which.cadreId);
  const link = tx.select().from(zaloLinks).where(where).get();
  if (!link) return null;
  tx.delete(zaloLinks).where(eq(zaloLinks.zaloUserId, link.zaloUserId)).run();
  recordAudit(
    tx,
    staffId === undefined ? zaloActor(link.zaloUserId) : staffActor(staffId),
    { action: LINK_AUDIT.remove, entity: 'cadre', entityId: link.cadreId, detail: { zaloUserId: link.zaloUserId, method: link.method } },
    now,
  );
  return link.cadreId;
}

/** Staff link an account by hand to a cadre they may see. */
export function linkByStaff(db: Db, staff: StaffIdentity, cadreId: number, zaloUserId: string, now: number): void {
  inTransaction(db, (tx) => {
    cadreInScope(tx, staff, cadreId);
    linkZaloUser(tx, { cadreId, zaloUserId, method: 'staff', staffId: staff.id, now });
  });
}

/** Staff remove the account of a cadre they may see. */
export function unlinkByStaff(db: Db, staff: StaffIdentity, cadreId: number, now: number): void {
  inTransaction(db, (tx) => {
    cadreInScope(tx, staff, cadreId);
    if (unlinkZaloUser(tx, { cadreId }, now, staff.id) === null) throw new AppError('not_found', 'Cán bộ chưa có tài khoản Zalo liên kết.');
  });
}

export const linkMoveText = {
  /** To the account that shared the phone: nobody is named, nothing is linked yet. */
  held: 'Số điện thoại này đã được dùng để xác minh một tài khoản Zalo khác. Để bảo vệ hồ sơ, nhân viên sẽ kiểm tra trước khi chuyển liên kết sang tài khoản này và báo lại Ông/Bà tại đây.\nNếu hồ sơ có email, Ông/Bà có thể xác minh ngay bằng mã gửi qua email: gõ "liên kết" rồi chọn 2.',
  /** To the linked account, when someone asks to move the link. */
  requested: (who: string, phone: string | null) =>
    `${who} lưu ý: một tài khoản Zalo khác vừa dùng số điện thoại trong hồ sơ để xin liên kết với hồ sơ của ${who}. Liên kết hiện tại vẫn giữ nguyên; nhân viên sẽ kiểm tra trước khi thay đổi.${phone ? ` Nếu không phải ${who}, xin gọi ngay ${phone}.` : ''}`,
  requestedSubject: 'Có người xin liên kết Zalo với hồ sơ của Ông/Bà',
  /** To the account that was linked, once the link moved away from it. */
  moved: (who: string) => `${who} lưu ý: hồ sơ của ${who} vừa được liên kết với một tài khoản Zalo khác; tài khoản Zalo này không còn xem được kết quả và lịch khám. Nếu không phải ${who} yêu cầu, xin báo ngay cho ${committeeWord()}.`,
  movedSubject: 'Hồ sơ của Ông/Bà đã liên kết với tài khoản Zalo khác',
  approved: (who: string, name: string) => `Nhân viên đã xác minh. Tài khoản Zalo này đã được liên kết với hồ sơ của ${who} ${name}. Gõ "menu" để chọn việc cần làm.`,
  rejected: (hotline: string, note: string) =>
    `Nhân viên chưa thể chuyển liên kết hồ sơ sang tài khoản Zalo này${note ? `. Lý do: ${note}` : ''}. Cần hỗ trợ, xin gọi ${hotline}.`,
};

export const LINK_MOVE_NOTICE = 'link.move_requested';

/** The notice to a linked cadre that another account asked for their link; the clinic's phone to call. */
export function renderLinkMoveRequested(db: Db, ref: NoticeRef): RenderedNotice | null {
  const row = db
    .select({ request: linkRequests, cadre: cadres, clinicPhone: clinics.phone })
    .from(linkRequests)
    .innerJoin(cadres, eq(cadres.id, linkRequests.cadreId))
    .leftJoin(clinics, eq(clinics.id, cadres.clinicId))
    .where(eq(linkRequests.id, ref.id))
    .get();
  if (!row || row.request.status !== 'pending') return null;
  const text = linkMoveText.requested(honorific(row.cadre.sex), row.clinicPhone ?? null);
  return { text, email: { subject: linkMoveText.requestedSubject, text }, cadreOnly: true };
}

/**
 * Tells the account a link just moved away from: in Zalo inside its 7-day window, else by email to the
 * registry address. It is no longer linked, so this is a direct message, not a notice to the cadre.
 */
function tellLinkMoved(tx: DbOrTx, zaloUserId: string, cadreId: number, now: number): void {
  const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) return;
  const text = linkMoveText.moved(honorific(cadre.sex));
  const user = getZaloUser(tx, zaloUserId);
  if (user && inCustomerServiceWindow(user, now)) {
    sendToUser(tx, zaloUserId, [{ type: 'text', text }], { now });
  } else if (cadre.email) {
    enqueue(tx, 'email.message', { to: cadre.email, subject: linkMoveText.movedSubject, text }, { now });
  }
}

/**
 * A shared phone matches a cadre already linked to another account: the link stays; a request waits for
 * staff, and the linked account is told (a notice: Zalo, else email). A repeat while one is pending adds nothing.
 */
function holdLinkMove(tx: DbOrTx, ctx: LinkingContext, cadreId: number, phone: string): void {
  const current = tx.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get();
  if (!current || current.zaloUserId === ctx.zaloUserId) return;
  const pending = tx
    .select({ id: linkRequests.id })
    .from(linkRequests)
    .where(and(eq(linkRequests.zaloUserId, ctx.zaloUserId), eq(linkRequests.cadreId, cadreId), eq(linkRequests.status, 'pending')))
    .get();
  if (pending) return;
  const { id } = tx
    .insert(linkRequests)
    .values({ zaloUserId: ctx.zaloUserId, cadreId, phone, currentZaloUserId: current.zaloUserId, requestedAt: ctx.now })
    .returning({ id: linkRequests.id })
    .get();
  recordAudit(tx, zaloActor(ctx.zaloUserId), { action: 'link.hold', entity: 'cadre', entityId: cadreId, detail: { linkRequestId: id, currentZaloUserId: current.zaloUserId } }, ctx.now);
  enqueueNotice(tx, { cadreId, ref: { kind: LINK_MOVE_NOTICE, id }, dueAt: ctx.now }, ctx.now);
}

/**
 * Staff decide a held link move. Approve: the link moves (the old account is told) and the new account is
 * greeted; refuse: the requester is told. Returns the outbox ids to hand to the relay after commit.
 */
export function decideLinkMove(
  tx: DbOrTx,
  staff: { id: number },
  id: number,
  decision: 'approve' | 'reject',
  note: string,
  committee: { hotline: string },
  now: number,
): { request: LinkRequest; outboxIds: number[] } {
  const request = tx.select().from(linkRequests).where(eq(linkRequests.id, id)).get();
  if (!request) throw new AppError('not_found', 'Không tìm thấy yêu cầu liên kết.');
  if (request.status !== 'pending') throw new AppError('conflict', 'Yêu cầu này đã được xử lý trước đó.');
  const cadre = tx.select().from(cadres).where(eq(cadres.id, request.cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  const before = tx.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.id)).limit(1).get()?.id ?? 0;
  const status = decision === 'approve' ? ('approved' as const) : ('rejected' as const);
  const updated = tx
    .update(linkRequests)
    .set({ status, decidedAt: now, decidedByStaffId: staff.id, note: note || null })
    .where(eq(linkRequests.id, id))
    .returning()
    .get();
  if (decision === 'approve') linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: request.zaloUserId, method: 'phone', staffId: staff.id, now });
  recordAudit(tx, staffActor(staff), { action: `link.move_${decision}`, entity: 'cadre', entityId: cadre.id, detail: { linkRequestId: id, zaloUserId: request.zaloUserId } }, now);
  const text = decision === 'approve' ? linkMoveText.approved(honorific(cadre.sex), cadre.fullName) : linkMoveText.rejected(committee.hotline, note);
  sendToUser(tx, request.zaloUserId, [{ type: 'text', text }], { now });
  const outboxIds = tx.select({ id: outbox.id }).from(outbox).where(gt(outbox.id, before)).all().map((r) => r.id);
  return { request: updated, outboxIds };
}

/** Link moves waiting for staff (or decided), with the cadre and both accounts, for the staff page. */
export function listLinkRequests(db: DbOrTx, status: LinkRequest['status']) {
  return db
    .select({ request: linkRequests, cadreName: cadres.fullName, cadreCode: cadres.code, cadrePhone: cadres.phone })
    .from(linkRequests)
    .innerJoin(cadres, eq(cadres.id, linkRequests.cadreId))
    .where(eq(linkRequests.status, status))
    .orderBy(status === 'pending' ? asc(linkRequests.requestedAt) : desc(linkRequests.decidedAt))
    .limit(200)
    .all();
}

function otpEmail(committeeName: string, fullName: string, code: string) {
  return {
    // The code stays out of the subject: subjects show in notifications and mail lists.
    subject: 'Mã xác minh tài khoản Zalo',
    text: [
      `Kính gửi ${fullName},`,
      '',
      `Mã xác minh tài khoản Zalo của Ông/Bà là: ${code}`,
      'Mã có hiệu lực trong 10 phút. Xin gõ mã này vào khung chat Zalo.',
      '',
      `Nếu Ông/Bà không yêu cầu mã này, xin bỏ qua thư và báo cho ${committeeWord()}.`,
      '',
      committeeName,
    ].join('\n'),
  };
}

/** Creates a challenge and its email in the same transaction. The code exists only in the email, whose row is scrubbed once sent. */
function startOtp(tx: DbOrTx, ctx: LinkingContext, cadreId: number, committeeName: string): void {
  const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre?.email) throw new Error('startOtp needs a cadre with an email');
  // Only the newest code counts: older open ones are closed.
  tx.update(otpChallenges)
    .set({ consumedAt: ctx.now })
    .where(and(eq(otpChallenges.zaloUserId, ctx.zaloUserId), isNull(otpChallenges.consumedAt)))
    .run();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('hex');
  const { id } = tx
    .insert(otpChallenges)
    .values({ zaloUserId: ctx.zaloUserId, cadreId, codeHash: 'pending', expiresAt: ctx.now + OTP_TTL_MS, createdAt: ctx.now })
    .returning({ id: otpChallenges.id })
    .get();
  tx.update(otpChallenges).set({ codeHash: `${salt}$${hashCode(salt, id, code)}` }).where(eq(otpChallenges.id, id)).run();
  const mail = otpEmail(committeeName, cadre.fullName, code);
  enqueue(tx, 'email.message', { to: cadre.email, ...mail, sensitive: true }, { now: ctx.now });
  recordAudit(tx, zaloActor(ctx.zaloUserId), { action: 'link.otp_sent', entity: 'cadre', entityId: cadreId }, ctx.now);
}

function recordOtpAttempt(tx: DbOrTx, ctx: LinkingContext, challengeId: number, ok: boolean): void {
  const challenge = tx.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId)).get();
  if (!challenge) return;
  tx.update(otpChallenges)
    .set(ok ? { consumedAt: ctx.now } : { attempts: challenge.attempts + 1 })
    .where(eq(otpChallenges.id, challengeId))
    .run();
}

/**
 * A cadre code + birth date that did not match: counted for the daily limits and audited against the cadre
 * when the code exists (the audit names the record by id; a code that matches nobody is kept as typed).
 */
function recordVerificationFailure(tx: DbOrTx, ctx: LinkingContext, code: string): void {
  const cadre = tx.select({ id: cadres.id }).from(cadres).where(eq(cadres.code, code)).get();
  tx.insert(verificationFailures).values({ zaloUserId: ctx.zaloUserId, cadreCode: code, cadreId: cadre?.id ?? null, at: ctx.now }).run();
  recordAudit(
    tx,
    zaloActor(ctx.zaloUserId),
    { action: 'link.verify_failed', entity: 'cadre', entityId: cadre?.id ?? null, detail: cadre ? { method: 'birth_date' } : { method: 'birth_date', code } },
    ctx.now,
  );
}

/**
 * A proxy request, pending until staff decide. The requester's Zalo display name is fetched from Zalo's profile
 * API by a job after the turn (the turn does no I/O), so staff see who asked.
 */
export function requestProxy(tx: DbOrTx, ctx: LinkingContext, cadreId: number, relation: string, proxyName: string, requesterPhone: string | null = null): void {
  const existing = tx
    .select()
    .from(proxies)
    .where(and(eq(proxies.zaloUserId, ctx.zaloUserId), eq(proxies.cadreId, cadreId)))
    .get();
  if (existing && (existing.status === 'pending' || existing.status === 'approved')) return;
  if (existing) {
    tx.update(proxies)
      .set({ status: 'pending', relation, proxyName, requesterPhone, requestedAt: ctx.now, decidedAt: null, decidedByStaffId: null })
      .where(and(eq(proxies.id, existing.id), ne(proxies.status, 'approved')))
      .run();
  } else {
    tx.insert(proxies).values({ zaloUserId: ctx.zaloUserId, cadreId, relation, proxyName, requesterPhone, requestedAt: ctx.now }).run();
  }
  enqueue(tx, 'zalo.profile', { userId: ctx.zaloUserId }, { now: ctx.now });
  recordAudit(tx, zaloActor(ctx.zaloUserId), { action: 'proxy.request', entity: 'cadre', entityId: cadreId, detail: { relation } }, ctx.now);
}

export function applyLinkingEffect(tx: DbOrTx, ctx: LinkingContext, effect: LinkingEffect): void {
  switch (effect.type) {
    case 'link':
      return linkZaloUser(tx, { cadreId: effect.cadreId, zaloUserId: ctx.zaloUserId, method: effect.method, now: ctx.now });
    case 'unlink':
      unlinkZaloUser(tx, { zaloUserId: ctx.zaloUserId }, ctx.now);
      return;
    case 'otpStart':
      return startOtp(tx, ctx, effect.cadreId, effect.committeeName);
    case 'otpAttempt':
      return recordOtpAttempt(tx, ctx, effect.challengeId, effect.ok);
    case 'verifyFailed':
      return recordVerificationFailure(tx, ctx, effect.code);
    case 'linkHold':
      return holdLinkMove(tx, ctx, effect.cadreId, effect.phone);
    case 'proxyRequest':
      return requestProxy(tx, ctx, effect.cadreId, effect.relation, effect.proxyName, effect.requesterPhone);
  }
}
