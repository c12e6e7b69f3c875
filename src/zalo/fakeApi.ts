/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { ZALO_TEXT_LIMIT } from '../conversation/messages';

/**
 * A stand-in for Zalo's OA Open API and OAuth v4 host that speaks the documented contract (ZALO.md):
 * the `access_token` header, the `{ error, message, data }` envelope with HTTP 200 on failure, single-use
 * rotating refresh tokens, the 7-day window, and injectable faults. The tests and the built-in simulator
 * both use this one implementation.
 */

export type FakeRoute = 'send' | 'template' | 'template_phone' | 'quota' | 'profile' | 'token' | 'getoa' | 'conversation';

export interface Fault {
  route: FakeRoute;
  /** Zalo error code to answer with (HTTP 200 envelope). */
  error?: number;
  /** HTTP status to answer with instead (e.g. 500, 503). */
  status?: number;
  /** Only for calls about this user. */
  userId?: string;
  /** How many calls it applies to (default 1). */
  times?: number;
  /**
   * Zalo keeps the message but the answer is lost: the send is recorded, then answered with `status`
   * (default 500) instead of success, as when a gateway fails after the backend accepted.
   */
  accepted?: boolean;
  /** Answer only after this many ms (longer than the client waits: a timeout); with `accepted`, success. */
  delayMs?: number;
}

export interface SentButton {
  title: string;
  type: string;
  payload: unknown;
}

export interface SentMessage {
  messageId: string;
  /** The user id, or for a template sent by phone the phone (84…). */
  userId: string;
  kind: 'text' | 'request_user_info' | 'template' | 'template_phone' | 'other';
  /** Ours, for a template sent by phone. */
  trackingId?: string;
  text?: string;
  buttons: SentButton[];
  at: number;
  body: unknown;
}

export interface FakeUser {
  userId: string;
  displayName: string;
  phone?: string;
  isFollower: boolean;
  /** Epoch ms of the user's last interaction; the 7-day window is enforced from it when set. */
  lastInteractionAt?: number;
}

const DAY_MS = 24 * 3600_000;
const envelope = (error: number, message: string, data?: unknown) => (data === undefined ? { error, message } : { error, message, data });

export class FakeZaloApi extends EventEmitter {
  readonly app = new Hono();
  readonly sent: SentMessage[] = [];
  readonly users = new Map<string, FakeUser>();
  /** Every call as it arrived (route, user), faults included, for assertions on retries. */
  readonly calls: { route: FakeRoute; userId?: string; outcome: number }[] = [];
  refreshCount = 0;
  /** The OA whose admin consents on the fake permission page. */
  oaId = '2000000000000000002';
  /** Codes handed out by the permission page, with the PKCE challenge they were asked with. */
  private consentCodes = new Map<string, { challenge: string; appId: string; expiresAt: number }>();
  enforceWindow = true;
  /** Phones (84…) with no Zalo account: a template by phone to them answers -118. */
  readonly phonesWithoutZalo = new Set<string>();
  /** Template ids Zalo approved, with the parameters each expects; null accepts any id and any parameters. */
  approvedTemplates: Map<string, string[]> | null = null;
  /** How long Zalo takes to answer a template message (by user id or by phone), as under load. */
  templateLatencyMs = 0;
  /** The OA's template-message quota for the day (by-phone answers report it; 0 remaining answers -144). */
  templateQuota = { daily: 500, remaining: 500 };
  private faults: (Fault & { left: number })[] = [];
  private accessTokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  private refreshTokens = new Map<string, 'valid' | 'used'>();
  private server: ServerType | null = null;
  private nextId = 1n;

  constructor(private readonly clock: () => number = Date.now) {
    super();
    this.setMaxListeners(100);
    this.routes();
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

  private takeFault(route: FakeRoute, userId?: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.route === route && f.left > 0 && (!f.userId || f.userId === userId));
    const fault = this.faults[i];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(i, 1);
    return fault;
  }

  private answerFault(c: Context, fault: Fault) {
    if (fault.status) return c.json({ error: -1, message: 'Internal error' }, fault.status as 500);
    return c.json(envelope(fault.error ?? -200, `Injected error ${fault.error}`));
  }

  /** -216 for unknown tokens, -220 for expired ones, else null. */
  private tokenError(c: Context): number | null {
    const token = c.req.header('access_token');
    const t = token ? this.accessTokens.get(token) : undefined;
    if (!t || t.revoked) return -216;
    if (t.expiresAt <= this.clock()) return -220;
    return null;
  }

  private newMessageId(): string {
    // Zalo ids are long digit strings beyond 2^53.
    return (10n ** 18n + this.nextId++).toString() + randomBytes(2).readUInt16BE(0).toString().padStart(5, '0');
  }

  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  private routes(): void {
    const app = this.app;

    app.post('/v3.0/oa/message/cs', async (c) => {
      const body = (await c.req.json().catch(() => null)) as Record<string, any> | null;
      const userId: string | undefined = body?.recipient?.user_id;
      const record = (outcome: number) => this.calls.push({ route: 'send', userId, outcome });
      const fault = this.takeFault('send', userId);
      if (fault && !fault.accepted) {
        record(fault.error ?? fault.status ?? -200);
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        return this.answerFault(c, fault);
      }
      const tokenError = this.tokenError(c);
      if (tokenError) {
        record(tokenError);
        return c.json(envelope(tokenError, tokenError === -220 ? 'Access token has expired' : 'Access token is invalid'));
      }
      if (!body || typeof userId !== 'string' || !/^\d+$/.test(userId) || typeof body.message !== 'object') {
        record(-201);
        return c.json(envelope(-201, 'Parameter recipient.user_id or message is invalid'));
      }
      const user = this.users.get(userId);
      if (user && !user.isFollower) {
        record(-213);
        return c.json(envelope(-213, 'User has not followed OA'));
      }
      if (this.enforceWindow && user?.lastInteractionAt !== undefined && this.clock() - user.lastInteractionAt > 7 * DAY_MS) {
        record(-230);
        return c.json(envelope(-230, 'User has not interacted with the OA in the last 7 days'));
      }
      const message = body.message as Record<string, any>;
      const payload = message.attachment?.payload as Record<string, any> | undefined;
      const text: string | undefined = message.text ?? payload?.text;
      if (text !== undefined && (typeof text !== 'string' || text.normalize('NFC').length > ZALO_TEXT_LIMIT)) {
        record(-210);
        return c.json(envelope(-210, 'Text exceeds the allowed length'));
      }
      let kind: SentMessage['kind'] = 'other';
      if (payload?.template_type === 'request_user_info') kind = 'request_user_info';
      else if (typeof text === 'string' && text.length > 0) kind = 'text';
      else {
        record(-201);
        return c.json(envelope(-201, 'Parameter message is invalid'));
      }
      const buttons: SentButton[] = Array.isArray(payload?.buttons) ? payload.buttons : [];
      if (buttons.length > 5) {
        record(-210);
        return c.json(envelope(-210, 'Too many buttons'));
      }
      const sent: SentMessage = { messageId: this.newMessageId(), userId, kind, text, buttons, at: this.clock(), body };
      this.sent.push(sent);
      this.emit('message', sent);
      if (fault?.accepted && fault.delayMs) {
        record(0);
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return c.json(envelope(0, 'Success', { message_id: sent.messageId, user_id: userId }));
      }
      if (fault?.accepted) {
        record(fault.status ?? 500);
        return c.json({ error: -1, message: 'Internal error' }, (fault.status ?? 500) as 500);
      }
      record(0);
      return c.json(envelope(0, 'Success', { message_id: sent.messageId, user_id: userId }), 200, {
        'X-RateLimit-Limit': '4000',
        'X-RateLimit-Remain': '3999',
      });
    });

    // Template messages (ZBS) need an approved template id but not the 7-day window.
    app.post('/v3.0/oa/message/template', async (c) => {
      const body = (await c.req.json().catch(() => null)) as Record<string, any> | null;
      const userId: string | undefined = body?.user_id;
      const fault = this.takeFault('template', userId);
      if (fault && !fault.accepted) {
        this.calls.push({ route: 'template', userId, outcome: fault.error ?? fault.status ?? -200 });
        return this.answerFault(c, fault);
      }
      const tokenError = this.tokenError(c);
      if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
      if (!body || typeof userId !== 'string' || typeof body.template_id !== 'string' || typeof body.template_data !== 'object') {
        this.calls.push({ route: 'template', userId, outcome: -201 });
        return c.json(envelope(-201, 'Parameter template_id or template_data is invalid'));
      }
      if (this.approvedTemplates && !this.approvedTemplates.has(body.template_id)) {
        this.calls.push({ route: 'template', userId, outcome: -131 });
        return c.json(envelope(-131, 'Template is not approved'));
      }
      const known = this.users.get(userId);
      if (known?.lastInteractionAt !== undefined && this.clock() - known.lastInteractionAt > 365 * DAY_MS) {
        this.calls.push({ route: 'template', userId, outcome: -232 });
        return c.json(envelope(-232, 'User has not interacted with the OA within a year'));
      }
      const sent: SentMessage = {
        messageId: this.newMessageId(),
        userId,
        kind: 'template',
        text: `[template ${body.template_id}] ${JSON.stringify(body.template_data)}`,
        buttons: [],
        at: this.clock(),
        body,
      };
      this.sent.push(sent);
      this.emit('message', sent);
      if (this.templateLatencyMs) await new Promise((r) => setTimeout(r, this.templateLatencyMs));
      if (fault?.accepted) {
        this.calls.push({ route: 'template', userId, outcome: fault.status ?? 500 });
        return c.json({ error: -1, message: 'Internal error' }, (fault.status ?? 500) as 500);
      }
      this.calls.push({ route: 'template', userId, outcome: 0 });
      return c.json(envelope(0, 'Success', { message_id: sent.messageId }));
    });

    // Template message by phone (business host, ZNS error table): the phone must have a Zalo account, the
    // template be approved and its parameters match, and the day's quota not be spent.
    app.post('/message/template', async (c) => {
      const body = (await c.req.json().catch(() => null)) as Record<string, any> | null;
      const phone: string | undefined = typeof body?.phone === 'string' ? body.phone : undefined;
      const record = (outcome: number) => this.calls.push({ route: 'template_phone', userId: phone, outcome });
      const fault = this.takeFault('template_phone', phone);
      if (fault && !fault.accepted) {
        record(fault.error ?? fault.status ?? -100);
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        return this.answerFault(c, fault);
      }
      if (this.tokenError(c)) {
        record(-124);
        return c.json(envelope(-124, 'Access token is invalid'));
      }
      const fail = (code: number, message: string) => {
        record(code);
        return c.json(envelope(code, message));
      };
      if (!body || typeof body.template_id !== 'string' || typeof body.template_data !== 'object' || body.template_data === null) {
        return fail(-112, 'Template data invalid');
      }
      if (!phone || !/^84\d{9}$/.test(phone)) return fail(-108, 'Phone number invalid');
      const expected = this.approvedTemplates?.get(body.template_id);
      if (this.approvedTemplates && !expected) return fail(-131, 'Template is not approved');
      if (expected && [...expected].sort().join() !== Object.keys(body.template_data).sort().join()) return fail(-112, 'Template data invalid');
      if (typeof body.tracking_id !== 'string' || body.tracking_id.length === 0 || body.tracking_id.length > 48) return fail(-112, 'tracking_id invalid');
      if (this.phonesWithoutZalo.has(phone)) return fail(-118, 'Zalo account not existed');
      if (this.templateQuota.remaining <= 0) return fail(-144, 'OA has exceeded its daily template quota');
      this.templateQuota.remaining -= 1;
      const sent: SentMessage = {
        messageId: this.newMessageId(),
        userId: phone,
        kind: 'template_phone',
        text: `[template ${body.template_id}] ${JSON.stringify(body.template_data)}`,
        trackingId: body.tracking_id,
        buttons: [],
        at: this.clock(),
        body,
      };
      this.sent.push(sent);
      this.emit('message', sent);
      if (this.templateLatencyMs) await new Promise((r) => setTimeout(r, this.templateLatencyMs));
      // Kept, then answered too late: the caller has given up waiting.
      if (fault?.accepted && fault.delayMs) {
        record(0);
        await new Promise((r) => setTimeout(r, fault.delayMs));
      } else if (fault?.accepted) {
        record(fault.status ?? 500);
        return c.json({ error: -1, message: 'Internal error' }, (fault.status ?? 500) as 500);
      } else record(0);
      return c.json(
        envelope(0, 'Success', {
          msg_id: sent.messageId,
          sent_time: String(sent.at),
          quota: { dailyQuota: String(this.templateQuota.daily), remainingQuota: String(this.templateQuota.remaining) },
        }),
      );
    });

    // Quota and last-interaction check for one user ([U] shape: the client reads any last_interaction field).
    app.post('/v3.0/oa/quota/message', async (c) => {
      const body = (await c.req.json().catch(() => null)) as Record<string, any> | null;
      const userId: string | undefined = body?.user_id;
      const fault = this.takeFault('quota', userId);
      this.calls.push({ route: 'quota', userId, outcome: fault?.error ?? fault?.status ?? 0 });
      if (fault) return this.answerFault(c, fault);
      const tokenError = this.tokenError(c);
      if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
      if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return c.json(envelope(-201, 'user_id is invalid'));
      const user = this.users.get(userId);
      return c.json(
        envelope(0, 'Success', {
          user_id: userId,
          last_interaction_time: user?.lastInteractionAt !== undefined ? String(user.lastInteractionAt) : undefined,
          quota: { template: { daily: this.templateQuota.daily, remain: this.templateQuota.remaining } },
        }),
      );
    });

    app.get('/v3.0/oa/user/detail', (c) => {
      let userId: string | undefined;
      try {
        userId = JSON.parse(c.req.query('data') ?? '{}').user_id;
      } catch {
        return c.json(envelope(-201, 'Parameter data is invalid'));
      }
      const fault = this.takeFault('profile', userId);
      this.calls.push({ route: 'profile', userId, outcome: fault?.error ?? 0 });
      if (fault) return this.answerFault(c, fault);
      const tokenError = this.tokenError(c);
      if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
      const user = userId ? this.users.get(userId) : undefined;
      if (!user) return c.json(envelope(-201, 'user_id is invalid'));
      const last = user.lastInteractionAt ? new Date(user.lastInteractionAt) : undefined;
      return c.json(
        envelope(0, 'Success', {
          user_id: user.userId,
          user_id_by_app: `9${user.userId}`,
          display_name: user.displayName,
          user_is_follower: user.isFollower,
          user_last_interaction_date: last
            ? `${String(last.getUTCDate()).padStart(2, '0')}/${String(last.getUTCMonth() + 1).padStart(2, '0')}/${last.getUTCFullYear()}`
            : undefined,
          shared_info: user.phone ? { name: user.displayName, phone: user.phone } : undefined,
        }),
      );
    });

    // Conversation history, newest first: what the OA sent this user (and nothing the user sent; the fake does not keep that).
    app.get('/v2.0/oa/conversation', (c) => {
      let q: { user_id?: string; offset?: number; count?: number };
      try {
        q = JSON.parse(c.req.query('data') ?? '{}');
      } catch {
        return c.json(envelope(-201, 'Parameter data is invalid'));
      }
      const fault = this.takeFault('conversation', q.user_id);
      this.calls.push({ route: 'conversation', userId: q.user_id, outcome: fault?.error ?? fault?.status ?? 0 });
      if (fault) return this.answerFault(c, fault);
      const tokenError = this.tokenError(c);
      if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
      if (typeof q.user_id !== 'string') return c.json(envelope(-201, 'user_id is invalid'));
      const offset = Math.max(0, Number(q.offset) || 0);
      const count = Math.min(10, Math.max(1, Number(q.count) || 10));
      const list = this.messagesTo(q.user_id)
        .slice()
        .reverse()
        .slice(offset, offset + count)
        .map((m) => ({
          src: 0,
          time: m.at,
          // How Zalo lists a request_user_info card is undocumented; the fake calls it a template with its title.
          type: m.kind === 'text' ? 'text' : 'template',
          message: m.kind === 'request_user_info' ? String((m.body as any)?.message?.attachment?.payload?.elements?.[0]?.title ?? '') : (m.text ?? ''),
          message_id: m.messageId,
          from_id: '2000000000000000002',
          to_id: m.userId,
        }));
      return c.json(envelope(0, 'Success', list));
    });

    app.get('/v2.0/oa/getoa', (c) => {
      const tokenError = this.tokenError(c);
      if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
      return c.json(envelope(0, 'Success', { oa_id: '2000000000000000002', name: 'Ban BV,CSSKCB (mô phỏng)' }));
    });

    // OAuth v4 permission page (ZALO.md §4): "Cho phép" sends the OA admin back with a single-use code (10 minutes).
    app.get('/v4/oa/permission', (c) => {
      const appId = c.req.query('app_id') ?? '';
      const redirectUri = c.req.query('redirect_uri') ?? '';
      const challenge = c.req.query('code_challenge') ?? '';
      const state = c.req.query('state');
      if (!/^\d+$/.test(appId) || !/^https?:\/\//.test(redirectUri) || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
        return c.html('<!doctype html><meta charset="utf-8"><h1>Yêu cầu không hợp lệ</h1>', 400);
      }
      const code = `fake-code-${randomBytes(12).toString('hex')}`;
      this.consentCodes.set(code, { challenge, appId, expiresAt: this.clock() + 10 * 60_000 });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('oa_id', this.oaId);
      if (state) back.searchParams.set('state', state);
      const href = back.toString().replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      return c.html(
        `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Zalo (mô phỏng) · Cấp quyền</title>` +
          `<body style="font:16px system-ui;background:#f1f4f8;display:flex;justify-content:center;padding:3rem 1rem"><div style="background:#fff;border-radius:12px;padding:1.5rem;max-width:420px;box-shadow:0 2px 12px #0001">` +
          `<h1 style="font-size:1.2rem;color:#0068ff">Zalo (mô phỏng)</h1><p>Ứng dụng <b>${appId}</b> xin quyền quản lý Official Account <b>${this.oaId}</b>.</p>` +
          `<p><a id="allow" href="${href}" style="display:inline-block;background:#0068ff;color:#fff;padding:.6rem 1.2rem;border-radius:8px;text-decoration:none">Cho phép</a></p></div></body></html>`,
      );
    });

    app.post('/v4/oa/access_token', async (c) => {
      const fault = this.takeFault('token');
      this.calls.push({ route: 'token', outcome: fault?.error ?? 0 });
      if (fault) {
        if (fault.status) return c.json({ error: -1, message: 'Internal error' }, fault.status as 500);
        return c.json({ error: fault.error ?? -14014, error_name: 'Invalid refresh token', error_reason: 'Injected' });
      }
      if (!c.req.header('secret_key')) return c.json({ error: -14001, error_name: 'Missing secret_key header' });
      const form = new URLSearchParams(await c.req.text());
      if (form.get('grant_type') === 'refresh_token') {
        const rt = form.get('refresh_token') ?? '';
        if (this.refreshTokens.get(rt) !== 'valid') {
          return c.json({ error: -14014, error_name: 'Invalid refresh token', error_reason: 'refresh token is invalid or used' });
        }
        this.refreshTokens.set(rt, 'used');
        this.refreshCount += 1;
        const pair = this.issueTokens();
        return c.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) });
      }
      const code = form.get('code');
      const verifier = form.get('code_verifier');
      if (form.get('grant_type') === 'authorization_code' && code && verifier) {
        const consent = this.consentCodes.get(code);
        this.consentCodes.delete(code);
        if (!consent || consent.expiresAt < this.clock() || consent.appId !== form.get('app_id')) {
          return c.json({ error: -14019, error_name: 'Invalid authorization code', error_reason: 'code is unknown, used or expired' });
        }
        const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        if (challenge !== consent.challenge) return c.json({ error: -14020, error_name: 'Invalid code verifier', error_reason: 'code_verifier does not match code_challenge' });
        const pair = this.issueTokens();
        return c.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) });
      }
      return c.json({ error: -14002, error_name: 'Invalid grant' });
    });
  }

  /** Serves the fake on 127.0.0.1 (port 0 = any free port) and returns its base URL. */
  async listen(port = 0): Promise<string> {
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: this.app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
