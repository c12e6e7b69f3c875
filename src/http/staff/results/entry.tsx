import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { cadreCodeIs } from '../../../domain/registry/cadreSummary';
import { healthClassLabel } from '../../../domain/results/classification';
import { campaignNames } from '../../../domain/results/classificationMix';
import { auditStaffRead } from '../../../domain/results/resultList';
import { createDraft, discardDraft, resultForStaff, startCorrection, updateDraft } from '../../../domain/results/results';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { AppError } from '../../../errors';
import { inTransaction } from '../../../store/db';
import { cadres, clinics, examResults, type ExamResult } from '../../../store/schema';
import { allowed, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { confirmFirst } from '../confirm';
import { CsrfField } from '../layout';
import { fmtDate, fmtDateTime, page, PostButton } from '../ui';
import { inputFromForm, ResultFields, ResultForm } from './form';
import { back, Msg, noticeOf, statusBadge, statusLabels } from './shared';

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

/** What this staff member may do with the result in its state: edit, release, correct, discard. */
function ResultActions(props: { r: ExamResult; staff: StaffIdentity; token: string }) {
  const { r, staff, token } = props;
  const draft = r.status === 'draft';
  const canEnter = allowed(staff, 'results', 'enter');
  return (
    <div class="actions">
      {draft && canEnter ? (
        <a class="btn secondary" href={`/staff/results/${r.id}/edit`}>
          Sửa bản nháp
        </a>
      ) : null}
      {draft && allowed(staff, 'results', 'release') ? (
        <form method="post" action="/staff/results/release" class="inline">
          <CsrfField token={token} />
          <input type="hidden" name="ids" value={String(r.id)} />
          <input type="hidden" name="confirm" value="1" />
          <button class="btn" type="submit">
            Công bố
          </button>
        </form>
      ) : null}
      {r.status === 'released' && canEnter ? (
        <PostButton action={`/staff/results/${r.id}/correct`} token={token} label="Đính chính" class="btn secondary" />
      ) : null}
      {draft && canEnter ? (
        <PostButton action={`/staff/results/${r.id}/discard`} token={token} label="Xóa bản nháp" class="btn danger" />
      ) : null}
    </div>
  );
}

function ResultPage(props: { deps: StaffDeps; r: ReturnType<typeof resultForStaff>; staff: StaffIdentity; token: string }) {
  const { deps, r } = props;
  const clinicName = r.clinicId ? (deps.db.select({ name: clinics.name }).from(clinics).where(eq(clinics.id, r.clinicId)).get()?.name ?? null) : null;
  const campaignName = r.campaignId ? (campaignNames(deps.db, [r.campaignId]).get(r.campaignId) ?? null) : null;
  return (
    <>
      <p class="muted">
        Mã cán bộ {r.cadre.code} · <a href={`/staff/registry/${r.cadre.id}`}>Hồ sơ</a> · <a href={`/staff/results?status=released&q=${encodeURIComponent(r.cadre.code)}`}>Các kết quả khác</a>
      </p>
      <div class="card">
        <ResultDetail r={r} clinicName={clinicName} campaignName={campaignName} />
      </div>
      <ResultActions r={r} staff={props.staff} token={props.token} />
    </>
  );
}

/** The form of a result: a new draft (with the cadre code) or an edited one. */
function ResultEntryForm(props: { deps: StaffDeps; action: string; token: string; values: Partial<ExamResult>; cadreCode?: string; cancelHref?: string }) {
  const newEntry = props.cancelHref === undefined;
  return (
    <form method="post" action={props.action} class="card">
      <CsrfField token={props.token} />
      <ResultFields deps={props.deps} askCadre={newEntry} cadreCode={props.cadreCode} values={props.values} />
      <p class="actions">
        <button class="btn" type="submit">
          {newEntry ? 'Lưu bản nháp' : 'Lưu'}
        </button>
        {newEntry ? null : (
          <a class="btn secondary" href={props.cancelHref}>
            Hủy
          </a>
        )}
      </p>
    </form>
  );
}

/** Entering a result by hand: a new draft, or editing a draft. */
export function entryRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const now = () => deps.clock.now();
  return new Hono<StaffEnv>()
    .get('/new', requirePermission('results', 'enter'), validate('query', z.object({ code: z.string().max(50).optional() })), (c) => {
      const form = <ResultEntryForm deps={deps} action="/staff/results/new" token={c.get('csrfToken')} cadreCode={c.req.valid('query').code} values={{ examDate: vietnamDate(now()) }} />;
      return page(c, title, 'Nhập kết quả khám', form);
    })
    .post('/new', requirePermission('results', 'enter'), validate('form', ResultForm), (c) => {
      const staff = currentStaff(c);
      const form = c.req.valid('form');
      const cadre = form.cadreCode ? deps.db.select({ id: cadres.id }).from(cadres).where(cadreCodeIs(form.cadreCode)).get() : undefined;
      if (!cadre) throw new AppError('not_found', `Không có cán bộ mã “${form.cadreCode ?? ''}”.`);
      const row = inTransaction(deps.db, (tx) => createDraft(tx, staff, cadre.id, inputFromForm(form, deps.committee.classScheme), now()));
      return back(c, `/staff/results/${row.id}`, 'created');
    })
    .get('/:id{[0-9]+}/edit', requirePermission('results', 'enter'), validate('param', IdParam), (c) => {
      const staff = currentStaff(c);
      const r = resultForStaff(deps.db, staff, c.req.valid('param').id);
      if (r.status !== 'draft') throw new AppError('conflict', 'Kết quả đã công bố không sửa trực tiếp được; hãy dùng “Đính chính”.');
      auditStaffRead(deps.db, staff, [r.id], now(), 'page.edit');
      const form = <ResultEntryForm deps={deps} action={`/staff/results/${r.id}/edit`} token={c.get('csrfToken')} values={r} cancelHref={`/staff/results/${r.id}`} />;
      return page(c, title, `Sửa bản nháp: ${r.cadre.fullName}`, form);
    })
    .post('/:id{[0-9]+}/edit', requirePermission('results', 'enter'), validate('param', IdParam), validate('form', ResultForm), (c) => {
      const { id } = c.req.valid('param');
      const held = deps.db.select({ healthClass: examResults.healthClass }).from(examResults).where(eq(examResults.id, id)).get()?.healthClass ?? null;
      inTransaction(deps.db, (tx) => updateDraft(tx, currentStaff(c), id, inputFromForm(c.req.valid('form'), deps.committee.classScheme, held), now()));
      return back(c, `/staff/results/${id}`, 'saved');
    });
}

/** One result: its page (each view audited), a correction of a released one, discarding a draft. */
export function resultRoutes(deps: StaffDeps) {
  const title = deps.committee.name;
  const now = () => deps.clock.now();
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}', requirePermission('results', 'read'), validate('param', IdParam), validate('query', Msg), (c) => {
      const staff = currentStaff(c);
      const r = resultForStaff(deps.db, staff, c.req.valid('param').id);
      auditStaffRead(deps.db, staff, [r.id], now(), 'page.detail');
      const body = <ResultPage deps={deps} r={r} staff={staff} token={c.get('csrfToken')} />;
      return page(c, title, `Kết quả khám: ${r.cadre.fullName}`, body, { flash: noticeOf(c.req.valid('query').msg) });
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
