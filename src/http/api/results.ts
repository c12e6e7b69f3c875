import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { exportPersonalData, personalDataWorkbook } from '../../domain/registry/personalDataExport';
import { releaseResults } from '../../domain/results/release';
import { auditStaffRead, pageResults, ResultListParams, type ResultRow } from '../../domain/results/resultList';
import { createDraft, discardDraft, ResultInput, resultForStaff, startCorrection, updateDraft } from '../../domain/results/results';
import { importResultsFile, resultsTemplate } from '../../domain/results/resultsImport';
import { fieldProblem, fieldProblems, vietnameseIssue } from '../../domain/shared/validationText';
import { AppError } from '../../errors';
import { inTransaction } from '../../store/db';
import { campaigns, clinics, examResults } from '../../store/schema';
import { allowedCodesText, classCodes, type ClassSchemeId } from '../../domain/results/classification';
import { currentStaff, requirePermission } from '../auth/session';
import type { ApiEnv } from '../auth/apiToken';
import { attachment } from '../download';
import { vietnamDate } from '../../domain/shared/quietHours';
import type { StaffDeps } from '../deps';
import { classificationFor, ClassificationQuery } from '../../domain/results/classificationFigures';
import { eraseWithConfirmation } from '../../domain/registry/personalDataErasure';
import { validate, uploadLimit, XLSX_TYPE, IdParam, ImportQuery, ImportFileForm } from '../validation';

const CadreParam = z.object({ cadreId: z.coerce.number().int().positive() });

const ResultListQuery = ResultListParams;

/** A result as the API shows it to staff allowed to read result text. */
const resultJson = (r: ResultRow) => ({
  ...r.result,
  cadre: r.cadre,
  clinicName: r.clinicName,
  enteredBy: r.enteredBy,
});

/**
 * /api/results: exam results for staff (bearer token). Reading result text is audited; only doctors and
 * admins release; viewers get the figures only.
 */
export function resultApiRoutes(deps: StaffDeps) {
  const now = () => deps.clock.now();
  return new Hono<ApiEnv>()
    .route('/', resultFileRoutes(deps))
    .route('/personal-data', personalDataRoutes(deps))
    .post('/release', requirePermission('results', 'release'), validate('json', z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) })), (c) => {
      const staff = currentStaff(c);
      const outcome = inTransaction(deps.db, (tx) => releaseResults(tx, staff, c.req.valid('json').ids, now()));
      deps.afterCommit();
      return c.json(outcome);
    })
    .get('/', requirePermission('results', 'read'), validate('query', ResultListQuery), (c) => {
      const staff = currentStaff(c);
      const { items: rows, window } = pageResults(deps.db, staff, c.req.valid('query'));
      auditStaffRead(deps.db, staff, rows.map((r) => r.result.id), now(), 'api.list');
      return c.json({ items: rows.map(resultJson), total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
    })
    .post('/', requirePermission('results', 'enter'), validate('json', z.object({ cadreId: z.number().int().positive() }).and(z.record(z.string(), z.unknown()))), (c) => {
      const body = c.req.valid('json');
      const input = parseInput(body, deps.committee.classScheme);
      const row = inTransaction(deps.db, (tx) => createDraft(tx, currentStaff(c), body.cadreId, input, now()));
      return c.json({ result: row }, 201);
    })
    .get('/:id{[0-9]+}', requirePermission('results', 'read'), validate('param', IdParam), (c) => {
      const staff = currentStaff(c);
      const result = resultForStaff(deps.db, staff, c.req.valid('param').id);
      auditStaffRead(deps.db, staff, [result.id], now(), 'api.detail');
      return c.json({ result });
    })
    .put('/:id{[0-9]+}', requirePermission('results', 'enter'), validate('param', IdParam), validate('json', z.record(z.string(), z.unknown())), (c) => {
      const held = deps.db.select({ healthClass: examResults.healthClass }).from(examResults).where(eq(examResults.id, c.req.valid('param').id)).get()?.healthClass ?? null;
      const input = parseInput(c.req.valid('json'), deps.committee.classScheme, held);
      const row = inTransaction(deps.db, (tx) => updateDraft(tx, currentStaff(c), c.req.valid('param').id, input, now()));
      return c.json({ result: row });
    })
    .delete('/:id{[0-9]+}', requirePermission('results', 'enter'), validate('param', IdParam), (c) => {
      inTransaction(deps.db, (tx) => discardDraft(tx, currentStaff(c), c.req.valid('param').id, now()));
      return c.json({ ok: true });
    })
    .post('/:id{[0-9]+}/correction', requirePermission('results', 'enter'), validate('param', IdParam), (c) => {
      const row = inTransaction(deps.db, (tx) => startCorrection(tx, currentStaff(c), c.req.valid('param').id, now()));
      return c.json({ result: row }, 201);
    });
}

/** The classification figures, the results template and the results import (one spreadsheet in, checked first). */
function resultFileRoutes(deps: StaffDeps) {
  const now = () => deps.clock.now();
  return new Hono<ApiEnv>()
    .get('/classification', requirePermission('results', 'figures'), validate('query', ClassificationQuery), (c) =>
      c.json(classificationFor(deps, currentStaff(c), c.req.valid('query'))),
    )
    .get('/template', requirePermission('results', 'enter'), async (c) => {
      const body = await resultsTemplate({ clinics: deps.db.select().from(clinics).all(), campaigns: deps.db.select().from(campaigns).all(), classScheme: deps.committee.classScheme });
      return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': attachment('mau-nhap-ket-qua-kham.xlsx') });
    })
    .post(
      '/import',
      requirePermission('results', 'enter'),
      uploadLimit(deps.importMaxBytes),
      validate('query', ImportQuery),
      validate('form', ImportFileForm),
      async (c) => {
        const { file } = c.req.valid('form');
        const { dryRun } = c.req.valid('query');
        const outcome = await importResultsFile(deps.db, currentStaff(c), new Uint8Array(await file.arrayBuffer()), file.name, !dryRun, now, deps.committee.classScheme);
        const body = {
          fileName: file.name,
          dryRun,
          applied: outcome.applied,
          rowCount: outcome.check.rowCount,
          counts: outcome.counts,
          ignoredHeaders: outcome.check.ignoredHeaders,
          problems: outcome.check.problems,
        };
        if (!dryRun && !outcome.applied) throw new AppError('validation_failed', `Tệp có ${body.problems.length} lỗi; không có dòng nào được ghi.`, body);
        return c.json(body);
      },
    );
}

/** /api/results/personal-data: one cadre's data exported (json or xlsx), or erased with a confirmation code. */
function personalDataRoutes(deps: StaffDeps) {
  const now = () => deps.clock.now();
  return new Hono<ApiEnv>()
    .get('/:cadreId{[0-9]+}', requirePermission('results', 'exportPersonal'), validate('param', CadreParam), validate('query', z.object({ format: z.enum(['json', 'xlsx']).default('json') })), async (c) => {
      const { cadreId } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const data = exportPersonalData(deps.db, currentStaff(c), cadreId, format, now());
      const name = `du-lieu-ca-nhan-${data.cadre.code}-${vietnamDate(now())}.${format}`;
      const headers = { 'content-disposition': attachment(name), 'cache-control': 'no-store' };
      if (format === 'json') return c.body(JSON.stringify(data, null, 2), 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      return c.body(new Uint8Array(await personalDataWorkbook(data)), 200, { ...headers, 'content-type': XLSX_TYPE });
    })
    .post(
      '/:cadreId{[0-9]+}/erase',
      requirePermission('results', 'erasePersonal'),
      validate('param', CadreParam),
      validate('json', z.object({ confirmCode: z.string().trim().min(1).max(50) })),
      (c) => {
        const { cadreId } = c.req.valid('param');
        const staff = currentStaff(c);
        const outcome = inTransaction(deps.db, (tx) => eraseWithConfirmation(tx, staff, cadreId, c.req.valid('json').confirmCode, now()));
        return c.json(outcome);
      },
    );
}

/** Parses a result body with the same schema as the pages; a bad field is a 400 naming it. */
function parseInput(body: unknown, scheme: ClassSchemeId, held: string | null = null): ResultInput {
  const parsed = ResultInput.safeParse(body, { error: vietnameseIssue });
  if (!parsed.success) {
    throw new AppError('validation_failed', 'Dữ liệu gửi lên chưa hợp lệ. Vui lòng kiểm tra lại.', fieldProblems(parsed.error.issues));
  }
  // A class of the committee's scheme, or the one a draft already holds from an earlier scheme.
  const cls = parsed.data.healthClass;
  if (cls && cls !== held && !classCodes(scheme).includes(cls)) {
    const message = `ghi một trong ${allowedCodesText(scheme)} hoặc null`;
    throw new AppError('validation_failed', `Phân loại sức khỏe “${cls}” không thuộc cách phân loại đang dùng; ${message}.`, [fieldProblem('healthClass', message)]);
  }
  return parsed.data;
}
