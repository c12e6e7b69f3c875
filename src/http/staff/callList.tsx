import { Hono } from 'hono';
import { z } from 'zod';
import { CallOutcomeInput, callList, callOutcomeLabels, callReasonLabels, callReasons, recordCall, type CallListRow, type CallReason } from '../../domain/aftercare/callList';
import { currentCampaign, getCampaign, listCampaigns } from '../../domain/booking/campaigns';
import { formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { defaultRequestSettings } from '../../domain/requests/requestChat';
import { staffActor } from '../../domain/staff/actor';
import { auditHealthRead } from '../../domain/staff/staffReads';
import { callOutcomeKinds } from '../../store/schema';
import { inTransaction } from '../../store/db';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { CsrfField, type Flash } from './layout';
import type { StaffDeps } from '../deps';
import { EmptyRow, fmtDateTime, OtherCampaignLinks, page, PhoneLink, StatusTabs, type StaffContext } from './ui';


/**
 * /staff/booking/:id/calls: one call list per campaign for the clinic's staff: cadres who have not booked after the
 * nudges, who have not answered the day-before question, and who did not come; older, frailer and worse-classed
 * first; phones as tel: links; each call's outcome recorded (and audited) from the row.
 */

const callListUrl = (campaignId: number) => `/staff/booking/${campaignId}/calls`;

const reasonTabs = [['all', 'Tất cả'], ...callReasons.map((r) => [r, callReasonLabels[r]] as const)] as const;
const ListQuery = z.object({ reason: z.enum(['all', ...callReasons]).default('all'), msg: z.string().max(30).optional() });

const notices: Record<string, Flash> = Object.fromEntries(
  callOutcomeKinds.map((k) => [k, { kind: 'ok', text: k === 'unreachable' ? 'Đã ghi: không liên lạc được. Cán bộ vẫn trong danh sách để gọi lại.' : `Đã ghi: ${callOutcomeLabels[k].toLowerCase()}.` }]),
);

function Person(props: { r: CallListRow }) {
  const r = props.r;
  return (
    <div>
      <a href={`/staff/registry/${r.cadreId}`}>{r.fullName}</a>
      <div class="small muted">
        {r.code} · {r.age} tuổi{r.unit ? ` · ${r.unit}` : ''}
      </div>
      <div class="small">
        {r.frail ? <span class="badge warn">Sức khỏe yếu</span> : null} {r.healthClass ? <span class="badge">Loại {r.healthClass}</span> : null}
      </div>
    </div>
  );
}

/** The cells both tables start with: who, their phone, why they are on the list. */
function WhoAndWhy(props: { r: CallListRow }) {
  const r = props.r;
  return (
    <>
      <td data-label="Cán bộ">
        <Person r={r} />
      </td>
      <td data-label="Điện thoại">
        <PhoneLink phone={r.phone} empty="Chưa có số" />
      </td>
      <td data-label="Lý do">
        <Reason r={r} />
      </td>
    </>
  );
}

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
  return (
    <div class="table-wrap">
      <table class="responsive" id="call-list">
        <thead>
          <tr>
            <th>#</th>
            <th>Cán bộ</th>
            <th>Điện thoại</th>
            <th>Lý do</th>
            <th>Lần gọi trước</th>
            <th>Ghi kết quả</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? <EmptyRow colspan={6}>Không còn cán bộ nào cần gọi.</EmptyRow> : null}
          {props.rows.map((r, i) => (
            <tr data-cadre={String(r.cadreId)} data-reason={r.reason}>
              <td data-label="#">{i + 1}</td>
              <WhoAndWhy r={r} />
              <td data-label="Lần gọi trước">
                <LastCall r={r} />
              </td>
              <td data-label="Ghi kết quả">
                <OutcomeForm r={r} campaignId={props.campaignId} token={props.token} reason={props.reason} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HandledCalls(props: { rows: CallListRow[] }) {
  return (
    <>
      <h2>Đã xử lý ({props.rows.length})</h2>
      <div class="table-wrap">
        <table class="responsive" id="call-list-handled">
          <thead>
            <tr>
              <th>Cán bộ</th>
              <th>Điện thoại</th>
              <th>Lý do</th>
              <th>Kết quả</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 ? <EmptyRow colspan={4}>Chưa có cuộc gọi nào có kết quả.</EmptyRow> : null}
            {props.rows.map((r) => (
              <tr data-cadre={String(r.cadreId)} data-reason={r.reason}>
                <WhoAndWhy r={r} />
                <td data-label="Kết quả">
                  <LastCall r={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
      <nav class="actions" style="margin-bottom:.8rem" aria-label="Lý do">
        <StatusTabs tabs={reasonTabs} current={q.reason} href={(r) => `${callListUrl(id)}?reason=${r}`} />
      </nav>
      <PendingCalls rows={pending} campaignId={id} token={c.get('csrfToken')} reason={q.reason} />
      <HandledCalls rows={handled} />
    </>
  );
  return page(c, deps.committee.name, `Gọi điện cho cán bộ: ${campaign.name}`, body, { flash: q.msg ? (notices[q.msg] ?? null) : null });
}

export function callListPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/calls', requirePermission('callList', 'read'), validate('query', ListQuery), (c) => {
      const target = currentCampaign(deps.db);
      if (!target) return page(c, deps.committee.name, 'Gọi điện cho cán bộ', <p class="muted">Chưa có đợt khám nào.</p>);
      return callListPage(deps, c, target.id, c.req.valid('query'));
    })
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
