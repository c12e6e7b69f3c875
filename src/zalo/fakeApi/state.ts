import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Fault, FakeRoute, FakeUser, SentMessage } from './contract';

/**
 * What Zalo's side holds: users and their last interaction, messages received, token pairs, consent codes,
 * the template quota, and the faults a test injected. The routes (messageRoutes, userRoutes, oauthRoutes)
 * read and change it; tests steer it through FakeZaloApi.
 */
export class FakeZaloState extends EventEmitter {
  readonly sent: SentMessage[] = [];
  readonly users = new Map<string, FakeUser>();
  /** Every call as it arrived (route, user), faults included, for assertions on retries. */
  readonly calls: { route: FakeRoute; userId?: string; outcome: number }[] = [];
  refreshCount = 0;
  /** The OA whose admin consents on the fake permission page. */
  oaId = '2000000000000000002';
  enforceWindow = true;
  /** Phones (84…) with no Zalo account: a template by phone to them answers -118. */
  readonly phonesWithoutZalo = new Set<string>();
  /** Template ids Zalo approved, with the parameters each expects; null accepts any id and any parameters. */
  approvedTemplates: Map<string, string[]> | null = null;
  /** How long Zalo takes to answer a template message (by user id or by phone), as under load. */
  templateLatencyMs = 0;
  /** The OA's template-message quota for the day (by-phone answers report it; 0 remaining answers -144). */
  templateQuota = { daily: 500, remaining: 500 };
  /** Codes handed out by the permission page, with the PKCE challenge they were asked with. */
  private consentCodes = new Map<string, { challenge: string; appId: string; expiresAt: number }>();
  private faults: (Fault & { left: number })[] = [];
  private accessTokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  private refreshTokens = new Map<string, 'valid' | 'used'>();
  private nextId = 1n;

  constructor(readonly clock: () => number = Date.now) {
    super();
    this.setMaxListeners(100);
  }

  /** Creates a valid token pair, as an OA admin's consent would. */
  issueTokens(lifetimeSeconds = 90_000): { accessToken: string; refreshToken: string; expiresIn: number } {
    const accessToken = `fake-at-${randomBytes(12).toString('hex')}`;
    const refreshToken = `fake-rt-${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(accessToken, { expiresAt: this.clock() + lifetimeSeconds * 1000, revoked: false });
    this.refreshTokens.set(refreshToken, 'valid');
    return { accessToken, refreshToken, expiresIn: lifetimeSeconds };
  }

  /** Makes Zalo answer -220 (expired) for this token from now on. */
  expireAccessToken(token: string): void {
    const t = this.accessTokens.get(token);
    if (t) t.expiresAt = 0;
  }

  /** Spends a refresh token (single use); false when it is unknown or already used. */
  useRefreshToken(token: string): boolean {
    if (this.refreshTokens.get(token) !== 'valid') return false;
    this.refreshTokens.set(token, 'used');
    this.refreshCount += 1;
    return true;
  }

  /** A single-use consent code, valid 10 minutes, bound to the app and its PKCE challenge. */
  grantConsentCode(appId: string, challenge: string): string {
    const code = `fake-code-${randomBytes(12).toString('hex')}`;
    this.consentCodes.set(code, { challenge, appId, expiresAt: this.clock() + 10 * 60_000 });
    return code;
  }

  /** The consent a code was given for, once: null when unknown, used or expired. */
  redeemConsentCode(code: string): { challenge: string; appId: string } | null {
    const consent = this.consentCodes.get(code);
    this.consentCodes.delete(code);
    return consent && consent.expiresAt >= this.clock() ? consent : null;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  upsertUser(user: Partial<FakeUser> & { userId: string }): FakeUser {
    const existing = this.users.get(user.userId);
    const merged: FakeUser = {
      displayName: 'Người dùng Zalo',
      isFollower: true,
      ...existing,
      ...Object.fromEntries(Object.entries(user).filter(([, v]) => v !== undefined)),
    } as FakeUser;
    this.users.set(user.userId, merged);
    return merged;
  }

  /** Records that the user interacted now (what a webhook event would mean on Zalo's side). */
  touch(userId: string, at = this.clock()): void {
    this.upsertUser({ userId, lastInteractionAt: at });
  }

  messagesTo(userId: string): SentMessage[] {
    return this.sent.filter((m) => m.userId === userId);
  }

  /** Keeps a message Zalo accepted and tells listeners (the simulator's chat view). */
  keep(message: SentMessage): void {
    this.sent.push(message);
    this.emit('message', message);
  }

  /** The next injected fault for this route (and user), counted as used. */
  takeFault(route: FakeRoute, userId?: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.route === route && f.left > 0 && (!f.userId || f.userId === userId));
    const fault = this.faults[i];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(i, 1);
    return fault;
  }

  /** -216 for unknown tokens, -220 for expired ones, else null. */
  tokenError(c: Context): number | null {
    const token = c.req.header('access_token');
    const t = token ? this.accessTokens.get(token) : undefined;
    if (!t || t.revoked) return -216;
    if (t.expiresAt <= this.clock()) return -220;
    return null;
  }

  newMessageId(): string {
    // Zalo ids are long digit strings beyond 2^53.
    return (10n ** 18n + this.nextId++).toString() + randomBytes(2).readUInt16BE(0).toString().padStart(5, '0');
  }
}
