import { Hono } from 'hono';
import { z } from 'zod';
import { desc } from 'drizzle-orm';
import type { Clock } from '../../clock';
import { formatPhone } from '../../domain/shared/phone';
import { formatVnd, type Prices } from '../../domain/outreach/prices';
import { getCampaign, invitableCadres, invitationFunnel, invitationStatuses, inviteByPhone, type InvitationStatus } from '../../domain/outreach/invitations';
import { resolveTemplate } from '../../domain/outreach/templates';
import { AppError } from '../../errors';
import type { Db } from '../../store/db';
import { campaigns, type Campaign } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { CsrfField } from './layout';
import { fmtCount, fmtDateTime, okNotices, page } from './ui';
import { type Column, RowsTable, StatSummary } from './uiParts';

export interface InvitationPageDeps {
  db: Db;
  clock: Clock;
  committeeName: string;
  templates: Record<string, string>;
  prices: Prices;
}

export const INVITATIONS_PATH = '/staff/outreach/invitations';

const campaignPath = (id: number) => `${INVITATIONS_PATH}/campaigns/${id}`;
const channelLabels: Record<string, string> = {
  zalo_phone: 'Zalo (số điện thoại)',
  zalo_template: 'Zalo (tài khoản)',
  zalo: 'Zalo',
  email: 'Email',
  none: 'Không gửi được',
  deferred: 'Chờ hạn mức hôm sau',
};

function Funnel(props: { list: InvitationStatus[] }) {
  const f = invitationFunnel(props.list);
  const stat = (id: string, value: number, label: string) => ({ id, value: fmtCount(value), label });
  return (
    <StatSummary
      stats={[
        stat('inv-invited', f.invited, 'đã mời'),
        stat('inv-sent', f.sentByZalo, 'gửi qua Zalo'),
        stat('inv-delivered', f.delivered, 'đã nhận'),
        stat('inv-opened', f.opened, 'đã mở chat OA'),
        stat('inv-linked', f.linked, 'đã liên kết'),
        stat('inv-booked', f.booked, 'đã đặt lịch'),
      ]}
    />
  );
}

const when = (at: number | null) => (at ? fmtDateTime(at) : '—');

const invitationColumns: Column<InvitationStatus>[] = [
  { label: 'Cán bộ', cell: (s) => <a href={`/staff/registry/${s.cadreId}`}>{s.fullName}</a> },
  { label: 'Điện thoại', cell: (s) => formatPhone(s.phone) },
  { label: 'Mời lúc', cell: (s) => fmtDateTime(s.invitedAt) },
  { label: 'Kênh', cell: (s) => <span title={s.reason ?? ''}>{s.channel ? (channelLabels[s.channel] ?? s.channel) : 'Đang chờ gửi'}</span> },
  { label: 'Đã nhận', cell: (s) => when(s.deliveredAt) },
  { label: 'Mở chat', cell: (s) => when(s.openedAt) },
  { label: 'Liên kết', cell: (s) => when(s.linkedAt) },
  { label: 'Đặt lịch', cell: (s) => when(s.bookedAt) },
];

function CampaignInvitations(props: { campaign: Campaign; list: InvitationStatus[]; invitable: number; csrf: string }) {
  const { campaign, list } = props;
  return (
    <>
      <p>
        <a href={INVITATIONS_PATH}>← Các đợt khám</a>
      </p>
      <Funnel list={list} />
      <section class="card">
        <h2 style="margin-top:0">Chưa được mời</h2>
        {campaign.status !== 'open' ? (
          <p class="muted">Đợt khám chưa mở hoặc đã đóng: không gửi lời mời.</p>
        ) : props.invitable ? (
          <p>
            {fmtCount(props.invitable)} cán bộ trong danh sách có số điện thoại nhưng chưa liên kết Zalo.{' '}
            <a class="btn" href={`${campaignPath(campaign.id)}/confirm`}>
              Mời qua Zalo…
            </a>
          </p>
        ) : (
          <p class="muted">Không còn cán bộ nào để mời.</p>
        )}
      </section>
      <RowsTable id="invitations" columns={invitationColumns} rows={list} empty="Chưa mời ai trong đợt này." />
    </>
  );
}

const noticeOf = okNotices({ sent: 'Đã xếp lời mời để gửi (sau 7:00 nếu đang là giờ nghỉ).' });

type CampaignFunnel = { campaign: Campaign; funnel: ReturnType<typeof invitationFunnel> };
const campaignColumns: Column<CampaignFunnel>[] = [
  { label: 'Đợt khám', cell: (r) => <a href={campaignPath(r.campaign.id)}>{r.campaign.name}</a> },
  { label: 'Đã mời', cell: (r) => fmtCount(r.funnel.invited) },
  { label: 'Đã liên kết', cell: (r) => fmtCount(r.funnel.linked) },
  { label: 'Đã đặt lịch', cell: (r) => fmtCount(r.funnel.booked) },
];

/** Each campaign with how many cadres were invited, linked and booked. */
function CampaignList(props: { deps: InvitationPageDeps }) {
  const { deps } = props;
  const rows = deps.db
    .select()
    .from(campaigns)
    .orderBy(desc(campaigns.startDate))
    .all()
    .map((campaign) => ({ campaign, funnel: invitationFunnel(invitationStatuses(deps.db, campaign.id)) }));
  return (
    <>
      <p class="muted" style="margin-top:0">
        Cán bộ chưa từng nhắn tin cho OA được mời bằng tin mẫu Zalo gửi theo số điện thoại; nút trong tin mở khung chat với OA, cán bộ gửi số điện thoại để liên kết rồi đặt lịch.
      </p>
      <RowsTable id="invitation-campaigns" columns={campaignColumns} rows={rows} empty="Chưa có đợt khám nào." />
    </>
  );
}

/** Before sending: how many cadres, with which template, at what estimated cost; the button names the count. */
function InviteConfirm(props: { deps: InvitationPageDeps; campaign: Campaign; csrf: string }) {
  const { deps, campaign } = props;
  const list = invitableCadres(deps.db, campaign);
  const template = resolveTemplate(deps.db, deps.templates, 'campaign_invitation');
  return (
    <>
      <section class="card" id="invite-confirm">
        <h2 style="margin-top:0">{campaign.name}</h2>
        <dl class="kv">
          <dt>Số cán bộ được mời</dt>
          <dd>
            <strong>{fmtCount(list.length)}</strong> (có số điện thoại, chưa liên kết Zalo, chưa đặt lịch)
          </dd>
          <dt>Mẫu tin</dt>
          <dd>{template ? `Mẫu Zalo ${template.templateId}` : <span class="badge warn">Chưa có mẫu được duyệt: lời mời sẽ đi bằng email (nếu có)</span>}</dd>
          <dt>Chi phí ước tính</dt>
          <dd id="invite-cost">
            <strong>{formatVnd(template ? list.length * deps.prices.templateByPhone : list.length * deps.prices.email)}</strong>{' '}
            <span class="small muted">({template ? `${formatVnd(deps.prices.templateByPhone)} mỗi tin theo số điện thoại` : 'email'}, chưa gồm VAT)</span>
          </dd>
        </dl>
        <p class="small muted">
          {list
            .slice(0, 10)
            .map((x) => x.fullName)
            .join(', ')}
          {list.length > 10 ? ` và ${fmtCount(list.length - 10)} người khác` : ''}
        </p>
        <form method="post" action={`${campaignPath(campaign.id)}/invite`}>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="expected" value={String(list.length)} />
          <div class="actions">
            <button class="btn" type="submit" disabled={list.length === 0 || campaign.status !== 'open'}>
              Gửi {fmtCount(list.length)} lời mời
            </button>
            <a class="btn secondary" href={campaignPath(campaign.id)}>
              Không gửi
            </a>
          </div>
        </form>
      </section>
    </>
  );
}

export function invitationPages(deps: InvitationPageDeps) {
  const campaignOr404 = (id: number) => getCampaign(deps.db, id);
  return new Hono<StaffEnv>()
    .get('/', requirePermission('outreach', 'read'), (c) => page(c, deps.committeeName, 'Mời đặt lịch qua số điện thoại', <CampaignList deps={deps} />))
    .get('/campaigns/:id{[0-9]+}', requirePermission('outreach', 'read'), validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const campaign = campaignOr404(c.req.valid('param').id);
      const msg = c.req.valid('query').msg;
      return page(
        c,
        deps.committeeName,
        `Lời mời: ${campaign.name}`,
        <CampaignInvitations campaign={campaign} list={invitationStatuses(deps.db, campaign.id)} invitable={invitableCadres(deps.db, campaign).length} csrf={c.get('csrfToken')} />,
        { flash: noticeOf(msg) },
      );
    })
    .get('/campaigns/:id{[0-9]+}/confirm', requirePermission('outreach', 'invite'), validate('param', IdParam), (c) =>
      page(c, deps.committeeName, 'Xác nhận gửi lời mời', <InviteConfirm deps={deps} campaign={campaignOr404(c.req.valid('param').id)} csrf={c.get('csrfToken')} />),
    )
    .post('/campaigns/:id{[0-9]+}/invite', requirePermission('outreach', 'invite'), validate('param', IdParam), async (c) => {
      const id = c.req.valid('param').id;
      campaignOr404(id);
      const body = await c.req.parseBody();
      const expected = Number(body.expected);
      if (!Number.isInteger(expected) || expected < 1) throw new AppError('validation_failed', 'Thiếu số người đã xác nhận; xin mở lại trang xác nhận.');
      inviteByPhone(deps.db, id, expected, currentStaff(c).id, deps.clock.now());
      return c.redirect(`${campaignPath(id)}?msg=sent`, 303);
    });
}
