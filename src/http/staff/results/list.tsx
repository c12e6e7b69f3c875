import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { campaignNames } from '../../../domain/results/classificationMix';
import { auditStaffRead, pageResults, ResultListParams, type ResultRow } from '../../../domain/results/resultList';
import type { PageWindow } from '../../../domain/shared/listing';
import { campaigns, examResultStatuses } from '../../../store/schema';
import { allowed, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { FilterForm, InputField } from '../formFields';
import { CsrfField } from '../layout';
import { FilterSelect, fmtCount, fmtDate, fmtDateTime, ListCount, ListPager, page, SortTh, StatusTabs } from '../ui';
import { DataTable } from '../uiParts';
import { Msg, noticeOf, statusBadge, statusLabels } from './shared';

const ListQuery = ResultListParams.extend({ status: z.enum(examResultStatuses).default('draft'), ...Msg.shape });
type ListQuery = Omit<z.infer<typeof ListQuery>, 'msg'>;
/** The list's own query, as links and the pager keep it. */
type LinkQuery = { status: string; q?: string; campaignId?: string; sort?: string; dir?: string };

function ResultTable(props: {
  rows: ResultRow[];
  names: Map<number, string>;
  selectable: boolean;
  query?: Record<string, string | undefined>;
  defaultSort?: { sort: string; dir: 'asc' | 'desc' };
}) {
  const th = (label: string, column: string) =>
    props.query ? <SortTh label={label} column={column} query={props.query} defaultSort={props.defaultSort} /> : <th>{label}</th>;
  return (
    <DataTable
      id="results"
      columns={[
        props.selectable ? 'Chọn' : null,
        th('Cán bộ', 'name'),
        th('Ngày khám', 'examDate'),
        'Đợt khám',
        th('Phân loại', 'class'),
        'Trạng thái',
        th('Người nhập', 'updated'),
      ]}
      rows={props.rows}
      empty="Không có kết quả nào."
      row={(r) => (
        <tr>
          {props.selectable ? (
            <td data-label="Chọn">
              <input type="checkbox" name="ids" value={String(r.result.id)} aria-label={`Chọn ${r.cadre.fullName}`} />
            </td>
          ) : null}
          <td data-label="Cán bộ">
            <a href={`/staff/results/${r.result.id}`}>
              {r.cadre.code} · {r.cadre.fullName}
            </a>
            {r.result.version > 1 ? (
              <>
                {' '}
                <span class="badge">Đính chính lần {r.result.version - 1}</span>
              </>
            ) : null}
          </td>
          <td data-label="Ngày khám">{fmtDate(r.result.examDate)}</td>
          <td data-label="Đợt khám">{r.result.campaignId ? (props.names.get(r.result.campaignId) ?? `#${r.result.campaignId}`) : 'Ngoài đợt'}</td>
          <td data-label="Phân loại">{r.result.healthClass ? `Loại ${r.result.healthClass}` : '—'}</td>
          <td data-label="Trạng thái">
            <span class={`badge ${statusBadge[r.result.status]}`}>{statusLabels[r.result.status]}</span>
          </td>
          <td data-label="Người nhập">
            {r.enteredBy ?? '—'} <span class="muted small">{fmtDateTime(r.result.updatedAt)}</span>
          </td>
        </tr>
      )}
    />
  );
}

/** The status tabs and the ways to add results. */
function ListActions(props: { staff: StaffIdentity; status: string }) {
  return (
    <div class="actions" style="margin-bottom:.8rem">
      <StatusTabs tabs={examResultStatuses.map((s) => [s, statusLabels[s]] as const)} current={props.status} href={(s) => `/staff/results?status=${s}`} />
      <a class="btn small secondary" href="/staff/results/new">
        + Nhập kết quả
      </a>
      <a class="btn small secondary" href="/staff/results/import">
        Nhập từ tệp
      </a>
      {allowed(props.staff, 'results', 'exportPersonal') ? (
        <a class="btn small secondary" href="/staff/results/personal-data">
          Dữ liệu cá nhân
        </a>
      ) : null}
    </div>
  );
}

function ResultFilterForm(props: { query: LinkQuery; campaigns: { id: number; name: string }[] }) {
  const q = props.query;
  return (
    <FilterForm submit="Tìm" clearHref={`/staff/results?status=${q.status}`}>
      <input type="hidden" name="status" value={q.status} />
      <InputField name="q" type="search" label="Tìm theo tên hoặc mã cán bộ" wide value={q.q ?? ''} placeholder="ví dụ: phuong, Phương, CB0012" />
      <FilterSelect name="campaignId" label="Đợt khám" options={props.campaigns.map((cp) => ({ value: String(cp.id), label: cp.name }))} selected={q.campaignId} />
    </FilterForm>
  );
}

/** The drafts with the two ways to release them: the ticked rows, or every draft the filter matches. */
function ReleaseForm(props: { token: string; query: LinkQuery; window: PageWindow; rowCount: number; children: Child }) {
  const { window } = props;
  return (
    <form method="post" action="/staff/results/release">
      <CsrfField token={props.token} />
      <input type="hidden" name="q" value={props.query.q ?? ''} />
      <input type="hidden" name="campaignId" value={props.query.campaignId ?? ''} />
      <input type="hidden" name="expected" value={String(window.total)} />
      <div class="actions list-pager">
        <ListCount window={window} noun="kết quả chờ công bố" />
        <span class="actions">
          <button class="btn secondary small" type="submit" name="scope" value="selected" disabled={props.rowCount === 0}>
            Công bố các kết quả đã chọn
          </button>
          <button class="btn small" type="submit" name="scope" value="all" id="release-all" disabled={window.total === 0}>
            Công bố tất cả {fmtCount(window.total)} kết quả khớp bộ lọc
          </button>
        </span>
      </div>
      {props.children}
      <p class="muted small">Cán bộ sẽ nhận tin báo qua Zalo (không kèm nội dung kết quả). Trước khi công bố, hệ thống hỏi lại số kết quả.</p>
    </form>
  );
}

function ResultListPage(props: { deps: StaffDeps; staff: StaffIdentity; token: string; q: ListQuery; rows: ResultRow[]; window: PageWindow }) {
  const { q, rows, window } = props;
  const names = campaignNames(props.deps.db, rows.map((r) => r.result.campaignId));
  const campaignList = props.deps.db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).orderBy(asc(campaigns.startDate)).all();
  const canRelease = q.status === 'draft' && allowed(props.staff, 'results', 'release');
  const listQuery = { status: q.status, q: q.q, campaignId: q.campaignId === undefined ? undefined : String(q.campaignId), sort: q.sort, dir: q.dir };
  const defaultSort = { sort: 'updated', dir: q.status === 'draft' ? ('asc' as const) : ('desc' as const) };
  const table = <ResultTable rows={rows} names={names} selectable={canRelease} query={listQuery} defaultSort={defaultSort} />;
  return (
    <>
      <ListActions staff={props.staff} status={q.status} />
      <ResultFilterForm query={listQuery} campaigns={campaignList} />
      {canRelease ? (
        <ReleaseForm token={props.token} query={listQuery} window={window} rowCount={rows.length}>
          {table}
        </ReleaseForm>
      ) : (
        <>
          <ListCount window={window} noun="kết quả" />
          {table}
        </>
      )}
      <ListPager window={window} query={listQuery} noun={canRelease ? 'kết quả chờ công bố' : 'kết quả'} />
    </>
  );
}

/** The list of results by status, with search, campaign filter, sorting and (for drafts) release. */
export function listRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/', requirePermission('results', 'read'), validate('query', ListQuery), (c) => {
    const staff = currentStaff(c);
    const { msg, ...q } = c.req.valid('query');
    const { items: rows, window } = pageResults(deps.db, staff, q);
    auditStaffRead(deps.db, staff, rows.map((r) => r.result.id), deps.clock.now(), 'page.list');
    return page(c, deps.committee.name, 'Kết quả khám', <ResultListPage deps={deps} staff={staff} token={c.get('csrfToken')} q={q} rows={rows} window={window} />, {
      flash: noticeOf(msg),
    });
  });
}
