import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import { AppError } from '../../errors';
import type { Db } from '../../store/db';
import type { StaffUser } from '../../store/schema';
import { getStaff } from '../../domain/staff/staff';
import { may, type Action, type Capability, type Permission } from '../../domain/staff/permissions';

import type { StaffIdentity } from '../../domain/staff/actor';

export { allowed, clinicScope, type StaffIdentity } from '../../domain/staff/actor';

type StaffVariables = RequestIdVariables & {
  staff: StaffIdentity | null;
  /** The per-session token every staff form carries in `_csrf`; empty when not logged in. */
  csrfToken: string;
};
export type StaffEnv = { Variables: StaffVariables };

const SESSION_COOKIE = 'cc_staff';
export const CSRF_FIELD = '_csrf';

export interface SessionOptions {
  db: Db;
  now: () => number;
  secret: string;
  ttlMs: number;
  secure: boolean;
}

export const identityOf = (u: StaffUser): StaffIdentity => ({
  id: u.id,
  username: u.username,
  fullName: u.fullName,
  role: u.role,
  clinicId: u.clinicId,
});

const csrfFor = (secret: string, cookieValue: string) =>
  createHmac('sha256', secret).update(`csrf|${cookieValue}`).digest('base64url');

/** Starts a session: the signed cookie carries staff id, session version and expiry. */
export async function startSession(c: Context, opts: SessionOptions, user: StaffUser): Promise<void> {
  const expiresAt = opts.now() + opts.ttlMs;
  await setSignedCookie(c, SESSION_COOKIE, `${user.id}.${user.sessionVersion}.${expiresAt}`, opts.secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: opts.secure,
    maxAge: Math.floor(opts.ttlMs / 1000),
  });
}

export function endSession(c: Context, opts: Pick<SessionOptions, 'secure'>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: opts.secure });
}

/**
 * Reads the session cookie: valid signature, not expired, the account active and its sessionVersion unchanged
 * (a password reset, role change or deactivation raises it). Sets `staff` and `csrfToken`.
 */
export function loadSession(opts: SessionOptions) {
  return createMiddleware<StaffEnv>(async (c, next) => {
    c.set('staff', null);
    c.set('csrfToken', '');
    const value = await getSignedCookie(c, opts.secret, SESSION_COOKIE);
    const m = typeof value === 'string' ? /^(\d+)\.(\d+)\.(\d+)$/.exec(value) : null;
    if (m && Number(m[3]) > opts.now()) {
      const user = getStaff(opts.db, Number(m[1]));
      if (user && user.active && user.sessionVersion === Number(m[2])) {
        c.set('staff', identityOf(user));
        c.set('csrfToken', csrfFor(opts.secret, value as string));
      }
    }
    await next();
  });
}

const unsafe = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/**
 * Every state-changing request of a logged-in page must carry the session's CSRF token (hidden `_csrf`
 * field, or the X-CSRF-Token header). `exempt` lists paths that work without a session (the login form).
 */
export function csrfGuard(exempt: (path: string) => boolean) {
  return createMiddleware<StaffEnv>(async (c, next) => {
    if (!unsafe(c.req.method) || exempt(c.req.path)) return next();
    if (!c.get('staff')) throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
    let sent = c.req.header('x-csrf-token') ?? '';
    if (!sent && /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(c.req.header('content-type') ?? '')) {
      const body = await c.req.parseBody();
      const v = body[CSRF_FIELD];
      sent = typeof v === 'string' ? v : '';
    }
    const expected = Buffer.from(c.get('csrfToken'));
    const got = Buffer.from(sent);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new AppError('forbidden', 'Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.', { reason: 'csrf' });
    }
    await next();
  });
}

/** The permission a guard checks, kept on the middleware so the role × route test can read every route's rule. */
export const PERMISSION_OF = 'cadrecarePermission';

/**
 * Lets the request through only for a logged-in staff member whose role the permissions table allows for
 * `capability`/`action` (401 without a login, 403 otherwise).
 */
export function requirePermission<C extends Capability>(capability: C, action: Action<C>) {
  const permission = [capability, action] as unknown as Permission;
  const guard = createMiddleware<{ Variables: { staff: StaffIdentity | null } }>(async (c, next) => {
    const staff = c.get('staff');
    if (!staff) throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
    if (!may(staff.role, permission)) throw new AppError('forbidden', 'Tài khoản của bạn không có quyền làm việc này.');
    await next();
  });
  return Object.assign(guard, { [PERMISSION_OF]: permission });
}

/** The logged-in staff member; call only behind requirePermission. */
export function currentStaff(c: { var: { staff: StaffIdentity | null } }): StaffIdentity {
  const staff = c.var.staff;
  if (!staff) throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
  return staff;
}

