import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { formatVietnamDateTime } from '../../domain/shared/dates';
import { acknowledgeRequest } from '../../domain/requests/staffActions';
import { ackLinkActor } from '../../domain/staff/actor';
import { ackKeyFrom, AckQuery, verifyAckLink } from '../../domain/requests/ackLinks';
import { getRequest } from '../../domain/requests/reads';
import { requestStateLabels, requestTypeLabels, ticketOf } from '../../domain/requests/labels';
import { AppError } from '../../errors';
import { inTransaction } from '../../store/db';
import { cadres, staffUsers } from '../../store/schema';
import type { StaffDeps } from '../deps';
import { BarePage } from '../staff/layout';

const Param = z.object({ id: z.coerce.number().int().positive() });
type AckKey = ReturnType<typeof ackKeyFrom>;

function card(c: Context, status: 200 | 400 | 403 | 404 | 409 | 410, title: string, body: unknown) {
  return c.html(
    <BarePage title={title}>
      <div class="card login" style="max-width:520px">
        <div class="logo">CadreCare</div>
        <h1>{title}</h1>
        {body as never}
      </div>
    </BarePage>,
    status,
  );
}

/** Parses and checks the link; returns the request id and who it was sent to, or an error page. */
function check(deps: StaffDeps, key: AckKey, c: Context): { id: number; staffId: number } | { page: Response | Promise<Response> } {
  const p = Param.safeParse({ id: c.req.param('id') });
  const q = AckQuery.safeParse(c.req.query());
  if (!p.success || !q.success) return { page: card(c, 400, 'Đường dẫn không đúng', <p>Đường dẫn xác nhận bị thiếu hoặc sai. Xin mở lại từ thư gốc.</p>) };
  const verdict = verifyAckLink(key, p.data.id, q.data, deps.clock.now());
  if (verdict === 'forged') return { page: card(c, 403, 'Đường dẫn không hợp lệ', <p>Đường dẫn này không do hệ thống tạo ra. Không có gì thay đổi.</p>) };
  if (verdict === 'expired')
    return { page: card(c, 410, 'Đường dẫn đã hết hạn', <p>Xin đăng nhập trang nhân viên để tiếp nhận yêu cầu: <a href={`/staff/requests/${p.data.id}`}>mở yêu cầu</a>.</p>) };
  return { id: p.data.id, staffId: q.data.s };
}

function describe(deps: StaffDeps, id: number) {
  const req = getRequest(deps.db, id);
  if (!req) return null;
  const cadre = req.cadreId === null ? null : deps.db.select().from(cadres).where(eq(cadres.id, req.cadreId)).get();
  const handler = req.acknowledgedByStaffId === null ? null : deps.db.select().from(staffUsers).where(eq(staffUsers.id, req.acknowledgedByStaffId)).get();
  return { req, cadre, handler };
}
type Described = NonNullable<ReturnType<typeof describe>>;

function RequestFacts(props: { d: Described }) {
  const { d } = props;
  return (
    <dl class="kv">
      <dt>Số phiếu</dt>
      <dd>{ticketOf(d.req.id)}</dd>
      <dt>Loại</dt>
      <dd>{requestTypeLabels[d.req.type]}</dd>
      <dt>Cán bộ</dt>
      <dd>{d.cadre ? `${d.cadre.fullName} (${d.cadre.code})` : 'Chưa liên kết hồ sơ'}</dd>
      <dt>Gửi lúc</dt>
      <dd>{formatVietnamDateTime(d.req.createdAt)}</dd>
      <dt>Tình trạng</dt>
      <dd>{requestStateLabels[d.req.state]}</dd>
    </dl>
  );
}

/** The request and, while it is new, one button; a GET never changes anything. */
function ackPage(c: Context, d: Described) {
  const facts = <RequestFacts d={d} />;
  if (d.req.state === 'cancelled' || (d.req.state === 'done' && !d.handler)) {
    const title = d.req.state === 'cancelled' ? 'Yêu cầu đã được hủy' : 'Yêu cầu đã hoàn thành';
    return card(c, 200, title, (
      <>
        {facts}
        <p>Không cần tiếp nhận nữa.</p>
      </>
    ));
  }
  if (d.req.state !== 'new') {
    return card(c, 200, 'Yêu cầu đã được tiếp nhận', (
      <>
        {facts}
        <p>{d.handler ? `Người tiếp nhận: ${d.handler.fullName}.` : 'Đã có người tiếp nhận.'}</p>
      </>
    ));
  }
  return card(c, 200, `Tiếp nhận ${ticketOf(d.req.id)}`, (
    <>
      {facts}
      <form method="post" action={c.req.url.replace(/^https?:\/\/[^/]+/, '')} style="margin-top:1rem">
        <button class="btn" type="submit">
          Tôi tiếp nhận yêu cầu này
        </button>
      </form>
      <p class="small muted">Cán bộ sẽ được báo tên người phụ trách. Chi tiết sức khỏe xem trên trang nhân viên sau khi đăng nhập.</p>
    </>
  ));
}

/**
 * /ack/requests/:id?s=&e=&t=: the acknowledge link of an escalation email or Zalo message. The link is signed
 * (HMAC with a key derived from the session secret) and expires. Opening it shows the request and one
 * button; the POST acknowledges. A GET never changes anything, so mail scanners that open links do not
 * acknowledge on someone's behalf. A forged link is refused (403), an expired one too (410); nothing changes.
 */
export function requestAckRoutes(deps: StaffDeps) {
  const key = ackKeyFrom(deps.sessionSecret);
  const app = new Hono();

  app.get('/requests/:id', (c) => {
    const ok = check(deps, key, c);
    if ('page' in ok) return ok.page;
    const d = describe(deps, ok.id);
    if (!d) return card(c, 404, 'Không tìm thấy', <p>Không có yêu cầu này.</p>);
    return ackPage(c, d);
  });

  app.post('/requests/:id', (c) => {
    const ok = check(deps, key, c);
    if ('page' in ok) return ok.page;
    try {
      inTransaction(deps.db, (tx) => acknowledgeRequest(tx, ok.id, ackLinkActor(ok.staffId), null, deps.clock.now()));
      deps.afterCommit();
    } catch (err) {
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'not_found' || err.code === 'forbidden')) {
        const status = err.code === 'conflict' ? 409 : err.code === 'not_found' ? 404 : 403;
        return card(c, status, 'Không thực hiện được', <p>{err.message}</p>);
      }
      throw err;
    }
    return card(c, 200, 'Đã tiếp nhận', <p>Cảm ơn anh/chị. Yêu cầu {ticketOf(ok.id)} đã được tiếp nhận; việc nhắc tiếp đã dừng và cán bộ đã được báo.</p>);
  });
  return app;
}
