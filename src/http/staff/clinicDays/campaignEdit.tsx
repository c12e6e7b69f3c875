import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { getCampaign } from '../../../domain/booking/campaigns';
import { CampaignEditInput, campaignEditPreview, changedWords, updateCampaignDetails } from '../../../domain/booking/clinicDays';
import { formatIsoDate } from '../../../domain/shared/dates';
import { staffActor } from '../../../domain/staff/actor';
import { AppError } from '../../../errors';
import { campaigns, type Campaign } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { ChangeTable, ConfirmBox } from '../confirm';
import { CsrfField } from '../layout';
import { DateInput, fmtDate, page, type StaffContext } from '../ui';

const confirmed = z.object({ confirm: z.literal('1').optional() });
type CampaignEdit = z.infer<typeof CampaignEditInput>;

function CampaignEditForm(props: { k: ReturnType<typeof getCampaign>; token: string }) {
  const { k } = props;
  return (
    <form method="post" action={`/staff/booking/${k.id}/edit`} class="card" id="edit-campaign">
      <p style="margin-top:0">
        <a href={`/staff/booking/${k.id}`}>← {k.name}</a>
      </p>
      <CsrfField token={props.token} />
      <div class="grid">
        <div class="wide">
          <label for="name">Tên đợt khám</label>
          <input type="text" id="name" name="name" required maxlength={200} value={k.name} />
        </div>
        <div>
          <label for="startDate">Từ ngày</label>
          <DateInput name="startDate" value={k.startDate} required />
        </div>
        <div>
          <label for="endDate">Đến ngày</label>
          <DateInput name="endDate" value={k.endDate} required />
        </div>
      </div>
      <label for="instructions" style="margin-top:.8rem">
        Dặn cán bộ (mang theo, nhịn ăn…)
      </label>
      <textarea id="instructions" name="instructions" rows={3} maxlength={1000}>
        {k.instructions}
      </textarea>
      <p class="small muted">Bấm “Xem lại” để thấy thay đổi và số cán bộ sẽ được báo trước khi lưu.</p>
      <button class="btn" type="submit">
        Xem lại
      </button>
    </form>
  );
}

/** The changed fields (before → after), who will be told, and the empty slots the new dates drop. */
function confirmEditPage(deps: StaffDeps, c: StaffContext, k: Campaign, input: CampaignEdit, p: ReturnType<typeof campaignEditPreview>) {
  const changes = [
    p.changed.includes('name') ? { label: 'Tên đợt khám', from: k.name, to: input.name } : null,
    p.changed.includes('dates') ? { label: 'Thời gian', from: `${fmtDate(k.startDate)} – ${fmtDate(k.endDate)}`, to: `${fmtDate(input.startDate)} – ${fmtDate(input.endDate)}` } : null,
    p.changed.includes('instructions') ? { label: 'Dặn cán bộ', from: k.instructions, to: input.instructions } : null,
  ].filter((x) => x !== null);
  return page(
    c,
    deps.committee.name,
    `Xác nhận sửa đợt khám: ${k.name}`,
    <ConfirmBox
      action={`/staff/booking/${k.id}/edit`}
      token={c.get('csrfToken')}
      fields={{ name: input.name, startDate: input.startDate, endDate: input.endDate, instructions: input.instructions }}
      told={p.told.length}
      toldHow={`đã đặt lịch (qua Zalo, hoặc email khi chưa liên kết) về thay đổi: ${changedWords(p.changed)}`}
      confirmLabel="Lưu và báo cán bộ"
      cancelHref={`/staff/booking/${k.id}/edit`}
    >
      <ChangeTable changes={changes} />
      {p.emptyOutside ? <p class="small">{p.emptyOutside} ca trống nằm ngoài khoảng ngày mới sẽ bị xóa.</p> : null}
    </ConfirmBox>,
  );
}

/** Editing a campaign's name, dates and instructions; cadres already booked are told after staff confirm. */
export function campaignEditRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/edit', requirePermission('booking', 'manageCampaigns'), validate('param', IdParam), (c) => {
      const k = getCampaign(deps.db, c.req.valid('param').id);
      return page(c, deps.committee.name, `Sửa đợt khám: ${k.name}`, <CampaignEditForm k={k} token={c.get('csrfToken')} />);
    })
    .post('/:id{[0-9]+}/edit', requirePermission('booking', 'manageCampaigns'), validate('param', IdParam), validate('form', CampaignEditInput.and(confirmed)), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const { confirm, ...input } = c.req.valid('form');
      const now = deps.clock.now();
      const k = deps.db.select().from(campaigns).where(eq(campaigns.id, id)).get();
      if (!k) throw new AppError('not_found', 'Không có đợt khám này.');
      const p = campaignEditPreview(deps.db, k, input, now);
      if (p.blocking.length) {
        throw new AppError('conflict', `Còn lịch đã đặt ngoài khoảng ngày mới (ngày ${p.blocking.map(formatIsoDate).join(', ')}); hãy đổi hoặc hủy các lịch đó trước khi thu hẹp thời gian.`);
      }
      if (!p.changed.length) return c.redirect(`/staff/booking/${id}?msg=unchanged`, 303);
      if (confirm !== '1') return confirmEditPage(deps, c, k, input, p);
      updateCampaignDetails(deps.db, staffActor(s), id, input, now);
      deps.afterCommit();
      return c.redirect(`/staff/booking/${id}?msg=edited`, 303);
    });
}
