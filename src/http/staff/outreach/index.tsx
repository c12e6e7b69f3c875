import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { previewBody, sampleValues, saveTemplate, TemplateInput, templateKindOf, type TemplateKind } from '../../../domain/outreach/templates';
import { AppError } from '../../../errors';
import { cadres, noticeTemplates, type TemplateParam } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import { validate } from '../../validation';
import type { Flash } from '../layout';
import { fmtDate, page } from '../ui';
import { TEMPLATES_PATH, type OutreachPageDeps } from './deps';
import { QuotaPage } from './quota';
import { TemplateForm, type TemplateFormValues, type TemplatePreview } from './templateForm';
import { TemplatesPage } from './templateList';

export { QUOTA_PATH, TEMPLATES_PATH, type OutreachPageDeps } from './deps';

const NameParam = z.object({ name: z.string().regex(/^[a-z_]{1,40}$/) });
const saved: Flash = { kind: 'ok', text: 'Đã lưu mẫu. Thông báo mới dùng mẫu này ngay.' };

function kindOrThrow(name: string): TemplateKind {
  const kind = templateKindOf(name);
  if (!kind) throw new AppError('not_found', 'Không có loại thông báo này.');
  return kind;
}

/** The form as stored (or as configured, before anything is saved). */
function formValues(deps: OutreachPageDeps, kind: TemplateKind): { values: TemplateFormValues; params: TemplateParam[] } {
  const row = deps.db.select().from(noticeTemplates).where(eq(noticeTemplates.name, kind.name)).get();
  const params = row?.params ?? [];
  return {
    values: {
      templateId: row?.templateId ?? deps.templates[kind.name] ?? '',
      status: row?.status ?? 'approved',
      approvedOn: row?.approvedOn ? fmtDate(row.approvedOn) : '',
      body: row?.body ?? '',
      params: params.map((p) => `${p.param} = ${p.source}`).join('\n'),
    },
    params,
  };
}

/** The body filled with the data of the cadre with this code (or the first cadre). */
function previewFor(deps: OutreachPageDeps, kind: TemplateKind, body: string, params: TemplateParam[], code: string | undefined): TemplatePreview {
  const cadre = code
    ? deps.db.select({ id: cadres.id, code: cadres.code, fullName: cadres.fullName }).from(cadres).where(eq(cadres.code, code.trim())).get()
    : deps.db.select({ id: cadres.id, code: cadres.code, fullName: cadres.fullName }).from(cadres).orderBy(cadres.id).get();
  if (!cadre) return { cadreCode: code ?? '', cadreName: null, text: '' };
  const values = sampleValues(deps.db, cadre.id);
  const shown = params.length ? params : kind.sources.map((s) => ({ param: s.key, source: s.key }));
  return { cadreCode: cadre.code, cadreName: cadre.fullName, text: previewBody(body, shown, values) };
}

const typedValues = (form: Record<string, string>): TemplateFormValues => ({
  templateId: form.templateId ?? '',
  status: form.status ?? '',
  approvedOn: form.approvedOn ?? '',
  body: form.body ?? '',
  params: form.params ?? '',
});

/** /staff/outreach: the daily template quota, and the Zalo templates per notice with a preview. */
export function outreachPages(deps: OutreachPageDeps) {
  return new Hono<StaffEnv>()
    .get('/quota', requirePermission('outreach', 'read'), (c) => page(c, deps.committeeName, 'Hạn mức tin mẫu Zalo', <QuotaPage deps={deps} now={deps.clock.now()} />))
    .get('/templates', requirePermission('outreach', 'manageTemplates'), (c) => page(c, deps.committeeName, 'Mẫu tin Zalo', <TemplatesPage deps={deps} />))
    .get(
      '/templates/:name',
      requirePermission('outreach', 'manageTemplates'),
      validate('param', NameParam),
      validate('query', z.object({ cadre: z.string().max(40).optional(), msg: z.literal('saved').optional() })),
      (c) => {
        const kind = kindOrThrow(c.req.valid('param').name);
        const { values, params } = formValues(deps, kind);
        const q = c.req.valid('query');
        return page(
          c,
          deps.committeeName,
          `Mẫu tin: ${kind.label}`,
          <TemplateForm c={c} kind={kind} values={values} params={params} preview={previewFor(deps, kind, values.body, params, q.cadre)} />,
          { flash: q.msg ? saved : null },
        );
      },
    )
    .post('/templates/:name', requirePermission('outreach', 'manageTemplates'), validate('param', NameParam), async (c) => {
      const kind = kindOrThrow(c.req.valid('param').name);
      const values = typedValues(Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : ''])));
      const fail = (text: string) =>
        page(c, deps.committeeName, `Mẫu tin: ${kind.label}`, <TemplateForm c={c} kind={kind} values={values} params={[]} preview={null} />, {
          flash: { kind: 'bad', text },
          status: 400,
        });
      const parsed = TemplateInput.safeParse(values);
      if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? 'Dữ liệu không hợp lệ.');
      try {
        saveTemplate(deps.db, kind, parsed.data, currentStaff(c).id, deps.clock.now());
      } catch (err) {
        // A parameter line the domain refused: shown on the form, with what was typed kept.
        if (err instanceof AppError && err.code === 'validation_failed') return fail(err.message);
        throw err;
      }
      return c.redirect(`${TEMPLATES_PATH}/${kind.name}?msg=saved`, 303);
    });
}
