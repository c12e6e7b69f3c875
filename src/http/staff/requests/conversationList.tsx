import { Hono } from 'hono';
import { z } from 'zod';
import { listHandoffs } from '../../../domain/conversations/handoff';
import { pageParam } from '../../../domain/shared/listing';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { fmtDateTime, ListCount, ListPager, page } from '../ui';
import { BackLink, type Column, RowsTable, TabNav } from '../uiParts';
import { Msg, noticeOf } from './shared';

const ConversationQuery = z
  .object({ status: z.enum(['open', 'closed', 'all']).default('open'), assigned: z.enum(['mine', 'unassigned', 'all']).default('all'), page: pageParam })
  .extend(Msg.shape);
type ConversationRow = ReturnType<typeof listHandoffs>['items'][number];

const statusTabs = [
  ['open', 'Đang mở'],
  ['closed', 'Đã kết thúc'],
  ['all', 'Tất cả'],
] as const;
const assignedTabs = [
  ['mine', 'Của tôi'],
  ['unassigned', 'Chưa ai nhận'],
  ['all', 'Tất cả'],
] as const;

/** Open / ended, and whose: two rows of tabs, each keeping the other's choice. */
function ConversationTabs(props: { status: string; assigned: string }) {
  const href = (status: string, assigned: string) => `/staff/requests/conversations?status=${status}&assigned=${assigned}`;
  return (
    <>
      <TabNav label="Trạng thái" tabs={statusTabs} current={props.status} href={(s) => href(s, props.assigned)} />
      <TabNav label="Người phụ trách" tabs={assignedTabs} current={props.assigned} href={(a) => href(props.status, a)} />
    </>
  );
}

const conversationColumns: Column<ConversationRow>[] = [
  {
    label: 'Người dùng',
    cell: (r) => (
      <>
        <a href={`/staff/requests/conversations/${r.handoff.id}`}>{r.cadreName ? `${r.cadreName} (${r.cadreCode})` : `Zalo ${r.handoff.zaloUserId}`}</a>
        {r.handoff.status === 'open' ? (
          <>
            {' '}
            <span class="badge warn">Đang mở</span>
          </>
        ) : null}
      </>
    ),
  },
  { label: 'Phòng khám', cell: (r) => r.clinicName ?? '—' },
  { label: 'Mở lúc', cell: (r) => fmtDateTime(r.handoff.openedAt) },
  { label: 'Cuối', heading: 'Hoạt động cuối', cell: (r) => fmtDateTime(r.handoff.lastActivityAt) },
  { label: 'Phụ trách', heading: 'Người phụ trách', cell: (r) => r.staffName ?? <span class="badge warn">Chưa ai nhận</span> },
];

const conversationAttrs = (r: ConversationRow) => ({ 'data-live-id': `conversation-${r.handoff.id}-${r.handoff.lastActivityAt}` });

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
          <RowsTable columns={conversationColumns} rows={rows} empty="Không có cuộc trò chuyện nào." rowAttrs={conversationAttrs} />
          <ListPager window={window} query={pagerQuery} noun="cuộc trò chuyện" />
        </div>
        <BackLink href="/staff/requests" label="Danh sách yêu cầu" />
      </>
    );
    return page(c, deps.committee.name, 'Trò chuyện với cán bộ', body, { flash: noticeOf(q.msg) });
  });
}
