import { z } from 'zod';
import { decideLinkMove, listLinkRequests } from '../../domain/linking/linking';
import { inTransaction } from '../../store/db';
import { currentStaff } from '../auth/session';
import { CsrfField } from './layout';
import type { StaffDeps } from '../deps';
import { fmtDateTime, PhoneLink, type StaffContext } from './ui';

export const LinkDecisionForm = z.object({ note: z.string().trim().max(500).default('') });

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
      <div class="table-wrap">
        <table class="responsive">
          <thead>
            <tr>
              <th>Cán bộ</th>
              <th>Số đã chia sẻ</th>
              <th>Tài khoản Zalo</th>
              <th>Gửi lúc</th>
              <th>Quyết định</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td data-label="Cán bộ">
                  <div>
                    <a href={`/staff/registry/${r.request.cadreId}`}>{r.cadreName}</a>
                    <div class="small muted">
                      {r.cadreCode} · ĐT hồ sơ: <PhoneLink phone={r.cadrePhone} />
                    </div>
                  </div>
                </td>
                <td data-label="Số đã chia sẻ">
                  <PhoneLink phone={r.request.phone} />
                </td>
                <td data-label="Tài khoản Zalo" class="small">
                  <div>
                    <div>mới: {r.request.zaloUserId}</div>
                    <div class="muted">đang liên kết: {r.request.currentZaloUserId}</div>
                  </div>
                </td>
                <td data-label="Gửi lúc">{fmtDateTime(r.request.requestedAt)}</td>
                <td data-label="Quyết định">
                  <form method="post" class="actions" action={`/staff/proxies/links/${r.request.id}/approve`}>
                    <CsrfField token={props.token} />
                    <input type="text" name="note" placeholder="Lý do (nếu từ chối)" maxlength={500} style="max-width:14rem" />
                    <button class="btn small" type="submit">
                      Chuyển liên kết
                    </button>
                    <button class="btn danger small" type="submit" formaction={`/staff/proxies/links/${r.request.id}/reject`}>
                      Từ chối
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Applies a decision on a held link move and hands its messages to the relay after commit. */
export function decideLinkRequest(deps: Pick<StaffDeps, 'db' | 'clock' | 'committee' | 'afterCommit'>, c: StaffContext, id: number, decision: 'approve' | 'reject', note: string) {
  inTransaction(deps.db, (tx) => decideLinkMove(tx, currentStaff(c), id, decision, note, deps.committee, deps.clock.now()));
  deps.afterCommit();
}
