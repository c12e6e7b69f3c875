import { Hono } from 'hono';
import { z } from 'zod';
import { listFailedEvents, replayFailedEvent } from '../../domain/conversations/failedEvents';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { fmtDateTime, okNotices, page, PostButton } from './ui';
import { type Column, RowsTable } from './uiParts';
import { IdParam, validate } from '../validation';
import { inboundEventFromBody } from '../../zalo/events';

const noticeOf = okNotices({ replayed: 'Đã chạy lại sự kiện; tin trả lời đang được gửi.' });

function failedEventColumns(token: string): Column<ReturnType<typeof listFailedEvents>[number]>[] {
  return [
    { label: '#', cell: (r) => r.id },
    { label: 'Lúc', cell: (r) => fmtDateTime(r.failedAt) },
    { label: 'Sự kiện', cell: (r) => r.eventName },
    { label: 'Người dùng Zalo', cell: (r) => r.zaloUserId },
    { label: 'Lỗi', cell: (r) => <code class="small">{r.error.split('\n')[0]}</code> },
    { label: 'Lần', cell: (r) => r.attempts },
    {
      label: '',
      cell: (r) =>
        r.status === 'failed' ? (
          <PostButton action={`/staff/failed-events/${r.id}/replay`} token={token} label="Chạy lại" />
        ) : (
          <span class="badge ok">Đã chạy lại {fmtDateTime(r.replayedAt)}</span>
        ),
    },
  ];
}

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
            <RowsTable columns={failedEventColumns(token)} rows={rows} />
          ) : (
            <p class="card">Không có sự kiện lỗi nào.</p>
          )}
        </>,
        { flash: noticeOf(msg) },
      );
    })
    .post('/:id{[0-9]+}/replay', requirePermission('failedEvents', 'replay'), validate('param', IdParam), (c) => {
      const outcome = replayFailedEvent(deps.db, c.req.valid('param').id, staffActor(currentStaff(c)), deps.clock.now(), deps.catalog(), inboundEventFromBody);
      if (outcome.status === 'processed') deps.afterCommit(outcome.claimed);
      return c.redirect('/staff/failed-events?msg=replayed', 303);
    });
}
