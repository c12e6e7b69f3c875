import { Hono } from 'hono';
import { z } from 'zod';
import { listHandoffs } from '../../../domain/conversations/handoff';
import { pageParam } from '../../../domain/shared/listing';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { EmptyRow, fmtDateTime, ListCount, ListPager, page, StatusTabs } from '../ui';
import { Msg, noticeOf } from './shared';

const ConversationQuery = z
  .object({ status: z.enum(['open', 'closed', 'all']).default('open'), assigned: z.enum(['mine', 'unassigned', 'all']).default('all'), page: pageParam })
  .extend(Msg.shape);
type ConversationRow = ReturnType<typeof listHandoffs>['items'][number];

/** Open / ended, and whose: two rows of tabs, each keeping the other's choice. */
function ConversationTabs(props: { status: string; assigned: string }) {
  return (
    <>
      <nav class="actions" style="margin-bottom:.8rem" aria-label="Trạng thái">
        <StatusTabs
          tabs={[
            ['open', 'Đang mở'],
            ['closed', 'Đã kết thúc'],
            ['all', 'Tất cả'],
          ]}
          current={props.status}
          href={(s) => `/staff/requests/conversations?status=${s}&assigned=${props.assigned}`}
        />
      </nav>
      <nav class="actions" style="margin-bottom:.8rem" aria-label="Người phụ trách">
        <StatusTabs
          tabs={[
            ['mine', 'Của tôi'],
            ['unassigned', 'Chưa ai nhận'],
            ['all', 'Tất cả'],
          ]}
          current={props.assigned}
          href={(a) => `/staff/requests/conversations?status=${props.status}&assigned=${a}`}
        />
      </nav>
    </>
  );
}

function ConversationTable(props: { rows: ConversationRow[] }) {
  return (
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
          {props.rows.length === 0 ? <EmptyRow colspan={5}>Không có cuộc trò chuyện nào.</EmptyRow> : null}
          {props.rows.map((r) => (
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
  );
}

/** The conversations staff hold with users, by status and by who handles them. */
export function conversationListRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/conversations', requirePermission('requests', 'read'), validate('query', ConversationQuery), (c) => {
    const staff = currentStaff(c);
    const q = c.req.valid('query');
    const { items: rows, window } = listHandoffs(deps.db, clinicScope(staff), q.status, q.assigned === 'mine' ? { mine: staff.id } : q.assigned, q.page);
    const pagerQuery = { status: q.status, assigned: q.assigned };
    const body = (
      <>
        <ConversationTabs status={q.status} assigned={q.assigned} />
        <div id="live-conversations" data-live-region="conversations">
          <ListCount window={window} noun="cuộc trò chuyện" />
          <ConversationTable rows={rows} />
          <ListPager window={window} query={pagerQuery} noun="cuộc trò chuyện" />
        </div>
        <p>
          <a href="/staff/requests">← Danh sách yêu cầu</a>
        </p>
      </>
    );
    return page(c, deps.committee.name, 'Trò chuyện với cán bộ', body, { flash: noticeOf(q.msg) });
  });
}
