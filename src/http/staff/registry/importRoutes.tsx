import { Hono } from 'hono';
import { z } from 'zod';
import { importRegistryFile, type ImportOutcome } from '../../../domain/registry/importFile';
import { registryWorkbook, rejectedRowsWorkbook } from '../../../domain/registry/registryExport';
import { allClinics } from '../../../domain/registry/clinics';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { uploads } from '../../../domain/shared/uploads';
import { AppError } from '../../../errors';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { attachment } from '../../download';
import { validate, XLSX_TYPE } from '../../validation';
import type { Flash } from '../layout';
import { page } from '../ui';
import { ImportForm, ImportResult } from './importResult';

const badRowCount = (outcome: ImportOutcome) => new Set(outcome.check.problems.map((p) => p.row)).size;

function checkedFlash(fileName: string, outcome: ImportOutcome): Flash {
  return outcome.check.problems.length === 0
    ? { kind: 'ok', text: `Tệp “${fileName}” hợp lệ: chưa có gì được ghi. Xem lại số liệu rồi bấm “Nhập vào danh sách”.` }
    : { kind: 'bad', text: `Tệp “${fileName}” có ${outcome.check.problems.length} lỗi. Chưa có dòng nào được ghi vào danh sách.` };
}

function appliedFlash(outcome: ImportOutcome): Flash {
  return outcome.applied
    ? {
        kind: 'ok',
        text: `Đã nhập xong: thêm ${outcome.counts.created}, cập nhật ${outcome.counts.updated}, không đổi ${outcome.counts.unchanged}.${outcome.check.problems.length ? ` Còn ${badRowCount(outcome)} dòng lỗi chưa nhập: tải về, sửa rồi nhập lại.` : ''}`,
      }
    : { kind: 'bad', text: 'Dữ liệu đã thay đổi từ lúc kiểm tra và tệp nay có lỗi; không có dòng nào được ghi.' };
}

/** The template, checking a file (nothing written), downloading its wrong rows, and applying it. */
export function importRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const maxMb = Math.round((deps.importMaxBytes / 1024 / 1024) * 10) / 10;
  return new Hono<StaffEnv>()
    .get('/template', requirePermission('registry', 'import'), async (c) => {
      const body = await registryWorkbook([], { template: true, clinics: allClinics(deps.db), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-danh-sach-can-bo.xlsx') });
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
        { flash: checkedFlash(file.name, outcome), status: ok ? 200 : 422 },
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
        { flash: appliedFlash(outcome), status: outcome.applied ? 200 : 422 },
      );
    });
}
