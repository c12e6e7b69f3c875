import { formatVnd } from '../../../domain/outreach/prices';
import {
  heldBroadcastRecipients,
  QUOTA_PRIORITY_LABELS,
  QUOTA_RESERVE,
  quotaPriorities,
  quotaToday,
  templatesTodayByKind,
  waitingNotices,
  type QuotaPriority,
} from '../../../domain/outreach/quotaPlan';
import { fmtCount, fmtDateTime } from '../ui';
import { CardSection, type Column, RowsTable, StatSummary } from '../uiParts';
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
  const reserve = (p: QuotaPriority) => Math.ceil(QUOTA_RESERVE[p] * quota.daily);
  const columns: Column<QuotaPriority>[] = [
    { label: 'Ưu tiên', cell: (_p, i) => i + 1 },
    { label: 'Loại', cell: (p) => QUOTA_PRIORITY_LABELS[p] },
    { label: 'Được gửi khi còn trên', cell: (p) => (reserve(p) === 0 ? 'còn tin là gửi' : `${fmtCount(reserve(p))} tin`) },
    { label: 'Hôm nay', cell: (p) => (quota.remaining > reserve(p) ? <span class="badge ok">đang gửi</span> : <span class="badge warn">chờ hôm sau</span>) },
  ];
  return (
    <CardSection title="Thứ tự ưu tiên">
      <RowsTable columns={columns} rows={quotaPriorities} />
    </CardSection>
  );
}

const usageColumns: Column<ReturnType<typeof templatesTodayByKind>[number]>[] = [
  { label: 'Thông báo', cell: (u) => noticeKindLabel(u.kind) },
  { label: 'Kênh', cell: (u) => CHANNEL_LABELS[u.channel] ?? u.channel },
  { label: 'Số tin', cell: (u) => fmtCount(u.count) },
];

function UsageTable(props: { usage: ReturnType<typeof templatesTodayByKind> }) {
  return (
    <CardSection title="Đã dùng hôm nay theo loại thông báo">
      <RowsTable id="quota-usage" columns={usageColumns} rows={props.usage} empty="Hôm nay chưa gửi tin mẫu nào." />
    </CardSection>
  );
}

const waitingColumns: Column<ReturnType<typeof waitingNotices>[number]>[] = [
  { label: 'Cán bộ', cell: (w) => <a href={`/staff/registry/${w.cadreId}`}>{w.fullName}</a> },
  { label: 'Thông báo', cell: (w) => noticeKindLabel(w.kind) },
  { label: 'Ưu tiên', cell: (w) => QUOTA_PRIORITY_LABELS[w.priority] },
  { label: 'Gửi lúc', cell: (w) => fmtDateTime(w.dueAt) },
];

function WaitingTable(props: { waiting: ReturnType<typeof waitingNotices> }) {
  const { waiting } = props;
  return (
    <CardSection title="Đang chờ gửi">
      <RowsTable id="quota-waiting-list" columns={waitingColumns} rows={waiting.slice(0, 200)} empty="Không có thông báo nào phải chờ." />
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
