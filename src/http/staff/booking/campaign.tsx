import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { getCampaign, setCampaignStatus, SlotsInput } from '../../../domain/booking/campaigns';
import { checkClinic } from '../../../domain/booking/dayList';
import { campaignDays, createSlots } from '../../../domain/booking/slots';
import { categoryLabels } from '../../../domain/registry/registryColumns';
import { formatVietnamDay } from '../../../domain/shared/dates';
import { staffActor } from '../../../domain/staff/actor';
import { campaigns, campaignStatuses } from '../../../store/schema';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { confirmFirst } from '../confirm';
import { CsrfField, type Flash } from '../layout';
import { fmtDate, page } from '../ui';
import { InputField } from '../formFields';
import { DataTable } from '../uiParts';
import { campaignStatusLabels, CheckGroup, Msg, notices } from './shared';

type CampaignView = ReturnType<typeof getCampaign>;

const weekdayLabels = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];

function CampaignFacts(props: { k: CampaignView }) {
  const { k } = props;
  return (
    <dl class="kv">
      <dt>Năm / đợt</dt>
      <dd>
        {k.year} / đợt {k.round}
      </dd>
      <dt>Thời gian</dt>
      <dd>
        {fmtDate(k.startDate)} – {fmtDate(k.endDate)}
      </dd>
      <dt>Đối tượng</dt>
      <dd>{k.eligibleCategories.map((x) => categoryLabels[x]).join(', ')}</dd>
      <dt>Nơi khám</dt>
      <dd>{k.clinics.map((x) => x.name).join(', ')}</dd>
      <dt>Dặn cán bộ</dt>
      <dd>{k.instructions || '—'}</dd>
      <dt>Nhắc người chưa đặt</dt>
      <dd>{k.nudgeAfterDays === null ? 'Không' : `Sau ${k.nudgeAfterDays} ngày kể từ ngày bắt đầu`}</dd>
      <dt>Trạng thái</dt>
      <dd>{campaignStatusLabels[k.status]}</dd>
    </dl>
  );
}

/** Edit, figures, and a button for each other status the campaign can take. */
function CampaignButtons(props: { k: CampaignView; s: StaffIdentity; token: string }) {
  const { k, s } = props;
  return (
    <p class="actions">
      {allowed(s, 'booking', 'manageCampaigns') ? (
        <a class="btn secondary small" href={`/staff/booking/${k.id}/edit`}>
          Sửa tên, thời gian, lời dặn
        </a>
      ) : null}
      {allowed(s, 'booking', 'figures') ? (
        <a class="btn secondary small" href={`/staff/booking/${k.id}/figures`}>
          Số liệu đợt khám
        </a>
      ) : null}
      {allowed(s, 'booking', 'manageCampaigns')
        ? campaignStatuses
            .filter((st) => st !== k.status)
            .map((st) => (
              <form method="post" class="inline" action={`/staff/booking/${k.id}/status`}>
                <CsrfField token={props.token} />
                <input type="hidden" name="status" value={st} />
                <button class="btn small secondary" type="submit">
                  {st === 'open' ? 'Mở đăng ký' : st === 'closed' ? 'Đóng đợt khám' : 'Chuyển về nháp'}
                </button>
              </form>
            ))
        : null}
    </p>
  );
}

function CampaignDaysTable(props: { k: CampaignView; days: ReturnType<typeof campaignDays>; canOpenDay: boolean }) {
  const { k } = props;
  return (
    <DataTable
      columns={['Ngày', 'Nơi khám', 'Số ca', 'Đã đặt / chỗ', <th></th>]}
      rows={props.days}
      empty="Chưa có ca khám nào."
      row={(d) => (
        <tr>
          <td data-label="Ngày">{formatVietnamDay(d.date)}</td>
          <td data-label="Nơi khám">{k.clinics.find((x) => x.id === d.clinicId)?.name}</td>
          <td data-label="Số ca">{d.slots}</td>
          <td data-label="Đã đặt / chỗ">
            {d.booked} / {d.capacity}
            {d.capacity === 0 ? <span class="badge bad">Đã đóng</span> : null}
          </td>
          <td>{props.canOpenDay ? <a href={`/staff/booking/${k.id}/day?clinicId=${d.clinicId}&date=${d.date}`}>Danh sách</a> : null}</td>
        </tr>
      )}
    />
  );
}

function SlotFields(props: { k: CampaignView }) {
  const { k } = props;
  return (
    <div class="grid">
      <InputField name="fromDate" label="Từ ngày" value={fmtDate(k.startDate)} required />
      <InputField name="toDate" label="Đến ngày" value={fmtDate(k.endDate)} required />
      <InputField name="startTime" label="Từ giờ" value="7:00" required />
      <InputField name="endTime" label="Đến giờ" value="11:00" required />
      <InputField name="slotMinutes" label="Mỗi ca (phút)" type="number" value="30" min="5" max="480" required />
      <InputField name="capacity" label="Số người mỗi ca" type="number" value="10" min="1" max="1000" required />
    </div>
  );
}

function SlotsForm(props: { campaign: CampaignView; clinics: { id: number; name: string }[]; token: string }) {
  const k = props.campaign;
  return (
    <form method="post" action={`/staff/booking/${k.id}/slots`} class="card">
      <h2 style="margin-top:0">Thêm ca khám</h2>
      <CsrfField token={props.token} />
      <CheckGroup legend="Nơi khám" name="clinicIds" margin="0 0 .8rem" options={props.clinics.map((cl) => ({ value: String(cl.id), label: cl.name, checked: props.clinics.length === 1 }))} />
      <SlotFields k={k} />
      <CheckGroup legend="Các thứ trong tuần" name="weekdays" margin=".8rem 0" options={weekdayLabels.map((w, i) => ({ value: String(i + 1), label: w, checked: i < 5 }))} />
      <button class="btn" type="submit">
        Tạo ca khám
      </button>
    </form>
  );
}

function CampaignPage(props: { deps: StaffDeps; k: CampaignView; s: StaffIdentity; token: string }) {
  const { k, s } = props;
  const scope = clinicScope(s);
  const clinics = k.clinics.filter((cl) => scope === null || cl.id === scope);
  return (
    <>
      <div class="card">
        <CampaignFacts k={k} />
        <CampaignButtons k={k} s={s} token={props.token} />
      </div>
      <h2>Các ngày khám</h2>
      <CampaignDaysTable k={k} days={campaignDays(props.deps.db, k.id, scope)} canOpenDay={allowed(s, 'booking', 'readDayList')} />
      {allowed(s, 'booking', 'manageSlots') && clinics.length ? <SlotsForm campaign={k} clinics={clinics} token={props.token} /> : null}
    </>
  );
}

/** "slots-12-3" after adding slots: how many were made and how many already existed. */
function campaignFlash(msg: string): Flash | undefined {
  const slotsMsg = /^slots-(\d+)-(\d+)$/.exec(msg);
  return slotsMsg ? { kind: 'ok', text: `Đã tạo ${slotsMsg[1]} ca khám${Number(slotsMsg[2]) ? `; ${slotsMsg[2]} ca đã có sẵn được giữ nguyên` : ''}.` } : notices[msg];
}

/** One campaign: its facts and days, its status (closing asks first), new slots. */
export function campaignRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}', requirePermission('booking', 'read'), validate('param', IdParam), validate('query', Msg), (c) => {
      const k = getCampaign(deps.db, c.req.valid('param').id);
      const body = <CampaignPage deps={deps} k={k} s={currentStaff(c)} token={c.get('csrfToken')} />;
      return page(c, deps.committee.name, k.name, body, { flash: campaignFlash(c.req.valid('query').msg ?? '') });
    })
    .post(
      '/:id{[0-9]+}/status',
      requirePermission('booking', 'manageCampaigns'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c, form) => {
        if (form.status !== 'closed') return null;
        const id = Number(c.req.param('id'));
        const k = deps.db.select({ name: campaigns.name }).from(campaigns).where(eq(campaigns.id, id)).get();
        return {
          title: 'Đóng đợt khám?',
          text: `Đóng “${k?.name ?? ''}”: cán bộ không đặt hay đổi lịch trong đợt này qua Zalo được nữa. Lịch đã đặt vẫn giữ. Có thể mở lại sau.`,
          confirmLabel: 'Đóng đợt khám',
          back: `/staff/booking/${id}`,
        };
      }),
      validate('form', z.object({ status: z.enum(campaignStatuses) })),
      (c) => {
        const { id } = c.req.valid('param');
        setCampaignStatus(deps.db, staffActor(currentStaff(c)), id, c.req.valid('form').status, deps.clock.now());
        deps.afterCommit();
        return c.redirect(`/staff/booking/${id}?msg=status`, 303);
      },
    )
    .post('/:id{[0-9]+}/slots', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('form', SlotsInput), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('form');
      for (const clinicId of input.clinicIds) checkClinic(s, clinicId);
      const r = createSlots(deps.db, staffActor(s), id, input, deps.clock.now());
      return c.redirect(`/staff/booking/${id}?msg=slots-${r.created}-${r.skipped}`, 303);
    });
}
