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
import { EmptyRow, fmtDate, page } from '../ui';
import { campaignStatusLabels, CheckGroup, Msg, notices } from './shared';

function CampaignTable(props: { list: ReturnType<typeof listCampaigns>; today: string }) {
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            <th>Đợt khám</th>
            <th>Năm / đợt</th>
            <th>Thời gian</th>
            <th>Trạng thái</th>
          </tr>
        </thead>
        <tbody>
          {props.list.length === 0 ? <EmptyRow colspan={4}>Chưa có đợt khám nào.</EmptyRow> : null}
          {props.list.map((k) => (
            <tr>
              <td data-label="Đợt khám">
                <a href={`/staff/booking/${k.id}`}>{k.name}</a>
              </td>
              <td data-label="Năm / đợt">
                {k.year} / {k.round}
              </td>
              <td data-label="Thời gian">
                {fmtDate(k.startDate)} – {fmtDate(k.endDate)}
              </td>
              <td data-label="Trạng thái">
                <span class={`badge ${k.status === 'open' && k.endDate >= props.today ? 'ok' : ''}`}>{campaignStatusLabels[k.status]}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CampaignFields(props: { year: number }) {
  return (
    <div class="grid">
      <div class="wide">
        <label for="name">Tên đợt khám</label>
        <input type="text" id="name" name="name" required maxlength={200} value={`Khám sức khỏe định kỳ đợt 1 năm ${props.year}`} />
      </div>
      <div>
        <label for="year">Năm</label>
        <input type="number" id="year" name="year" value={String(props.year)} min="2000" max="2100" required />
      </div>
      <div>
        <label for="round">Đợt</label>
        <select id="round" name="round">
          <option value="1">Đợt 1</option>
          <option value="2">Đợt 2</option>
        </select>
      </div>
      <div>
        <label for="startDate">Từ ngày</label>
        <input type="text" id="startDate" name="startDate" placeholder="dd/mm/yyyy" required />
      </div>
      <div>
        <label for="endDate">Đến ngày</label>
        <input type="text" id="endDate" name="endDate" placeholder="dd/mm/yyyy" required />
      </div>
      <div>
        <label for="nudgeAfterDays">Nhắc người chưa đặt sau (ngày)</label>
        <input type="number" id="nudgeAfterDays" name="nudgeAfterDays" min="0" max="365" value="7" />
      </div>
      <div>
        <label for="status">Trạng thái</label>
        <select id="status" name="status">
          <option value="open">Mở đăng ký ngay</option>
          <option value="draft">Nháp</option>
        </select>
      </div>
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
      <p>
        <button class="btn" type="submit">
          Tạo đợt khám
        </button>
      </p>
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
