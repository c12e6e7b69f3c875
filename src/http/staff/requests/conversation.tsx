import { Hono } from 'hono';
import { cannedReplyText, listCannedReplies } from '../../../domain/conversations/cannedReplies';
import { contactPanel } from '../../../domain/conversations/contactPanel';
import { assignHandoff, handoffDetail, loadHandoff, ReplyInput, replyDeliveries, staffNote } from '../../../domain/conversations/handoff';
import { requestActions } from '../../../domain/requests/actions';
import { auditStaffRead } from '../../../domain/results/resultList';
import { auditHealthRead } from '../../../domain/staff/staffReads';
import { inTransaction } from '../../../store/db';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { CannedReplyPicker } from '../cannedReplies';
import { confirmFirst } from '../confirm';
import { ContactPanelCard, conversationCss, DeliveryBadge } from '../conversationPanel';
import { CsrfField } from '../layout';
import { fmtDateTime, page } from '../ui';
import { BackLink } from '../uiParts';
import { AttachmentView, MsgCanned, noticeOf } from './shared';

type Conversation = ReturnType<typeof handoffDetail>;
type Message = Conversation['messages'][number];
type Deliveries = ReturnType<typeof replyDeliveries>;
type ContactPanel = ReturnType<typeof contactPanel>;

const bubbleColours: Record<string, string> = { in: '#eef1f4', staff: '#e7f4ef', note: '#fff4e0;border:1px dashed #f3cf8f' };

function sender(m: Message) {
  const d = m.message.direction;
  if (d === 'in') return 'Người dùng';
  if (d === 'staff') return m.staffName ?? 'Nhân viên';
  if (d === 'note') return `Ghi chú nội bộ của ${m.staffName ?? 'nhân viên'} (cán bộ không thấy)`;
  return 'Trợ lý tự động';
}

function MessageBubble(props: { m: Message; deliveries: Deliveries }) {
  const { m } = props;
  const delivery = props.deliveries.get(m.message.id);
  return (
    <div style={`margin:.35rem 0;${m.message.direction === 'in' ? '' : 'text-align:right'}`} data-direction={m.message.direction}>
      <div class="small muted">
        {sender(m)} · {fmtDateTime(m.message.at)}
      </div>
      <div style={`display:inline-block;white-space:pre-wrap;padding:.4rem .7rem;border-radius:10px;background:${bubbleColours[m.message.direction] ?? '#fafbfc'}`}>
        {m.message.text}
        {m.message.attachment ? <AttachmentView attachment={m.message.attachment} /> : null}
      </div>
      {m.message.direction === 'staff' ? (
        <div class="small">
          <DeliveryBadge state={delivery?.state ?? 'unknown'} at={delivery?.at ?? null} />
        </div>
      ) : null}
    </div>
  );
}

/** The reply box (a reply goes to Zalo signed with the staff name; a note stays internal) and the close button. */
function ReplyBox(props: { deps: StaffDeps; d: Conversation; staff: StaffIdentity; base: string; token: string; canned?: number }) {
  const { base, token } = props;
  return (
    <>
      <CannedReplyPicker replies={listCannedReplies(props.deps.db)} target="reply" action={base} />
      <form method="post" action={`${base}/reply`} class="card">
        <CsrfField token={token} />
        <label for="reply">Trả lời (gửi qua Zalo, ký tên {props.staff.fullName}) hoặc ghi chú nội bộ</label>
        <textarea id="reply" name="text" rows={3} maxlength={1800} required>
          {cannedReplyText(props.deps.db, props.canned)}
        </textarea>
        <p class="actions">
          <button class="btn" type="submit" disabled={!props.d.canReply}>
            Gửi cho cán bộ
          </button>
          <button class="btn secondary" type="submit" formaction={`${base}/note`}>
            Lưu ghi chú nội bộ
          </button>
          {props.d.canReply ? null : <span class="small muted">Đã quá 7 ngày từ tin cuối của người dùng; Zalo không cho gửi. Hãy gọi điện.</span>}
        </p>
      </form>
      <form method="post" action={`${base}/close`} class="actions">
        <CsrfField token={token} />
        <button class="btn danger" type="submit">
          Kết thúc trò chuyện
        </button>
      </form>
    </>
  );
}

function AssigneeBar(props: { d: Conversation; staff: StaffIdentity; base: string; token: string }) {
  const { d, staff } = props;
  const open = d.handoff.status === 'open';
  const assignee = d.handoff.staffId === staff.id ? 'Bạn' : d.handoff.staffId ? 'Nhân viên khác' : null;
  return (
    <div class="actions" style="margin-bottom:.8rem">
      <span>
        Người phụ trách: <b id="assignee">{assignee ?? 'chưa ai nhận'}</b>
      </span>
      {open && allowed(staff, 'requests', 'act') && d.handoff.staffId !== staff.id ? (
        <form method="post" action={`${props.base}/assign`} class="inline">
          <CsrfField token={props.token} />
          <button class="btn secondary small" type="submit">
            Nhận xử lý
          </button>
        </form>
      ) : null}
    </div>
  );
}

function ConversationPage(props: { deps: StaffDeps; d: Conversation; panel: ContactPanel | null; staff: StaffIdentity; token: string; canned?: number }) {
  const { deps, d, panel, staff, token } = props;
  const open = d.handoff.status === 'open';
  const base = `/staff/requests/conversations/${d.handoff.id}`;
  const staffMessages = d.messages.filter((m) => m.message.direction === 'staff').map((m) => ({ id: m.message.id, at: m.message.at, text: m.message.text }));
  const deliveries = replyDeliveries(deps.db, d.handoff.zaloUserId, staffMessages);
  return (
    <>
      <style>{conversationCss}</style>
      <p class="muted" style="margin-top:0">
        {open ? 'Đang mở: trợ lý tự động không trả lời người này.' : `Đã kết thúc ${fmtDateTime(d.handoff.closedAt)}.`} Mở lúc {fmtDateTime(d.handoff.openedAt)}.
      </p>
      <AssigneeBar d={d} staff={staff} base={base} token={token} />
      <div class={panel ? 'convo' : ''}>
        <div>
          <div class="card" aria-label="Tin nhắn" id="live-transcript" data-live-region="conversations">
            {d.messages.length === 0 ? <p class="muted">Chưa có tin nhắn.</p> : null}
            {d.messages.map((m) => (
              <MessageBubble m={m} deliveries={deliveries} />
            ))}
          </div>
          {open && allowed(staff, 'requests', 'act') ? <ReplyBox deps={deps} d={d} staff={staff} base={base} token={token} canned={props.canned} /> : null}
        </div>
        {panel ? <ContactPanelCard panel={panel} /> : null}
      </div>
      <BackLink href="/staff/requests/conversations" label="Các cuộc trò chuyện" />
    </>
  );
}

/** One conversation: its transcript (each view audited), taking it, replying, internal notes, ending it. */
export function conversationRoutes(deps: StaffDeps) {
  const act = requestActions(deps);
  return new Hono<StaffEnv>()
    .get('/conversations/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), validate('query', MsgCanned), (c) => {
      const staff = currentStaff(c);
      const d = handoffDetail(deps.db, c.req.valid('param').id, clinicScope(staff), deps.clock.now());
      auditHealthRead(deps.db, staff.id, 'transcript', [d.handoff.id], deps.clock.now(), 'page.detail');
      const now = deps.clock.now();
      // The cadre's contact panel shows their latest results: reading them is audited like any result page.
      const panel = d.cadre ? contactPanel(deps.db, d.cadre, now, { withResults: allowed(staff, 'results', 'read') }) : null;
      if (panel?.results) auditStaffRead(deps.db, staff, panel.results.latestIds, now, 'conversation.contact');
      const who = d.cadre ? `${d.cadre.fullName} (${d.cadre.code})` : (d.displayName ?? `Zalo ${d.handoff.zaloUserId}`);
      const { msg, canned } = c.req.valid('query');
      const body = <ConversationPage deps={deps} d={d} panel={panel} staff={staff} token={c.get('csrfToken')} canned={canned} />;
      return page(c, deps.committee.name, `Trò chuyện: ${who}`, body, { flash: noticeOf(msg) });
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
        act.closeConversation(currentStaff(c), c.req.valid('param').id);
        return c.redirect(`/staff/requests/conversations?msg=closed`, 303);
      },
    );
}
