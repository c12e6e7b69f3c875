import { Hono } from 'hono';
import { requestTypeLabels, timeOfDayLabels } from '../../../domain/requests/labels';
import { defaultRequestSettings } from '../../../domain/requests/requestChat';
import { fileRequestForCadre, RequestForCadreInput, staffFiledTypes } from '../../../domain/requests/requestForCadre';
import { staffActor } from '../../../domain/staff/actor';
import { timesOfDay, type Cadre } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { CsrfField } from '../layout';
import { Field, SelectField, SubmitRow } from '../formFields';
import { DateInput, page } from '../ui';
import { addressed, loadCadre } from './shared';

function RequestForm(props: { cadre: Cadre; token: string }) {
  const { cadre } = props;
  return (
    <form method="post" action={`/staff/registry/${cadre.id}/request`} class="card" id="request-for-cadre">
      <p style="margin-top:0">
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
      </p>
      <CsrfField token={props.token} />
      <div class="grid">
        <SelectField name="type" label="Loại yêu cầu" options={staffFiledTypes.map((t) => ({ value: t, label: requestTypeLabels[t] }))} />
        <SelectField
          name="urgency"
          label="Mức độ"
          options={[
            { value: 'normal', label: 'Bình thường' },
            { value: 'urgent', label: 'Gấp' },
          ]}
        />
        <Field label="Ngày mong muốn" for="preferredDate">
          <DateInput name="preferredDate" />
        </Field>
        <SelectField name="preferredTime" label="Buổi" options={timesOfDay.map((t) => ({ value: t, label: timeOfDayLabels[t] }))} />
      </div>
      <label for="details" style="margin-top:.8rem">
        Nội dung (cán bộ nói gì)
      </label>
      <textarea id="details" name="details" rows={3} maxlength={2000} required></textarea>
      <label for="address" style="margin-top:.8rem">
        Địa chỉ (cho khám tại nhà, giao thuốc)
      </label>
      <input type="text" id="address" name="address" maxlength={300} />
      <SubmitRow label="Ghi yêu cầu" />
    </form>
  );
}

/** A request (home visit, medicine…) filed by staff for the cadre, handled like one from the chat. */
export function requestRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/request', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      return page(c, deps.committee.name, `Ghi yêu cầu thay ${addressed(cadre)}`, <RequestForm cadre={cadre} token={c.get('csrfToken')} />);
    })
    .post('/:id{[0-9]+}/request', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', RequestForCadreInput), (c) => {
      const staff = currentStaff(c);
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      const policy = deps.catalog().requestSettings?.policy ?? defaultRequestSettings.policy;
      const r = fileRequestForCadre(deps.db, staffActor(staff), staff.id, cadre.id, c.req.valid('form'), policy, deps.clock.now());
      deps.afterCommit();
      return c.redirect(`/staff/requests/${r.id}`, 303);
    });
}
