import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { DbOrTx } from '../store/db';
import { recordAudit } from '../store/audit';
import { insertOutbox } from '../store/outbox';
import { cadres, otpChallenges, proxies, verificationFailures, zaloLinks } from '../store/schema';

/**
 * Linking a Zalo account to a cadre of the registry, and proxies. The chat flow decides (bot/flows/linking.ts);
 * these appliers write the result inside the turn's transaction, with an audit row for each change.
 */

export const OTP_TTL_MS = 10 * 60_000;
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
  | { type: 'proxyRequest'; cadreId: number; relation: string; proxyName: string };

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

const zaloActor = (ctx: LinkingContext) => ({ type: 'zalo' as const, id: ctx.zaloUserId });

export function linkZaloUser(tx: DbOrTx, ctx: LinkingContext, cadreId: number, method: 'phone' | 'otp' | 'staff', staffId?: number): void {
  const previous = tx.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get();
  // A cadre has one verified account: a new proof of identity moves the link (e.g. a new phone).
  tx.delete(zaloLinks).where(eq(zaloLinks.zaloUserId, ctx.zaloUserId)).run();
  if (previous && previous.zaloUserId !== ctx.zaloUserId) tx.delete(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).run();
  tx.insert(zaloLinks)
    .values({ zaloUserId: ctx.zaloUserId, cadreId, method, linkedAt: ctx.now, linkedByStaffId: staffId ?? null })
    .run();
  recordAudit(
    tx,
    staffId ? { type: 'staff', id: String(staffId) } : zaloActor(ctx),
    {
      action: 'link.create',
      entity: 'cadre',
      entityId: cadreId,
      detail: { zaloUserId: ctx.zaloUserId, method, movedFrom: previous && previous.zaloUserId !== ctx.zaloUserId ? previous.zaloUserId : undefined },
    },
    ctx.now,
  );
}

export function unlinkZaloUser(tx: DbOrTx, ctx: LinkingContext, staffId?: number): number | null {
  const link = tx.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, ctx.zaloUserId)).get();
  if (!link) return null;
  tx.delete(zaloLinks).where(eq(zaloLinks.zaloUserId, ctx.zaloUserId)).run();
  recordAudit(
    tx,
    staffId ? { type: 'staff', id: String(staffId) } : zaloActor(ctx),
    { action: 'link.remove', entity: 'cadre', entityId: link.cadreId, detail: { zaloUserId: ctx.zaloUserId } },
    ctx.now,
  );
  return link.cadreId;
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
      'Nếu Ông/Bà không yêu cầu mã này, xin bỏ qua thư và báo cho Ban.',
      '',
      committeeName,
    ].join('\n'),
  };
}

/** Creates a challenge and its email in the same transaction. The code exists only in the email, whose row is scrubbed once sent. */
export function startOtp(tx: DbOrTx, ctx: LinkingContext, cadreId: number, committeeName: string): void {
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
  insertOutbox(tx, { kind: 'email.message', dueAt: ctx.now, payload: { to: cadre.email, ...mail, sensitive: true } }, ctx.now);
  recordAudit(tx, zaloActor(ctx), { action: 'link.otp_sent', entity: 'cadre', entityId: cadreId }, ctx.now);
}

export function recordOtpAttempt(tx: DbOrTx, ctx: LinkingContext, challengeId: number, ok: boolean): void {
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
export function recordVerificationFailure(tx: DbOrTx, ctx: LinkingContext, code: string): void {
  const cadre = tx.select({ id: cadres.id }).from(cadres).where(eq(cadres.code, code)).get();
  tx.insert(verificationFailures).values({ zaloUserId: ctx.zaloUserId, cadreCode: code, cadreId: cadre?.id ?? null, at: ctx.now }).run();
  recordAudit(
    tx,
    zaloActor(ctx),
    { action: 'link.verify_failed', entity: 'cadre', entityId: cadre?.id ?? null, detail: cadre ? { method: 'birth_date' } : { method: 'birth_date', code } },
    ctx.now,
  );
}

export function requestProxy(tx: DbOrTx, ctx: LinkingContext, cadreId: number, relation: string, proxyName: string): void {
  const existing = tx
    .select()
    .from(proxies)
    .where(and(eq(proxies.zaloUserId, ctx.zaloUserId), eq(proxies.cadreId, cadreId)))
    .get();
  if (existing && (existing.status === 'pending' || existing.status === 'approved')) return;
  if (existing) {
    tx.update(proxies)
      .set({ status: 'pending', relation, proxyName, requestedAt: ctx.now, decidedAt: null, decidedByStaffId: null })
      .where(and(eq(proxies.id, existing.id), ne(proxies.status, 'approved')))
      .run();
  } else {
    tx.insert(proxies).values({ zaloUserId: ctx.zaloUserId, cadreId, relation, proxyName, requestedAt: ctx.now }).run();
  }
  recordAudit(tx, zaloActor(ctx), { action: 'proxy.request', entity: 'cadre', entityId: cadreId, detail: { relation } }, ctx.now);
}

export function applyLinkingEffect(tx: DbOrTx, ctx: LinkingContext, effect: LinkingEffect): void {
  switch (effect.type) {
    case 'link':
      return linkZaloUser(tx, ctx, effect.cadreId, effect.method);
    case 'unlink':
      unlinkZaloUser(tx, ctx);
      return;
    case 'otpStart':
      return startOtp(tx, ctx, effect.cadreId, effect.committeeName);
    case 'otpAttempt':
      return recordOtpAttempt(tx, ctx, effect.challengeId, effect.ok);
    case 'verifyFailed':
      return recordVerificationFailure(tx, ctx, effect.code);
    case 'proxyRequest':
      return requestProxy(tx, ctx, effect.cadreId, effect.relation, effect.proxyName);
  }
}
