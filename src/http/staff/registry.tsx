/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { attachment } from '../download';
import { Hono } from 'hono';
import { z } from 'zod';
import { categoryLabels, sexLabels } from '../../domain/registry/registryColumns';
import { registryCsv, registryWorkbook, rejectedRowsWorkbook } from '../../domain/registry/registryExport';
import { upcomingBookingsOf } from '../../domain/booking/bookingForCadre';
import { cadreStatusLabels, statusOf } from '../../domain/registry/cadreRecord';
import { AppError } from '../../errors';
import { cadreCategories } from '../../store/schema';
import { classCodes, healthClassLabel } from '../../domain/results/classification';
import { allowed, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, XLSX_TYPE, IdParam } from '../validation';
import { ActingCard, actingNotices } from './cadreActing';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { allClinics } from '../../domain/registry/clinics';
import { linkByStaff, unlinkByStaff, ZaloUserId } from '../../domain/linking/linking';
import { vietnamDate } from '../../domain/shared/quietHours';
import { importRegistryFile, type ImportOutcome } from '../../domain/registry/importFile';
import { auditRegistryExport, cadreDetail, cadreInScope, listCadres, RegistryQuery, registryExportRows, unitsFor } from '../../domain/registry/search';
import { uploads } from '../../domain/shared/uploads';
import type { StaffDeps } from '../deps';
import { fmtCount, fmtDate, fmtDateTime, page, EmptyRow, FilterSelect, ListCount, ListPager, PhoneLink, ProblemTable, SortTh, withQuery } from './ui';


const proxyStatusLabels = { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Từ chối', revoked: 'Đã thu hồi' } as const;
const proxyBadge = { pending: 'warn', approved: 'ok', rejected: 'bad', revoked: '' } as const;
const linkMethodLabels = { phone: 'Số điện thoại Zalo', otp: 'Mã xác thực', staff: 'Nhân viên liên kết' } as const;

const notices: Record<string, Flash> = {
  linked: { kind: 'ok', text: 'Đã liên kết tài khoản Zalo.' },
  unlinked: { kind: 'ok', text: 'Đã gỡ liên kết tài khoản Zalo.' },
  revoked: { kind: 'ok', text: 'Đã thu hồi quyền đại diện và báo cho người đại diện qua Zalo.' },
  ...actingNotices,
};

/** Download headers with an ASCII fallback name and the UTF-8 one (RFC 6266). */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function ImportResult(props: { outcome: ImportOutcome; uploadId?: string; csrfToken: string }) {
  const { check, counts, applied, changes } = props.outcome;
  const problems = check.problems;
  const badRows = new Set(problems.map((p) => p.row)).size;
  return (
    <section>
      <div class="stats">
        <div class="stat">
          <span class="muted small">Số dòng dữ liệu</span>
          <b>{check.rowCount}</b>
        </div>
        {problems.length ? (
          <div class="stat" id="stat-bad-rows">
            <span class="muted small">Dòng có lỗi</span>
            <b style="color:var(--bad)">{badRows}</b>
          </div>
        ) : null}
        <div class="stat" id="stat-created">
          <span class="muted small">{applied ? 'Đã thêm mới' : 'Sẽ thêm mới'}</span>
          <b>{counts.created}</b>
        </div>
        <div class="stat" id="stat-updated">
          <span class="muted small">{applied ? 'Đã cập nhật' : 'Sẽ cập nhật'}</span>
          <b>{counts.updated}</b>
        </div>
        <div class="stat">
          <span class="muted small">Không đổi</span>
          <b>{counts.unchanged}</b>
        </div>
      </div>
      {check.ignoredHeaders.length ? <p class="small muted">Các cột không dùng đến (bỏ qua): {check.ignoredHeaders.join(', ')}.</p> : null}
      {check.skipped.length ? (
        <p class="small muted" id="skipped-rows">
          Bỏ qua {check.skipped.length} dòng không phải dữ liệu: {check.skipped.map((r) => `dòng ${r.row} (${r.reason})`).join('; ')}.
        </p>
      ) : null}
      {problems.length ? <ProblemTable problems={problems} /> : null}
      {problems.length && props.uploadId ? (
        <p>
          <a class="btn secondary small" id="rejected-xlsx" href={`/staff/registry/import/rejected.xlsx?upload=${props.uploadId}`}>
            Tải các dòng lỗi (Excel, có cột lý do)
          </a>
        </p>
      ) : null}
      {changes.length ? (
        <div class="card" id="import-changes">
          <h2 style="margin-top:0">{applied ? 'Đã cập nhật' : 'Sẽ cập nhật'}</h2>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Dòng</th>
                  <th>Cán bộ</th>
                  <th>Thay đổi (cũ → mới)</th>
                </tr>
              </thead>
              <tbody>
                {changes.slice(0, 200).map((ch) => (
                  <tr>
                    <td data-label="Dòng">{ch.row}</td>
                    <td data-label="Cán bộ">
                      {ch.code} · {ch.fullName}
                    </td>
                    <td data-label="Thay đổi">
                      {ch.fields.map((f) => (
                        <div>
                          {f.column}: <s>{f.from || '(trống)'}</s> → <b>{f.to || '(trống)'}</b>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {changes.length > 200 ? <p class="small muted">… và {changes.length - 200} cán bộ khác.</p> : null}
        </div>
      ) : null}
      {!applied && props.uploadId && check.records.length ? (
        <form method="post" action="/staff/registry/import/apply" class="card">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="uploadId" value={props.uploadId} />
          {problems.length ? (
            <fieldset style="border:0;padding:0;margin:0 0 .75rem">
              <legend>Tệp có {badRows} dòng lỗi. Cách nhập:</legend>
              <label>
                <input type="radio" name="mode" value="good" checked /> Nhập {check.records.length} dòng đúng, bỏ qua các dòng lỗi (sửa rồi nhập lại sau)
              </label>
              <label>
                <input type="radio" name="mode" value="all" /> Không nhập gì cho đến khi sửa hết lỗi
              </label>
            </fieldset>
          ) : (
            <>
              <input type="hidden" name="mode" value="all" />
              <p style="margin-top:0">
                Tệp <b>{props.outcome.fileName}</b> không có lỗi. Bấm “Nhập vào danh sách” để ghi tất cả các dòng cùng lúc.
              </p>
            </>
          )}
          <button class="btn" type="submit">
            Nhập vào danh sách
          </button>
        </form>
      ) : null}
    </section>
  );
}

function ImportForm(props: { csrfToken: string; maxMb: number }) {
  return (
    <form method="post" action="/staff/registry/import" enctype="multipart/form-data" class="card">
      <CsrfField token={props.csrfToken} />
      <p style="margin-top:0">
        Chọn tệp Excel (.xlsx) hoặc CSV (UTF-8) theo đúng các cột của <a href="/staff/registry/template">tệp mẫu</a>. Hệ thống
        kiểm tra từng dòng trước; chỉ khi không còn lỗi nào mới ghi vào danh sách, và ghi tất cả cùng lúc. Cán bộ đã có (cùng
        mã) được cập nhật, cán bộ mới được thêm vào.
      </p>
      <div class="actions">
        <input type="file" name="file" accept=".xlsx,.csv" required />
        <button class="btn" type="submit">
          Kiểm tra tệp
        </button>
      </div>
      <p class="small muted">Dung lượng tối đa {props.maxMb} MB.</p>
    </form>
  );
}

/** /staff/registry: list, detail, link/unlink, import, template, export. */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function registryPages(deps: StaffDeps) {
  const title = deps.committee.name;
  const maxMb = Math.round((deps.importMaxBytes / 1024 / 1024) * 10) / 10;

  return new Hono<StaffEnv>()
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/', requirePermission('registry', 'read'), validate('query', RegistryQuery), (c) => {
      const staff = currentStaff(c);
      const q = c.req.valid('query');
      const result = listCadres(deps.db, staff, q, deps.clock.now(), 'page.list');
      const { page: _page, ...listQuery } = q;
      const sortQuery = { ...listQuery, clinic: q.clinic === undefined ? undefined : String(q.clinic) };
      const seesHealth = allowed(staff, 'registry', 'readHealth');
      const clinicList = allClinics(deps.db);
      const unitList = unitsFor(deps.db, staff);
      if (q.unit && !unitList.includes(q.unit)) unitList.unshift(q.unit);
      return page(
        c,
        title,
        'Danh sách cán bộ',
        <>
          <form method="get" class="card" role="search">
            <div class="grid">
              <div class="wide">
                <label for="q">Tìm theo tên, mã hoặc số điện thoại</label>
                <input id="q" type="search" name="q" value={q.q ?? ''} placeholder="ví dụ: nguyen van an, CB001, 0912…" />
              </div>
              <div>
                <label for="category">Đối tượng</label>
                <select id="category" name="category">
                  <option value="">Tất cả</option>
                  {cadreCategories.map((k) => (
                    <option value={k} selected={q.category === k}>
                      {categoryLabels[k]}
                    </option>
                  ))}
                </select>
              </div>
              {staff.role === 'clinic_staff' ? null : (
                <FilterSelect
                  name="clinic"
                  label="Phòng khám"
                  options={clinicList.map((cl) => ({ value: String(cl.id), label: cl.name }))}
                  selected={q.clinic === undefined ? undefined : String(q.clinic)}
                />
              )}
              <FilterSelect
                name="unit"
                label="Đơn vị"
                options={unitList.map((u) => ({ value: u, label: u }))}
                selected={q.unit}
              />
              {seesHealth ? (<div>
                <label for="health">Phân loại sức khỏe</label>
                <select id="health" name="health">
                  <option value="">Tất cả</option>
                  {classCodes(deps.committee.classScheme).map((h) => (
                    <option value={h} selected={q.health === h}>
                      {healthClassLabel(h)}
                    </option>
                  ))}
                  <option value="none" selected={q.health === 'none'}>
                    Chưa phân loại
                  </option>
                </select>
              </div>) : null}
              <div>
                <label for="linked">Zalo</label>
                <select id="linked" name="linked">
                  <option value="">Tất cả</option>
                  <option value="yes" selected={q.linked === 'yes'}>
                    Đã liên kết
                  </option>
                  <option value="no" selected={q.linked === 'no'}>
                    Chưa liên kết
                  </option>
                </select>
              </div>
              <div>
                <label for="active">Tình trạng</label>
                <select id="active" name="active">
                  <option value="">Đang quản lý</option>
                  <option value="no" selected={q.active === 'no'}>
                    Thôi quản lý
                  </option>
                  <option value="all" selected={q.active === 'all'}>
                    Tất cả
                  </option>
                </select>
              </div>
              <div class="actions">
                <button class="btn" type="submit">
                  Lọc
                </button>
                <a class="btn secondary" href="/staff/registry">
                  Xóa lọc
                </a>
              </div>
            </div>
          </form>
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
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <SortTh label="Mã" column="code" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  <SortTh label="Họ và tên" column="name" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  <SortTh label="Ngày sinh" column="birthDate" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  <SortTh label="Đối tượng" column="category" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  <SortTh label="Đơn vị" column="unit" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  <SortTh label="Phòng khám" column="clinic" query={sortQuery} defaultSort={{ sort: 'code', dir: 'asc' }} />
                  {seesHealth ? <th>Loại SK</th> : null}
                  <th>Zalo</th>
                </tr>
              </thead>
              <tbody>
                {result.items.length === 0 ? <EmptyRow colspan={8}>Không có cán bộ nào khớp điều kiện lọc.</EmptyRow> : null}
                {result.items.map((r) => (
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
          <ListPager window={result.window} query={sortQuery} noun="cán bộ" />
        </>,
      );
    })
    .get('/template', requirePermission('registry', 'import'), async (c) => {
      const body = await registryWorkbook([], { template: true, clinics: allClinics(deps.db) });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-danh-sach-can-bo.xlsx') });
    })
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
    })
    .get('/import', requirePermission('registry', 'import'), (c) =>
      page(c, title, 'Nhập danh sách cán bộ', <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />),
    )
    .post('/import', requirePermission('registry', 'import'), validate('form', z.object({ file: z.instanceof(File, { message: 'Hãy chọn một tệp.' }) })), async (c) => {
      const staff = currentStaff(c);
      const { file } = c.req.valid('form');
      if (file.size === 0) throw new AppError('bad_request', 'Tệp trống hoặc chưa chọn tệp.');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const outcome = await importRegistryFile(deps, staff, bytes, file.name, false);
      const ok = outcome.check.problems.length === 0;
      // Kept also when rows are wrong: the good rows may be imported, and the bad ones downloaded to fix.
      const uploadId = outcome.check.rows.length ? uploads.save(deps.uploadDir, staff.id, file.name, bytes, deps.clock.now()) : undefined;
      return page(
        c,
        title,
        'Nhập danh sách cán bộ',
        <>
          <ImportResult outcome={{ ...outcome, fileName: file.name }} uploadId={uploadId} csrfToken={c.get('csrfToken')} />
          <h2>{ok ? 'Chọn tệp khác' : 'Sửa tệp rồi kiểm tra lại'}</h2>
          <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />
        </>,
        {
          flash: ok
            ? { kind: 'ok', text: `Tệp “${file.name}” hợp lệ: chưa có gì được ghi. Xem lại số liệu rồi bấm “Nhập vào danh sách”.` }
            : { kind: 'bad', text: `Tệp “${file.name}” có ${outcome.check.problems.length} lỗi. Chưa có dòng nào được ghi vào danh sách.` },
          status: ok ? 200 : 422,
        },
      );
    })
    .get('/import/rejected.xlsx', requirePermission('registry', 'import'), validate('query', z.object({ upload: z.string().max(64) })), async (c) => {
      const staff = currentStaff(c);
      const upload = uploads.load(deps.uploadDir, staff.id, c.req.valid('query').upload);
      const outcome = await importRegistryFile(deps, staff, upload.bytes, upload.fileName, false);
      const body = await rejectedRowsWorkbook(outcome.check, 'Dòng lỗi');
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment(`danh-sach-can-bo-dong-loi-${vietnamDate(deps.clock.now())}.xlsx`), 'cache-control': 'no-store' });
    })
    .post('/import/apply', requirePermission('registry', 'import'), validate('form', z.object({ uploadId: z.string().max(64), mode: z.enum(['all', 'good']).default('all') })), async (c) => {
      const staff = currentStaff(c);
      const form = c.req.valid('form');
      const upload = uploads.load(deps.uploadDir, staff.id, form.uploadId);
      const outcome = await importRegistryFile(deps, staff, upload.bytes, upload.fileName, true, form.mode);
      // With rows left to fix, the file stays for an hour so they can still be downloaded.
      if (outcome.applied && !outcome.check.problems.length) uploads.remove(upload.path);
      return page(
        c,
        title,
        'Nhập danh sách cán bộ',
        <>
          <ImportResult outcome={outcome} csrfToken={c.get('csrfToken')} uploadId={outcome.check.problems.length ? form.uploadId : undefined} />
          <p>
            <a class="btn secondary" href="/staff/registry">
              Xem danh sách
            </a>
          </p>
        </>,
        {
          flash: outcome.applied
            ? {
                kind: 'ok',
                text: `Đã nhập xong: thêm ${outcome.counts.created}, cập nhật ${outcome.counts.updated}, không đổi ${outcome.counts.unchanged}.${outcome.check.problems.length ? ` Còn ${new Set(outcome.check.problems.map((p) => p.row)).size} dòng lỗi chưa nhập: tải về, sửa rồi nhập lại.` : ''}`,
              }
            : { kind: 'bad', text: 'Dữ liệu đã thay đổi từ lúc kiểm tra và tệp nay có lỗi; không có dòng nào được ghi.' },
          status: outcome.applied ? 200 : 422,
        },
      );
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/:id{[0-9]+}', requirePermission('registry', 'read'), validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const staff = currentStaff(c);
      const d = cadreDetail(deps.db, staff, c.req.valid('param').id, deps.clock.now(), 'page.detail');
      const seesHealth = allowed(staff, 'registry', 'readHealth');
      const { cadre } = d;
      const canLink = allowed(staff, 'registry', 'linkZalo');
      const canDecide = allowed(staff, 'proxies', 'decide');
      const msg = c.req.valid('query').msg;
      return page(
        c,
        title,
        cadre.fullName,
        <>
          <p>
            <a href="/staff/registry">← Danh sách cán bộ</a>
          </p>
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
              {seesHealth ? (
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
          <ActingCard staff={staff} cadre={cadre} active={upcomingBookingsOf(deps.db, cadre.id, deps.clock.now())} />
          <div class="card">
            <h2 style="margin-top:0">Tài khoản Zalo</h2>
            {d.link ? (
              <>
                <dl class="kv">
                  <dt>Mã người dùng Zalo</dt>
                  <dd>{d.link.zaloUserId}</dd>
                  <dt>Tên Zalo</dt>
                  <dd>{d.link.displayName ?? '—'}</dd>
                  <dt>Cách xác minh</dt>
                  <dd>
                    {linkMethodLabels[d.link.method]}
                    {d.link.linkedBy ? ` (${d.link.linkedBy})` : ''}
                  </dd>
                  <dt>Liên kết lúc</dt>
                  <dd>{fmtDateTime(d.link.linkedAt)}</dd>
                </dl>
                {canLink ? (
                  <form method="post" action={`/staff/registry/${cadre.id}/unlink`} style="margin-top:.8rem">
                    <CsrfField token={c.get('csrfToken')} />
                    <button class="btn danger small" type="submit">
                      Gỡ liên kết
                    </button>
                  </form>
                ) : null}
              </>
            ) : (
              <>
                <p class="muted">Chưa liên kết tài khoản Zalo.</p>
                {canLink ? (
                  <a class="btn" href={`/staff/registry/${cadre.id}/link`}>
                    Chọn tài khoản Zalo để liên kết…
                  </a>
                ) : null}
              </>
            )}
          </div>
          <div class="card">
            <h2 style="margin-top:0">Người đại diện</h2>
            {d.proxies.length === 0 ? <p class="muted">Chưa có ai xin làm người đại diện.</p> : null}
            {d.proxies.length ? (
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
                    {d.proxies.map(({ proxy, displayName }) => (
                      <tr>
                        <td data-label="Người đại diện">{proxy.proxyName || displayName || '—'}</td>
                        <td data-label="Quan hệ">{proxy.relation || '—'}</td>
                        <td data-label="Zalo">{proxy.zaloUserId}</td>
                        <td data-label="Trạng thái">
                          <span class={`badge ${proxyBadge[proxy.status]}`}>{proxyStatusLabels[proxy.status]}</span>
                        </td>
                        <td data-label="Ngày">{fmtDateTime(proxy.decidedAt ?? proxy.requestedAt)}</td>
                        <td>
                          {canDecide && proxy.status === 'approved' ? (
                            <form method="post" action={`/staff/proxies/${proxy.id}/revoke`} class="inline">
                              <CsrfField token={c.get('csrfToken')} />
                              <button class="btn danger small" type="submit">
                                Thu hồi
                              </button>
                            </form>
                          ) : null}
                          {canDecide && proxy.status === 'pending' ? <a href="/staff/proxies">Duyệt…</a> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        </>,
        { flash: msg ? (notices[msg] ?? null) : null },
      );
    })
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
