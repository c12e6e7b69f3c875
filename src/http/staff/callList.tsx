import { Hono } from 'hono';
import { z } from 'zod';
import { CallOutcomeInput, callList, callOutcomeLabels, callReasonLabels, callReasons, recordCall, type CallListRow, type CallReason } from '../../domain/aftercare/callList';
import { getCampaign, listCampaigns } from '../../domain/booking/campaigns';
import { formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { defaultRequestSettings } from '../../domain/requests/requestChat';
import { staffActor } from '../../domain/staff/actor';
import { auditHealthRead } from '../../domain/staff/staffReads';
import { callOutcomeKinds } from '../../store/schema';
import { inTransaction } from '../../store/db';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { CsrfField } from './layout';
import type { StaffDeps } from '../deps';
import { fmtDateTime, okNotices, OtherCampaignLinks, page, PhoneLink, type StaffContext, currentCampaignPage } from './ui';
import { CadreLink, type Column, RowsTable, TabNav } from './uiParts';


/**
 * /staff/booking/:id/calls: one call list per campaign for the clinic's staff: cadres who have not booked after the
 * nudges, who have not answered the day-before question, and who did not come; older, frailer and worse-classed
 * first; phones as tel: links; each call's outcome recorded (and audited) from the row.
 */

const callListUrl = (campaignId: number) => `/staff/booking/${campaignId}/calls`;

const reasonTabs = [['all', 'Tất cả'], ...callReasons.map((r) => [r, callReasonLabels[r]] as const)] as const;
const ListQuery = z.object({ reason: z.enum(['all', ...callReasons]).default('all'), msg: z.string().max(30).optional() });

const noticeOf = okNotices(
  Object.fromEntries(callOutcomeKinds.map((k) => [k, k === 'unreachable' ? 'Đã ghi: không liên lạc được. Cán bộ vẫn trong danh sách để gọi lại.' : `Đã ghi: ${callOutcomeLabels[k].toLowerCase()}.`])),
);

function Person(props: { r: CallListRow }) {
  const r = props.r;
  return (
    <div>
      <CadreLink id={r.cadreId} name={r.fullName}>
        {r.code} · {r.age} tuổi{r.unit ? ` · ${r.unit}` : ''}
      </CadreLink>
      <div class="small">
        {r.frail ? <span class="badge warn">Sức khỏe yếu</span> : null} {r.healthClass ? <span class="badge">Loại {r.healthClass}</span> : null}
      </div>
    </div>
  );
}

/** The columns both tables start with: who, their phone, why they are on the list. */
const whoAndWhy: Column<CallListRow>[] = [
  { label: 'Cán bộ', cell: (r) => <Person r={r} /> },
  { label: 'Điện thoại', cell: (r) => <PhoneLink phone={r.phone} empty="Chưa có số" /> },
  { label: 'Lý do', cell: (r) => <Reason r={r} /> },
];
const callAttrs = (r: CallListRow) => ({ 'data-cadre': String(r.cadreId), 'data-reason': r.reason });

function Reason(props: { r: CallListRow }) {
  const b = props.r.booking;
  return (
    <div>
      {callReasonLabels[props.r.reason]}
      {b ? (
        <div class="small muted">
          Lịch {formatVietnamTime(b.startsAt)} {formatVietnamDay(vietnamDate(b.startsAt))} · {b.clinicName}
        </div>
      ) : null}
    </div>
  );
}

function LastCall(props: { r: CallListRow }) {
  const r = props.r;
  if (!r.last) return <span class="muted">Chưa gọi</span>;
  return (
    <div>
      <span class={`badge ${r.last.outcome === 'unreachable' || r.last.outcome === 'wrong_number' ? 'warn' : 'ok'}`}>{callOutcomeLabels[r.last.outcome]}</span>
      {r.last.note ? <div class="small">{r.last.note}</div> : null}
      <div class="small muted">
        {fmtDateTime(r.last.at)}
        {r.calls > 1 ? ` · ${r.calls} lần gọi` : ''}
      </div>
    </div>
  );
}

function OutcomeForm(props: { r: CallListRow; campaignId: number; token: string; reason: string }) {
  const id = `call-${props.r.cadreId}`;
  return (
    <form method="post" class="call-form" action={`${callListUrl(props.campaignId)}?reason=${props.reason}`}>
      <CsrfField token={props.token} />
      <input type="hidden" name="cadreId" value={String(props.r.cadreId)} />
      <select name="outcome" required aria-label="Kết quả cuộc gọi" id={`${id}-outcome`}>
        <option value="">— Kết quả cuộc gọi —</option>
        {callOutcomeKinds.map((k) => (
          <option value={k}>{callOutcomeLabels[k]}</option>
        ))}
      </select>
      <input type="text" name="note" maxlength={500} placeholder="Ghi chú (lý do nếu từ chối)" aria-label="Ghi chú" id={`${id}-note`} />
      <button class="btn small" type="submit">
        Ghi
      </button>
    </form>
  );
}

const CALL_CSS = `.call-form{display:flex;flex-wrap:wrap;gap:.35rem;align-items:center}.call-form select,.call-form input{max-width:15rem;min-width:0;flex:1 1 9rem}`;

type CallListView = ReturnType<typeof callList>;

/** How many to call, by reason, and links to the call lists of other campaigns. */
function CallCounts(props: { list: CallListView; others: { id: number; name: string }[] }) {
  const { list, others } = props;
  const counts = Object.fromEntries(callReasons.map((r) => [r, list.pending.filter((x) => x.reason === r).length])) as Record<CallReason, number>;
  return (
    <p class="small" id="call-counts">
      Cần gọi: <b>{list.pending.length}</b> cán bộ ({callReasons.map((r) => `${callReasonLabels[r].toLowerCase()}: ${counts[r]}`).join('; ')}) · Đã xử lý: {list.handled.length}
      <OtherCampaignLinks campaigns={others} href={callListUrl} />
    </p>
  );
}

function PendingCalls(props: { rows: CallListRow[]; campaignId: number; token: string; reason: string }) {
  const columns: Column<CallListRow>[] = [
    { label: '#', cell: (_r, i) => i + 1 },
    ...whoAndWhy,
    { label: 'Lần gọi trước', cell: (r) => <LastCall r={r} /> },
    { label: 'Ghi kết quả', cell: (r) => <OutcomeForm r={r} campaignId={props.campaignId} token={props.token} reason={props.reason} /> },
  ];
  return <RowsTable id="call-list" columns={columns} rows={props.rows} rowAttrs={callAttrs} empty="Không còn cán bộ nào cần gọi." />;
}

function HandledCalls(props: { rows: CallListRow[] }) {
  const columns: Column<CallListRow>[] = [...whoAndWhy, { label: 'Kết quả', cell: (r) => <LastCall r={r} /> }];
  return (
    <>
      <h2>Đã xử lý ({props.rows.length})</h2>
      <RowsTable id="call-list-handled" columns={columns} rows={props.rows} rowAttrs={callAttrs} empty="Chưa có cuộc gọi nào có kết quả." />
    </>
  );
}

function callListPage(deps: StaffDeps, c: StaffContext, id: number, q: z.infer<typeof ListQuery>) {
  const staff = currentStaff(c);
  const campaign = getCampaign(deps.db, id);
  const now = deps.clock.now();
  const list = callList(deps.db, id, clinicScope(staff), now);
  const shown = (rows: CallListRow[]) => (q.reason === 'all' ? rows : rows.filter((r) => r.reason === q.reason));
  const pending = shown(list.pending);
  const handled = shown(list.handled);
  auditHealthRead(deps.db, staff.id, 'healthClass', [...pending, ...handled].filter((r) => r.healthClass !== null).map((r) => r.cadreId), now, 'call-list');
  const others = listCampaigns(deps.db).filter((k) => k.id !== id).slice(0, 4);
  const body = (
    <>
      <style>{CALL_CSS}</style>
      <p class="muted" style="margin-top:0">
        Cán bộ thuộc diện khám chưa đặt lịch sau lời nhắc, chưa xác nhận lịch khám hôm trước, hoặc đã đặt mà không đến. Người cao tuổi, sức khỏe yếu và
        phân loại sức khỏe thấp xếp trước. "Không liên lạc được" giữ cán bộ trong danh sách để gọi lại.
      </p>
      {!list.nudgesOut ? <p class="flash warn">Lời nhắc đặt lịch của đợt khám chưa gửi: cán bộ chưa đặt lịch chưa vào danh sách.</p> : null}
      <CallCounts list={list} others={others} />
      <TabNav label="Lý do" tabs={reasonTabs} current={q.reason} href={(r) => `${callListUrl(id)}?reason=${r}`} />
      <PendingCalls rows={pending} campaignId={id} token={c.get('csrfToken')} reason={q.reason} />
      <HandledCalls rows={handled} />
    </>
  );
  return page(c, deps.committee.name, `Gọi điện cho cán bộ: ${campaign.name}`, body, { flash: noticeOf(q.msg) });
}

export function callListPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/calls', requirePermission('callList', 'read'), validate('query', ListQuery), (c) =>
      currentCampaignPage(deps, c, 'Gọi điện cho cán bộ', (id) => callListPage(deps, c, id, c.req.valid('query'))),
    )
    .get('/:id{[0-9]+}/calls', requirePermission('callList', 'read'), validate('param', IdParam), validate('query', ListQuery), (c) => callListPage(deps, c, c.req.valid('param').id, c.req.valid('query')))
    .post(
      '/:id{[0-9]+}/calls',
      requirePermission('callList', 'record'),
      validate('param', IdParam),
      validate('query', ListQuery.pick({ reason: true })),
      validate('form', CallOutcomeInput),
      (c) => {
        const staff = currentStaff(c);
        const { id } = c.req.valid('param');
        const input = c.req.valid('form');
        const policy = deps.catalog().requestSettings?.policy ?? defaultRequestSettings.policy;
        inTransaction(deps.db, (tx) => recordCall(tx, id, input, staffActor(staff), staff.id, clinicScope(staff), policy, deps.clock.now()));
        deps.afterCommit();
        return c.redirect(`${callListUrl(id)}?reason=${c.req.valid('query').reason}&msg=${input.outcome}`, 303);
      },
    );
}
