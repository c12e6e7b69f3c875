import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../auth/apiToken';
import { currentStaff, requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { AppError } from '../../errors';
import { attachment } from '../download';
import { allClinics } from '../../domain/registry/clinics';
import { importRegistryFile } from '../../domain/registry/importFile';
import { registryCsv, registryWorkbook, rejectedRowsWorkbook } from '../../domain/registry/registryExport';
import { auditRegistryExport, cadreDetail, listCadres, RegistryQuery, registryExportRows } from '../../domain/registry/search';
import { linkByStaff, unlinkByStaff, ZaloUserId } from '../../domain/linking/linking';
import { vietnamDate } from '../../domain/shared/quietHours';
import { validate, uploadLimit, XLSX_TYPE, IdParam, ImportQuery, ImportFileForm } from '../validation';

/** /api/registry: the cadre registry (list, one cadre, the Zalo link), its import and its export. */
export function registryApiRoutes(deps: StaffDeps) {
  return new Hono<ApiEnv>()
    .get('/cadres', requirePermission('registry', 'read'), validate('query', RegistryQuery), (c) =>
      c.json(listCadres(deps.db, currentStaff(c), c.req.valid('query'), deps.clock.now(), 'api.list')),
    )
    .get('/cadres/:id{[0-9]+}', requirePermission('registry', 'read'), validate('param', IdParam), (c) =>
      c.json(cadreDetail(deps.db, currentStaff(c), c.req.valid('param').id, deps.clock.now(), 'api.detail')),
    )
    .put('/cadres/:id{[0-9]+}/zalo-link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), validate('json', z.object({ zaloUserId: ZaloUserId })), (c) => {
      const { id } = c.req.valid('param');
      linkByStaff(deps.db, currentStaff(c), id, c.req.valid('json').zaloUserId, deps.clock.now());
      return c.json({ ok: true, cadreId: id, zaloUserId: c.req.valid('json').zaloUserId });
    })
    .delete('/cadres/:id{[0-9]+}/zalo-link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), (c) => {
      const { id } = c.req.valid('param');
      unlinkByStaff(deps.db, currentStaff(c), id, deps.clock.now());
      return c.json({ ok: true, cadreId: id });
    })
    .post(
      '/import',
      requirePermission('registry', 'import'),
      uploadLimit(deps.importMaxBytes),
      validate('query', ImportQuery.extend({ mode: z.enum(['all', 'good']).default('all') })),
      validate('form', ImportFileForm),
      async (c) => {
        const { file } = c.req.valid('form');
        const { dryRun, mode } = c.req.valid('query');
        const outcome = await importRegistryFile(deps, currentStaff(c), new Uint8Array(await file.arrayBuffer()), file.name, !dryRun, mode);
        const body = {
          fileName: file.name,
          dryRun,
          mode,
          applied: outcome.applied,
          rowCount: outcome.check.rowCount,
          counts: outcome.counts,
          changes: outcome.changes,
          ignoredHeaders: outcome.check.ignoredHeaders,
          skipped: outcome.check.skipped,
          problems: outcome.check.problems,
        };
        if (!dryRun && !outcome.applied && outcome.check.problems.length) {
          throw new AppError('validation_failed', `Tệp có ${body.problems.length} lỗi; không có dòng nào được ghi.`, body);
        }
        return c.json(body);
      },
    )
    .post('/import/rejected', requirePermission('registry', 'import'), uploadLimit(deps.importMaxBytes), validate('form', ImportFileForm), async (c) => {
      const { file } = c.req.valid('form');
      const outcome = await importRegistryFile(deps, currentStaff(c), new Uint8Array(await file.arrayBuffer()), file.name, false);
      const body = await rejectedRowsWorkbook(outcome.check, 'Dòng lỗi');
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': 'attachment; filename="dong-loi.xlsx"', 'cache-control': 'no-store' });
    })
    .get('/template', requirePermission('registry', 'import'), async (c) => {
      const body = await registryWorkbook([], { template: true, clinics: allClinics(deps.db), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-danh-sach-can-bo.xlsx') });
    })
    .get('/export', requirePermission('registry', 'export'), validate('query', z.object({ format: z.enum(['xlsx', 'csv']).default('csv') })), async (c) => {
      const { format } = c.req.valid('query');
      const rows = registryExportRows(deps.db);
      const now = deps.clock.now();
      const body = format === 'csv' ? Buffer.from(registryCsv(rows), 'utf8') : await registryWorkbook(rows);
      auditRegistryExport(deps.db, currentStaff(c), format, rows.length, now);
      return c.body(new Uint8Array(body), 200, {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
        'content-disposition': attachment(`danh-sach-can-bo-${vietnamDate(now)}.${format}`),
        'cache-control': 'no-store',
      });
    });
}
