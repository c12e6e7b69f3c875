import { Hono } from 'hono';
import type { z } from 'zod';
import { countHandoffs } from '../../../domain/conversations/handoff';
import { requestStateLabels, requestTypeLabels } from '../../../domain/requests/labels';
import { listRequests, RequestFilter } from '../../../domain/requests/requestInbox';
import { allClinics } from '../../../domain/registry/clinics';
import { careRequestStates, careRequestTypes } from '../../../store/schema';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { fmtDate, fmtDateTime, ListCount, ListPager, NamedSelect, page } from '../ui';
import { FilterForm, InputField, SelectField } from '../formFields';
import { DataTable } from '../uiParts';
import { Clock, Msg, noticeOf, stateBadge } from './shared';

type Filter = z.infer<typeof RequestFilter>;
type RequestRow = ReturnType<typeof listRequests>['items'][number];

function RequestFilterForm(props: { q: Filter; clinics: { id: number; name: string }[] }) {
  const { q } = props;
  return (
    <FilterForm action="/staff/requests">
      {props.clinics.length ? <NamedSelect id="f-clinic" name="clinic" label="Phòng khám" items={props.clinics} selected={q.clinic} empty="Tất cả" /> : null}
      <SelectField id="f-type" name="type" label="Loại" empty="Tất cả" options={careRequestTypes.map((t) => ({ value: t, label: requestTypeLabels[t] }))} selected={q.type} />
      <SelectField
        id="f-state"
        name="state"
        label="Tình trạng"
        options={[{ value: 'open', label: 'Đang xử lý' }, ...careRequestStates.map((s) => ({ value: s, label: requestStateLabels[s] })), { value: 'all', label: 'Tất cả' }]}
        selected={q.state || 'open'}
      />
      <InputField id="f-q" type="search" name="q" label="Cán bộ (tên hoặc mã)" value={q.q ?? ''} placeholder="ví dụ: phuong, CB0012" />
    </FilterForm>
  );
}

function RequestTr(props: { r: RequestRow }) {
  const { r } = props;
  return (
    <tr data-live-id={`request-${r.id}`} class={r.urgency === 'urgent' && r.state === 'new' ? 'urgent' : undefined}>
      <td data-label="Số phiếu">
        <a href={`/staff/requests/${r.id}`}>{r.ticket}</a>
      </td>
      <td data-label="Loại">
        {r.typeLabel}
        {r.urgency === 'urgent' ? (
          <>
            {' '}
            <span class="badge bad">Gấp</span>
          </>
        ) : null}
      </td>
      <td data-label="Cán bộ">
        {r.cadreName ?? 'Chưa liên kết'}
        {r.cadreCode ? <div class="small muted">{r.cadreCode}</div> : null}
      </td>
      <td data-label="Phòng khám">{r.clinicName ?? '—'}</td>
      <td data-label="Tình trạng">
        <span class={`badge ${stateBadge[r.state]}`}>{requestStateLabels[r.state]}</span>
        {r.handlerName ? <div class="small muted">{r.handlerName}</div> : null}
        {r.scheduledDate ? <div class="small">{fmtDate(r.scheduledDate)}</div> : null}
      </td>
      <td data-label="Hạn">
        <Clock clock={r.clock} />
        <div class="small muted">{fmtDateTime(r.ackDueAt)}</div>
      </td>
      <td data-label="Gửi lúc">{fmtDateTime(r.createdAt)}</td>
    </tr>
  );
}

/** The requests with their SLA clock; the region the live updates refresh. */
function RequestTable(props: { rows: RequestRow[] }) {
  return (
    <DataTable
      live={{ id: 'live-requests', topic: 'requests' }}
      columns={['Số phiếu', 'Loại', 'Cán bộ', 'Phòng khám', 'Tình trạng', 'Hạn tiếp nhận', 'Gửi lúc']}
      rows={props.rows}
      empty="Không có yêu cầu nào."
      row={(r) => <RequestTr r={r} />}
    />
  );
}

/** The request inbox: filters by clinic, type, state and cadre. */
export function listRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/', requirePermission('requests', 'read'), validate('query', RequestFilter.extend(Msg.shape)), (c) => {
    const staff = currentStaff(c);
    const q = c.req.valid('query');
    const { items: rows, window } = listRequests(deps.db, clinicScope(staff), q, deps.clock.now());
    const { msg: _msg, page: _page, ...listQuery } = q;
    const pagerQuery = { ...listQuery, clinic: q.clinic === undefined ? undefined : String(q.clinic) };
    const clinics = clinicScope(staff) === null ? allClinics(deps.db) : [];
    const openConversations = countHandoffs(deps.db, clinicScope(staff), 'open');
    const body = (
      <>
        <p class="actions" style="margin-top:0">
          <a class="btn secondary small" href="/staff/requests/conversations">
            Trò chuyện với cán bộ ({openConversations} đang mở)
          </a>
        </p>
        <RequestFilterForm q={q} clinics={clinics} />
        <ListCount window={window} noun="yêu cầu" />
        <RequestTable rows={rows} />
        <ListPager window={window} query={pagerQuery} noun="yêu cầu" />
      </>
    );
    return page(c, deps.committee.name, 'Yêu cầu của cán bộ', body, { flash: noticeOf(q.msg) });
  });
}
