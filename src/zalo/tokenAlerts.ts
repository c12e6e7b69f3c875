import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { recordAudit } from '../store/audit';
import { inTransaction, type Db } from '../store/db';
import { enqueue } from '../jobs/enqueue';
import { outbox, staffUsers } from '../store/schema';
import type { ZaloApiError } from './errors';

/** Outbox subject of the alert emails; the once-an-hour rule is read from these rows. */
export const TOKEN_ALERT_SUBJECT = 'oa-token-alert';
const TOKEN_ALERT_INTERVAL_MS = 3600_000;

export interface TokenAlertOptions {
  committeeName: string;
  /** Where the "Kết nối Zalo OA" page lives. */
  publicBaseUrl: string;
}

/**
 * A token refresh failed for a reason only an OA admin can fix: queue one email to every active
 * administrator with an address, at most once an hour across all processes (the outbox rows are the
 * memory). Returns the outbox ids to hand to the relay; empty when an alert went out within the hour.
 */
export function alertAdminsOfTokenFailure(db: Db, error: Pick<ZaloApiError, 'code' | 'kind'>, now: number, opts: TokenAlertOptions): number[] {
  return inTransaction(db, (tx) => {
    const recent = tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.subject, TOKEN_ALERT_SUBJECT), gt(outbox.createdAt, now - TOKEN_ALERT_INTERVAL_MS)))
      .get();
    if (recent) return [];
    const admins = tx
      .select({ id: staffUsers.id, email: staffUsers.email, fullName: staffUsers.fullName })
      .from(staffUsers)
      .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.active, true), isNotNull(staffUsers.email)))
      .all()
      .flatMap((a) => (a.email?.includes('@') ? [{ ...a, email: a.email }] : []));
    const page = `${opts.publicBaseUrl}/staff/zalo`;
    const ids = admins.map((a) =>
      enqueue(
        tx,
        'email.message',
        {
          to: a.email,
          subject: '[CadreCare] Cần kết nối lại Zalo OA',
          text: [
            `Kính gửi ${a.fullName},`,
            '',
            `CadreCare không làm mới được mã truy cập Zalo OA của ${opts.committeeName} (mã lỗi ${error.code}).`,
            'Tin nhắn Zalo tới cán bộ sẽ dừng khi mã hiện tại hết hạn.',
            '',
            `Một quản trị viên của OA cần kết nối lại tại trang "Kết nối Zalo OA": ${page}`,
            '(hoặc chạy lệnh: npm run zalo:connect trên máy chủ).',
            '',
            'Thư này gửi tối đa một lần mỗi giờ khi lỗi còn tiếp diễn.',
          ].join('\n'),
        },
        { now, subject: TOKEN_ALERT_SUBJECT },
      ),
    );
    if (ids.length) {
      recordAudit(tx, { type: 'system', id: 'zalo-tokens' }, { action: 'zalo.token_alert', entity: 'oa_tokens', entityId: 1, detail: { code: error.code, admins: admins.map((a) => a.id) } }, now);
    }
    return ids;
  });
}
