import { Hono, type Context } from 'hono';
import { staffActor } from '../../domain/staff/actor';
import { getConnInfo } from '@hono/node-server/conninfo';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { authenticateStaff, findStaffByUsername } from '../../domain/staff/staff';
import { recordAudit } from '../../store/audit';
import { inTransaction } from '../../store/db';
import { staffUsers } from '../../store/schema';
import { validate } from '../validation';
import { BarePage } from '../staff/layout';
import type { StaffDeps } from '../deps';
import type { LoginRateLimiter } from './rateLimit';
import { endSession, startSession, type SessionOptions, type StaffEnv } from './session';
import { committeeWord } from '../../domain/shared/organisation';

/** Only our own staff pages (and the admin queue board) are valid targets after login (no open redirect). */
export const safeNext = (next: string | undefined) => (next && /^\/(staff|admin\/queues)(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/staff');

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests has no socket
  }
}

export function LoginPage(props: { committeeName: string; next: string; username?: string; error?: string; notice?: string }) {
  return (
    <BarePage title="Đăng nhập">
      <div class="card login">
        <div class="logo">CadreCare</div>
        <p class="muted small" style="margin-top:0">
          {props.committeeName}
        </p>
        <h1>Đăng nhập cho nhân viên</h1>
        {props.notice ? (
          <div class="flash warn" role="status">
            {props.notice}
          </div>
        ) : null}
        {props.error ? (
          <div class="flash bad" role="alert">
            {props.error}
          </div>
        ) : null}
        <form method="post" action="/staff/login">
          <input type="hidden" name="next" value={props.next} />
          <div class="field">
            <label for="username">Tên đăng nhập</label>
            <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value={props.username ?? ''} autofocus />
          </div>
          <div class="field">
            <label for="password">Mật khẩu</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button class="btn" type="submit">
            Đăng nhập
          </button>
        </form>
        <p class="small muted">Quên mật khẩu? Xin liên hệ quản trị viên của {committeeWord()} để được cấp lại.</p>
      </div>
    </BarePage>
  );
}

const LoginForm = z.object({
  username: z.string().trim().max(100).default(''),
  password: z.string().max(500).default(''),
  next: z.string().max(500).optional(),
});

/** GET/POST /staff/login and POST /staff/logout. Logins (and failed attempts) are audited. */
export function loginRoutes(deps: StaffDeps, limiter: LoginRateLimiter) {
  const session: SessionOptions = {
    db: deps.db,
    now: () => deps.clock.now(),
    secret: deps.sessionSecret,
    ttlMs: deps.sessionTtlMs,
    secure: deps.secureCookies,
  };
  return new Hono<StaffEnv>()
    .get('/login', validate('query', z.object({ next: z.string().max(500).optional() })), (c) => {
      if (c.get('staff')) return c.redirect(safeNext(c.req.valid('query').next));
      return c.html(<LoginPage committeeName={deps.committee.name} next={safeNext(c.req.valid('query').next)} />);
    })
    .post('/login', validate('form', LoginForm), async (c) => {
      const { username, password, next } = c.req.valid('form');
      const target = safeNext(next);
      const address = clientAddress(c);
      const show = (error: string, status: 401 | 429) =>
        c.html(<LoginPage committeeName={deps.committee.name} next={target} username={username} error={error} />, status);

      const waitMs = limiter.retryAfterMs(username, address);
      if (waitMs > 0) {
        c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
        const wait = waitMs < 60_000 ? `${Math.ceil(waitMs / 1000)} giây` : `${Math.ceil(waitMs / 60_000)} phút`;
        return show(`Bạn đã nhập sai nhiều lần. Để bảo vệ tài khoản, xin vui lòng thử lại sau ${wait}.`, 429);
      }
      const user = username && password ? await authenticateStaff(deps.db, username, password) : null;
      const now = deps.clock.now();
      if (!user) {
        limiter.recordFailure(username, address);
        const known = username ? findStaffByUsername(deps.db, username) : undefined;
        recordAudit(
          deps.db,
          { type: 'system', id: 'login' },
          { action: 'staff.login_failed', entity: 'staff_user', entityId: known?.id ?? null, detail: { username: username.slice(0, 100) } },
          now,
        );
        return show('Tên đăng nhập hoặc mật khẩu không đúng.', 401);
      }
      limiter.reset(username);
      inTransaction(deps.db, (tx) => {
        tx.update(staffUsers).set({ lastLoginAt: now }).where(eq(staffUsers.id, user.id)).run();
        recordAudit(tx, staffActor(user), { action: 'staff.login', entity: 'staff_user', entityId: user.id }, now);
      });
      await startSession(c, session, user);
      return c.redirect(target, 303);
    })
    .post('/logout', (c) => {
      const staff = c.get('staff');
      if (staff) {
        // Ending the session on the server: the cookie (and any copy of it) stops working at once.
        inTransaction(deps.db, (tx) => {
          tx.update(staffUsers).set({ sessionVersion: sql`${staffUsers.sessionVersion} + 1` }).where(eq(staffUsers.id, staff.id)).run();
          recordAudit(tx, staffActor(staff), { action: 'staff.logout', entity: 'staff_user', entityId: staff.id }, deps.clock.now());
        });
      }
      endSession(c, session);
      return c.redirect('/staff/login', 303);
    });
}
