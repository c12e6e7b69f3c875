import { Hono } from 'hono';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { proxies, proxyStatuses } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField } from './layout';
import { decideProxy, listProxies } from '../../domain/linking/proxies';
import { cadreInScope } from '../../domain/registry/search';
import type { StaffDeps } from '../deps';
import { AppError } from '../../errors';
import { fmtDateTime, page, ListCount, ListPager, okNotices, PhoneLink, type StaffContext } from './ui';
import { CadreLink, type Column, DecisionForm, RowsTable, TabNav } from './uiParts';
import { pageParam } from '../../domain/shared/listing';
import { listLinkRequests } from '../../domain/linking/linking';
import { decideLinkRequest, LinkDecisionForm, LinkRequestsSection } from './linkRequests';

const NoteForm = z.object({ note: z.string().trim().max(500).default('') });

const statusTabs = [
  ['pending', 'Chờ duyệt'],
  ['approved', 'Đã duyệt'],
  ['rejected', 'Từ chối'],
  ['revoked', 'Đã thu hồi'],
] as const;

const noticeOf = okNotices({
  approved: 'Đã duyệt. Người đại diện sẽ nhận tin báo qua Zalo.',
  rejected: 'Đã từ chối. Người yêu cầu sẽ nhận tin báo qua Zalo.',
  revoked: 'Đã thu hồi quyền đại diện và báo cho người đại diện qua Zalo.',
  linkMoved: 'Đã chuyển liên kết. Tài khoản cũ và tài khoản mới đều được báo.',
  linkRefused: 'Đã từ chối chuyển liên kết. Người yêu cầu sẽ nhận tin báo qua Zalo.',
});

type ProxyListRow = ReturnType<typeof listProxies>['items'][number];
type ProxyStatus = (typeof proxyStatuses)[number];

/** Approve / reject with a note while pending; afterwards the note, and revoke while approved. */
function DecisionCell(props: { r: ProxyListRow; status: ProxyStatus; token: string }) {
  const { r, status, token } = props;
  const base = `/staff/proxies/${r.proxy.id}`;
  if (status === 'pending') return <DecisionForm approveAction={`${base}/approve`} rejectAction={`${base}/reject`} approveLabel="Duyệt" token={token} />;
  return (
    <>
      {r.proxy.note ?? ''}
      {status === 'approved' ? (
        <form method="post" class="inline" action={`${base}/revoke`}>
          <CsrfField token={token} />{' '}
          <button class="btn danger small" type="submit">
            Thu hồi
          </button>
        </form>
      ) : null}
    </>
  );
}

function Requester(props: { r: ProxyListRow }) {
  const { r } = props;
  return (
    <div>
      {r.proxy.proxyName || r.displayName || '—'}
      <div class="small muted">Tên Zalo: {r.displayName || 'chưa rõ'}</div>
      <div class="small">ĐT: <PhoneLink phone={r.proxy.requesterPhone} /></div>
    </div>
  );
}

function proxyColumns(status: ProxyStatus, token: string): Column<ProxyListRow>[] {
  const pending = status === 'pending';
  return [
    {
      label: 'Cán bộ',
      cell: (r) => (
        <CadreLink id={r.cadreId} name={r.cadreName}>
          {r.cadreCode} · ĐT hồ sơ: <PhoneLink phone={r.cadrePhone} />
        </CadreLink>
      ),
    },
    { label: 'Người xin đại diện', cell: (r) => <Requester r={r} /> },
    { label: 'Quan hệ', cell: (r) => r.proxy.relation || '—' },
    { label: 'Zalo', class: 'small', cell: (r) => r.proxy.zaloUserId },
    {
      label: pending ? 'Gửi lúc' : 'Xử lý lúc',
      cell: (r) => (
        <>
          {fmtDateTime(pending ? r.proxy.requestedAt : r.proxy.decidedAt)}
          {r.decidedBy ? <div class="small muted">{r.decidedBy}</div> : null}
        </>
      ),
    },
    { label: pending ? 'Quyết định' : 'Ghi chú', cell: (r) => <DecisionCell r={r} status={status} token={token} /> },
  ];
}

function listPage(deps: StaffDeps, c: StaffContext, q: { status: ProxyStatus; page: number; msg?: string }) {
  const { status, msg } = q;
  const { items: rows, window } = listProxies(deps.db, status, q.page);
  const links = status === 'pending' ? listLinkRequests(deps.db, 'pending') : [];
  const token = c.get('csrfToken');
  return page(
    c,
    deps.committee.name,
    'Người đại diện',
    <>
      <p class="muted" style="margin-top:0">
        Người thân hoặc trợ lý xin thay mặt cán bộ trên Zalo. Chỉ duyệt khi đã xác nhận với cán bộ (hoặc gia đình) qua điện
        thoại hay gặp trực tiếp. Người yêu cầu nhận tin báo kết quả qua Zalo.
      </p>
      <LinkRequestsSection rows={links} token={token} />
      <TabNav label="Trạng thái" tabs={statusTabs} current={status} href={(s) => `/staff/proxies?status=${s}`} />
      <ListCount window={window} noun="yêu cầu" />
      <RowsTable columns={proxyColumns(status, token)} rows={rows} empty="Không có yêu cầu nào." />
      <ListPager window={window} query={{ status }} noun="yêu cầu" />
    </>,
    { flash: noticeOf(msg) },
  );
}

/** /staff/proxies: requests from family members or assistants to act for a cadre. */
export function proxyPages(deps: StaffDeps) {
  const decide = () => [requirePermission('proxies', 'decide'), validate('param', IdParam), validate('form', NoteForm)] as const;

  return new Hono<StaffEnv>()
    .get(
      '/',
      requirePermission('proxies', 'decide'),
      validate('query', z.object({ status: z.enum(proxyStatuses).default('pending'), page: pageParam, msg: z.string().max(20).optional() })),
      (c) => listPage(deps, c, c.req.valid('query')),
    )
    .post('/:id{[0-9]+}/approve', ...decide(), (c) => {
      decideProxy(deps, currentStaff(c), c.req.valid('param').id, 'approve', c.req.valid('form').note);
      return c.redirect('/staff/proxies?msg=approved', 303);
    })
    .post('/:id{[0-9]+}/reject', ...decide(), (c) => {
      decideProxy(deps, currentStaff(c), c.req.valid('param').id, 'reject', c.req.valid('form').note);
      return c.redirect('/staff/proxies?msg=rejected', 303);
    })
    .post('/links/:id{[0-9]+}/approve', requirePermission('proxies', 'decide'), validate('param', IdParam), validate('form', LinkDecisionForm), (c) => {
      decideLinkRequest(deps, c, c.req.valid('param').id, 'approve', c.req.valid('form').note);
      return c.redirect('/staff/proxies?msg=linkMoved', 303);
    })
    .post('/links/:id{[0-9]+}/reject', requirePermission('proxies', 'decide'), validate('param', IdParam), validate('form', LinkDecisionForm), (c) => {
      decideLinkRequest(deps, c, c.req.valid('param').id, 'reject', c.req.valid('form').note);
      return c.redirect('/staff/proxies?msg=linkRefused', 303);
    })
    .post(
      '/:id{[0-9]+}/revoke',
      requirePermission('proxies', 'decide'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c) => {
        const row = deps.db.select({ cadreId: proxies.cadreId, name: proxies.proxyName }).from(proxies).where(eq(proxies.id, Number(c.req.param('id')))).get();
        if (!row) throw new AppError('not_found', 'Không tìm thấy người đại diện.');
        cadreInScope(deps.db, currentStaff(c), row.cadreId);
        return {
          title: 'Thu hồi quyền đại diện?',
          text: `${row?.name || 'Người đại diện'} sẽ không thay mặt cán bộ qua Zalo được nữa và được báo qua Zalo${'.'}`,
          confirmLabel: 'Thu hồi',
          back: `/staff/registry/${row.cadreId}`,
        };
      }),
      validate('form', NoteForm),
      (c) => {
      const proxy = decideProxy(deps, currentStaff(c), c.req.valid('param').id, 'revoke', c.req.valid('form').note);
      return c.redirect(`/staff/registry/${proxy.cadreId}?msg=revoked`, 303);
      },
    );
}
