import { Hono } from 'hono';
import { z } from 'zod';
import { changeOwnPassword, MIN_PASSWORD_LENGTH, PasswordChange } from '../../domain/staff/staff';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { currentStaff, requirePermission, startSession, type SessionOptions, type StaffEnv } from '../auth/session';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { page } from './ui';
import { validate } from '../validation';

function PasswordForm(props: { csrfToken: string }) {
  return (
    <form method="post" action="/staff/account/password" class="card" style="max-width:32rem">
      <CsrfField token={props.csrfToken} />
      <div class="field" style="margin-bottom:.8rem">
        <label for="currentPassword">Mật khẩu hiện tại</label>
        <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required />
      </div>
      <div class="field" style="margin-bottom:.8rem">
        <label for="newPassword">Mật khẩu mới (ít nhất {MIN_PASSWORD_LENGTH} ký tự)</label>
        <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} required />
      </div>
      <div class="field" style="margin-bottom:.8rem">
        <label for="confirmPassword">Nhập lại mật khẩu mới</label>
        <input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} required />
      </div>
      <button class="btn" type="submit">
        Đổi mật khẩu
      </button>
      <p class="small muted">Sau khi đổi, các phiên đăng nhập khác và mã truy cập API của bạn hết hiệu lực.</p>
    </form>
  );
}

/** GET/POST /staff/account/password: a staff member changes their own password; this browser stays logged in. */
export function accountPages(deps: StaffDeps) {
  const session: SessionOptions = { db: deps.db, now: () => deps.clock.now(), secret: deps.sessionSecret, ttlMs: deps.sessionTtlMs, secure: deps.secureCookies };
  const title = 'Đổi mật khẩu';
  const show = (c: Parameters<typeof page>[0], flash?: Flash, status: 200 | 400 = 200) =>
    page(c, deps.committee.name, title, <PasswordForm csrfToken={c.get('csrfToken')} />, { flash, status });
  return new Hono<StaffEnv>()
    .get('/password', requirePermission('account', 'changePassword'), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) =>
      show(c, c.req.valid('query').msg === 'changed' ? { kind: 'ok', text: 'Đã đổi mật khẩu.' } : undefined),
    )
    .post('/password', requirePermission('account', 'changePassword'), validate('form', PasswordChange), async (c) => {
      const staff = currentStaff(c);
      const form = c.req.valid('form');
      if (form.confirmPassword !== undefined && form.confirmPassword !== form.newPassword) {
        return show(c, { kind: 'bad', text: 'Hai lần nhập mật khẩu mới không giống nhau.' }, 400);
      }
      let user;
      try {
        user = await changeOwnPassword(deps.db, staff.id, form.currentPassword, form.newPassword, deps.clock.now());
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation_failed') return show(c, { kind: 'bad', text: err.message }, 400);
        throw err;
      }
      recordAudit(deps.db, staffActor(staff), { action: 'staff.password_changed', entity: 'staff_user', entityId: staff.id }, deps.clock.now());
      await startSession(c, session, user);
      return c.redirect('/staff/account/password?msg=changed', 303);
    });
}
