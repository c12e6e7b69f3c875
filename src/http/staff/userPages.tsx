import { asc, desc, eq } from 'drizzle-orm';
import { allClinics } from '../../domain/registry/clinics';
import { apiTokenExpiry, getStaff, roleLabels } from '../../domain/staff/staff';
import { AppError } from '../../errors';
import { apiTokens, clinics, staffUsers, type StaffUser } from '../../store/schema';
import type { StaffDeps } from '../deps';
import { CsrfField, type Flash } from './layout';
import { fmtDateTime, page, type StaffContext } from './ui';
import { type Column, RowsTable } from './uiParts';
import { ChainBadges, ClinicSelect, RoleSelect, SecretBox } from './userForms';

type Secret = { label: string; secret: string; note: string };
type Clinic = ReturnType<typeof allClinics>[number];

function StaffTable(props: { rows: { user: StaffUser; clinicName: string | null }[] }) {
  const { rows } = props;
  return (
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
  );
}

function AddStaffForm(props: { token: string; clinicList: Clinic[] }) {
  const { clinicList } = props;
  return (
    <form method="post" action="/staff/users" class="card">
      <CsrfField token={props.token} />
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
  );
}

/** The staff list with the form to add one; after adding, the new password shown once. */
export function staffListPage(deps: StaffDeps, c: StaffContext, extra?: { secret?: Secret; status?: 200 | 201 }) {
  const rows = deps.db
    .select({ user: staffUsers, clinicName: clinics.name })
    .from(staffUsers)
    .leftJoin(clinics, eq(clinics.id, staffUsers.clinicId))
    .orderBy(desc(staffUsers.active), asc(staffUsers.username))
    .all();
  return page(
    c,
    deps.committee.name,
    'Nhân viên',
    <>
      {extra?.secret ? <SecretBox {...extra.secret} /> : null}
      <StaffTable rows={rows} />
      <h2>Thêm nhân viên</h2>
      <AddStaffForm token={c.get('csrfToken')} clinicList={allClinics(deps.db)} />
    </>,
    { status: extra?.status ?? 200 },
  );
}

function StaffEditForm(props: { deps: StaffDeps; user: StaffUser; id: number; token: string }) {
  const { user, id, token } = props;
  return (
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
          <ClinicSelect clinics={allClinics(props.deps.db)} value={user.clinicId} />
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
  );
}

function PasswordCard(props: { id: number; token: string }) {
  const { id, token } = props;
  return (
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
  );
}

type ApiToken = typeof apiTokens.$inferSelect;

function TokenStatus(props: { t: ApiToken; staffId: number; token: string; now: number }) {
  const { t } = props;
  if (t.revokedAt) return <span class="badge">Đã thu hồi</span>;
  if (apiTokenExpiry(t) <= props.now) return <span class="badge">Đã hết hạn</span>;
  return (
    <form method="post" action={`/staff/users/${props.staffId}/tokens/${t.id}/revoke`} class="inline">
      <CsrfField token={props.token} />
      <span class="badge ok">Đang dùng</span>{' '}
      <button class="btn danger small" type="submit">
        Thu hồi
      </button>
    </form>
  );
}

function tokenColumns(staffId: number, token: string, now: number): Column<ApiToken>[] {
  return [
    { label: 'Tên', cell: (t) => t.name },
    { label: 'Tạo lúc', cell: (t) => fmtDateTime(t.createdAt) },
    { label: 'Dùng gần nhất', cell: (t) => fmtDateTime(t.lastUsedAt) || '—' },
    { label: 'Hết hạn', cell: (t) => fmtDateTime(apiTokenExpiry(t)) },
    { label: 'Tình trạng', cell: (t) => <TokenStatus t={t} staffId={staffId} token={token} now={now} /> },
  ];
}

function ApiTokensCard(props: { tokens: ApiToken[]; id: number; token: string; now: number }) {
  const { tokens, id, token, now } = props;
  return (
    <div class="card">
      <h2 style="margin-top:0">Mã truy cập API</h2>
      <p class="small muted" style="margin-top:0">
        Dùng cho phần mềm khác gọi /api với tiêu đề “Authorization: Bearer …”. Mã mang quyền của tài khoản này.
      </p>
      {tokens.length ? <RowsTable columns={tokenColumns(id, token, now)} rows={tokens} /> : null}
      <form method="post" action={`/staff/users/${id}/tokens`} class="actions" style="margin-top:.8rem">
        <CsrfField token={token} />
        <input type="text" name="name" placeholder="Tên gợi nhớ, ví dụ: Báo cáo tháng" required maxlength={100} style="max-width:20rem" />
        <button class="btn small" type="submit">
          Tạo mã mới
        </button>
      </form>
    </div>
  );
}

/** One account: its details and rights, a password reset, and its API tokens; a new secret shown once. */
export function staffDetailPage(deps: StaffDeps, c: StaffContext, id: number, extra?: { secret?: Secret; flash?: Flash | null }) {
  const user = getStaff(deps.db, id);
  if (!user) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
  const tokens = deps.db.select().from(apiTokens).where(eq(apiTokens.staffId, id)).orderBy(desc(apiTokens.createdAt)).all();
  const token = c.get('csrfToken');
  return page(
    c,
    deps.committee.name,
    `${user.fullName} (${user.username})`,
    <>
      <p>
        <a href="/staff/users">← Nhân viên</a>
      </p>
      {extra?.secret ? <SecretBox {...extra.secret} /> : null}
      <StaffEditForm deps={deps} user={user} id={id} token={token} />
      <PasswordCard id={id} token={token} />
      <ApiTokensCard tokens={tokens} id={id} token={token} now={deps.clock.now()} />
    </>,
    { flash: extra?.flash ?? null },
  );
}
