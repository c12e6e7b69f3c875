import { Hono } from 'hono';
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokenExpiry, createApiToken, createStaffUser, generatePassword, getStaff, revokeApiToken, roleLabels, setStaffPassword, updateStaffUser } from '../../domain/staff/staff';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { apiTokens, clinics, staffUsers, type StaffUser } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../auth/session';
import { validate, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import { allClinics } from '../../domain/registry/clinics';
import type { StaffDeps } from '../deps';
import { fmtDateTime, page } from './ui';
import { ChainBadges, ClinicSelect, CreateForm, RoleSelect, SecretBox, UpdateForm } from './userForms';

const notices: Record<string, Flash> = {
  saved: { kind: 'ok', text: 'Đã lưu thay đổi.' },
  revoked: { kind: 'ok', text: 'Đã thu hồi mã truy cập API.' },
};

/** Keeps at least one active administrator, so nobody locks the committee out. */
function assertAdminRemains(db: Db, target: StaffUser, next: { role: string; active: boolean }): void {
  if (target.role !== 'admin' || (next.role === 'admin' && next.active)) return;
  const others = db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.active, true), ne(staffUsers.id, target.id)))
    .all();
  if (others.length === 0) throw new AppError('conflict', 'Phải còn ít nhất một quản trị viên đang hoạt động.');
}

/** /staff/users: staff accounts, their roles and clinics, password resets and API tokens (admins only). */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function userPages(deps: StaffDeps) {
  const title = deps.committee.name;

  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  const listPage = (c: Parameters<typeof page>[0], extra?: { secret?: { label: string; secret: string; note: string }; status?: 200 | 201 }) => {
    const rows = deps.db
      .select({ user: staffUsers, clinicName: clinics.name })
      .from(staffUsers)
      .leftJoin(clinics, eq(clinics.id, staffUsers.clinicId))
      .orderBy(desc(staffUsers.active), asc(staffUsers.username))
      .all();
    const clinicList = allClinics(deps.db);
    return page(
      c,
      title,
      'Nhân viên',
      <>
        {extra?.secret ? <SecretBox {...extra.secret} /> : null}
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                <th>Tên đăng nhập</th>
                <th>Họ và tên</th>
                <th>Vai trò</th>
                <th>Phòng khám</th>
                <th>Đăng nhập gần nhất</th>
                <th>Tình trạng</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ user, clinicName }) => (
                <tr>
                  <td data-label="Tên đăng nhập">
                    <a href={`/staff/users/${user.id}`}>{user.username}</a>
                  </td>
                  <td data-label="Họ và tên">{user.fullName}</td>
                  <td data-label="Vai trò">{roleLabels[user.role]}</td>
                  <td data-label="Phòng khám">
                    {clinicName ?? '—'} <ChainBadges user={user} />
                  </td>
                  <td data-label="Đăng nhập">{fmtDateTime(user.lastLoginAt) || '—'}</td>
                  <td data-label="Tình trạng">{user.active ? <span class="badge ok">Hoạt động</span> : <span class="badge">Đã khóa</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h2>Thêm nhân viên</h2>
        <form method="post" action="/staff/users" class="card">
          <CsrfField token={c.get('csrfToken')} />
          <div class="grid">
            <div>
              <label for="username">Tên đăng nhập</label>
              <input type="text" id="username" name="username" required pattern="[A-Za-z0-9._\-]{3,40}" autocapitalize="none" />
            </div>
            <div>
              <label for="fullName">Họ và tên</label>
              <input type="text" id="fullName" name="fullName" required />
            </div>
            <div>
              <label for="role">Vai trò</label>
              <RoleSelect value="viewer" />
            </div>
            <div>
              <label for="clinicId">Phòng khám</label>
              <ClinicSelect clinics={clinicList} />
            </div>
            <div>
              <label for="email">Email</label>
              <input type="email" id="email" name="email" />
            </div>
            <div>
              <label for="zaloUserId">Mã Zalo (nhận báo việc)</label>
              <input type="text" id="zaloUserId" name="zaloUserId" inputmode="numeric" />
            </div>
            <div>
              <button class="btn" type="submit">
                Tạo tài khoản
              </button>
            </div>
          </div>
          <p class="small muted">Mật khẩu được tạo ngẫu nhiên và chỉ hiện một lần. Nhân viên phòng khám phải chọn phòng khám.</p>
        </form>
      </>,
      { status: extra?.status ?? 200 },
    );
  };

  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  const detailPage = (c: Parameters<typeof page>[0], id: number, extra?: { secret?: { label: string; secret: string; note: string }; flash?: Flash | null }) => {
    const user = getStaff(deps.db, id);
    if (!user) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
    const tokens = deps.db.select().from(apiTokens).where(eq(apiTokens.staffId, id)).orderBy(desc(apiTokens.createdAt)).all();
    const now = deps.clock.now();
    const token = c.get('csrfToken');
    return page(
      c,
      title,
      `${user.fullName} (${user.username})`,
      <>
        <p>
          <a href="/staff/users">← Nhân viên</a>
        </p>
        {extra?.secret ? <SecretBox {...extra.secret} /> : null}
        <form method="post" action={`/staff/users/${id}`} class="card">
          <CsrfField token={token} />
          <h2 style="margin-top:0">Thông tin và quyền</h2>
          <div class="grid">
            <div>
              <label for="fullName">Họ và tên</label>
              <input type="text" id="fullName" name="fullName" value={user.fullName} required />
            </div>
            <div>
              <label for="role">Vai trò</label>
              <RoleSelect value={user.role} />
            </div>
            <div>
              <label for="clinicId">Phòng khám</label>
              <ClinicSelect clinics={allClinics(deps.db)} value={user.clinicId} />
            </div>
            <div>
              <label for="email">Email</label>
              <input type="email" id="email" name="email" value={user.email ?? ''} />
            </div>
            <div>
              <label for="zaloUserId">Mã Zalo</label>
              <input type="text" id="zaloUserId" name="zaloUserId" value={user.zaloUserId ?? ''} inputmode="numeric" />
            </div>
            <div class="wide">
              <label>Nhận báo khi yêu cầu chưa được tiếp nhận</label>
              <label style="display:flex;gap:.4rem;align-items:center;color:var(--ink)">
                <input type="checkbox" name="isClinicHead" value="1" checked={user.isClinicHead} /> Trưởng phòng khám (báo lần 2)
              </label>
              <label style="display:flex;gap:.4rem;align-items:center;color:var(--ink)">
                <input type="checkbox" name="onCall" value="1" checked={user.onCall} /> Trong danh sách trực (báo lần 3 và mọi ca cấp cứu)
              </label>
            </div>
            <div>
              <label for="active">Tình trạng</label>
              <select id="active" name="active">
                <option value="1" selected={user.active}>
                  Hoạt động
                </option>
                <option value="0" selected={!user.active}>
                  Khóa tài khoản
                </option>
              </select>
            </div>
            <div>
              <button class="btn" type="submit">
                Lưu
              </button>
            </div>
          </div>
          <p class="small muted">Đổi vai trò, phòng khám hoặc khóa tài khoản sẽ đăng xuất người này khỏi mọi thiết bị.</p>
        </form>
        <div class="card">
          <h2 style="margin-top:0">Mật khẩu</h2>
          <form method="post" action={`/staff/users/${id}/password`} class="actions">
            <CsrfField token={token} />
            <span class="muted">Tạo mật khẩu mới ngẫu nhiên và đăng xuất người này khỏi mọi thiết bị.</span>
            <button class="btn secondary small" type="submit">
              Đặt lại mật khẩu
            </button>
          </form>
        </div>
        <div class="card">
          <h2 style="margin-top:0">Mã truy cập API</h2>
          <p class="small muted" style="margin-top:0">
            Dùng cho phần mềm khác gọi /api với tiêu đề “Authorization: Bearer …”. Mã mang quyền của tài khoản này.
          </p>
          {tokens.length ? (
            <div class="table-wrap" style="margin-bottom:.8rem">
              <table class="responsive">
                <thead>
                  <tr>
                    <th>Tên</th>
                    <th>Tạo lúc</th>
                    <th>Dùng gần nhất</th>
                    <th>Hết hạn</th>
                    <th>Tình trạng</th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr>
                      <td data-label="Tên">{t.name}</td>
                      <td data-label="Tạo lúc">{fmtDateTime(t.createdAt)}</td>
                      <td data-label="Dùng gần nhất">{fmtDateTime(t.lastUsedAt) || '—'}</td>
                      <td data-label="Hết hạn">{fmtDateTime(apiTokenExpiry(t))}</td>
                      <td data-label="Tình trạng">
                        {t.revokedAt ? (
                          <span class="badge">Đã thu hồi</span>
                        ) : apiTokenExpiry(t) <= now ? (
                          <span class="badge">Đã hết hạn</span>
                        ) : (
                          <form method="post" action={`/staff/users/${id}/tokens/${t.id}/revoke`} class="inline">
                            <CsrfField token={token} />
                            <span class="badge ok">Đang dùng</span>{' '}
                            <button class="btn danger small" type="submit">
                              Thu hồi
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <form method="post" action={`/staff/users/${id}/tokens`} class="actions">
            <CsrfField token={token} />
            <input type="text" name="name" placeholder="Tên gợi nhớ, ví dụ: Báo cáo tháng" required maxlength={100} style="max-width:20rem" />
            <button class="btn small" type="submit">
              Tạo mã mới
            </button>
          </form>
        </div>
      </>,
      { flash: extra?.flash ?? null },
    );
  };

  const audit = (staff: StaffIdentity, action: string, entity: string, entityId: number, detail?: Record<string, unknown>) =>
    recordAudit(deps.db, staffActor(staff), { action, entity, entityId, detail }, deps.clock.now());

  return new Hono<StaffEnv>()
    .use(requirePermission('staffAccounts', 'manage'))
    .get('/', (c) => listPage(c))
    .post('/', validate('form', CreateForm), async (c) => {
      const staff = currentStaff(c);
      const f = c.req.valid('form');
      const password = generatePassword();
      const now = deps.clock.now();
      const user = await createStaffUser(
        deps.db,
        { ...f, password, clinicId: f.clinicId === '' ? null : f.clinicId, email: f.email || null, zaloUserId: f.zaloUserId || null },
        now,
      );
      audit(staff, 'staff.create', 'staff_user', user.id, { role: user.role, clinicId: user.clinicId });
      return listPage(c, {
        status: 201,
        secret: {
          label: `Đã tạo tài khoản “${user.username}” (${roleLabels[user.role]}). Mật khẩu ban đầu:`,
          secret: password,
          note: 'Mật khẩu chỉ hiện lần này. Hãy chuyển cho nhân viên qua kênh an toàn.',
        },
      });
    })
    .get('/:id{[0-9]+}', validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const msg = c.req.valid('query').msg;
      return detailPage(c, c.req.valid('param').id, { flash: msg ? (notices[msg] ?? null) : null });
    })
    .post(
      '/:id{[0-9]+}',
      validate('param', IdParam),
      confirmFirst(title, (c, form) => {
        const target = getStaff(deps.db, Number(c.req.param('id')));
        // Only locking an account that is open asks first; other edits save at once.
        if (!target?.active || form.active !== '0') return null;
        return {
          title: 'Khóa tài khoản?',
          text: `Khóa tài khoản “${target.username}” (${target.fullName}): người này bị đăng xuất khỏi mọi thiết bị và không đăng nhập được cho đến khi được mở lại.`,
          confirmLabel: 'Khóa tài khoản',
          back: `/staff/users/${target.id}`,
        };
      }),
      validate('form', UpdateForm),
      (c) => {
      const staff = currentStaff(c);
      const { id } = c.req.valid('param');
      const f = c.req.valid('form');
      const active = f.active === '1';
      inTransaction(deps.db, (tx) => {
        const target = getStaff(tx, id);
        if (!target) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
        assertAdminRemains(deps.db, target, { role: f.role, active });
        const updated = updateStaffUser(
          tx,
          id,
          {
            fullName: f.fullName,
            role: f.role,
            clinicId: f.clinicId === '' ? null : f.clinicId,
            email: f.email || null,
            zaloUserId: f.zaloUserId || null,
            active,
            isClinicHead: f.isClinicHead === '1',
            onCall: f.onCall === '1',
          },
          deps.clock.now(),
        );
        recordAudit(
          tx,
          staffActor(staff),
          { action: 'staff.update', entity: 'staff_user', entityId: id, detail: { role: updated.role, clinicId: updated.clinicId, active: updated.active, isClinicHead: updated.isClinicHead, onCall: updated.onCall } },
          deps.clock.now(),
        );
      });
      return c.redirect(`/staff/users/${id}?msg=saved`, 303);
      },
    )
    .post(
      '/:id{[0-9]+}/password',
      validate('param', IdParam),
      confirmFirst(title, (c) => {
        const target = getStaff(deps.db, Number(c.req.param('id')));
        if (!target) return null;
        return {
          title: 'Đặt lại mật khẩu?',
          text: `Tạo mật khẩu mới cho “${target.username}” (${target.fullName}): mật khẩu cũ thôi dùng được và người này bị đăng xuất khỏi mọi thiết bị. Mật khẩu mới chỉ hiện một lần.`,
          confirmLabel: 'Đặt lại mật khẩu',
          back: `/staff/users/${target.id}`,
        };
      }),
      async (c) => {
      const staff = currentStaff(c);
      const { id } = c.req.valid('param');
      const password = generatePassword();
      await setStaffPassword(deps.db, id, password, deps.clock.now());
      audit(staff, 'staff.password_reset', 'staff_user', id);
      return detailPage(c, id, {
        secret: { label: 'Mật khẩu mới:', secret: password, note: 'Mật khẩu chỉ hiện lần này. Mọi phiên đăng nhập cũ của tài khoản đã kết thúc.' },
      });
      },
    )
    .post('/:id{[0-9]+}/tokens', validate('param', IdParam), validate('form', z.object({ name: z.string().trim().min(1, 'Thiếu tên gợi nhớ.').max(100) })), (c) => {
      const staff = currentStaff(c);
      const { id } = c.req.valid('param');
      const created = createApiToken(deps.db, id, c.req.valid('form').name, deps.clock.now());
      audit(staff, 'api_token.create', 'api_token', created.id, { staffId: id });
      return detailPage(c, id, {
        secret: { label: 'Mã truy cập API mới:', secret: created.token, note: 'Mã chỉ hiện lần này; hệ thống chỉ lưu dấu băm của mã. Hãy cất giữ cẩn thận.' },
      });
    })
    .post(
      '/:id{[0-9]+}/tokens/:tokenId{[0-9]+}/revoke',
      validate('param', IdParam.extend({ tokenId: z.coerce.number().int().positive() })),
      confirmFirst(title, (c) => ({
        title: 'Thu hồi mã truy cập?',
        text: 'Phần mềm đang dùng mã này sẽ không gọi được /api nữa. Không hoàn tác được; cần thì tạo mã mới.',
        confirmLabel: 'Thu hồi mã',
        back: `/staff/users/${c.req.param('id')}`,
      })),
      (c) => {
      const staff = currentStaff(c);
      const { id, tokenId } = c.req.valid('param');
      const token = deps.db.select().from(apiTokens).where(and(eq(apiTokens.id, tokenId), eq(apiTokens.staffId, id))).get();
      if (!token) throw new AppError('not_found', 'Không tìm thấy mã truy cập.');
      if (revokeApiToken(deps.db, tokenId, deps.clock.now())) audit(staff, 'api_token.revoke', 'api_token', tokenId, { staffId: id });
      return c.redirect(`/staff/users/${id}?msg=revoked`, 303);
      },
    );
}
