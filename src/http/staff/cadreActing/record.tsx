import { Hono } from 'hono';
import type { z } from 'zod';
import { CadreEditInput, cadreEditChanges, cadreStatusLabels, cadreStatuses, futureBookingsOf, statusOf, updateCadreRecord } from '../../../domain/registry/cadreRecord';
import { allClinics } from '../../../domain/registry/clinics';
import { categoryLabels } from '../../../domain/registry/registryColumns';
import { formatPhone } from '../../../domain/shared/phone';
import { staffActor } from '../../../domain/staff/actor';
import { AppError } from '../../../errors';
import { cadreCategories, type Cadre } from '../../../store/schema';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { ChangeTable, ConfirmBox } from '../confirm';
import { CsrfField } from '../layout';
import { DateInput, fmtDate, NamedSelect, page, type StaffContext } from '../ui';
import { Confirmed, loadCadre } from './shared';

const EditSubmission = CadreEditInput.extend(Confirmed.shape);
type EditInput = z.infer<typeof CadreEditInput>;

function EditForm(props: { deps: StaffDeps; staff: StaffIdentity; cadre: Cadre; token: string }) {
  const { cadre, staff } = props;
  const scope = clinicScope(staff);
  const clinics = allClinics(props.deps.db).filter((k) => scope === null || k.id === scope);
  const status = statusOf(cadre);
  return (
    <form method="post" action={`/staff/registry/${cadre.id}/edit`} class="card" id="edit-cadre">
      <p style="margin-top:0">
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a> · Mã {cadre.code} · sinh {fmtDate(cadre.birthDate)}
      </p>
      <CsrfField token={props.token} />
      <div class="grid">
        <div>
          <label for="phone">Điện thoại</label>
          <input type="text" id="phone" name="phone" inputmode="tel" value={cadre.phone ? formatPhone(cadre.phone) : ''} placeholder="0912 345 678" />
        </div>
        <div>
          <label for="email">Email</label>
          <input type="email" id="email" name="email" value={cadre.email ?? ''} />
        </div>
        <NamedSelect name="clinicId" label="Phòng khám" items={clinics} selected={cadre.clinicId} empty={scope === null ? '(chưa có)' : undefined} />
        <div>
          <label for="unit">Đơn vị</label>
          <input type="text" id="unit" name="unit" value={cadre.unit} maxlength={200} />
        </div>
        <div>
          <label for="category">Đối tượng</label>
          <select id="category" name="category">
            {cadreCategories.map((k) => (
              <option value={k} selected={k === cadre.category}>
                {categoryLabels[k]}
              </option>
            ))}
          </select>
        </div>
        {allowed(staff, 'registry', 'readHealth') ? (
          <div>
            <label for="frail">Khám tại nhà (không đi khám được)</label>
            <select id="frail" name="frail">
              <option value="no" selected={!cadre.frail}>
                Không
              </option>
              <option value="yes" selected={cadre.frail}>
                Có
              </option>
            </select>
          </div>
        ) : null}
        <div>
          <label for="status">Tình trạng</label>
          <select id="status" name="status">
            {cadreStatuses.map((s) => (
              <option value={s} selected={s === status}>
                {cadreStatusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="leftOn">Ngày chuyển đi / từ trần (bỏ trống: hôm nay)</label>
          <DateInput name="leftOn" value={cadre.leftOn} />
        </div>
      </div>
      <p class="small muted">Bấm “Xem lại” để thấy từng thay đổi (trước → sau) trước khi lưu. Mọi thay đổi được ghi vào nhật ký.</p>
      <button class="btn" type="submit">
        Xem lại
      </button>
    </form>
  );
}

/** Each change (before → after) and, when the cadre leaves, how many coming exams are cancelled. */
function confirmEditPage(deps: StaffDeps, c: StaffContext, cadre: Cadre, input: EditInput, form: z.infer<typeof EditSubmission>) {
  const now = deps.clock.now();
  const { changes } = cadreEditChanges(deps.db, cadre, input, now);
  if (!changes.length) return c.redirect(`/staff/registry/${cadre.id}?msg=unchanged`, 303);
  const leaving = cadre.active && input.status !== 'active' ? futureBookingsOf(deps.db, cadre.id, now).length : 0;
  const raw = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
  return page(
    c,
    deps.committee.name,
    `Xác nhận sửa hồ sơ: ${cadre.fullName}`,
    <ConfirmBox
      action={`/staff/registry/${cadre.id}/edit`}
      token={c.get('csrfToken')}
      fields={{ ...raw, confirm: undefined, leftOn: input.leftOn ?? '' }}
      told={0}
      confirmLabel="Lưu thay đổi"
      cancelHref={`/staff/registry/${cadre.id}/edit`}
    >
      <ChangeTable changes={changes} />
      {leaving ? (
        <p class="flash warn">
          {leaving} lịch khám sắp tới của cán bộ sẽ được hủy (không nhắn tin cho cán bộ hay gia đình).
        </p>
      ) : null}
    </ConfirmBox>,
  );
}

/** Editing the cadre's record: reviewed change by change first, history in the audit log. */
export function recordRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/edit', requirePermission('registry', 'edit'), validate('param', IdParam), (c) => {
      const staff = currentStaff(c);
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      return page(c, deps.committee.name, `Sửa hồ sơ: ${cadre.fullName}`, <EditForm deps={deps} staff={staff} cadre={cadre} token={c.get('csrfToken')} />);
    })
    .post('/:id{[0-9]+}/edit', requirePermission('registry', 'edit'), validate('param', IdParam), validate('form', EditSubmission), (c) => {
      const staff = currentStaff(c);
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      const { confirm, ...input } = c.req.valid('form');
      if (!allowed(staff, 'registry', 'readHealth')) delete input.frail;
      const scope = clinicScope(staff);
      if (scope !== null && input.clinicId !== scope) throw new AppError('forbidden', 'Chỉ điều phối viên hoặc quản trị chuyển cán bộ sang phòng khám khác.');
      if (confirm !== '1') return confirmEditPage(deps, c, cadre, input, c.req.valid('form'));
      const r = updateCadreRecord(deps.db, staffActor(staff), cadre, input, deps.clock.now());
      return c.redirect(`/staff/registry/${cadre.id}?msg=${r.changes.length ? 'edited' : 'unchanged'}`, 303);
    });
}
