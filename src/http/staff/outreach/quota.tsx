import { formatVnd } from '../../../domain/outreach/prices';
import { heldBroadcastRecipients, QUOTA_PRIORITY_LABELS, QUOTA_RESERVE, quotaPriorities, quotaToday, templatesTodayByKind, waitingNotices } from '../../../domain/outreach/quotaPlan';
import { fmtCount, fmtDateTime } from '../ui';
import { CardSection, DataTable, StatSummary } from '../uiParts';
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
  const remaining = (
    <>
      còn lại hôm nay
      <br />
      <small>{quota.reported ? 'theo số Zalo báo' : 'ước tính (Zalo chưa báo hôm nay)'}</small>
    </>
  );
  return (
    <StatSummary
      stats={[
        { id: 'quota-used', value: fmtCount(quota.used), label: 'tin mẫu đã gửi hôm nay' },
        { id: 'quota-remaining', value: `${fmtCount(quota.remaining)} / ${fmtCount(quota.daily)}`, label: remaining, warn: quota.remaining <= Math.ceil(0.3 * quota.daily) },
        { id: 'quota-waiting', value: fmtCount(props.waiting), label: 'thông báo đang chờ' },
        { id: 'quota-waiting-broadcasts', value: fmtCount(heldBroadcastRecipients(props.deps.db)), label: 'tin gửi hàng loạt chờ sáng mai' },
      ]}
    />
  );
}

function PriorityTable(props: { quota: Quota }) {
  const { quota } = props;
  return (
    <CardSection title="Thứ tự ưu tiên">
      <DataTable
        columns={['Ưu tiên', 'Loại', 'Được gửi khi còn trên', 'Hôm nay']}
        rows={quotaPriorities}
        row={(p, i) => {
          const reserve = Math.ceil(QUOTA_RESERVE[p] * quota.daily);
          return (
            <tr>
              <td data-label="Ưu tiên">{i + 1}</td>
              <td data-label="Loại">{QUOTA_PRIORITY_LABELS[p]}</td>
              <td data-label="Được gửi khi còn trên">{reserve === 0 ? 'còn tin là gửi' : `${fmtCount(reserve)} tin`}</td>
              <td data-label="Hôm nay">{quota.remaining > reserve ? <span class="badge ok">đang gửi</span> : <span class="badge warn">chờ hôm sau</span>}</td>
            </tr>
          );
        }}
      />
    </CardSection>
  );
}

function UsageTable(props: { usage: ReturnType<typeof templatesTodayByKind> }) {
  return (
    <CardSection title="Đã dùng hôm nay theo loại thông báo">
      <DataTable
        id="quota-usage"
        columns={['Thông báo', 'Kênh', 'Số tin']}
        rows={props.usage}
        empty="Hôm nay chưa gửi tin mẫu nào."
        row={(u) => (
          <tr>
            <td data-label="Thông báo">{noticeKindLabel(u.kind)}</td>
            <td data-label="Kênh">{CHANNEL_LABELS[u.channel] ?? u.channel}</td>
            <td data-label="Số tin">{fmtCount(u.count)}</td>
          </tr>
        )}
      />
    </CardSection>
  );
}

function WaitingTable(props: { waiting: ReturnType<typeof waitingNotices> }) {
  const { waiting } = props;
  return (
    <CardSection title="Đang chờ gửi">
      <DataTable
        id="quota-waiting-list"
        columns={['Cán bộ', 'Thông báo', 'Ưu tiên', 'Gửi lúc']}
        rows={waiting.slice(0, 200)}
        empty="Không có thông báo nào phải chờ."
        row={(w) => (
          <tr>
            <td data-label="Cán bộ">
              <a href={`/staff/registry/${w.cadreId}`}>{w.fullName}</a>
            </td>
            <td data-label="Thông báo">{noticeKindLabel(w.kind)}</td>
            <td data-label="Ưu tiên">{QUOTA_PRIORITY_LABELS[w.priority]}</td>
            <td data-label="Gửi lúc">{fmtDateTime(w.dueAt)}</td>
          </tr>
        )}
      />
      {waiting.length > 200 ? <p class="small muted">Hiện 200 trên {fmtCount(waiting.length)} thông báo.</p> : null}
    </CardSection>
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
