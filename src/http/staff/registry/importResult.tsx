import type { ImportOutcome } from '../../../domain/registry/importFile';
import { CsrfField } from '../layout';
import { FileCheckForm, ProblemTable } from '../ui';

/** How many rows the file has, how many are wrong, and what an import does (or did). */
function ImportStats(props: { outcome: ImportOutcome; badRows: number }) {
  const { check, counts, applied } = props.outcome;
  return (
    <div class="stats">
      <div class="stat">
        <span class="muted small">Số dòng dữ liệu</span>
        <b>{check.rowCount}</b>
      </div>
      {check.problems.length ? (
        <div class="stat" id="stat-bad-rows">
          <span class="muted small">Dòng có lỗi</span>
          <b style="color:var(--bad)">{props.badRows}</b>
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
  );
}

/** The first 200 cadres an import changes, field by field (old → new). */
function ImportChanges(props: { changes: ImportOutcome['changes']; applied: boolean }) {
  const { changes } = props;
  return (
    <div class="card" id="import-changes">
      <h2 style="margin-top:0">{props.applied ? 'Đã cập nhật' : 'Sẽ cập nhật'}</h2>
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
  );
}

/** The button that writes the checked file; with wrong rows, staff choose to import the good ones or nothing. */
function ApplyForm(props: { outcome: ImportOutcome; uploadId: string; badRows: number; csrfToken: string }) {
  const { check } = props.outcome;
  return (
    <form method="post" action="/staff/registry/import/apply" class="card">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="uploadId" value={props.uploadId} />
      {check.problems.length ? (
        <fieldset style="border:0;padding:0;margin:0 0 .75rem">
          <legend>Tệp có {props.badRows} dòng lỗi. Cách nhập:</legend>
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
  );
}

export function ImportResult(props: { outcome: ImportOutcome; uploadId?: string; csrfToken: string }) {
  const { check, applied, changes } = props.outcome;
  const problems = check.problems;
  const badRows = new Set(problems.map((p) => p.row)).size;
  return (
    <section>
      <ImportStats outcome={props.outcome} badRows={badRows} />
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
      {changes.length ? <ImportChanges changes={changes} applied={applied} /> : null}
      {!applied && props.uploadId && check.records.length ? (
        <ApplyForm outcome={props.outcome} uploadId={props.uploadId} badRows={badRows} csrfToken={props.csrfToken} />
      ) : null}
    </section>
  );
}

export function ImportForm(props: { csrfToken: string; maxMb: number }) {
  return (
    <FileCheckForm action="/staff/registry/import" csrfToken={props.csrfToken} maxMb={props.maxMb}>
      Chọn tệp Excel (.xlsx) hoặc CSV (UTF-8) theo đúng các cột của <a href="/staff/registry/template">tệp mẫu</a>. Hệ thống
      kiểm tra từng dòng trước; chỉ khi không còn lỗi nào mới ghi vào danh sách, và ghi tất cả cùng lúc. Cán bộ đã có (cùng
      mã) được cập nhật, cán bộ mới được thêm vào.
    </FileCheckForm>
  );
}
