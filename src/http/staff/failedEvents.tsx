import { Hono } from 'hono';
import { z } from 'zod';
import { listFailedEvents, replayFailedEvent } from '../../domain/conversations/failedEvents';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { fmtDateTime, page } from './ui';
import { IdParam, validate } from '../validation';
import { inboundEventFromBody } from '../../zalo/events';


const notices: Record<string, Flash> = {
  replayed: { kind: 'ok', text: 'Đã chạy lại sự kiện; tin trả lời đang được gửi.' },
};

/** /staff/failed-events: webhook events whose turn threw, with the error, and a button to run them again. */
export function failedEventPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/', requirePermission('failedEvents', 'read'), validate('query', z.object({ status: z.enum(['failed', 'replayed', 'all']).default('failed'), msg: z.string().max(20).optional() })), (c) => {
      const { status, msg } = c.req.valid('query');
      const rows = listFailedEvents(deps.db, status);
      const token = c.get('csrfToken');
      return page(
        c,
        deps.committee.name,
        'Sự kiện Zalo bị lỗi',
        <>
          <p class="muted">Tin nhắn Zalo mà hệ thống xử lý bị lỗi. Zalo đã được trả lời để không tắt webhook; người dùng đã nhận lời xin lỗi kèm số đường dây nóng. Sửa nguyên nhân rồi bấm "Chạy lại".</p>
          <p class="actions">
            <a href="/staff/failed-events?status=failed">Chờ xử lý</a> · <a href="/staff/failed-events?status=replayed">Đã chạy lại</a> · <a href="/staff/failed-events?status=all">Tất cả</a>
          </p>
          {rows.length ? (
            <div class="table-wrap">
              <table class="responsive">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Lúc</th>
                    <th>Sự kiện</th>
                    <th>Người dùng Zalo</th>
                    <th>Lỗi</th>
                    <th>Lần</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr>
                      <td data-label="#">{r.id}</td>
                      <td data-label="Lúc">{fmtDateTime(r.failedAt)}</td>
                      <td data-label="Sự kiện">{r.eventName}</td>
                      <td data-label="Người dùng Zalo">{r.zaloUserId}</td>
                      <td data-label="Lỗi">
                        <code class="small">{r.error.split('\n')[0]}</code>
                      </td>
                      <td data-label="Lần">{r.attempts}</td>
                      <td>
                        {r.status === 'failed' ? (
                          <form method="post" action={`/staff/failed-events/${r.id}/replay`} class="inline">
                            <CsrfField token={token} />
                            <button class="btn small" type="submit">
                              Chạy lại
                            </button>
                          </form>
                        ) : (
                          <span class="badge ok">Đã chạy lại {fmtDateTime(r.replayedAt)}</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="card">Không có sự kiện lỗi nào.</p>
          )}
        </>,
        { flash: notices[msg ?? ''] ?? null },
      );
    })
    .post('/:id{[0-9]+}/replay', requirePermission('failedEvents', 'replay'), validate('param', IdParam), (c) => {
      const outcome = replayFailedEvent(deps.db, c.req.valid('param').id, staffActor(currentStaff(c)), deps.clock.now(), deps.catalog(), inboundEventFromBody);
      if (outcome.status === 'processed') deps.afterCommit();
      return c.redirect('/staff/failed-events?msg=replayed', 303);
    });
}
