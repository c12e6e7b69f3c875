import { formatVnd } from '../../../domain/outreach/prices';
import { heldBroadcastRecipients, QUOTA_PRIORITY_LABELS, QUOTA_RESERVE, quotaPriorities, quotaToday, templatesTodayByKind, waitingNotices } from '../../../domain/outreach/quotaPlan';
import { EmptyRow, fmtCount, fmtDateTime } from '../ui';
import type { OutreachPageDeps } from './deps';

const KIND_LABELS: Record<string, string> = {
  'booking.reminder': 'Nhắc lịch khám',
  'booking.nudge': 'Nhắc đặt lịch',
  'campaign.invitation': 'Mời đặt lịch',
  'result.released': 'Đã có kết quả',
  'request.update': 'Cập nhật yêu cầu',
  'request.note': 'Trả lời yêu cầu',
  'link.move_requested': 'Chuyển liên kết',
};
const noticeKindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;
const CHANNEL_LABELS: Record<string, string> = { zalo_template: 'Mẫu theo tài khoản Zalo', zalo_phone: 'Mẫu theo số điện thoại', deferred: 'Hoãn sang hôm sau' };

type Quota = ReturnType<typeof quotaToday>;

function QuotaStats(props: { deps: OutreachPageDeps; quota: Quota; waiting: number }) {
  const { quota } = props;
  return (
    <div class="stats">
      <div class="stat" id="quota-used">
        <b>{fmtCount(quota.used)}</b>tin mẫu đã gửi hôm nay
      </div>
      <div class={`stat ${quota.remaining <= Math.ceil(0.3 * quota.daily) ? 'warn' : ''}`} id="quota-remaining">
        <b>
          {fmtCount(quota.remaining)} / {fmtCount(quota.daily)}
        </b>
        còn lại hôm nay
        <br />
        <small>{quota.reported ? 'theo số Zalo báo' : 'ước tính (Zalo chưa báo hôm nay)'}</small>
      </div>
      <div class="stat" id="quota-waiting">
        <b>{fmtCount(props.waiting)}</b>thông báo đang chờ
      </div>
      <div class="stat" id="quota-waiting-broadcasts">
        <b>{fmtCount(heldBroadcastRecipients(props.deps.db))}</b>tin gửi hàng loạt chờ sáng mai
      </div>
    </div>
  );
}

function PriorityTable(props: { quota: Quota }) {
  const { quota } = props;
  return (
    <section class="card">
      <h2 style="margin-top:0">Thứ tự ưu tiên</h2>
      <div class="table-wrap">
        <table class="responsive">
          <thead>
            <tr>
              <th>Ưu tiên</th>
              <th>Loại</th>
              <th>Được gửi khi còn trên</th>
              <th>Hôm nay</th>
            </tr>
          </thead>
          <tbody>
            {quotaPriorities.map((p, i) => {
              const reserve = Math.ceil(QUOTA_RESERVE[p] * quota.daily);
              return (
                <tr>
                  <td data-label="Ưu tiên">{i + 1}</td>
                  <td data-label="Loại">{QUOTA_PRIORITY_LABELS[p]}</td>
                  <td data-label="Được gửi khi còn trên">{reserve === 0 ? 'còn tin là gửi' : `${fmtCount(reserve)} tin`}</td>
                  <td data-label="Hôm nay">{quota.remaining > reserve ? <span class="badge ok">đang gửi</span> : <span class="badge warn">chờ hôm sau</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function UsageTable(props: { usage: ReturnType<typeof templatesTodayByKind> }) {
  return (
    <section class="card">
      <h2 style="margin-top:0">Đã dùng hôm nay theo loại thông báo</h2>
      <div class="table-wrap">
        <table class="responsive" id="quota-usage">
          <thead>
            <tr>
              <th>Thông báo</th>
              <th>Kênh</th>
              <th>Số tin</th>
            </tr>
          </thead>
          <tbody>
            {props.usage.length === 0 ? <EmptyRow colspan={3}>Hôm nay chưa gửi tin mẫu nào.</EmptyRow> : null}
            {props.usage.map((u) => (
              <tr>
                <td data-label="Thông báo">{noticeKindLabel(u.kind)}</td>
                <td data-label="Kênh">{CHANNEL_LABELS[u.channel] ?? u.channel}</td>
                <td data-label="Số tin">{fmtCount(u.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function WaitingTable(props: { waiting: ReturnType<typeof waitingNotices> }) {
  const { waiting } = props;
  return (
    <section class="card">
      <h2 style="margin-top:0">Đang chờ gửi</h2>
      <div class="table-wrap">
        <table class="responsive" id="quota-waiting-list">
          <thead>
            <tr>
              <th>Cán bộ</th>
              <th>Thông báo</th>
              <th>Ưu tiên</th>
              <th>Gửi lúc</th>
            </tr>
          </thead>
          <tbody>
            {waiting.length === 0 ? <EmptyRow colspan={4}>Không có thông báo nào phải chờ.</EmptyRow> : null}
            {waiting.slice(0, 200).map((w) => (
              <tr>
                <td data-label="Cán bộ">
                  <a href={`/staff/registry/${w.cadreId}`}>{w.fullName}</a>
                </td>
                <td data-label="Thông báo">{noticeKindLabel(w.kind)}</td>
                <td data-label="Ưu tiên">{QUOTA_PRIORITY_LABELS[w.priority]}</td>
                <td data-label="Gửi lúc">{fmtDateTime(w.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {waiting.length > 200 ? <p class="small muted">Hiện 200 trên {fmtCount(waiting.length)} thông báo.</p> : null}
    </section>
  );
}

export function QuotaPage(props: { deps: OutreachPageDeps; now: number }) {
  const { deps, now } = props;
  const quota = quotaToday(deps.db, deps.templateDailyQuota, now);
  const waiting = waitingNotices(deps.db);
  return (
    <>
      <p class="muted" style="margin-top:0">
        Zalo cho OA một số tin mẫu mỗi ngày. Tin khẩn luôn được gửi trước; các loại khác chỉ dùng hạn mức khi còn nhiều hơn phần để dành, phần còn lại chờ đến 7:00 sáng hôm sau.
      </p>
      <QuotaStats deps={deps} quota={quota} waiting={waiting.length} />
      <PriorityTable quota={quota} />
      <UsageTable usage={templatesTodayByKind(deps.db, now)} />
      <WaitingTable waiting={waiting} />
      <p class="small muted">
        Giá ước tính mỗi tin: mẫu theo tài khoản Zalo {formatVnd(deps.prices.templateByUser)}, theo số điện thoại {formatVnd(deps.prices.templateByPhone)}, tin tư vấn sau 48 giờ{' '}
        {formatVnd(deps.prices.csBilled)} (trong 48 giờ miễn phí).
      </p>
    </>
  );
}
