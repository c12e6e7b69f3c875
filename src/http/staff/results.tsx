/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { eq, asc } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { parseVietnameseDate } from '../../domain/shared/dates';
import { fieldProblems, vietnameseIssue } from '../../domain/shared/validationText';
import { cadreCodeIs } from '../../domain/registry/cadreSummary';
import { personalDataWorkbook, exportPersonalData } from '../../domain/registry/personalDataExport';
import { vietnamDate } from '../../domain/shared/quietHours';
import { healthClassLabel } from '../../domain/results/classification';
import { campaignNames, mixColumns, type ClassKey } from '../../domain/results/classificationMix';
import { releaseResults } from '../../domain/results/release';
import { auditStaffRead, pageResults, resultIdsMatching, ResultListParams, type ResultRow } from '../../domain/results/resultList';
import { createDraft, discardDraft, ResultInput, resultForStaff, startCorrection, updateDraft } from '../../domain/results/results';
import { importResultsFile, resultColumns, resultsTemplate, type ResultsImportOutcome } from '../../domain/results/resultsImport';
import { AppError } from '../../errors';
import { inTransaction } from '../../store/db';
import { cadres, campaigns, clinics, examResults, examResultStatuses, type ExamResult } from '../../store/schema';
import { allowedCodesText, chosenHealthClass, healthClassChoices, type ClassSchemeId } from '../../domain/results/classification';
import { allowed, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { classificationFor, ClassificationQuery } from '../../domain/results/classificationFigures';
import { eraseWithConfirmation } from '../../domain/registry/personalDataErasure';
import { validate, XLSX_TYPE, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { attachment } from '../download';
import { unitsFor } from '../../domain/registry/search';
import { uploads } from '../../domain/shared/uploads';
import type { StaffDeps } from '../deps';
import { fmtCount, fmtDate, fmtDateTime, page, type StaffContext, EmptyRow, FilterSelect, ListCount, ListPager, NamedSelect, ProblemTable, SortTh, StatusTabs, withQuery } from './ui';


const CadreParam = z.object({ cadreId: z.coerce.number().int().positive() });
const Msg = z.object({ msg: z.string().max(20).optional() });
const ReleaseFilter = ResultListParams.pick({ q: true, campaignId: true });

const statusLabels: Record<ExamResult['status'], string> = { draft: 'Chờ công bố', released: 'Đã công bố', superseded: 'Đã được đính chính' };
const statusBadge: Record<ExamResult['status'], string> = { draft: 'warn', released: 'ok', superseded: '' };
const classLabel = (k: ClassKey) => (k === 'none' ? 'Chưa phân loại' : healthClassLabel(k));

const notices: Record<string, Flash> = {
  created: { kind: 'ok', text: 'Đã lưu bản nháp. Bác sĩ hoặc quản trị cần công bố thì cán bộ mới xem được.' },
  saved: { kind: 'ok', text: 'Đã lưu thay đổi của bản nháp.' },
  released: { kind: 'ok', text: 'Đã công bố. Cán bộ (hoặc người đại diện) sẽ nhận tin báo qua Zalo, hoặc email khi ngoài hạn nhắn Zalo.' },
  correcting: { kind: 'ok', text: 'Đã tạo bản đính chính (bản nháp). Sửa rồi công bố; cán bộ vẫn xem bản cũ cho đến khi bản mới được công bố.' },
  discarded: { kind: 'ok', text: 'Đã xóa bản nháp.' },
  erased: { kind: 'ok', text: 'Đã xóa dữ liệu cá nhân của cán bộ theo yêu cầu. Nhật ký đã ghi lại việc xóa.' },
};

/** The form as posted: strings, turned into ResultInput (dates as dd/mm/yyyy or yyyy-mm-dd). */
const ResultForm = z.object({
  cadreCode: z.string().trim().max(50).optional(),
  examDate: z.string().trim().max(20),
  clinicId: z.string().max(12).optional(),
  campaignId: z.string().max(12).optional(),
  healthClass: z.string().max(5).optional(),
  conclusions: z.string().max(4000).default(''),
  diagnoses: z.string().max(12000).default(''),
  advice: z.string().max(4000).default(''),
  followUp: z.string().optional(),
  followUpWhere: z.string().max(400).default(''),
  signedBy: z.string().max(200).default(''),
});
type ResultForm = z.infer<typeof ResultForm>;

function inputFromForm(f: ResultForm, scheme: ClassSchemeId, currentClass: string | null = null): ResultInput {
  const examDate = parseVietnameseDate(f.examDate);
  if (!examDate) throw new AppError('validation_failed', 'Ngày khám chưa đúng dạng; ghi ngày/tháng/năm, ví dụ 05/03/2026.', [{ path: 'examDate', field: 'Ngày khám', message: 'ghi ngày/tháng/năm' }]);
  const id = (v?: string) => (v && /^\d+$/.test(v) ? Number(v) : null);
  const healthClass = chosenHealthClass(f.healthClass ?? '', scheme, currentClass);
  if (healthClass === undefined) {
    const message = `ghi một trong ${allowedCodesText(scheme)} hoặc để trống`;
    throw new AppError('validation_failed', `Phân loại sức khỏe “${f.healthClass ?? ''}” không hợp lệ; ${message}.`, [{ path: 'healthClass', field: 'Phân loại sức khỏe', message }]);
  }
  const parsed = ResultInput.safeParse({
    examDate,
    clinicId: id(f.clinicId),
    campaignId: id(f.campaignId),
    healthClass,
    conclusions: f.conclusions,
    diagnoses: f.diagnoses.split(/\r?\n/).map((d) => d.trim()).filter(Boolean),
    advice: f.advice,
    followUp: f.followUp === 'on' || f.followUp === '1',
    followUpWhere: f.followUpWhere,
    signedBy: f.signedBy,
  }, { error: vietnameseIssue });
  if (!parsed.success) {
    throw new AppError('validation_failed', 'Dữ liệu nhập chưa hợp lệ. Vui lòng kiểm tra lại.', fieldProblems(parsed.error.issues));
  }
  return parsed.data;
}

function ResultFields(props: { deps: StaffDeps; values?: Partial<ExamResult>; askCadre?: boolean; cadreCode?: string }) {
  const v = props.values ?? {};
  const clinicList = props.deps.db.select().from(clinics).orderBy(asc(clinics.name)).all();
  const campaignList = props.deps.db.select().from(campaigns).orderBy(asc(campaigns.startDate)).all();
  return (
    <div class="grid">
      {props.askCadre ? (
        <div>
          <label for="cadreCode">Mã cán bộ</label>
          <input id="cadreCode" type="text" name="cadreCode" required value={props.cadreCode ?? ''} />
        </div>
      ) : null}
      <div>
        <label for="examDate">Ngày khám (ngày/tháng/năm)</label>
        <input id="examDate" type="text" name="examDate" required placeholder="05/03/2026" value={v.examDate ? fmtDate(v.examDate) : ''} />
      </div>
      <NamedSelect name="campaignId" label="Đợt khám" items={campaignList} selected={v.campaignId} empty="Ngoài đợt" />
      <NamedSelect name="clinicId" label="Nơi khám" items={clinicList} selected={v.clinicId} empty="—" />
      <div>
        <label for="healthClass">Phân loại sức khỏe</label>
        <select id="healthClass" name="healthClass">
          <option value="">Chưa phân loại</option>
          {healthClassChoices(props.deps.committee.classScheme, v.healthClass ?? null).map((h) => (
            <option value={h} selected={v.healthClass === h}>
              {healthClassLabel(h)}
            </option>
          ))}
        </select>
      </div>
      <div class="wide">
        <label for="conclusions">Kết luận</label>
        <textarea id="conclusions" name="conclusions" rows={3}>
          {v.conclusions ?? ''}
        </textarea>
      </div>
      <div class="wide">
        <label for="diagnoses">Chẩn đoán (mỗi dòng một chẩn đoán)</label>
        <textarea id="diagnoses" name="diagnoses" rows={4}>
          {(v.diagnoses ?? []).join('\n')}
        </textarea>
      </div>
      <div class="wide">
        <label for="advice">Lời khuyên</label>
        <textarea id="advice" name="advice" rows={3}>
          {v.advice ?? ''}
        </textarea>
      </div>
      <div>
        <label>
          <input type="checkbox" name="followUp" value="on" checked={!!v.followUp} /> Đề nghị khám lại
        </label>
      </div>
      <div>
        <label for="followUpWhere">Nơi khám lại</label>
        <input id="followUpWhere" type="text" name="followUpWhere" value={v.followUpWhere ?? ''} />
      </div>
      <div>
        <label for="signedBy">Bác sĩ ký</label>
        <input id="signedBy" type="text" name="signedBy" value={v.signedBy ?? ''} />
      </div>
    </div>
  );
}

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
    <div class="table-wrap">
      <table class="responsive" id="results">
        <thead>
          <tr>
            {props.selectable ? <th>Chọn</th> : null}
            {th('Cán bộ', 'name')}
            {th('Ngày khám', 'examDate')}
            <th>Đợt khám</th>
            {th('Phân loại', 'class')}
            <th>Trạng thái</th>
            {th('Người nhập', 'updated')}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? <EmptyRow colspan={7}>Không có kết quả nào.</EmptyRow> : null}
          {props.rows.map((r) => (
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
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportSummary(props: { outcome: ResultsImportOutcome; uploadId?: string; csrfToken: string }) {
  const { check, counts, applied } = props.outcome;
  const stat = (label: string, n: number, bad = false) => (
    <div class="stat">
      <span class="muted small">{label}</span>
      <b style={bad && n ? 'color:var(--bad)' : ''}>{n}</b>
    </div>
  );
  return (
    <section>
      <div class="stats">
        {stat('Số dòng đọc được', check.rowCount)}
        {check.problems.length ? null : (
          <>
            {stat(applied ? 'Đã thêm bản nháp' : 'Sẽ thêm bản nháp', counts.created)}
            {stat(applied ? 'Đã cập nhật bản nháp' : 'Sẽ cập nhật bản nháp', counts.updated)}
            {stat(applied ? 'Đã tạo bản đính chính' : 'Sẽ tạo bản đính chính', counts.corrections)}
            {stat('Không đổi', counts.unchanged)}
          </>
        )}
        {stat('Lỗi', check.problems.length, true)}
      </div>
      {check.ignoredHeaders.length ? <p class="small muted">Các cột không dùng đến (bỏ qua): {check.ignoredHeaders.join(', ')}.</p> : null}
      {check.problems.length ? <ProblemTable problems={check.problems} /> : null}
      {!applied && !check.problems.length && props.uploadId ? (
        <form method="post" action="/staff/results/import/apply" class="card">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="uploadId" value={props.uploadId} />
          <p style="margin-top:0">
            Tệp <b>{props.outcome.fileName}</b> không có lỗi. Bấm “Nhập kết quả” để ghi tất cả các dòng cùng lúc (thành bản nháp chờ công bố).
          </p>
          <button class="btn" type="submit">
            Nhập kết quả
          </button>
        </form>
      ) : null}
    </section>
  );
}

function ImportForm(props: { csrfToken: string; maxMb: number }) {
  return (
    <form method="post" action="/staff/results/import" enctype="multipart/form-data" class="card">
      <CsrfField token={props.csrfToken} />
      <p style="margin-top:0">
        Chọn tệp Excel (.xlsx) hoặc CSV (UTF-8) theo các cột của <a href="/staff/results/template">tệp mẫu</a>:{' '}
        {resultColumns.map((c) => c.header).join(', ')}. Hệ thống kiểm tra mọi dòng trước, chỉ ghi khi không còn lỗi nào và ghi tất cả cùng lúc.
        Nhập lại cùng tệp không tạo bản trùng. Kết quả nhập vào là bản nháp: cần bác sĩ hoặc quản trị công bố.
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

function ResultDetail(props: { r: ExamResult; clinicName: string | null; campaignName: string | null }) {
  const r = props.r;
  return (
    <dl class="kv">
      <dt>Ngày khám</dt>
      <dd>{fmtDate(r.examDate)}</dd>
      <dt>Đợt khám</dt>
      <dd>{props.campaignName ?? 'Ngoài đợt'}</dd>
      <dt>Nơi khám</dt>
      <dd>{props.clinicName ?? '—'}</dd>
      <dt>Phân loại sức khỏe</dt>
      <dd>{healthClassLabel(r.healthClass)}</dd>
      <dt>Kết luận</dt>
      <dd style="white-space:pre-wrap">{r.conclusions || '—'}</dd>
      <dt>Chẩn đoán</dt>
      <dd>{r.diagnoses.length ? <ul style="margin:0;padding-left:1.1rem">{r.diagnoses.map((d) => <li>{d}</li>)}</ul> : '—'}</dd>
      <dt>Lời khuyên</dt>
      <dd style="white-space:pre-wrap">{r.advice || '—'}</dd>
      <dt>Khám lại</dt>
      <dd>{r.followUp ? `Có – ${r.followUpWhere}` : 'Không'}</dd>
      <dt>Bác sĩ ký</dt>
      <dd>{r.signedBy || '—'}</dd>
      <dt>Trạng thái</dt>
      <dd>
        <span class={`badge ${statusBadge[r.status]}`}>{statusLabels[r.status]}</span> {r.releasedAt ? `· công bố ${fmtDateTime(r.releasedAt)}` : ''}
        {r.version > 1 ? ` · bản đính chính lần ${r.version - 1}` : ''}
      </dd>
    </dl>
  );
}

/** /staff/results: entry, release queue, import, figures, and a cadre's personal data (export, erasure). */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function resultPages(deps: StaffDeps) {
  const title = deps.committee.name;
  const now = () => deps.clock.now();
  const maxMb = Math.round((deps.importMaxBytes / 1024 / 1024) * 10) / 10;
  const back = (c: StaffContext, path: string, msg: string) => c.redirect(`${path}${path.includes('?') ? '&' : '?'}msg=${msg}`, 303);

  return new Hono<StaffEnv>()
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/', requirePermission('results', 'read'), validate('query', ResultListParams.extend({ status: z.enum(examResultStatuses).default('draft'), msg: z.string().max(20).optional() })), (c) => {
      const staff = currentStaff(c);
      const { msg, ...q } = c.req.valid('query');
      const { items: rows, window } = pageResults(deps.db, staff, q);
      auditStaffRead(deps.db, staff, rows.map((r) => r.result.id), now(), 'page.list');
      const names = campaignNames(deps.db, rows.map((r) => r.result.campaignId));
      const campaignList = deps.db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).orderBy(asc(campaigns.startDate)).all();
      const canRelease = q.status === 'draft' && allowed(staff, 'results', 'release');
      const listQuery = { status: q.status, q: q.q, campaignId: q.campaignId === undefined ? undefined : String(q.campaignId), sort: q.sort, dir: q.dir };
      const defaultSort = { sort: 'updated', dir: q.status === 'draft' ? ('asc' as const) : ('desc' as const) };
      const table = <ResultTable rows={rows} names={names} selectable={canRelease} query={listQuery} defaultSort={defaultSort} />;
      return page(
        c,
        title,
        'Kết quả khám',
        <>
          <div class="actions" style="margin-bottom:.8rem">
            <StatusTabs
              tabs={examResultStatuses.map((s) => [s, statusLabels[s]] as const)}
              current={q.status}
              href={(s) => `/staff/results?status=${s}`}
            />
            <a class="btn small secondary" href="/staff/results/new">
              + Nhập kết quả
            </a>
            <a class="btn small secondary" href="/staff/results/import">
              Nhập từ tệp
            </a>
            {allowed(staff, 'results', 'exportPersonal') ? (
              <a class="btn small secondary" href="/staff/results/personal-data">
                Dữ liệu cá nhân
              </a>
            ) : null}
          </div>
          <form method="get" class="card grid" role="search">
            <input type="hidden" name="status" value={q.status} />
            <div class="wide">
              <label for="q">Tìm theo tên hoặc mã cán bộ</label>
              <input id="q" type="search" name="q" value={q.q ?? ''} placeholder="ví dụ: phuong, Phương, CB0012" />
            </div>
            <FilterSelect name="campaignId" label="Đợt khám" options={campaignList.map((cp) => ({ value: String(cp.id), label: cp.name }))} selected={listQuery.campaignId} />
            <div class="actions">
              <button class="btn" type="submit">
                Tìm
              </button>
              <a class="btn secondary" href={`/staff/results?status=${q.status}`}>
                Xóa lọc
              </a>
            </div>
          </form>
          {canRelease ? (
            <form method="post" action="/staff/results/release">
              <CsrfField token={c.get('csrfToken')} />
              <input type="hidden" name="q" value={q.q ?? ''} />
              <input type="hidden" name="campaignId" value={listQuery.campaignId ?? ''} />
              <input type="hidden" name="expected" value={String(window.total)} />
              <div class="actions list-pager">
                <ListCount window={window} noun="kết quả chờ công bố" />
                <span class="actions">
                  <button class="btn secondary small" type="submit" name="scope" value="selected" disabled={rows.length === 0}>
                    Công bố các kết quả đã chọn
                  </button>
                  <button class="btn small" type="submit" name="scope" value="all" id="release-all" disabled={window.total === 0}>
                    Công bố tất cả {fmtCount(window.total)} kết quả khớp bộ lọc
                  </button>
                </span>
              </div>
              {table}
              <p class="muted small">Cán bộ sẽ nhận tin báo qua Zalo (không kèm nội dung kết quả). Trước khi công bố, hệ thống hỏi lại số kết quả.</p>
            </form>
          ) : (
            <>
              <ListCount window={window} noun="kết quả" />
              {table}
            </>
          )}
          <ListPager window={window} query={listQuery} noun={canRelease ? 'kết quả chờ công bố' : 'kết quả'} />
        </>,
        { flash: msg ? notices[msg] : null },
      );
    })
    .post('/release', requirePermission('results', 'release'), async (c) => {
      const staff = currentStaff(c);
      const body = await c.req.parseBody({ all: true });
      const one = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
      const raw = body.ids === undefined ? [] : Array.isArray(body.ids) ? body.ids : [body.ids];
      const all = one('scope') === 'all';
      const filter = ReleaseFilter.parse({ q: one('q'), campaignId: one('campaignId') });
      // "All" means every draft the filter matches now, on every page, not only the rows shown.
      const ids = all
        ? resultIdsMatching(deps.db, staff, { status: 'draft', ...filter })
        : raw.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN)).filter((n) => Number.isInteger(n) && n > 0);
      if (!ids.length) throw new AppError('validation_failed', all ? 'Không còn kết quả nào chờ công bố khớp bộ lọc.' : 'Chưa chọn kết quả nào để công bố.');
      const expected = /^\d+$/.test(one('expected')) ? Number(one('expected')) : null;
      const changed = all && expected !== null && expected !== ids.length;
      if (one('confirm') !== '1' || changed) {
        const backHref = `/staff/results${withQuery({ status: 'draft', q: filter.q, campaignId: filter.campaignId || undefined })}`;
        return page(
          c,
          title,
          'Công bố kết quả?',
          <form method="post" action="/staff/results/release" class="card" id="release-confirm">
            <CsrfField token={c.get('csrfToken')} />
            <input type="hidden" name="confirm" value="1" />
            <input type="hidden" name="scope" value={all ? 'all' : 'selected'} />
            <input type="hidden" name="q" value={filter.q ?? ''} />
            <input type="hidden" name="campaignId" value={filter.campaignId ? String(filter.campaignId) : ''} />
            <input type="hidden" name="expected" value={String(ids.length)} />
            {all ? null : ids.map((id) => <input type="hidden" name="ids" value={String(id)} />)}
            <p style="margin-top:0">
              Công bố <b id="release-count">{fmtCount(ids.length)}</b> kết quả
              {all ? ' (tất cả kết quả chờ công bố khớp bộ lọc, trên mọi trang)' : ' đã chọn'}? Mỗi cán bộ (hoặc người đại diện) sẽ nhận tin báo qua Zalo, hoặc
              email khi ngoài hạn nhắn Zalo. Sau khi công bố, chỉ sửa được bằng cách đính chính.
            </p>
            <div class="actions">
              <a class="btn secondary" href={backHref}>
                Không, quay lại
              </a>
              <button class="btn" type="submit">
                Công bố {fmtCount(ids.length)} kết quả
              </button>
            </div>
          </form>,
          { flash: changed ? { kind: 'warn', text: `Số kết quả khớp bộ lọc đã đổi từ ${fmtCount(expected ?? 0)} thành ${fmtCount(ids.length)}. Xem lại rồi xác nhận.` } : null, status: changed ? 409 : 200 },
        );
      }
      const outcome = inTransaction(deps.db, (tx) => releaseResults(tx, staff, ids, now()));
      deps.afterCommit();
      return page(
        c,
        title,
        'Công bố kết quả',
        <>
          <p>
            Đã công bố <b>{outcome.released.length}</b> kết quả. Cán bộ sẽ nhận tin báo qua Zalo (hoặc email khi ngoài hạn nhắn Zalo).
          </p>
          {outcome.skipped.length ? (
            <>
              <h2>Không công bố được</h2>
              <ul>
                {outcome.skipped.map((s) => (
                  <li>
                    Kết quả #{s.id}: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <p>
            <a class="btn secondary" href="/staff/results">
              Về danh sách chờ công bố
            </a>
          </p>
        </>,
        { flash: outcome.skipped.length ? { kind: 'warn', text: `${outcome.skipped.length} kết quả không công bố được.` } : { kind: 'ok', text: 'Đã công bố.' } },
      );
    })
    .get('/new', requirePermission('results', 'enter'), validate('query', z.object({ code: z.string().max(50).optional() })), (c) =>
      page(
        c,
        title,
        'Nhập kết quả khám',
        <form method="post" action="/staff/results/new" class="card">
          <CsrfField token={c.get('csrfToken')} />
          <ResultFields deps={deps} askCadre cadreCode={c.req.valid('query').code} values={{ examDate: vietnamDate(now()) }} />
          <p class="actions">
            <button class="btn" type="submit">
              Lưu bản nháp
            </button>
          </p>
        </form>,
      ),
    )
    .post('/new', requirePermission('results', 'enter'), validate('form', ResultForm), (c) => {
      const staff = currentStaff(c);
      const form = c.req.valid('form');
      const cadre = form.cadreCode ? deps.db.select({ id: cadres.id }).from(cadres).where(cadreCodeIs(form.cadreCode)).get() : undefined;
      if (!cadre) throw new AppError('not_found', `Không có cán bộ mã “${form.cadreCode ?? ''}”.`);
      const row = inTransaction(deps.db, (tx) => createDraft(tx, staff, cadre.id, inputFromForm(form, deps.committee.classScheme), now()));
      return back(c, `/staff/results/${row.id}`, 'created');
    })
    .get('/import', requirePermission('results', 'enter'), (c) => page(c, title, 'Nhập kết quả từ tệp', <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />))
    .post('/import', requirePermission('results', 'enter'), validate('form', z.object({ file: z.instanceof(File, { message: 'Hãy chọn một tệp.' }) })), async (c) => {
      const staff = currentStaff(c);
      const { file } = c.req.valid('form');
      if (file.size === 0) throw new AppError('bad_request', 'Tệp trống hoặc chưa chọn tệp.');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const outcome = await importResultsFile(deps.db, staff, bytes, file.name, false, now, deps.committee.classScheme);
      const ok = outcome.check.problems.length === 0;
      const uploadId = ok ? uploads.save(deps.uploadDir, staff.id, file.name, bytes, now()) : undefined;
      return page(
        c,
        title,
        'Nhập kết quả từ tệp',
        <>
          <ImportSummary outcome={outcome} uploadId={uploadId} csrfToken={c.get('csrfToken')} />
          <h2>{ok ? 'Chọn tệp khác' : 'Sửa tệp rồi kiểm tra lại'}</h2>
          <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />
        </>,
        {
          flash: ok
            ? { kind: 'ok', text: `Tệp “${file.name}” hợp lệ: chưa có gì được ghi. Xem lại số liệu rồi bấm “Nhập kết quả”.` }
            : { kind: 'bad', text: `Tệp “${file.name}” có ${outcome.check.problems.length} lỗi. Không có dòng nào được ghi.` },
          status: ok ? 200 : 422,
        },
      );
    })
    .post('/import/apply', requirePermission('results', 'enter'), validate('form', z.object({ uploadId: z.string().max(64) })), async (c) => {
      const staff = currentStaff(c);
      const upload = uploads.load(deps.uploadDir, staff.id, c.req.valid('form').uploadId);
      const outcome = await importResultsFile(deps.db, staff, upload.bytes, upload.fileName, true, now, deps.committee.classScheme);
      if (outcome.applied) uploads.remove(upload.path);
      return page(
        c,
        title,
        'Nhập kết quả từ tệp',
        <>
          <ImportSummary outcome={outcome} csrfToken={c.get('csrfToken')} />
          <p>
            <a class="btn secondary" href="/staff/results">
              Xem danh sách chờ công bố
            </a>
          </p>
        </>,
        {
          flash: outcome.applied
            ? { kind: 'ok', text: `Đã nhập: thêm ${outcome.counts.created}, cập nhật ${outcome.counts.updated}, đính chính ${outcome.counts.corrections}, không đổi ${outcome.counts.unchanged}.` }
            : { kind: 'bad', text: 'Dữ liệu đã thay đổi từ lúc kiểm tra và tệp nay có lỗi; không có dòng nào được ghi.' },
          status: outcome.applied ? 200 : 422,
        },
      );
    })
    .get('/template', requirePermission('results', 'enter'), async (c) => {
      const body = await resultsTemplate({ clinics: deps.db.select().from(clinics).all(), campaigns: deps.db.select().from(campaigns).all(), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-nhap-ket-qua-kham.xlsx') });
    })
    .get('/figures', requirePermission('results', 'figures'), validate('query', ClassificationQuery), (c) => {
      const staff = currentStaff(c);
      const q = c.req.valid('query');
      const figures = classificationFor(deps, staff, q);
      const columns = mixColumns(deps.committee.classScheme, figures.total.counts);
      const campaignList = deps.db.select().from(campaigns).orderBy(asc(campaigns.startDate)).all();
      const units = unitsFor(deps.db, staff);
      const pct = (x: number) => `${(x * 100).toFixed(1).replace('.', ',')}%`;
      const Row = (props: { label: string; r: (typeof figures.rows)[number] | typeof figures.total; strong?: boolean }) => (
        <tr style={props.strong ? 'font-weight:600' : ''}>
          <td data-label="Nhóm">{props.label}</td>
          <td data-label="Tổng">{props.r.total}</td>
          {columns.map((k) => (
            <td data-label={classLabel(k)}>
              {props.r.counts[k]} <span class="muted small">({pct(props.r.shares[k])})</span>
            </td>
          ))}
        </tr>
      );
      return page(
        c,
        title,
        'Phân loại sức khỏe',
        <>
          <form method="get" class="card grid" role="search">
            <NamedSelect name="campaignId" label="Đợt khám" items={campaignList} selected={q.campaignId} empty="Tất cả" last={{ value: 'none', label: 'Ngoài đợt' }} />
            <FilterSelect
              name="unit"
              label="Đơn vị"
              options={units.map((u) => ({ value: u, label: u }))}
              selected={q.unit}
            />
            <div class="actions">
              <button class="btn" type="submit">
                Xem
              </button>
            </div>
          </form>
          <p class="muted small">Tính trên các kết quả đã công bố (mỗi người một kết quả mỗi đợt; bản đính chính thay bản cũ). Số trong ngoặc là tỉ lệ.</p>
          <div class="table-wrap">
            <table class="responsive" id="classification">
              <thead>
                <tr>
                  <th>Đợt khám · Đơn vị</th>
                  <th>Tổng</th>
                  {columns.map((k) => (
                    <th>{classLabel(k)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {figures.byCampaign.map((camp) => (
                  <>
                    <Row label={camp.campaignName ?? 'Ngoài đợt'} r={camp} strong />
                    {figures.rows
                      .filter((r) => r.campaignId === camp.campaignId)
                      .map((r) => (
                        <Row label={`— ${r.unit || '(chưa ghi đơn vị)'}`} r={r} />
                      ))}
                  </>
                ))}
                <Row label="Tổng cộng" r={figures.total} strong />
              </tbody>
            </table>
          </div>
          <p class="small">
            <a href={`/api/results/classification`}>Số liệu dạng JSON (API, cần mã truy cập)</a>
          </p>
        </>,
      );
    })
    .get('/personal-data', requirePermission('results', 'exportPersonal'), validate('query', z.object({ code: z.string().trim().max(50).optional(), msg: z.string().max(20).optional() })), (c) => {
      const { code, msg } = c.req.valid('query');
      const cadre = code ? deps.db.select().from(cadres).where(cadreCodeIs(code)).get() : undefined;
      const token = c.get('csrfToken');
      return page(
        c,
        title,
        'Dữ liệu cá nhân của cán bộ',
        <>
          <form method="get" class="card actions" role="search">
            <label for="code" style="margin:0">
              Mã cán bộ
            </label>
            <input id="code" type="search" name="code" value={code ?? ''} style="max-width:14rem" />
            <button class="btn small" type="submit">
              Tìm
            </button>
          </form>
          {code && !cadre ? <p class="flash bad">Không có cán bộ mã “{code}”.</p> : null}
          {cadre ? (
            <div class="card">
              <p style="margin-top:0">
                <b>
                  {cadre.code} · {cadre.fullName}
                </b>{' '}
                <span class="muted">({fmtDate(cadre.birthDate)})</span>
              </p>
              <h2>Bản sao dữ liệu (theo yêu cầu của cán bộ)</h2>
              <p class="actions">
                <a class="btn secondary" href={`/staff/results/personal-data/${cadre.id}/export?format=json`}>
                  Tải JSON
                </a>
                <a class="btn secondary" href={`/staff/results/personal-data/${cadre.id}/export?format=xlsx`}>
                  Tải Excel
                </a>
              </p>
              <h2>Xóa dữ liệu theo yêu cầu</h2>
              <p class="small">
                Xóa kết quả khám, lịch khám, liên kết Zalo, người đại diện, trạng thái hội thoại và nội dung tin nhắn đã lưu về cán bộ này. Hồ sơ trong
                danh sách cán bộ được giữ lại. Không hoàn tác được.
              </p>
              <form method="post" action={`/staff/results/personal-data/${cadre.id}/erase`} class="actions">
                <CsrfField token={token} />
                <input type="text" name="confirmCode" required placeholder="Gõ lại mã cán bộ để xác nhận" style="max-width:18rem" />
                <button class="btn danger" type="submit">
                  Xóa dữ liệu
                </button>
              </form>
            </div>
          ) : null}
        </>,
        { flash: msg ? notices[msg] : null },
      );
    })
    .get('/personal-data/:cadreId{[0-9]+}/export', requirePermission('results', 'exportPersonal'), validate('param', CadreParam), validate('query', z.object({ format: z.enum(['json', 'xlsx']).default('json') })), async (c) => {
      const { format } = c.req.valid('query');
      const data = exportPersonalData(deps.db, currentStaff(c), c.req.valid('param').cadreId, format, now());
      const headers = { 'content-disposition': attachment(`du-lieu-ca-nhan-${data.cadre.code}-${vietnamDate(now())}.${format}`), 'cache-control': 'no-store' };
      if (format === 'json') return c.body(JSON.stringify(data, null, 2), 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      return c.body(new Uint8Array(await personalDataWorkbook(data)), 200, { ...headers, 'content-type': XLSX_TYPE });
    })
    .post('/personal-data/:cadreId{[0-9]+}/erase', requirePermission('results', 'erasePersonal'), validate('param', CadreParam), validate('form', z.object({ confirmCode: z.string().trim().min(1).max(50) })), (c) => {
      const { cadreId } = c.req.valid('param');
      const staff = currentStaff(c);
      const cadre = deps.db.select({ code: cadres.code }).from(cadres).where(eq(cadres.id, cadreId)).get();
      inTransaction(deps.db, (tx) => eraseWithConfirmation(tx, staff, cadreId, c.req.valid('form').confirmCode, now()));
      return back(c, `/staff/results/personal-data?code=${encodeURIComponent(cadre?.code ?? '')}`, 'erased');
    })
    .get('/:id{[0-9]+}', requirePermission('results', 'read'), validate('param', IdParam), validate('query', Msg), (c) => {
      const staff = currentStaff(c);
      const r = resultForStaff(deps.db, staff, c.req.valid('param').id);
      auditStaffRead(deps.db, staff, [r.id], now(), 'page.detail');
      const clinicName = r.clinicId ? (deps.db.select({ name: clinics.name }).from(clinics).where(eq(clinics.id, r.clinicId)).get()?.name ?? null) : null;
      const campaignName = r.campaignId ? (campaignNames(deps.db, [r.campaignId]).get(r.campaignId) ?? null) : null;
      const token = c.get('csrfToken');
      const msg = c.req.valid('query').msg;
      return page(
        c,
        title,
        `Kết quả khám: ${r.cadre.fullName}`,
        <>
          <p class="muted">
            Mã cán bộ {r.cadre.code} · <a href={`/staff/registry/${r.cadre.id}`}>Hồ sơ</a> · <a href={`/staff/results?status=released&q=${encodeURIComponent(r.cadre.code)}`}>Các kết quả khác</a>
          </p>
          <div class="card">
            <ResultDetail r={r} clinicName={clinicName} campaignName={campaignName} />
          </div>
          <div class="actions">
            {r.status === 'draft' && allowed(staff, 'results', 'enter') ? (
              <a class="btn secondary" href={`/staff/results/${r.id}/edit`}>
                Sửa bản nháp
              </a>
            ) : null}
            {r.status === 'draft' && allowed(staff, 'results', 'release') ? (
              <form method="post" action="/staff/results/release" class="inline">
                <CsrfField token={token} />
                <input type="hidden" name="ids" value={String(r.id)} />
                <input type="hidden" name="confirm" value="1" />
                <button class="btn" type="submit">
                  Công bố
                </button>
              </form>
            ) : null}
            {r.status === 'released' && allowed(staff, 'results', 'enter') ? (
              <form method="post" action={`/staff/results/${r.id}/correct`} class="inline">
                <CsrfField token={token} />
                <button class="btn secondary" type="submit">
                  Đính chính
                </button>
              </form>
            ) : null}
            {r.status === 'draft' && allowed(staff, 'results', 'enter') ? (
              <form method="post" action={`/staff/results/${r.id}/discard`} class="inline">
                <CsrfField token={token} />
                <button class="btn danger" type="submit">
                  Xóa bản nháp
                </button>
              </form>
            ) : null}
          </div>
        </>,
        { flash: msg ? notices[msg] : null },
      );
    })
    .get('/:id{[0-9]+}/edit', requirePermission('results', 'enter'), validate('param', IdParam), (c) => {
      const staff = currentStaff(c);
      const r = resultForStaff(deps.db, staff, c.req.valid('param').id);
      if (r.status !== 'draft') throw new AppError('conflict', 'Kết quả đã công bố không sửa trực tiếp được; hãy dùng “Đính chính”.');
      auditStaffRead(deps.db, staff, [r.id], now(), 'page.edit');
      return page(
        c,
        title,
        `Sửa bản nháp: ${r.cadre.fullName}`,
        <form method="post" action={`/staff/results/${r.id}/edit`} class="card">
          <CsrfField token={c.get('csrfToken')} />
          <ResultFields deps={deps} values={r} />
          <p class="actions">
            <button class="btn" type="submit">
              Lưu
            </button>
            <a class="btn secondary" href={`/staff/results/${r.id}`}>
              Hủy
            </a>
          </p>
        </form>,
      );
    })
    .post('/:id{[0-9]+}/edit', requirePermission('results', 'enter'), validate('param', IdParam), validate('form', ResultForm), (c) => {
      const { id } = c.req.valid('param');
      const held = deps.db.select({ healthClass: examResults.healthClass }).from(examResults).where(eq(examResults.id, id)).get()?.healthClass ?? null;
      inTransaction(deps.db, (tx) => updateDraft(tx, currentStaff(c), id, inputFromForm(c.req.valid('form'), deps.committee.classScheme, held), now()));
      return back(c, `/staff/results/${id}`, 'saved');
    })
    .post('/:id{[0-9]+}/correct', requirePermission('results', 'enter'), validate('param', IdParam), (c) => {
      const row = inTransaction(deps.db, (tx) => startCorrection(tx, currentStaff(c), c.req.valid('param').id, now()));
      return back(c, `/staff/results/${row.id}`, 'correcting');
    })
    .post(
      '/:id{[0-9]+}/discard',
      requirePermission('results', 'enter'),
      validate('param', IdParam),
      confirmFirst(title, (c) => (resultForStaff(deps.db, currentStaff(c), Number(c.req.param('id'))), {
        title: 'Xóa bản nháp?',
        text: 'Xóa bản nháp kết quả này. Không hoàn tác được; cần thì nhập lại.',
        confirmLabel: 'Xóa bản nháp',
        back: `/staff/results/${c.req.param('id')}`,
      })),
      (c) => {
      inTransaction(deps.db, (tx) => discardDraft(tx, currentStaff(c), c.req.valid('param').id, now()));
      return back(c, '/staff/results', 'discarded');
      },
    );
}
