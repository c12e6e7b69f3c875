import { Hono } from 'hono';
import { z } from 'zod';
import { removeFromWaitlist, waitlistEntryOf, waitlistOf, type WaitlistRow } from '../../domain/aftercare/waitlist';
import { getCampaign, listCampaigns } from '../../domain/booking/campaigns';
import { staffActor } from '../../domain/staff/actor';
import { inTransaction } from '../../store/db';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField } from './layout';
import type { StaffDeps } from '../deps';
import { FilterSelect, fmtDateTime, okNotices, OtherCampaignLinks, page, PhoneLink, type StaffContext, currentCampaignPage } from './ui';
import { FilterButtons } from './formFields';
import { CadreLink, type Column, RowsTable } from './uiParts';

/**
 * /staff/booking/:id/waitlist: who waits for a place in a campaign, in line order per clinic, with the place
 * last offered to each and until when; staff take a cadre out of the line (after a confirmation, audited; the
 * entry stays as left).
 */

const waitlistUrl = (campaignId: number) => `/staff/booking/${campaignId}/waitlist`;

const ListQuery = z.object({ clinicId: z.string().regex(/^\d*$/).optional(), msg: z.string().max(20).optional() });
const RemoveInput = z.object({ entryId: z.coerce.number().int().positive() });

const noticeOf = okNotices({ removed: 'Đã rút cán bộ khỏi danh sách chờ.' });

const statusLabels: Record<WaitlistRow['status'], string> = { waiting: 'Đang chờ', offered: 'Đang được mời', booked: 'Đã đặt lịch', left: 'Đã rút khỏi danh sách' };

function OfferCell(props: { r: WaitlistRow; now: number }) {
  const o = props.r.offer;
  if (!o) return <span class="muted">Chưa mời</span>;
  const lapsed = o.status === 'expired' || (o.status === 'open' && props.now >= o.expiresAt);
  const state =
    o.status === 'accepted' ? (
      <span class="badge ok">Đã nhận</span>
    ) : lapsed ? (
      <span class="badge warn">Đã hết hạn</span>
    ) : o.status === 'open' ? (
      <span class="badge">Hết hạn lúc {fmtDateTime(o.expiresAt)}</span>
    ) : o.status === 'declined' ? (
      <span class="badge">Không nhận</span>
    ) : (
      <span class="badge">Đã rút lời mời</span>
    );
  return (
    <div>
      <div>Lịch {fmtDateTime(o.startsAt)}</div>
      <div class="small">{state}</div>
    </div>
  );
}

function ClinicFilter(props: { campaignId: number; clinics: { id: number; name: string }[]; chosen: number | null }) {
  return (
    <form method="get" action={waitlistUrl(props.campaignId)} class="card">
      <div class="grid">
        <FilterSelect name="clinicId" label="Phòng khám" options={props.clinics.map((k) => ({ value: String(k.id), label: k.name }))} selected={props.chosen ? String(props.chosen) : ''} />
        <FilterButtons />
      </div>
    </form>
  );
}

const entryAttrs = (r: WaitlistRow) => ({ 'data-entry': String(r.entryId), 'data-cadre': String(r.cadreId) });
const person: Column<WaitlistRow> = {
  label: 'Cán bộ',
  cell: (r) => (
    <CadreLink id={r.cadreId} name={r.fullName}>
      {r.code}
    </CadreLink>
  ),
};
const clinic: Column<WaitlistRow> = { label: 'Phòng khám', cell: (r) => r.clinicName };
const joined: Column<WaitlistRow> = { label: 'Vào danh sách', cell: (r) => fmtDateTime(r.joinedAt) };
const offer = (now: number): Column<WaitlistRow> => ({ label: 'Lời mời', cell: (r) => <OfferCell r={r} now={now} /> });

/** Who waits, in order, with their offer and a button to take them off the list. */
function WaitingTable(props: { rows: WaitlistRow[]; now: number; action: string; token: string }) {
  const remove = (r: WaitlistRow) => (
    <form method="post" class="inline" action={props.action}>
      <CsrfField token={props.token} />
      <input type="hidden" name="entryId" value={String(r.entryId)} />
      <button class="btn secondary small" type="submit">
        Rút khỏi danh sách
      </button>
    </form>
  );
  const columns: Column<WaitlistRow>[] = [
    { label: 'Thứ tự', cell: (r) => r.position },
    person,
    { label: 'Điện thoại', cell: (r) => <PhoneLink phone={r.phone} empty="Chưa có số" /> },
    clinic,
    joined,
    offer(props.now),
    { label: '', cell: remove },
  ];
  return <RowsTable id="waitlist" columns={columns} rows={props.rows} rowAttrs={entryAttrs} empty="Không có cán bộ nào đang chờ." />;
}

function PastTable(props: { rows: WaitlistRow[]; now: number }) {
  const columns = [person, clinic, joined, { label: 'Tình trạng', cell: (r: WaitlistRow) => statusLabels[r.status] }, offer(props.now)];
  return (
    <>
      <h2>Đã đặt lịch hoặc đã rút ({props.rows.length})</h2>
      <RowsTable id="waitlist-past" columns={columns} rows={props.rows} rowAttrs={entryAttrs} empty="Chưa có." />
    </>
  );
}

function waitlistPage(deps: StaffDeps, c: StaffContext, id: number, q: z.infer<typeof ListQuery>) {
  const staff = currentStaff(c);
  const campaign = getCampaign(deps.db, id);
  const scope = clinicScope(staff);
  const chosen = q.clinicId ? Number(q.clinicId) : null;
  const clinicId = scope ?? chosen;
  const rows = waitlistOf(deps.db, id, clinicId);
  const waiting = rows.filter((r) => r.status === 'waiting' || r.status === 'offered');
  const past = rows.filter((r) => r.status === 'booked' || r.status === 'left');
  const now = deps.clock.now();
  const action = `${waitlistUrl(id)}/remove${clinicId ? `?clinicId=${clinicId}` : ''}`;
  const others = listCampaigns(deps.db).filter((k) => k.id !== id).slice(0, 4);
  const body = (
    <>
      <p class="muted" style="margin-top:0">
        Cán bộ chờ chỗ tại phòng khám đã hết chỗ. Khi có chỗ trống, người chờ trước được mời trước qua Zalo; lời mời quá hạn thì chuyển cho người kế tiếp.
      </p>
      {scope === null ? <ClinicFilter campaignId={id} clinics={campaign.clinics} chosen={chosen} /> : null}
      <p class="small" id="waitlist-counts">
        Đang chờ: <b>{waiting.length}</b> cán bộ · Đã đặt lịch hoặc rút: {past.length}
        <OtherCampaignLinks campaigns={others} href={waitlistUrl} />
      </p>
      <WaitingTable rows={waiting} now={now} action={action} token={c.get('csrfToken')} />
      <PastTable rows={past} now={now} />
    </>
  );
  return page(c, deps.committee.name, `Danh sách chờ: ${campaign.name}`, body, { flash: noticeOf(q.msg) });
}

export function waitlistPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/waitlist', requirePermission('callList', 'read'), validate('query', ListQuery), (c) =>
      currentCampaignPage(deps, c, 'Danh sách chờ', (id) => waitlistPage(deps, c, id, c.req.valid('query'))),
    )
    .get('/:id{[0-9]+}/waitlist', requirePermission('callList', 'read'), validate('param', IdParam), validate('query', ListQuery), (c) =>
      waitlistPage(deps, c, c.req.valid('param').id, c.req.valid('query')),
    )
    .post(
      '/:id{[0-9]+}/waitlist/remove',
      requirePermission('booking', 'actForCadre'),
      validate('param', IdParam),
      validate('query', ListQuery),
      confirmFirst(deps.committee.name, (c, form) => {
        const id = Number(c.req.param('id'));
        const entryId = RemoveInput.safeParse(form);
        if (!entryId.success) return null;
        const { fullName, sex } = waitlistEntryOf(deps.db, id, entryId.data.entryId, clinicScope(currentStaff(c)));
        const title = sex === 'male' ? 'Ông' : 'Bà';
        return {
          title: 'Rút khỏi danh sách chờ?',
          text: `Rút ${title} ${fullName} khỏi danh sách chờ: ${title} sẽ không được mời khi có chỗ trống. Lời mời đang mở (nếu có) chuyển cho người kế tiếp.`,
          confirmLabel: 'Rút khỏi danh sách chờ',
          back: waitlistUrl(id),
        };
      }),
      validate('form', RemoveInput),
      (c) => {
        const staff = currentStaff(c);
        const { id } = c.req.valid('param');
        inTransaction(deps.db, (tx) => removeFromWaitlist(tx, id, c.req.valid('form').entryId, clinicScope(staff), staffActor(staff), deps.clock.now()));
        deps.afterCommit();
        const clinicId = c.req.valid('query').clinicId;
        return c.redirect(`${waitlistUrl(id)}?${clinicId ? `clinicId=${clinicId}&` : ''}msg=removed`, 303);
      },
    );
}
