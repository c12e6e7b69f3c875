import { Hono } from 'hono';
import { z } from 'zod';
import { allClinics } from '../../../domain/registry/clinics';
import { categoryLabels } from '../../../domain/registry/registryColumns';
import { registryCsv, registryWorkbook } from '../../../domain/registry/registryExport';
import { auditRegistryExport, listCadres, RegistryQuery, registryExportRows, unitsFor, type CadreListItem } from '../../../domain/registry/search';
import { classCodes, healthClassLabel } from '../../../domain/results/classification';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { cadreCategories } from '../../../store/schema';
import { allowed, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { attachment } from '../../download';
import { validate, XLSX_TYPE } from '../../validation';
import { EmptyRow, FilterSelect, fmtCount, fmtDate, ListCount, ListPager, page, SortTh, withQuery, type StaffContext } from '../ui';
import { FilterButtons, SelectField } from '../formFields';

const linkedOptions = [
  { value: 'yes', label: 'Đã liên kết' },
  { value: 'no', label: 'Chưa liên kết' },
];
const activeOptions = [
  { value: 'no', label: 'Thôi quản lý' },
  { value: 'all', label: 'Tất cả' },
];

/** Zalo linked or not, and whether the cadre is still looked after. */
function LinkAndStatusFilters(props: { q: RegistryQuery }) {
  const { q } = props;
  return (
    <>
      <SelectField name="linked" label="Zalo" empty="Tất cả" options={linkedOptions} selected={q.linked} />
      <SelectField name="active" label="Tình trạng" empty="Đang quản lý" options={activeOptions} selected={q.active} />
    </>
  );
}

function RegistryFilters(props: { deps: StaffDeps; staff: StaffIdentity; q: RegistryQuery }) {
  const { deps, staff, q } = props;
  const unitList = unitsFor(deps.db, staff);
  if (q.unit && !unitList.includes(q.unit)) unitList.unshift(q.unit);
  return (
    <form method="get" class="card" role="search">
      <div class="grid">
        <div class="wide">
          <label for="q">Tìm theo tên, mã hoặc số điện thoại</label>
          <input id="q" type="search" name="q" value={q.q ?? ''} placeholder="ví dụ: nguyen van an, CB001, 0912…" />
        </div>
        <FilterSelect name="category" label="Đối tượng" options={cadreCategories.map((k) => ({ value: k, label: categoryLabels[k] }))} selected={q.category} />
        {staff.role === 'clinic_staff' ? null : (
          <FilterSelect
            name="clinic"
            label="Phòng khám"
            options={allClinics(deps.db).map((cl) => ({ value: String(cl.id), label: cl.name }))}
            selected={q.clinic === undefined ? undefined : String(q.clinic)}
          />
        )}
        <FilterSelect name="unit" label="Đơn vị" options={unitList.map((u) => ({ value: u, label: u }))} selected={q.unit} />
        {allowed(staff, 'registry', 'readHealth') ? (
          <FilterSelect
            name="health"
            label="Phân loại sức khỏe"
            options={[...classCodes(deps.committee.classScheme).map((h) => ({ value: h, label: healthClassLabel(h) })), { value: 'none', label: 'Chưa phân loại' }]}
            selected={q.health}
          />
        ) : null}
        <LinkAndStatusFilters q={q} />
        <FilterButtons clearHref="/staff/registry" />
      </div>
    </form>
  );
}

type SortQuery = Parameters<typeof SortTh>[0]['query'];

function RegistryTable(props: { items: CadreListItem[]; seesHealth: boolean; sortQuery: SortQuery }) {
  const { seesHealth, sortQuery } = props;
  const sortTh = (label: string, column: string) => <SortTh label={label} column={column} query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />;
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            {sortTh('Mã', 'code')}
            {sortTh('Họ và tên', 'name')}
            {sortTh('Ngày sinh', 'birthDate')}
            {sortTh('Đối tượng', 'category')}
            {sortTh('Đơn vị', 'unit')}
            {sortTh('Phòng khám', 'clinic')}
            {seesHealth ? <th>Loại SK</th> : null}
            <th>Zalo</th>
          </tr>
        </thead>
        <tbody>
          {props.items.length === 0 ? <EmptyRow colspan={8}>Không có cán bộ nào khớp điều kiện lọc.</EmptyRow> : null}
          {props.items.map((r) => (
            <tr>
              <td data-label="Mã">{r.code}</td>
              <td data-label="Họ và tên">
                <div>
                  <a href={`/staff/registry/${r.id}`}>{r.fullName}</a>
                  {seesHealth && r.frail ? (
                    <>
                      {' '}
                      <span class="badge warn">Khám tại nhà</span>
                    </>
                  ) : null}
                  {r.active ? null : (
                    <>
                      {' '}
                      <span class="badge">Thôi quản lý</span>
                    </>
                  )}
                </div>
              </td>
              <td data-label="Ngày sinh">{fmtDate(r.birthDate)}</td>
              <td data-label="Đối tượng">{categoryLabels[r.category]}</td>
              <td data-label="Đơn vị">{r.unit}</td>
              <td data-label="Phòng khám">{r.clinicName ?? '—'}</td>
              {seesHealth ? <td data-label="Loại SK">{r.healthClass ?? '—'}</td> : null}
              <td data-label="Zalo">{r.linkedZaloUserId ? <span class="badge ok">Đã liên kết</span> : <span class="badge">Chưa</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function listPage(deps: StaffDeps, c: StaffContext, q: RegistryQuery) {
  const staff = currentStaff(c);
  const result = listCadres(deps.db, staff, q, deps.clock.now(), 'page.list');
  const { page: _page, ...listQuery } = q;
  const sortQuery = { ...listQuery, clinic: q.clinic === undefined ? undefined : String(q.clinic) };
  return page(
    c,
    deps.committee.name,
    'Danh sách cán bộ',
    <>
      <RegistryFilters deps={deps} staff={staff} q={q} />
      <div class="actions" style="justify-content:space-between;margin-bottom:.6rem">
        <ListCount window={result.window} noun="cán bộ" />
        {allowed(staff, 'registry', 'export') ? (
          <span class="actions">
            <a class="btn secondary small" id="export-xlsx" href={`/staff/registry/export${withQuery({ ...listQuery, format: 'xlsx' })}`}>
              Xuất Excel{result.total ? ` (${fmtCount(result.total)})` : ''}
            </a>
            <a class="btn secondary small" href={`/staff/registry/export${withQuery({ ...listQuery, format: 'csv' })}`}>
              Xuất CSV
            </a>
          </span>
        ) : null}
      </div>
      <RegistryTable items={result.items} seesHealth={allowed(staff, 'registry', 'readHealth')} sortQuery={sortQuery} />
      <ListPager window={result.window} query={sortQuery} noun="cán bộ" />
    </>,
  );
}

/** The filtered list and its export (the same filter, search and order, every page). */
export function listRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/', requirePermission('registry', 'read'), validate('query', RegistryQuery), (c) => listPage(deps, c, c.req.valid('query')))
    .get('/export', requirePermission('registry', 'export'), validate('query', RegistryQuery.omit({ page: true }).extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') })), async (c) => {
      const staff = currentStaff(c);
      const { format, ...query } = c.req.valid('query');
      // The export holds what the list shows: the same filter, search and order, every page.
      const rows = registryExportRows(deps.db, { staff, query });
      const now = deps.clock.now();
      const name = `danh-sach-can-bo-${vietnamDate(now)}.${format}`;
      const body = format === 'csv' ? Buffer.from(registryCsv(rows), 'utf8') : await registryWorkbook(rows);
      auditRegistryExport(deps.db, staff, format, rows.length, now);
      return c.body(new Uint8Array(body), 200, {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
        'content-disposition': attachment(name),
        'cache-control': 'no-store',
      });
    });
}
