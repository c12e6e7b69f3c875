/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { Hono } from 'hono';
import { z } from 'zod';
import { pageParam } from '../../domain/shared/listing';
import { contactPanel } from '../../domain/conversations/contactPanel';
import { cannedReplyText, listCannedReplies } from '../../domain/conversations/cannedReplies';
import { assignHandoff, countHandoffs, handoffDetail, listHandoffs, loadHandoff, ReplyInput, replyDeliveries, staffNote } from '../../domain/conversations/handoff';
import { auditStaffRead } from '../../domain/results/resultList';
import { inTransaction } from '../../store/db';
import { ContactPanelCard, conversationCss, DeliveryBadge } from './conversationPanel';
import { durationVi, listRequests, RequestFilter, requestDetail, type SlaClock } from '../../domain/requests/requestInbox';
import { NoteInput, type RequestNoteView } from '../../domain/requests/requestNotes';
import { CancelInput, CloseInput, ScheduleInput } from '../../domain/requests/staffActions';
import { requestStateLabels, requestTypeLabels, timeOfDayLabels, urgencyLabels } from '../../domain/requests/labels';
import { careRequestStates, careRequestTypes, type CannedReply, type CareRequestState, type ChatAttachment } from '../../store/schema';
import { requestActions } from '../../domain/requests/actions';
import { auditHealthRead } from '../../domain/staff/staffReads';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { allClinics } from '../../domain/registry/clinics';
import type { StaffDeps } from '../deps';
import { DateInput, fmtDate, fmtDateTime, page, EmptyRow, ListCount, ListPager, PhoneLink, PostButton, StatusTabs } from './ui';
import { CannedReplyPicker } from './cannedReplies';

/**
 * /staff/requests: the request inbox with an SLA clock (time left or overdue), filters by clinic, type and
 * state; a request with its timeline and the actions acknowledge / schedule / done / cancel; the
 * conversations with staff, each with its transcript, a reply box and a close button.
 */

const Msg = z.object({ msg: z.string().max(20).optional() });
/** A page with a reply box: `canned` prefills the box with that canned reply (the picker without script). */
const MsgCanned = Msg.extend({ canned: z.coerce.number().int().positive().optional() });

const notices: Record<string, Flash> = {
  acknowledged: { kind: 'ok', text: 'Đã tiếp nhận. Việc nhắc tiếp đã dừng; cán bộ được báo tên người phụ trách.' },
  scheduled: { kind: 'ok', text: 'Đã hẹn lịch; cán bộ được báo ngày hẹn.' },
  done: { kind: 'ok', text: 'Đã đánh dấu hoàn thành.' },
  cancelled: { kind: 'ok', text: 'Đã hủy yêu cầu; cán bộ được báo.' },
  replied: { kind: 'ok', text: 'Đã gửi trả lời qua Zalo.' },
  answered: { kind: 'ok', text: 'Đã gửi cho cán bộ (Zalo, hoặc mẫu tin / email khi quá 7 ngày chưa tương tác).' },
  noted: { kind: 'ok', text: 'Đã lưu ghi chú nội bộ (cán bộ không thấy).' },
  closed: { kind: 'ok', text: 'Đã kết thúc cuộc trò chuyện; trợ lý tự động tiếp tục với người dùng.' },
  assigned: { kind: 'ok', text: 'Bạn đã nhận xử lý cuộc trò chuyện này.' },
};

/**
 * Answers and notes on a request: what was sent to the cadre and what stayed internal, and a box to write
 * more. A question opens with "send to the cadre" ticked: answering is what the cadre asked for.
 */
function RequestNotesCard(props: { notes: RequestNoteView[]; canWrite: boolean; question: boolean; action: string; token: string; canned: CannedReply[]; pageUrl: string; prefill: string }) {
  return (
    <div class="card" id="notes">
      <h2 style="margin-top:0">{props.question ? 'Trả lời cán bộ' : 'Trao đổi và ghi chú'}</h2>
      {props.notes.length ? (
        <ul class="notes" style="list-style:none;padding:0;margin:0 0 1rem">
          {props.notes.map((n) => (
            <li style="border-left:3px solid var(--line);padding:.3rem .7rem;margin-bottom:.5rem">
              <span class={`badge ${n.toCadre ? 'ok' : ''}`}>{n.toCadre ? 'Đã gửi cho cán bộ' : 'Ghi chú nội bộ'}</span>{' '}
              <span class="small muted">
                {n.staffName}, {fmtDateTime(n.at)}
              </span>
              <div style="white-space:pre-wrap">{n.text}</div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Chưa có trả lời hay ghi chú.</p>
      )}
      {props.canWrite ? <CannedReplyPicker replies={props.canned} target="note-text" action={props.pageUrl} /> : null}
      {props.canWrite ? (
        <form method="post" action={props.action}>
          <CsrfField token={props.token} />
          <label for="note-text">{props.question ? 'Câu trả lời' : 'Nội dung'}</label>
          <textarea id="note-text" name="text" rows={4} required maxlength={1500}>
            {props.prefill}
          </textarea>
          <label>
            <input type="checkbox" name="toCadre" checked={props.question} /> Gửi cho cán bộ qua Zalo (bỏ chọn để chỉ lưu ghi chú nội bộ)
          </label>
          <div class="actions">
            <button class="btn" type="submit">
              Lưu và gửi
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

const stateBadge: Record<CareRequestState, string> = { new: 'warn', acknowledged: '', scheduled: 'ok', done: 'ok', cancelled: '' };

function Clock(props: { clock: SlaClock }) {
  const c = props.clock;
  if (c.kind === 'left') return <span class={`badge ${c.ms < 15 * 60_000 ? 'warn' : ''}`}>Còn {durationVi(c.ms)}</span>;
  if (c.kind === 'overdue') return <span class="badge bad">Quá hạn {durationVi(c.ms)}</span>;
  if (c.kind === 'none') return <span class="badge">Không tính hạn</span>;
  return <span class={`badge ${c.kind === 'met' ? 'ok' : 'bad'}`}>{c.kind === 'met' ? 'Đúng hạn' : 'Trễ hạn'}</span>;
}

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


/** A photo the user sent, shown inline (Zalo keeps it; https only); any other file or voice note as a link. */
function AttachmentView(props: { attachment: ChatAttachment }) {
  const a = props.attachment;
  if (!a.url) return null;
  if (a.kind === 'image' || a.kind === 'gif') {
    return (
      <a href={a.url} target="_blank" rel="noopener noreferrer" style="display:block;margin-top:.3rem">
        <img src={a.thumbnail ?? a.url} alt="Ảnh người dùng gửi" loading="lazy" style="max-width:min(260px,100%);max-height:260px;border-radius:8px" />
      </a>
    );
  }
  return (
    <div style="margin-top:.3rem">
      <a href={a.url} target="_blank" rel="noopener noreferrer">
        {a.kind === 'audio' ? 'Nghe tin nhắn thoại' : a.kind === 'video' ? 'Xem video' : `Mở tệp${a.name ? `: ${a.name}` : ''}`}
      </a>
    </div>
  );
}

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function requestPages(deps: StaffDeps) {
  const act = requestActions(deps);
  return new Hono<StaffEnv>()
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/', requirePermission('requests', 'read'), validate('query', RequestFilter.extend(Msg.shape)), (c) => {
      const staff = currentStaff(c);
      const q = c.req.valid('query');
      const now = deps.clock.now();
      const { items: rows, window } = listRequests(deps.db, clinicScope(staff), q, now);
      const { msg: _msg, page: _page, ...listQuery } = q;
      const pagerQuery = { ...listQuery, clinic: q.clinic === undefined ? undefined : String(q.clinic) };
      const clinics = clinicScope(staff) === null ? allClinics(deps.db) : [];
      const openConversations = countHandoffs(deps.db, clinicScope(staff), 'open');
      return page(
        c,
        deps.committee.name,
        'Yêu cầu của cán bộ',
        <>
          <p class="actions" style="margin-top:0">
            <a class="btn secondary small" href="/staff/requests/conversations">
              Trò chuyện với cán bộ ({openConversations} đang mở)
            </a>
          </p>
          <form method="get" class="card grid" action="/staff/requests">
            {clinics.length ? (
              <div>
                <label for="f-clinic">Phòng khám</label>
                <select id="f-clinic" name="clinic">
                  <option value="">Tất cả</option>
                  {clinics.map((cl) => (
                    <option value={String(cl.id)} selected={q.clinic === cl.id}>
                      {cl.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div>
              <label for="f-type">Loại</label>
              <select id="f-type" name="type">
                <option value="">Tất cả</option>
                {careRequestTypes.map((t) => (
                  <option value={t} selected={q.type === t}>
                    {requestTypeLabels[t]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="f-state">Tình trạng</label>
              <select id="f-state" name="state">
                <option value="open" selected={!q.state || q.state === 'open'}>
                  Đang xử lý
                </option>
                {careRequestStates.map((s) => (
                  <option value={s} selected={q.state === s}>
                    {requestStateLabels[s]}
                  </option>
                ))}
                <option value="all" selected={q.state === 'all'}>
                  Tất cả
                </option>
              </select>
            </div>
            <div>
              <label for="f-q">Cán bộ (tên hoặc mã)</label>
              <input id="f-q" type="search" name="q" value={q.q ?? ''} placeholder="ví dụ: phuong, CB0012" />
            </div>
            <div>
              <button class="btn" type="submit">
                Lọc
              </button>
            </div>
          </form>
          <ListCount window={window} noun="yêu cầu" />
          <div class="table-wrap" id="live-requests" data-live-region="requests">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Số phiếu</th>
                  <th>Loại</th>
                  <th>Cán bộ</th>
                  <th>Phòng khám</th>
                  <th>Tình trạng</th>
                  <th>Hạn tiếp nhận</th>
                  <th>Gửi lúc</th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? <EmptyRow colspan={7}>Không có yêu cầu nào.</EmptyRow> : null}
                {rows.map((r) => (
                  <tr data-live-id={`request-${r.id}`} class={r.urgency === 'urgent' && r.state === 'new' ? 'urgent' : undefined}>
                    <td data-label="Số phiếu">
                      <a href={`/staff/requests/${r.id}`}>{r.ticket}</a>
                    </td>
                    <td data-label="Loại">
                      {r.typeLabel}
                      {r.urgency === 'urgent' ? (
                        <>
                          {' '}
                          <span class="badge bad">Gấp</span>
                        </>
                      ) : null}
                    </td>
                    <td data-label="Cán bộ">
                      {r.cadreName ?? 'Chưa liên kết'}
                      {r.cadreCode ? <div class="small muted">{r.cadreCode}</div> : null}
                    </td>
                    <td data-label="Phòng khám">{r.clinicName ?? '—'}</td>
                    <td data-label="Tình trạng">
                      <span class={`badge ${stateBadge[r.state]}`}>{requestStateLabels[r.state]}</span>
                      {r.handlerName ? <div class="small muted">{r.handlerName}</div> : null}
                      {r.scheduledDate ? <div class="small">{fmtDate(r.scheduledDate)}</div> : null}
                    </td>
                    <td data-label="Hạn">
                      <Clock clock={r.clock} />
                      <div class="small muted">{fmtDateTime(r.ackDueAt)}</div>
                    </td>
                    <td data-label="Gửi lúc">{fmtDateTime(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ListPager window={window} query={pagerQuery} noun="yêu cầu" />
        </>,
        { flash: q.msg ? (notices[q.msg] ?? null) : null },
      );
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), validate('query', MsgCanned), (c) => {
      const staff = currentStaff(c);
      const now = deps.clock.now();
      const d = requestDetail(deps.db, c.req.valid('param').id, clinicScope(staff), now);
      auditHealthRead(deps.db, staff.id, 'request', [d.request.id], now, 'page.detail');
      const r = d.request;
      const token = c.get('csrfToken');
      const canAct = allowed(staff, 'requests', 'act') && r.state !== 'done' && r.state !== 'cancelled';
      // A note or answer can still be sent after the request is closed ("mời ông đến Khoa lấy sổ").
      const canWrite = allowed(staff, 'requests', 'act') && r.state !== 'cancelled';
      const base = `/staff/requests/${r.id}`;
      return page(
        c,
        deps.committee.name,
        `${d.ticket} · ${requestTypeLabels[r.type]}`,
        <>
          <div class="card">
            <dl class="kv">
              <dt>Tình trạng</dt>
              <dd>
                <span class={`badge ${stateBadge[r.state]}`}>{requestStateLabels[r.state]}</span> <Clock clock={d.clock} />
              </dd>
              <dt>Mức độ</dt>
              <dd>{urgencyLabels[r.urgency]}</dd>
              <dt>Cán bộ</dt>
              <dd>{d.cadre ? <a href={`/staff/registry/${d.cadre.id}`}>{`${d.cadre.fullName} (${d.cadre.code})`}</a> : 'Người dùng Zalo chưa liên kết'}{r.viaProxy ? ' — do người đại diện gửi' : ''}</dd>
              <dt>Điện thoại</dt>
              <dd>
                <PhoneLink phone={d.cadre?.phone} />
                {canWrite && d.cadre ? (
                  <>
                    {' '}
                    <PostButton action={`${base}/conversation`} token={token} class="btn secondary small" label="Nhắn Zalo cho cán bộ" />
                  </>
                ) : null}
              </dd>
              <dt>Phòng khám</dt>
              <dd>{d.clinic?.name ?? 'Chưa xác định (trực ban)'}</dd>
              <dt>Nội dung</dt>
              <dd style="white-space:pre-wrap">{r.details || '—'}</dd>
              {r.attachments?.length ? (
                <>
                  <dt>Tệp gửi kèm</dt>
                  <dd>
                    {r.attachments.map((a) => (
                      <AttachmentView attachment={a} />
                    ))}
                  </dd>
                </>
              ) : null}
              {r.address ? (
                <>
                  <dt>Địa chỉ</dt>
                  <dd>
                    {r.address}
                    {r.latitude !== null && r.longitude !== null ? (
                      <>
                        {' '}
                        <a href={`https://www.google.com/maps?q=${r.latitude},${r.longitude}`} rel="noopener noreferrer" target="_blank">
                          (bản đồ)
                        </a>
                      </>
                    ) : null}
                  </dd>
                </>
              ) : null}
              {r.preferredTime ? (
                <>
                  <dt>Mong muốn</dt>
                  <dd>
                    {r.preferredDate ? fmtDate(r.preferredDate) : 'Sớm nhất có thể'}, {timeOfDayLabels[r.preferredTime]}
                  </dd>
                </>
              ) : null}
              <dt>Gửi lúc</dt>
              <dd>{fmtDateTime(r.createdAt)}</dd>
              <dt>Hạn tiếp nhận</dt>
              <dd>{fmtDateTime(r.ackDueAt)}</dd>
              <dt>Người tiếp nhận</dt>
              <dd>{d.handler ? `${d.handler.fullName}, ${fmtDateTime(r.acknowledgedAt)}` : '—'}</dd>
              {r.scheduledDate ? (
                <>
                  <dt>Lịch hẹn</dt>
                  <dd>
                    {fmtDate(r.scheduledDate)}, {timeOfDayLabels[r.scheduledTime ?? 'any']}
                  </dd>
                </>
              ) : null}
              {r.closeNote ? (
                <>
                  <dt>Ghi chú</dt>
                  <dd>{r.closeNote}</dd>
                </>
              ) : null}
            </dl>
          </div>
          {canAct ? (
            <div class="card">
              <h2 style="margin-top:0">Xử lý</h2>
              {r.state === 'new' ? (
                <form method="post" action={`${base}/acknowledge`} class="actions" style="margin-bottom:1rem">
                  <CsrfField token={token} />
                  <button class="btn" type="submit">
                    Tôi tiếp nhận
                  </button>
                </form>
              ) : null}
              <form method="post" action={`${base}/schedule`} class="grid" style="margin-bottom:1rem">
                <CsrfField token={token} />
                <div>
                  <label for="s-date">Ngày hẹn</label>
                  <DateInput id="s-date" name="date" required value={r.scheduledDate ?? r.preferredDate ?? ''} />
                </div>
                <div>
                  <label for="s-time">Buổi</label>
                  <select id="s-time" name="time">
                    {(['morning', 'afternoon', 'any'] as const).map((t) => (
                      <option value={t} selected={(r.scheduledTime ?? r.preferredTime) === t}>
                        {timeOfDayLabels[t]}
                      </option>
                    ))}
                  </select>
                </div>
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
          ) : null}
          <RequestNotesCard
            notes={d.notes}
            canWrite={canWrite}
            question={r.type === 'question'}
            action={`${base}/notes`}
            token={token}
            canned={canWrite ? listCannedReplies(deps.db) : []}
            pageUrl={base}
            prefill={canWrite ? cannedReplyText(deps.db, c.req.valid('query').canned) : ''}
          />
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
                {d.timeline.map((t) => {
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
                })}
              </tbody>
            </table>
          </div>
          <p>
            <a href="/staff/requests">← Danh sách yêu cầu</a>
          </p>
        </>,
        { flash: notices[c.req.valid('query').msg ?? ''] ?? null },
      );
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
    })
    .get('/conversations', requirePermission('requests', 'read'), validate('query', z.object({ status: z.enum(['open', 'closed', 'all']).default('open'), assigned: z.enum(['mine', 'unassigned', 'all']).default('all'), page: pageParam }).extend(Msg.shape)), (c) => {
      const staff = currentStaff(c);
      const q = c.req.valid('query');
      const { items: rows, window } = listHandoffs(deps.db, clinicScope(staff), q.status, q.assigned === 'mine' ? { mine: staff.id } : q.assigned, q.page);
      const pagerQuery = { status: q.status, assigned: q.assigned };
      return page(
        c,
        deps.committee.name,
        'Trò chuyện với cán bộ',
        <>
          <nav class="actions" style="margin-bottom:.8rem" aria-label="Trạng thái">
            <StatusTabs
              tabs={[
                ['open', 'Đang mở'],
                ['closed', 'Đã kết thúc'],
                ['all', 'Tất cả'],
              ]}
              current={q.status}
              href={(s) => `/staff/requests/conversations?status=${s}&assigned=${q.assigned}`}
            />
          </nav>
          <nav class="actions" style="margin-bottom:.8rem" aria-label="Người phụ trách">
            <StatusTabs
              tabs={[
                ['mine', 'Của tôi'],
                ['unassigned', 'Chưa ai nhận'],
                ['all', 'Tất cả'],
              ]}
              current={q.assigned}
              href={(a) => `/staff/requests/conversations?status=${q.status}&assigned=${a}`}
            />
          </nav>
          <div id="live-conversations" data-live-region="conversations">
            <ListCount window={window} noun="cuộc trò chuyện" />
            <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Người dùng</th>
                  <th>Phòng khám</th>
                  <th>Mở lúc</th>
                  <th>Hoạt động cuối</th>
                  <th>Người phụ trách</th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? <EmptyRow colspan={5}>Không có cuộc trò chuyện nào.</EmptyRow> : null}
                {rows.map((r) => (
                  <tr data-live-id={`conversation-${r.handoff.id}-${r.handoff.lastActivityAt}`}>
                    <td data-label="Người dùng">
                      <a href={`/staff/requests/conversations/${r.handoff.id}`}>{r.cadreName ? `${r.cadreName} (${r.cadreCode})` : `Zalo ${r.handoff.zaloUserId}`}</a>
                      {r.handoff.status === 'open' ? (
                        <>
                          {' '}
                          <span class="badge warn">Đang mở</span>
                        </>
                      ) : null}
                    </td>
                    <td data-label="Phòng khám">{r.clinicName ?? '—'}</td>
                    <td data-label="Mở lúc">{fmtDateTime(r.handoff.openedAt)}</td>
                    <td data-label="Cuối">{fmtDateTime(r.handoff.lastActivityAt)}</td>
                    <td data-label="Phụ trách">{r.staffName ?? <span class="badge warn">Chưa ai nhận</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
            <ListPager window={window} query={pagerQuery} noun="cuộc trò chuyện" />
          </div>
          <p>
            <a href="/staff/requests">← Danh sách yêu cầu</a>
          </p>
        </>,
        { flash: q.msg ? (notices[q.msg] ?? null) : null },
      );
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/conversations/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), validate('query', MsgCanned), (c) => {
      const staff = currentStaff(c);
      const d = handoffDetail(deps.db, c.req.valid('param').id, clinicScope(staff), deps.clock.now());
      auditHealthRead(deps.db, staff.id, 'transcript', [d.handoff.id], deps.clock.now(), 'page.detail');
      const token = c.get('csrfToken');
      const open = d.handoff.status === 'open';
      const base = `/staff/requests/conversations/${d.handoff.id}`;
      const who = d.cadre ? `${d.cadre.fullName} (${d.cadre.code})` : (d.displayName ?? `Zalo ${d.handoff.zaloUserId}`);
      const now = deps.clock.now();
      const panel = d.cadre ? contactPanel(deps.db, d.cadre, now, { withResults: allowed(staff, 'results', 'read') }) : null;
      if (panel?.results) auditStaffRead(deps.db, staff, panel.results.latestIds, now, 'conversation.contact');
      const deliveries = replyDeliveries(
        deps.db,
        d.handoff.zaloUserId,
        d.messages.filter((m) => m.message.direction === 'staff').map((m) => ({ id: m.message.id, at: m.message.at, text: m.message.text })),
      );
      const assignee = d.handoff.staffId === staff.id ? 'Bạn' : d.handoff.staffId ? 'Nhân viên khác' : null;
      return page(
        c,
        deps.committee.name,
        `Trò chuyện: ${who}`,
        <>
          <style>{conversationCss}</style>
          <p class="muted" style="margin-top:0">
            {open ? 'Đang mở: trợ lý tự động không trả lời người này.' : `Đã kết thúc ${fmtDateTime(d.handoff.closedAt)}.`} Mở lúc {fmtDateTime(d.handoff.openedAt)}.
          </p>
          <div class="actions" style="margin-bottom:.8rem">
            <span>
              Người phụ trách: <b id="assignee">{assignee ?? 'chưa ai nhận'}</b>
            </span>
            {open && allowed(staff, 'requests', 'act') && d.handoff.staffId !== staff.id ? (
              <form method="post" action={`${base}/assign`} class="inline">
                <CsrfField token={token} />
                <button class="btn secondary small" type="submit">
                  Nhận xử lý
                </button>
              </form>
            ) : null}
          </div>
          <div class={panel ? 'convo' : ''}>
          <div>
          <div class="card" aria-label="Tin nhắn" id="live-transcript" data-live-region="conversations">
            {d.messages.length === 0 ? <p class="muted">Chưa có tin nhắn.</p> : null}
            {d.messages.map((m) => (
              <div style={`margin:.35rem 0;${m.message.direction === 'in' ? '' : 'text-align:right'}`} data-direction={m.message.direction}>
                <div class="small muted">
                  {m.message.direction === 'in'
                    ? 'Người dùng'
                    : m.message.direction === 'staff'
                      ? (m.staffName ?? 'Nhân viên')
                      : m.message.direction === 'note'
                        ? `Ghi chú nội bộ của ${m.staffName ?? 'nhân viên'} (cán bộ không thấy)`
                        : 'Trợ lý tự động'}{' '}
                  · {fmtDateTime(m.message.at)}
                </div>
                <div
                  style={`display:inline-block;white-space:pre-wrap;padding:.4rem .7rem;border-radius:10px;background:${m.message.direction === 'in' ? '#eef1f4' : m.message.direction === 'staff' ? '#e7f4ef' : m.message.direction === 'note' ? '#fff4e0;border:1px dashed #f3cf8f' : '#fafbfc'}`}
                >
                  {m.message.text}
                  {m.message.attachment ? <AttachmentView attachment={m.message.attachment} /> : null}
                </div>
                {m.message.direction === 'staff' ? (
                  <div class="small">
                    <DeliveryBadge state={deliveries.get(m.message.id)?.state ?? 'unknown'} at={deliveries.get(m.message.id)?.at ?? null} />
                  </div>
                ) : null}
              </div>
            ))}
          </div>
          {open && allowed(staff, 'requests', 'act') ? (
            <>
              <CannedReplyPicker replies={listCannedReplies(deps.db)} target="reply" action={base} />
              <form method="post" action={`${base}/reply`} class="card">
                <CsrfField token={token} />
                <label for="reply">Trả lời (gửi qua Zalo, ký tên {staff.fullName}) hoặc ghi chú nội bộ</label>
                <textarea id="reply" name="text" rows={3} maxlength={1800} required>
                  {cannedReplyText(deps.db, c.req.valid('query').canned)}
                </textarea>
                <p class="actions">
                  <button class="btn" type="submit" disabled={!d.canReply}>
                    Gửi cho cán bộ
                  </button>
                  <button class="btn secondary" type="submit" formaction={`${base}/note`}>
                    Lưu ghi chú nội bộ
                  </button>
                  {d.canReply ? null : <span class="small muted">Đã quá 7 ngày từ tin cuối của người dùng; Zalo không cho gửi. Hãy gọi điện.</span>}
                </p>
              </form>
              <form method="post" action={`${base}/close`} class="actions">
                <CsrfField token={token} />
                <button class="btn danger" type="submit">
                  Kết thúc trò chuyện
                </button>
              </form>
            </>
          ) : null}
          </div>
          {panel ? <ContactPanelCard panel={panel} /> : null}
          </div>
          <p>
            <a href="/staff/requests/conversations">← Các cuộc trò chuyện</a>
          </p>
        </>,
        { flash: notices[c.req.valid('query').msg ?? ''] ?? null },
      );
    })
    .post('/conversations/:id{[0-9]+}/assign', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      const id = c.req.valid('param').id;
      const staff = currentStaff(c);
      inTransaction(deps.db, (tx) => assignHandoff(tx, id, staff, clinicScope(staff), deps.clock.now()));
      return c.redirect(`/staff/requests/conversations/${id}?msg=assigned`, 303);
    })
    .post('/conversations/:id{[0-9]+}/note', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', ReplyInput), (c) => {
      const id = c.req.valid('param').id;
      const staff = currentStaff(c);
      inTransaction(deps.db, (tx) => staffNote(tx, id, staff, clinicScope(staff), c.req.valid('form').text, deps.clock.now()));
      return c.redirect(`/staff/requests/conversations/${id}?msg=noted`, 303);
    })
    .post('/conversations/:id{[0-9]+}/reply', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', ReplyInput), (c) => {
      const id = c.req.valid('param').id;
      act.reply(currentStaff(c), id, c.req.valid('form').text);
      return c.redirect(`/staff/requests/conversations/${id}?msg=replied`, 303);
    })
    .post(
      '/conversations/:id{[0-9]+}/close',
      requirePermission('requests', 'act'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c) => (loadHandoff(deps.db, Number(c.req.param('id')), clinicScope(currentStaff(c))), {
        title: 'Kết thúc cuộc trò chuyện?',
        text: 'Cán bộ được báo cuộc trò chuyện với nhân viên đã kết thúc; tin nhắn sau đó do trợ lý tự động trả lời.',
        confirmLabel: 'Kết thúc',
        back: `/staff/requests/conversations/${c.req.param('id')}`,
      })),
      (c) => {
      const id = c.req.valid('param').id;
      act.closeConversation(currentStaff(c), id);
      return c.redirect(`/staff/requests/conversations?msg=closed`, 303);
      },
    );
}
