import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { cannedReplyText, listCannedReplies } from '../../../domain/conversations/cannedReplies';
import { requestActions } from '../../../domain/requests/actions';
import { requestStateLabels, requestTypeLabels, timeOfDayLabels, urgencyLabels } from '../../../domain/requests/labels';
import { requestDetail } from '../../../domain/requests/requestInbox';
import { NoteInput } from '../../../domain/requests/requestNotes';
import { CancelInput, CloseInput, ScheduleInput } from '../../../domain/requests/staffActions';
import { auditHealthRead } from '../../../domain/staff/staffReads';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { CsrfField } from '../layout';
import { DateInput, fmtDate, fmtDateTime, page, PhoneLink, PostButton } from '../ui';
import { Field, SelectField } from '../formFields';
import { BackLink } from '../uiParts';
import { RequestNotesCard } from './notes';
import { AttachmentView, Clock, MsgCanned, noticeOf, stateBadge } from './shared';

type Detail = ReturnType<typeof requestDetail>;

const eventLabels: Record<string, string> = {
  created: 'Gửi yêu cầu qua Zalo',
  notified: 'Báo phòng khám',
  escalated: 'Nhắc lên cấp trên',
  sla_breached: 'Quá hạn tiếp nhận',
  acknowledged: 'Tiếp nhận',
  scheduled: 'Hẹn lịch',
  done: 'Hoàn thành',
  cancelled: 'Hủy',
  mentioned_again: 'Người dùng nhắc lại',
};

/** A line of the request's facts. */
function Fact(props: { label: string; children: Child }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** Where and when the visit is wanted, and what was decided: shown only when given. */
function PlaceAndTimeFacts(props: { r: Detail['request'] }) {
  const { r } = props;
  const map = r.latitude !== null && r.longitude !== null ? (
    <>
      {' '}
      <a href={`https://www.google.com/maps?q=${r.latitude},${r.longitude}`} rel="noopener noreferrer" target="_blank">
        (bản đồ)
      </a>
    </>
  ) : null;
  return (
    <>
      {r.attachments?.length ? <Fact label="Tệp gửi kèm">{r.attachments.map((a) => <AttachmentView attachment={a} />)}</Fact> : null}
      {r.address ? (
        <Fact label="Địa chỉ">
          {r.address}
          {map}
        </Fact>
      ) : null}
      {r.preferredTime ? (
        <Fact label="Mong muốn">
          {r.preferredDate ? fmtDate(r.preferredDate) : 'Sớm nhất có thể'}, {timeOfDayLabels[r.preferredTime]}
        </Fact>
      ) : null}
    </>
  );
}

function RequestFacts(props: { d: Detail; canWrite: boolean; token: string; base: string }) {
  const { d } = props;
  const r = d.request;
  return (
    <dl class="kv">
      <Fact label="Tình trạng">
        <span class={`badge ${stateBadge[r.state]}`}>{requestStateLabels[r.state]}</span> <Clock clock={d.clock} />
      </Fact>
      <Fact label="Mức độ">{urgencyLabels[r.urgency]}</Fact>
      <Fact label="Cán bộ">
        {d.cadre ? <a href={`/staff/registry/${d.cadre.id}`}>{`${d.cadre.fullName} (${d.cadre.code})`}</a> : 'Người dùng Zalo chưa liên kết'}
        {r.viaProxy ? ' — do người đại diện gửi' : ''}
      </Fact>
      <Fact label="Điện thoại">
        <PhoneLink phone={d.cadre?.phone} />
        {props.canWrite && d.cadre ? (
          <>
            {' '}
            <PostButton action={`${props.base}/conversation`} token={props.token} class="btn secondary small" label="Nhắn Zalo cho cán bộ" />
          </>
        ) : null}
      </Fact>
      <Fact label="Phòng khám">{d.clinic?.name ?? 'Chưa xác định (trực ban)'}</Fact>
      <dt>Nội dung</dt>
      <dd style="white-space:pre-wrap">{r.details || '—'}</dd>
      <PlaceAndTimeFacts r={r} />
      <Fact label="Gửi lúc">{fmtDateTime(r.createdAt)}</Fact>
      <Fact label="Hạn tiếp nhận">{fmtDateTime(r.ackDueAt)}</Fact>
      <Fact label="Người tiếp nhận">{d.handler ? `${d.handler.fullName}, ${fmtDateTime(r.acknowledgedAt)}` : '—'}</Fact>
      {r.scheduledDate ? (
        <Fact label="Lịch hẹn">
          {fmtDate(r.scheduledDate)}, {timeOfDayLabels[r.scheduledTime ?? 'any']}
        </Fact>
      ) : null}
      {r.closeNote ? <Fact label="Ghi chú">{r.closeNote}</Fact> : null}
    </dl>
  );
}

/** Acknowledge, schedule (the cadre is told the date), done, cancel (with a reason the cadre receives). */
function RequestActionsCard(props: { r: Detail['request']; base: string; token: string }) {
  const { r, base, token } = props;
  return (
    <div class="card">
      <h2 style="margin-top:0">Xử lý</h2>
      {r.state === 'new' ? (
        <div class="actions" style="margin-bottom:1rem">
          <PostButton action={`${base}/acknowledge`} token={token} label="Tôi tiếp nhận" class="btn" />
        </div>
      ) : null}
      <form method="post" action={`${base}/schedule`} class="grid" style="margin-bottom:1rem">
        <CsrfField token={token} />
        <Field label="Ngày hẹn" for="s-date">
          <DateInput id="s-date" name="date" required value={r.scheduledDate ?? r.preferredDate ?? ''} />
        </Field>
        <SelectField
          id="s-time"
          name="time"
          label="Buổi"
          options={(['morning', 'afternoon', 'any'] as const).map((t) => ({ value: t, label: timeOfDayLabels[t] }))}
          selected={r.scheduledTime ?? r.preferredTime ?? undefined}
        />
        <div>
          <button class="btn secondary" type="submit">
            Hẹn lịch và báo cán bộ
          </button>
        </div>
      </form>
      <form method="post" action={`${base}/done`} class="actions" style="margin-bottom:1rem">
        <CsrfField token={token} />
        <input type="text" name="note" maxlength={500} placeholder="Ghi chú khi hoàn thành (không bắt buộc)" style="max-width:22rem" aria-label="Ghi chú khi hoàn thành" />
        <label class="small">
          <input type="checkbox" name="toCadre" /> Gửi ghi chú này cho cán bộ
        </label>
        <button class="btn secondary" type="submit">
          Hoàn thành
        </button>
      </form>
      <form method="post" action={`${base}/cancel`} class="actions">
        <CsrfField token={token} />
        <input type="text" name="note" required minlength={3} maxlength={500} placeholder="Lý do hủy (cán bộ sẽ nhận được)" style="max-width:22rem" aria-label="Lý do hủy" />
        <label class="small">
          <input type="checkbox" name="confirm" value="1" required /> Tôi chắc chắn muốn hủy
        </label>
        <button class="btn danger" type="submit">
          Hủy yêu cầu
        </button>
      </form>
    </div>
  );
}

function TimelineTr(props: { t: Detail['timeline'][number] }) {
  const { t } = props;
  const detail = (t.event.detail ?? {}) as Record<string, unknown>;
  const facts = [
    detail.level !== undefined ? `cấp ${Number(detail.level) + 1}` : null,
    detail.emails !== undefined ? `${detail.emails} email` : null,
    detail.zalo !== undefined ? `${detail.zalo} Zalo` : null,
    detail.sla ? (detail.sla === 'met' ? 'đúng hạn' : 'trễ hạn') : null,
    typeof detail.date === 'string' ? fmtDate(detail.date) : null,
  ].filter(Boolean);
  const who =
    t.event.actorType === 'staff' ? (t.staffName ?? 'Nhân viên') : t.event.actorType === 'link' ? `${t.staffName ?? 'Địa chỉ phòng khám'} (qua đường dẫn)` : t.event.actorType === 'zalo' ? 'Người dùng Zalo' : 'Hệ thống';
  return (
    <tr>
      <td data-label="Lúc">{fmtDateTime(t.event.at)}</td>
      <td data-label="Việc">{eventLabels[t.event.kind] ?? t.event.kind}</td>
      <td data-label="Ai">{who}</td>
      <td data-label="Chi tiết" class="small">
        {facts.join(', ')}
      </td>
    </tr>
  );
}

function Timeline(props: { timeline: Detail['timeline'] }) {
  return (
    <>
      <h2>Diễn biến</h2>
      <div class="table-wrap">
        <table class="responsive">
          <thead>
            <tr>
              <th>Lúc</th>
              <th>Việc</th>
              <th>Ai</th>
              <th>Chi tiết</th>
            </tr>
          </thead>
          <tbody>
            {props.timeline.map((t) => (
              <TimelineTr t={t} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function RequestPage(props: { deps: StaffDeps; d: Detail; canAct: boolean; canWrite: boolean; token: string; canned?: number }) {
  const { deps, d, canWrite, token } = props;
  const r = d.request;
  const base = `/staff/requests/${r.id}`;
  return (
    <>
      <div class="card">
        <RequestFacts d={d} canWrite={canWrite} token={token} base={base} />
      </div>
      {props.canAct ? <RequestActionsCard r={r} base={base} token={token} /> : null}
      <RequestNotesCard
        notes={d.notes}
        canWrite={canWrite}
        question={r.type === 'question'}
        action={`${base}/notes`}
        token={token}
        canned={canWrite ? listCannedReplies(deps.db) : []}
        pageUrl={base}
        prefill={canWrite ? cannedReplyText(deps.db, props.canned) : ''}
      />
      <Timeline timeline={d.timeline} />
      <BackLink href="/staff/requests" label="Danh sách yêu cầu" />
    </>
  );
}

/** A request with its timeline (each view audited), and what staff do with it. */
export function detailRoutes(deps: StaffDeps) {
  const act = requestActions(deps);
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), validate('query', MsgCanned), (c) => {
      const staff = currentStaff(c);
      const now = deps.clock.now();
      const d = requestDetail(deps.db, c.req.valid('param').id, clinicScope(staff), now);
      auditHealthRead(deps.db, staff.id, 'request', [d.request.id], now, 'page.detail');
      const r = d.request;
      const canAct = allowed(staff, 'requests', 'act') && r.state !== 'done' && r.state !== 'cancelled';
      // A note or answer can still be sent after the request is closed ("mời ông đến Khoa lấy sổ").
      const canWrite = allowed(staff, 'requests', 'act') && r.state !== 'cancelled';
      const { msg, canned } = c.req.valid('query');
      const body = <RequestPage deps={deps} d={d} canAct={canAct} canWrite={canWrite} token={c.get('csrfToken')} canned={canned} />;
      return page(c, deps.committee.name, `${d.ticket} · ${requestTypeLabels[r.type]}`, body, { flash: noticeOf(msg) });
    })
    .post('/:id{[0-9]+}/acknowledge', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      const id = c.req.valid('param').id;
      act.acknowledge(currentStaff(c), id);
      return c.redirect(`/staff/requests/${id}?msg=acknowledged`, 303);
    })
    .post('/:id{[0-9]+}/schedule', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', ScheduleInput), (c) => {
      const id = c.req.valid('param').id;
      act.schedule(currentStaff(c), id, c.req.valid('form'));
      return c.redirect(`/staff/requests/${id}?msg=scheduled`, 303);
    })
    .post('/:id{[0-9]+}/done', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', CloseInput.extend({ toCadre: NoteInput.shape.toCadre })), (c) => {
      const id = c.req.valid('param').id;
      const { note, toCadre } = c.req.valid('form');
      if (note && toCadre) act.note(currentStaff(c), id, { text: note, toCadre: true });
      act.close(currentStaff(c), id, 'done', toCadre ? '' : note);
      return c.redirect(`/staff/requests/${id}?msg=done`, 303);
    })
    .post('/:id{[0-9]+}/cancel', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', CancelInput.extend({ confirm: z.literal('1', { error: 'Vui lòng đánh dấu "Tôi chắc chắn muốn hủy".' }) })), (c) => {
      const id = c.req.valid('param').id;
      act.close(currentStaff(c), id, 'cancelled', c.req.valid('form').note);
      return c.redirect(`/staff/requests/${id}?msg=cancelled`, 303);
    })
    .post('/:id{[0-9]+}/conversation', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      const handoffId = act.openConversation(currentStaff(c), c.req.valid('param').id);
      return c.redirect(`/staff/requests/conversations/${handoffId}`, 303);
    })
    .post('/:id{[0-9]+}/notes', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', NoteInput), (c) => {
      const id = c.req.valid('param').id;
      const input = c.req.valid('form');
      act.note(currentStaff(c), id, input);
      return c.redirect(`/staff/requests/${id}?msg=${input.toCadre ? 'answered' : 'noted'}`, 303);
    });
}
