import { Hono } from 'hono';
import { CampaignInput, createCampaign, listCampaigns } from '../../../domain/booking/campaigns';
import { allClinics } from '../../../domain/registry/clinics';
import { categoryLabels } from '../../../domain/registry/registryColumns';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { staffActor } from '../../../domain/staff/actor';
import { cadreCategories } from '../../../store/schema';
import { allowed, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { CsrfField } from '../layout';
import { fmtDate, page } from '../ui';
import { InputField, SelectField, SubmitRow } from '../formFields';
import { type Column, RowsTable } from '../uiParts';
import { campaignStatusLabels, CheckGroup, Msg, notices } from './shared';

type CampaignRow = ReturnType<typeof listCampaigns>[number];

function CampaignTable(props: { list: CampaignRow[]; today: string }) {
  const columns: Column<CampaignRow>[] = [
    { label: 'Đợt khám', cell: (k) => <a href={`/staff/booking/${k.id}`}>{k.name}</a> },
    { label: 'Năm / đợt', cell: (k) => `${k.year} / ${k.round}` },
    { label: 'Thời gian', cell: (k) => `${fmtDate(k.startDate)} – ${fmtDate(k.endDate)}` },
    {
      label: 'Trạng thái',
      cell: (k) => <span class={`badge ${k.status === 'open' && k.endDate >= props.today ? 'ok' : ''}`}>{campaignStatusLabels[k.status]}</span>,
    },
  ];
  return <RowsTable columns={columns} rows={props.list} empty="Chưa có đợt khám nào." />;
}

function CampaignFields(props: { year: number }) {
  return (
    <div class="grid">
      <InputField name="name" label="Tên đợt khám" wide required maxlength={200} value={`Khám sức khỏe định kỳ đợt 1 năm ${props.year}`} />
      <InputField name="year" label="Năm" type="number" value={String(props.year)} min="2000" max="2100" required />
      <SelectField name="round" label="Đợt" options={[{ value: '1', label: 'Đợt 1' }, { value: '2', label: 'Đợt 2' }]} />
      <InputField name="startDate" label="Từ ngày" placeholder="dd/mm/yyyy" required />
      <InputField name="endDate" label="Đến ngày" placeholder="dd/mm/yyyy" required />
      <InputField name="nudgeAfterDays" label="Nhắc người chưa đặt sau (ngày)" type="number" min="0" max="365" value="7" />
      <SelectField name="status" label="Trạng thái" options={[{ value: 'open', label: 'Mở đăng ký ngay' }, { value: 'draft', label: 'Nháp' }]} />
    </div>
  );
}

function CampaignForm(props: { deps: StaffDeps; token: string; year: number }) {
  const clinics = allClinics(props.deps.db);
  return (
    <form method="post" action="/staff/booking" class="card">
      <h2 style="margin-top:0">Tạo đợt khám mới</h2>
      <CsrfField token={props.token} />
      <CampaignFields year={props.year} />
      <CheckGroup legend="Đối tượng" name="eligibleCategories" margin=".8rem 0" options={cadreCategories.map((cat) => ({ value: cat, label: categoryLabels[cat], checked: true }))} />
      <CheckGroup legend="Nơi khám tham gia" name="clinicIds" margin=".8rem 0" options={clinics.map((cl) => ({ value: String(cl.id), label: cl.name }))} />
      <label for="instructions">Dặn cán bộ (mang theo, nhịn ăn…)</label>
      <textarea id="instructions" name="instructions" rows={2} maxlength={1000}>
        Nhịn ăn sáng; mang theo sổ y bạ và thẻ bảo hiểm y tế.
      </textarea>
      <SubmitRow label="Tạo đợt khám" />
    </form>
  );
}

/** The exam campaigns, and a new one. */
export function campaignListRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/', requirePermission('booking', 'read'), validate('query', Msg), (c) => {
      const s = currentStaff(c);
      const today = vietnamDate(deps.clock.now());
      const body = (
        <>
          <p class="actions">
            <a class="btn secondary" href="/staff/booking/holidays">
              Ngày nghỉ lễ
            </a>
          </p>
          <CampaignTable list={listCampaigns(deps.db)} today={today} />
          {allowed(s, 'booking', 'manageCampaigns') ? <CampaignForm deps={deps} token={c.get('csrfToken')} year={Number(today.slice(0, 4))} /> : null}
        </>
      );
      return page(c, deps.committee.name, 'Đợt khám định kỳ', body, { flash: notices[c.req.valid('query').msg ?? ''] });
    })
    .post('/', requirePermission('booking', 'manageCampaigns'), validate('form', CampaignInput), (c) => {
      const s = currentStaff(c);
      const campaign = createCampaign(deps.db, staffActor(s), c.req.valid('form'), s.id, deps.clock.now());
      deps.afterCommit();
      return c.redirect(`/staff/booking/${campaign.id}?msg=created`, 303);
    });
}
