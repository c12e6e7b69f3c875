import { Hono } from 'hono';
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { createApiToken, createStaffUser, generatePassword, getStaff, revokeApiToken, roleLabels, setStaffPassword, updateStaffUser } from '../../domain/staff/staff';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { apiTokens, staffUsers, type StaffUser } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../auth/session';
import { validate, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import type { Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { CreateForm, UpdateForm } from './userForms';
import { staffDetailPage, staffListPage } from './userPages';

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

/** Saves an account's details and rights, keeping at least one active administrator. */
function saveStaffUpdate(deps: StaffDeps, staff: StaffIdentity, id: number, f: z.infer<typeof UpdateForm>) {
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
}

const auditOf = (deps: StaffDeps) => (staff: StaffIdentity, action: string, entity: string, entityId: number, detail?: Record<string, unknown>) =>
  recordAudit(deps.db, staffActor(staff), { action, entity, entityId, detail }, deps.clock.now());

/** The list, adding an account, one account's page and saving it (locking asks first). */
function accountRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const audit = auditOf(deps);
  return new Hono<StaffEnv>()
    .get('/', (c) => staffListPage(deps, c))
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
      return staffListPage(deps, c, {
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
      return staffDetailPage(deps, c, c.req.valid('param').id, { flash: msg ? (notices[msg] ?? null) : null });
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
        const { id } = c.req.valid('param');
        saveStaffUpdate(deps, currentStaff(c), id, c.req.valid('form'));
        return c.redirect(`/staff/users/${id}?msg=saved`, 303);
      },
    );
}

/** A new password, a new API token (each shown once), revoking a token (asks first). */
function credentialRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const audit = auditOf(deps);
  return new Hono<StaffEnv>()
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
      return staffDetailPage(deps, c, id, {
        secret: { label: 'Mật khẩu mới:', secret: password, note: 'Mật khẩu chỉ hiện lần này. Mọi phiên đăng nhập cũ của tài khoản đã kết thúc.' },
      });
      },
    )
    .post('/:id{[0-9]+}/tokens', validate('param', IdParam), validate('form', z.object({ name: z.string().trim().min(1, 'Thiếu tên gợi nhớ.').max(100) })), (c) => {
      const staff = currentStaff(c);
      const { id } = c.req.valid('param');
      const created = createApiToken(deps.db, id, c.req.valid('form').name, deps.clock.now());
      audit(staff, 'api_token.create', 'api_token', created.id, { staffId: id });
      return staffDetailPage(deps, c, id, {
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

/** /staff/users: staff accounts, their roles and clinics, password resets and API tokens (admins only). */
export function userPages(deps: StaffDeps) {
  return new Hono<StaffEnv>().use(requirePermission('staffAccounts', 'manage')).route('/', accountRoutes(deps)).route('/', credentialRoutes(deps));
}
