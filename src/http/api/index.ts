import { Hono } from 'hono';
import type { StaffFeature } from '../feature';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { pageParam } from '../../domain/shared/listing';
import { registryCsv, registryWorkbook, rejectedRowsWorkbook } from '../../domain/registry/registryExport';
import { AppError } from '../../errors';
import { proxyStatuses } from '../../store/schema';
import { bearerAuth, type ApiEnv } from '../auth/apiToken';
import { changeOwnPassword, PasswordChange } from '../../domain/staff/staff';
import { recordAudit } from '../../store/audit';
import { staffActor } from '../../domain/staff/actor';
import { currentStaff, requirePermission } from '../auth/session';
import { attachment } from '../download';
import { AuditQuery, searchAudit } from '../../domain/staff/auditSearch';
import { allClinics } from '../../domain/registry/clinics';
import { linkByStaff, unlinkByStaff, ZaloUserId } from '../../domain/linking/linking';
import { decideProxy, listProxies, ProxyDecision } from '../../domain/linking/proxies';
import { vietnamDate } from '../../domain/shared/quietHours';
import { importRegistryFile } from '../../domain/registry/importFile';
import { auditRegistryExport, cadreDetail, listCadres, RegistryQuery, registryExportRows } from '../../domain/registry/search';
import type { StaffDeps } from '../deps';
import { validate, uploadLimit, XLSX_TYPE, IdParam, ImportQuery, ImportFileForm } from '../validation';

/** Every body stops at `maxBytes` (413 with a code), but multipart uploads, which get the import file limit. */
function jsonBodyLimit(maxBytes: number, uploadMaxBytes: number) {
  const upload = uploadLimit(uploadMaxBytes);
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `Nội dung yêu cầu quá lớn (tối đa ${Math.round(maxBytes / 1024)} KB).`, { maxBytes });
    },
  });
  return createMiddleware<ApiEnv>((c, next) => (/^multipart\/form-data/i.test(c.req.header('content-type') ?? '') ? upload(c, next) : limit(c, next)));
}

/**
 * /api: the staff HTTP API, authenticated with bearer tokens (a token acts with its staff member's role).
 * Errors are `{ error: { code, message, requestId } }` from the app's one error handler.
 */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function apiRoutes(deps: StaffDeps, features: readonly StaffFeature[]) {
  const api = new Hono<ApiEnv>()
    .use(jsonBodyLimit(deps.apiJsonMaxBytes, deps.importMaxBytes))
    .use(bearerAuth(deps))
    .get('/me', (c) => c.json({ staff: currentStaff(c) }))
    .post('/me/password', requirePermission('account', 'changePassword'), validate('json', PasswordChange.omit({ confirmPassword: true })), async (c) => {
      const staff = currentStaff(c);
      const { currentPassword, newPassword } = c.req.valid('json');
      await changeOwnPassword(deps.db, staff.id, currentPassword, newPassword, deps.clock.now());
      recordAudit(deps.db, staffActor(staff), { action: 'staff.password_changed', entity: 'staff_user', entityId: staff.id }, deps.clock.now());
      // Every API token of the account, this one included, is revoked: make a new one on the staff page.
      return c.json({ ok: true, tokensRevoked: true });
    })
    .get('/registry/cadres', requirePermission('registry', 'read'), validate('query', RegistryQuery), (c) =>
      c.json(listCadres(deps.db, currentStaff(c), c.req.valid('query'), deps.clock.now(), 'api.list')),
    )
    .get('/registry/cadres/:id{[0-9]+}', requirePermission('registry', 'read'), validate('param', IdParam), (c) =>
      c.json(cadreDetail(deps.db, currentStaff(c), c.req.valid('param').id, deps.clock.now(), 'api.detail')),
    )
    .put('/registry/cadres/:id{[0-9]+}/zalo-link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), validate('json', z.object({ zaloUserId: ZaloUserId })), (c) => {
      const { id } = c.req.valid('param');
      linkByStaff(deps.db, currentStaff(c), id, c.req.valid('json').zaloUserId, deps.clock.now());
      return c.json({ ok: true, cadreId: id, zaloUserId: c.req.valid('json').zaloUserId });
    })
    .delete('/registry/cadres/:id{[0-9]+}/zalo-link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), (c) => {
      const { id } = c.req.valid('param');
      unlinkByStaff(deps.db, currentStaff(c), id, deps.clock.now());
      return c.json({ ok: true, cadreId: id });
    })
    .post(
      '/registry/import',
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
    .post('/registry/import/rejected', requirePermission('registry', 'import'), uploadLimit(deps.importMaxBytes), validate('form', ImportFileForm), async (c) => {
      const { file } = c.req.valid('form');
      const outcome = await importRegistryFile(deps, currentStaff(c), new Uint8Array(await file.arrayBuffer()), file.name, false);
      const body = await rejectedRowsWorkbook(outcome.check, 'Dòng lỗi');
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': 'attachment; filename="dong-loi.xlsx"', 'cache-control': 'no-store' });
    })
    .get('/registry/template', requirePermission('registry', 'import'), async (c) => {
      const body = await registryWorkbook([], { template: true, clinics: allClinics(deps.db), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-danh-sach-can-bo.xlsx') });
    })
    .get('/registry/export', requirePermission('registry', 'export'), validate('query', z.object({ format: z.enum(['xlsx', 'csv']).default('csv') })), async (c) => {
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
    })
    .get('/proxies', requirePermission('proxies', 'decide'), validate('query', z.object({ status: z.enum([...proxyStatuses, 'all']).default('pending'), page: pageParam })), (c) => {
      const q = c.req.valid('query');
      const { items, window } = listProxies(deps.db, q.status, q.page);
      return c.json({ items, total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
    })
    .post(
      '/proxies/:id{[0-9]+}/decision',
      requirePermission('proxies', 'decide'),
      validate('param', IdParam),
      validate('json', z.object({ decision: ProxyDecision, note: z.string().trim().max(500).default('') })),
      (c) => {
        const { decision, note } = c.req.valid('json');
        const proxy = decideProxy(deps, currentStaff(c), c.req.valid('param').id, decision, note);
        return c.json({ proxy });
      },
    )
    .get('/audit', requirePermission('audit', 'read'), validate('query', AuditQuery), (c) => {
      const r = searchAudit(deps.db, c.req.valid('query'));
      return c.json({ items: r.items.map((i) => ({ ...i.entry, actorUsername: i.username })), total: r.total, page: r.page, pages: r.pages });
    });
  for (const feature of features) if (feature.api) api.route(feature.apiPath ?? feature.path, feature.api);
  return api;
}
