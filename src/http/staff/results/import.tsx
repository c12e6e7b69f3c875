import { Hono } from 'hono';
import { z } from 'zod';
import { importResultsFile, resultColumns, resultsTemplate, type ResultsImportOutcome } from '../../../domain/results/resultsImport';
import { uploads } from '../../../domain/shared/uploads';
import { AppError } from '../../../errors';
import { campaigns, clinics } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { attachment } from '../../download';
import { validate, XLSX_TYPE } from '../../validation';
import { CsrfField, type Flash } from '../layout';
import { FileCheckForm, page, ProblemTable } from '../ui';

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
    <FileCheckForm action="/staff/results/import" csrfToken={props.csrfToken} maxMb={props.maxMb}>
      Chọn tệp Excel (.xlsx) hoặc CSV (UTF-8) theo các cột của <a href="/staff/results/template">tệp mẫu</a>:{' '}
      {resultColumns.map((c) => c.header).join(', ')}. Hệ thống kiểm tra mọi dòng trước, chỉ ghi khi không còn lỗi nào và ghi tất cả cùng lúc.
      Nhập lại cùng tệp không tạo bản trùng. Kết quả nhập vào là bản nháp: cần bác sĩ hoặc quản trị công bố.
    </FileCheckForm>
  );
}

function checkedFlash(fileName: string, outcome: ResultsImportOutcome): Flash {
  return outcome.check.problems.length === 0
    ? { kind: 'ok', text: `Tệp “${fileName}” hợp lệ: chưa có gì được ghi. Xem lại số liệu rồi bấm “Nhập kết quả”.` }
    : { kind: 'bad', text: `Tệp “${fileName}” có ${outcome.check.problems.length} lỗi. Không có dòng nào được ghi.` };
}

function appliedFlash(outcome: ResultsImportOutcome): Flash {
  const { counts } = outcome;
  return outcome.applied
    ? { kind: 'ok', text: `Đã nhập: thêm ${counts.created}, cập nhật ${counts.updated}, đính chính ${counts.corrections}, không đổi ${counts.unchanged}.` }
    : { kind: 'bad', text: 'Dữ liệu đã thay đổi từ lúc kiểm tra và tệp nay có lỗi; không có dòng nào được ghi.' };
}

/** Import from a file: check every row first (nothing written), then apply the checked upload at once; the template. */
export function importRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const now = () => deps.clock.now();
  const maxMb = Math.round((deps.importMaxBytes / 1024 / 1024) * 10) / 10;
  return new Hono<StaffEnv>()
    .get('/import', requirePermission('results', 'enter'), (c) => page(c, title, 'Nhập kết quả từ tệp', <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />))
    .post('/import', requirePermission('results', 'enter'), validate('form', z.object({ file: z.instanceof(File, { message: 'Hãy chọn một tệp.' }) })), async (c) => {
      const staff = currentStaff(c);
      const { file } = c.req.valid('form');
      if (file.size === 0) throw new AppError('bad_request', 'Tệp trống hoặc chưa chọn tệp.');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const outcome = await importResultsFile(deps.db, staff, bytes, file.name, false, now, deps.committee.classScheme);
      const ok = outcome.check.problems.length === 0;
      const uploadId = ok ? uploads.save(deps.uploadDir, staff.id, file.name, bytes, now()) : undefined;
      const body = (
        <>
          <ImportSummary outcome={outcome} uploadId={uploadId} csrfToken={c.get('csrfToken')} />
          <h2>{ok ? 'Chọn tệp khác' : 'Sửa tệp rồi kiểm tra lại'}</h2>
          <ImportForm csrfToken={c.get('csrfToken')} maxMb={maxMb} />
        </>
      );
      return page(c, title, 'Nhập kết quả từ tệp', body, { flash: checkedFlash(file.name, outcome), status: ok ? 200 : 422 });
    })
    .post('/import/apply', requirePermission('results', 'enter'), validate('form', z.object({ uploadId: z.string().max(64) })), async (c) => {
      const staff = currentStaff(c);
      const upload = uploads.load(deps.uploadDir, staff.id, c.req.valid('form').uploadId);
      const outcome = await importResultsFile(deps.db, staff, upload.bytes, upload.fileName, true, now, deps.committee.classScheme);
      if (outcome.applied) uploads.remove(upload.path);
      const body = (
        <>
          <ImportSummary outcome={outcome} csrfToken={c.get('csrfToken')} />
          <p>
            <a class="btn secondary" href="/staff/results">
              Xem danh sách chờ công bố
            </a>
          </p>
        </>
      );
      return page(c, title, 'Nhập kết quả từ tệp', body, { flash: appliedFlash(outcome), status: outcome.applied ? 200 : 422 });
    })
    .get('/template', requirePermission('results', 'enter'), async (c) => {
      const body = await resultsTemplate({ clinics: deps.db.select().from(clinics).all(), campaigns: deps.db.select().from(campaigns).all(), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-nhap-ket-qua-kham.xlsx') });
    });
}
