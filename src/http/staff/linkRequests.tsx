import { z } from 'zod';
import { decideLinkMove, listLinkRequests } from '../../domain/linking/linking';
import { inTransaction } from '../../store/db';
import { currentStaff } from '../auth/session';
import type { StaffDeps } from '../deps';
import { fmtDateTime, PhoneLink, type StaffContext } from './ui';
import { CadreLink, type Column, DecisionForm, RowsTable } from './uiParts';

export const LinkDecisionForm = z.object({ note: z.string().trim().max(500).default('') });

type LinkRequestRow = ReturnType<typeof listLinkRequests>[number];

function linkRequestColumns(token: string): Column<LinkRequestRow>[] {
  return [
    {
      label: 'Cán bộ',
      cell: (r) => (
        <CadreLink id={r.request.cadreId} name={r.cadreName}>
          {r.cadreCode} · ĐT hồ sơ: <PhoneLink phone={r.cadrePhone} />
        </CadreLink>
      ),
    },
    { label: 'Số đã chia sẻ', cell: (r) => <PhoneLink phone={r.request.phone} /> },
    {
      label: 'Tài khoản Zalo',
      class: 'small',
      cell: (r) => (
        <div>
          <div>mới: {r.request.zaloUserId}</div>
          <div class="muted">đang liên kết: {r.request.currentZaloUserId}</div>
        </div>
      ),
    },
    { label: 'Gửi lúc', cell: (r) => fmtDateTime(r.request.requestedAt) },
    {
      label: 'Quyết định',
      cell: (r) => {
        const base = `/staff/proxies/links/${r.request.id}`;
        return <DecisionForm approveAction={`${base}/approve`} rejectAction={`${base}/reject`} approveLabel="Chuyển liên kết" token={token} />;
      },
    },
  ];
}

/**
 * Zalo accounts that shared the phone of a cadre already linked to another account: the link waits for staff.
 * Shown on the proxies page (the same people decide both). Call the cadre before approving.
 */
export function LinkRequestsSection(props: { rows: ReturnType<typeof listLinkRequests>; token: string }) {
  if (!props.rows.length) return null;
  return (
    <section aria-labelledby="link-requests" style="margin-bottom:1.2rem">
      <h2 id="link-requests">Xin chuyển liên kết Zalo</h2>
      <p class="muted">
        Một tài khoản Zalo khác chia sẻ số điện thoại của cán bộ đã có liên kết. Liên kết cũ vẫn giữ cho tới khi duyệt; hãy gọi cán bộ
        theo số trong hồ sơ trước khi chuyển.
      </p>
      <RowsTable columns={linkRequestColumns(props.token)} rows={props.rows} />
    </section>
  );
}

/** Applies a decision on a held link move and hands its messages to the relay after commit. */
export function decideLinkRequest(deps: Pick<StaffDeps, 'db' | 'clock' | 'committee' | 'afterCommit'>, c: StaffContext, id: number, decision: 'approve' | 'reject', note: string) {
  inTransaction(deps.db, (tx) => decideLinkMove(tx, currentStaff(c), id, decision, note, deps.committee, deps.clock.now()));
  deps.afterCommit();
}
