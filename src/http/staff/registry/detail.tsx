import { Hono } from 'hono';
import { z } from 'zod';
import { upcomingBookingsOf } from '../../../domain/booking/bookingForCadre';
import { linkByStaff, unlinkByStaff, ZaloUserId } from '../../../domain/linking/linking';
import { cadreStatusLabels, statusOf } from '../../../domain/registry/cadreRecord';
import { categoryLabels, sexLabels } from '../../../domain/registry/registryColumns';
import { cadreDetail, cadreInScope } from '../../../domain/registry/search';
import { healthClassLabel } from '../../../domain/results/classification';
import { allowed, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { ActingCard, actingNotices } from '../cadreActing';
import { confirmFirst } from '../confirm';
import { CsrfField, type Flash } from '../layout';
import { fmtDate, fmtDateTime, page, PhoneLink, type StaffContext } from '../ui';

type CadreDetail = ReturnType<typeof cadreDetail>;

const proxyStatusLabels = { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Từ chối', revoked: 'Đã thu hồi' } as const;
const proxyBadge = { pending: 'warn', approved: 'ok', rejected: 'bad', revoked: '' } as const;
const linkMethodLabels = { phone: 'Số điện thoại Zalo', otp: 'Mã xác thực', staff: 'Nhân viên liên kết' } as const;

const notices: Record<string, Flash> = {
  linked: { kind: 'ok', text: 'Đã liên kết tài khoản Zalo.' },
  unlinked: { kind: 'ok', text: 'Đã gỡ liên kết tài khoản Zalo.' },
  revoked: { kind: 'ok', text: 'Đã thu hồi quyền đại diện và báo cho người đại diện qua Zalo.' },
  ...actingNotices,
};

function ProfileCard(props: { d: CadreDetail; seesHealth: boolean }) {
  const { d } = props;
  const { cadre } = d;
  return (
    <div class="card">
      <h2 style="margin-top:0">Hồ sơ</h2>
      <dl class="kv">
        <dt>Mã cán bộ</dt>
        <dd>{cadre.code}</dd>
        <dt>Ngày sinh</dt>
        <dd>{fmtDate(cadre.birthDate)}</dd>
        <dt>Giới tính</dt>
        <dd>{sexLabels[cadre.sex]}</dd>
        <dt>Đối tượng</dt>
        <dd>{categoryLabels[cadre.category]}</dd>
        <dt>Đơn vị</dt>
        <dd>{cadre.unit || '—'}</dd>
        <dt>Điện thoại</dt>
        <dd>
          <PhoneLink phone={cadre.phone} />
        </dd>
        <dt>Email</dt>
        <dd>{cadre.email ?? '—'}</dd>
        <dt>Phòng khám</dt>
        <dd>{d.clinic ? `${d.clinic.name} (${d.clinic.code})` : '—'}</dd>
        {props.seesHealth ? (
          <>
            <dt>Phân loại sức khỏe</dt>
            <dd>{healthClassLabel(cadre.healthClass)}</dd>
            <dt>Khám tại nhà</dt>
            <dd>{cadre.frail ? 'Có (không đi khám được)' : 'Không'}</dd>
          </>
        ) : null}
        <dt>Tình trạng</dt>
        <dd>{cadreStatusLabels[statusOf(cadre)]}{cadre.leftOn ? ` (từ ${fmtDate(cadre.leftOn)})` : ''}</dd>
        <dt>Nhận tin chung</dt>
        <dd>{cadre.broadcastOptOut ? 'Đã từ chối' : 'Có'}</dd>
      </dl>
    </div>
  );
}

function ZaloCard(props: { d: CadreDetail; canLink: boolean; token: string }) {
  const { link, cadre } = props.d;
  return (
    <div class="card">
      <h2 style="margin-top:0">Tài khoản Zalo</h2>
      {link ? (
        <>
          <dl class="kv">
            <dt>Mã người dùng Zalo</dt>
            <dd>{link.zaloUserId}</dd>
            <dt>Tên Zalo</dt>
            <dd>{link.displayName ?? '—'}</dd>
            <dt>Cách xác minh</dt>
            <dd>
              {linkMethodLabels[link.method]}
              {link.linkedBy ? ` (${link.linkedBy})` : ''}
            </dd>
            <dt>Liên kết lúc</dt>
            <dd>{fmtDateTime(link.linkedAt)}</dd>
          </dl>
          {props.canLink ? (
            <form method="post" action={`/staff/registry/${cadre.id}/unlink`} style="margin-top:.8rem">
              <CsrfField token={props.token} />
              <button class="btn danger small" type="submit">
                Gỡ liên kết
              </button>
            </form>
          ) : null}
        </>
      ) : (
        <>
          <p class="muted">Chưa liên kết tài khoản Zalo.</p>
          {props.canLink ? (
            <a class="btn" href={`/staff/registry/${cadre.id}/link`}>
              Chọn tài khoản Zalo để liên kết…
            </a>
          ) : null}
        </>
      )}
    </div>
  );
}

function ProxyRow(props: { row: CadreDetail['proxies'][number]; canDecide: boolean; token: string }) {
  const { proxy, displayName } = props.row;
  return (
    <tr>
      <td data-label="Người đại diện">{proxy.proxyName || displayName || '—'}</td>
      <td data-label="Quan hệ">{proxy.relation || '—'}</td>
      <td data-label="Zalo">{proxy.zaloUserId}</td>
      <td data-label="Trạng thái">
        <span class={`badge ${proxyBadge[proxy.status]}`}>{proxyStatusLabels[proxy.status]}</span>
      </td>
      <td data-label="Ngày">{fmtDateTime(proxy.decidedAt ?? proxy.requestedAt)}</td>
      <td>
        {props.canDecide && proxy.status === 'approved' ? (
          <form method="post" action={`/staff/proxies/${proxy.id}/revoke`} class="inline">
            <CsrfField token={props.token} />
            <button class="btn danger small" type="submit">
              Thu hồi
            </button>
          </form>
        ) : null}
        {props.canDecide && proxy.status === 'pending' ? <a href="/staff/proxies">Duyệt…</a> : null}
      </td>
    </tr>
  );
}

function ProxiesCard(props: { d: CadreDetail; canDecide: boolean; token: string }) {
  const { proxies } = props.d;
  return (
    <div class="card">
      <h2 style="margin-top:0">Người đại diện</h2>
      {proxies.length === 0 ? <p class="muted">Chưa có ai xin làm người đại diện.</p> : null}
      {proxies.length ? (
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                <th>Người đại diện</th>
                <th>Quan hệ</th>
                <th>Zalo</th>
                <th>Trạng thái</th>
                <th>Ngày</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {proxies.map((row) => (
                <ProxyRow row={row} canDecide={props.canDecide} token={props.token} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function detailPage(deps: StaffDeps, c: StaffContext, id: number, msg: string | undefined) {
  const staff = currentStaff(c);
  const d = cadreDetail(deps.db, staff, id, deps.clock.now(), 'page.detail');
  const token = c.get('csrfToken');
  return page(
    c,
    deps.committee.name,
    d.cadre.fullName,
    <>
      <p>
        <a href="/staff/registry">← Danh sách cán bộ</a>
      </p>
      <ProfileCard d={d} seesHealth={allowed(staff, 'registry', 'readHealth')} />
      <ActingCard staff={staff} cadre={d.cadre} active={upcomingBookingsOf(deps.db, d.cadre.id, deps.clock.now())} />
      <ZaloCard d={d} canLink={allowed(staff, 'registry', 'linkZalo')} token={token} />
      <ProxiesCard d={d} canDecide={allowed(staff, 'proxies', 'decide')} token={token} />
    </>,
    { flash: msg ? (notices[msg] ?? null) : null },
  );
}

/** One cadre's page, and linking or unlinking their Zalo account (unlinking asks first). */
export function detailRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}', requirePermission('registry', 'read'), validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) =>
      detailPage(deps, c, c.req.valid('param').id, c.req.valid('query').msg),
    )
    .post('/:id{[0-9]+}/link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), validate('form', z.object({ zaloUserId: ZaloUserId })), (c) => {
      const { id } = c.req.valid('param');
      linkByStaff(deps.db, currentStaff(c), id, c.req.valid('form').zaloUserId, deps.clock.now());
      return c.redirect(`/staff/registry/${id}?msg=linked`, 303);
    })
    .post(
      '/:id{[0-9]+}/unlink',
      requirePermission('registry', 'linkZalo'),
      validate('param', IdParam),
      confirmFirst(title, (c) => {
        const id = Number(c.req.param('id'));
        const cadre = cadreInScope(deps.db, currentStaff(c), id);
        return {
          title: 'Gỡ liên kết Zalo?',
          text: `Gỡ tài khoản Zalo khỏi ${cadre.fullName} (${cadre.code}): tài khoản đó không xem được kết quả, lịch khám của cán bộ nữa cho đến khi liên kết lại.`,
          confirmLabel: 'Gỡ liên kết',
          back: `/staff/registry/${id}`,
        };
      }),
      (c) => {
        const { id } = c.req.valid('param');
        unlinkByStaff(deps.db, currentStaff(c), id, deps.clock.now());
        return c.redirect(`/staff/registry/${id}?msg=unlinked`, 303);
      },
    );
}
