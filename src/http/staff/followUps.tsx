import { Hono } from 'hono';
import { z } from 'zod';
import { CloseFollowUpInput, closeFollowUp, followUpListStatuses, pageFollowUps, type FollowUpRow } from '../../domain/aftercare/followUps';
import { ticketOf } from '../../domain/requests/labels';
import { pageParam } from '../../domain/shared/listing';
import { inTransaction } from '../../store/db';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { fmtDate, fmtDateTime, ListCount, ListPager, page, PhoneLink } from './ui';
import { type Column, RowsTable, TabNav } from './uiParts';


const statusTabs = [
  ['open', 'Đang theo dõi'],
  ['overdue', 'Quá hạn'],
  ['done', 'Đã xong'],
  ['cancelled', 'Không cần'],
  ['all', 'Tất cả'],
] as const;

const reasonLabels: Record<FollowUpRow['reason'], string> = { class: 'Phân loại sức khỏe thấp', reexam: 'Bác sĩ đề nghị khám lại' };
const choiceLabels = { clinic: 'Hẹn khám lại tại phòng khám', home: 'Khám tại nhà' } as const;

const notices: Record<string, Flash> = {
  done: { kind: 'ok', text: 'Đã ghi nhận hoàn thành theo dõi.' },
  cancelled: { kind: 'ok', text: 'Đã đóng: không cần theo dõi.' },
};

const ListQuery = z.object({ status: z.enum(followUpListStatuses).default('open'), page: pageParam, msg: z.string().max(20).optional() });

function StatusCell(props: { r: FollowUpRow }) {
  const r = props.r;
  if (r.status === 'done') return <span class="badge ok">Đã xong {fmtDateTime(r.closedAt)}</span>;
  if (r.status === 'cancelled') {
    return (
      <>
        <span class="badge">Không cần</span>
        {r.closeNote ? <div class="small muted">{r.closeNote}</div> : null}
      </>
    );
  }
  return r.overdue ? <span class="badge bad">Quá hạn</span> : <span class="badge warn">Đang theo dõi</span>;
}

function CadreCell(props: { r: FollowUpRow }) {
  const { r } = props;
  return (
    <div>
      <a href={`/staff/registry/${r.cadreId}`}>{r.fullName}</a>
      <div class="small muted">
        {r.code} · <PhoneLink phone={r.phone} />
      </div>
      <div class="small muted">
        {r.clinicName ?? 'Chưa rõ phòng khám'}
        {r.campaignName ? ` · ${r.campaignName}` : ''}
      </div>
    </div>
  );
}

/** What the cadre chose in Zalo, and the requests that came of it (their choice, or the overdue notice). */
function ChoiceCell(props: { r: FollowUpRow }) {
  const { r } = props;
  return (
    <>
      {r.choice ? choiceLabels[r.choice] : <span class="muted">Chưa trả lời</span>}
      {r.requestId ? (
        <div class="small">
          <a href={`/staff/requests/${r.requestId}`}>{ticketOf(r.requestId)}</a>
        </div>
      ) : null}
      {r.escalationRequestId ? (
        <div class="small">
          Báo quá hạn: <a href={`/staff/requests/${r.escalationRequestId}`}>{ticketOf(r.escalationRequestId)}</a>
        </div>
      ) : null}
    </>
  );
}

function CloseCell(props: { r: FollowUpRow; token: string }) {
  const { r } = props;
  if (r.status !== 'open') return <span class="small muted">{fmtDateTime(r.closedAt)}</span>;
  return (
    <form method="post" class="actions" action={`/staff/follow-ups/${r.id}/close`}>
      <CsrfField token={props.token} />
      <input type="text" name="note" placeholder="Ghi chú, lý do" maxlength={500} style="max-width:14rem" aria-label="Ghi chú" />
      <button class="btn small" type="submit" name="outcome" value="done">
        Đã xong
      </button>
      <button class="btn secondary small" type="submit" name="outcome" value="cancelled">
        Không cần
      </button>
    </form>
  );
}

function FollowUpTable(props: { items: FollowUpRow[]; token: string }) {
  const columns: Column<FollowUpRow>[] = [
    { label: 'Cán bộ', cell: (r) => <CadreCell r={r} /> },
    { label: 'Lý do', cell: (r) => reasonLabels[r.reason] },
    { label: 'Hạn', cell: (r) => fmtDate(r.dueDate) },
    { label: 'Cán bộ chọn', cell: (r) => <ChoiceCell r={r} /> },
    { label: 'Trạng thái', cell: (r) => <StatusCell r={r} /> },
    { label: 'Đóng', cell: (r) => <CloseCell r={r} token={props.token} /> },
  ];
  return <RowsTable id="follow-ups" columns={columns} rows={props.items} empty="Không có cán bộ nào." rowAttrs={(r) => ({ 'data-follow-up': String(r.id) })} />;
}

/**
 * /staff/follow-ups: cadres whose released result calls for a follow-up, with the due date, what they chose in
 * Zalo and the requests that came of it; staff close one as done or not needed.
 */
export function followUpPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/', requirePermission('followUps', 'read'), validate('query', ListQuery), (c) => {
      const q = c.req.valid('query');
      const staff = currentStaff(c);
      const { items, window } = pageFollowUps(deps.db, q, clinicScope(staff), deps.clock.now());
      const body = (
        <>
          <p class="muted" style="margin-top:0">
            Cán bộ có kết quả phân loại sức khỏe thấp hoặc được bác sĩ đề nghị khám lại. Cán bộ được mời chọn hẹn khám lại hoặc khám tại nhà qua Zalo; việc
            quá hạn được báo lên như một yêu cầu.
          </p>
          <TabNav label="Trạng thái" tabs={statusTabs} current={q.status} href={(s) => `/staff/follow-ups?status=${s}`} />
          <ListCount window={window} noun="cán bộ" />
          <FollowUpTable items={items} token={c.get('csrfToken')} />
          <ListPager window={window} query={{ status: q.status }} noun="cán bộ" />
        </>
      );
      return page(c, deps.committee.name, 'Theo dõi sau khám', body, { flash: q.msg ? (notices[q.msg] ?? null) : null });
    })
    .post('/:id{[0-9]+}/close', requirePermission('followUps', 'act'), validate('param', IdParam), validate('form', CloseFollowUpInput), (c) => {
      const staff = currentStaff(c);
      const input = c.req.valid('form');
      inTransaction(deps.db, (tx) => closeFollowUp(tx, c.req.valid('param').id, input, staffActor(staff), staff.id, clinicScope(staff), deps.clock.now()));
      return c.redirect(`/staff/follow-ups?msg=${input.outcome}`, 303);
    });
}
