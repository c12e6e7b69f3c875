import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { auditLog, broadcastRecipients, broadcasts, careRequests, careRequestTypes, recipientChannels } from '../../store/schema';
import { followUpCompletion } from '../aftercare/followUps';
import { ratingFigures } from '../aftercare/ratings';
import { requestTypeLabels } from '../requests/labels';
import { vietnamDate } from '../shared/quietHours';
import { shareOf } from './examined';
import type { Cell, ReportTable } from './reportTable';
import type { ReportSelection } from './selection';

/**
 * The report's tables on the care around the exams: follow-ups and ratings, requests with their SLA, broadcasts
 * and opt-outs. `fromMs`/`toMs` are the period's instants (start of the first day, start of the day after the last).
 */

/** Follow-ups of worrying results per campaign, ratings by clinic and month. */
export function aftercareTables(db: DbOrTx, sel: ReportSelection, now: number, fromMs: number, toMs: number): ReportTable[] {
  const completion = followUpCompletion(db, sel.covered.map((c) => c.id), now);
  const followUpRows: Cell[][] = sel.covered.map((c) => {
    const f = completion.find((x) => x.campaignId === c.id);
    return f ? [c.name, f.opened, f.done, f.cancelled, f.open, f.overdue, f.completion] : [c.name, 0, 0, 0, 0, 0, null];
  });
  const ratingRows: Cell[][] = ratingFigures(db, fromMs, toMs).map((r) => [r.clinic, `${r.month.slice(5)}/${r.month.slice(0, 4)}`, r.answered, r.average, r.low]);
  return [
    {
      key: 'followUps',
      title: 'Theo dõi sau khám',
      headers: ['Đợt khám', 'Đã mở', 'Đã xong', 'Không cần', 'Đang theo dõi', 'Trong đó quá hạn', 'Tỷ lệ hoàn thành'],
      rows: followUpRows,
      percentColumns: [6],
      note: 'Mở khi công bố kết quả phân loại sức khỏe thuộc hai loại thấp nhất hoặc bác sĩ đề nghị khám lại. Tỷ lệ hoàn thành = đã xong / (đã mở − không cần).',
    },
    {
      key: 'ratings',
      title: 'Đánh giá của cán bộ sau khi khám hoặc được hỗ trợ',
      headers: ['Phòng khám', 'Tháng', 'Số lượt đánh giá', 'Điểm trung bình', 'Số lượt 1–2 điểm'],
      rows: ratingRows,
      percentColumns: [],
      decimalColumns: [3],
      note: 'Điểm từ 1 (chưa hài lòng) đến 5 (rất hài lòng), theo ngày trả lời; mỗi lượt 1–2 điểm mở một yêu cầu cho trưởng phòng khám.',
    },
  ];
}

/** Requests made in the period by type, with SLA met over those decided. */
export function requestsTable(db: DbOrTx, fromMs: number, toMs: number): ReportTable {
  // Counted in SQL by type, urgency and SLA: a large committee has tens of thousands of requests a year.
  const requestCounts = db
    .select({ type: careRequests.type, urgency: careRequests.urgency, sla: careRequests.sla, n: sql<number>`count(*)` })
    .from(careRequests)
    .where(and(gte(careRequests.createdAt, fromMs), lt(careRequests.createdAt, toMs)))
    .groupBy(careRequests.type, careRequests.urgency, careRequests.sla)
    .all();
  const requestRows: Cell[][] = [];
  const totals = { all: 0, urgent: 0, met: 0, breached: 0, pending: 0 };
  for (const type of careRequestTypes) {
    const of = requestCounts.filter((r) => r.type === type);
    const countOf = (keep: (r: (typeof of)[number]) => boolean) => of.filter(keep).reduce((sum, r) => sum + r.n, 0);
    const n = {
      all: countOf(() => true),
      urgent: countOf((r) => r.urgency === 'urgent'),
      met: countOf((r) => r.sla === 'met'),
      breached: countOf((r) => r.sla === 'breached'),
      pending: countOf((r) => r.sla === 'pending'),
    };
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += n[k];
    requestRows.push([requestTypeLabels[type], n.all, n.urgent, n.met, n.breached, n.pending, shareOf(n.met, n.met + n.breached)]);
  }
  requestRows.push(['Tổng cộng', totals.all, totals.urgent, totals.met, totals.breached, totals.pending, shareOf(totals.met, totals.met + totals.breached)]);
  return {
    key: 'requests',
    title: 'Yêu cầu theo loại và thời hạn tiếp nhận',
    headers: ['Loại yêu cầu', 'Tổng số', 'Trong đó gấp', 'Tiếp nhận đúng hạn', 'Quá hạn', 'Chưa tiếp nhận, còn hạn', 'Tỷ lệ đúng hạn'],
    rows: requestRows,
    percentColumns: [6],
    note: 'Tỷ lệ đúng hạn = tiếp nhận đúng hạn / (đúng hạn + quá hạn).',
  };
}

export const broadcastStatusLabels: Record<string, string> = {
  scheduled: 'Đã lên lịch',
  running: 'Đang gửi',
  paused: 'Tạm dừng',
  cancelled: 'Đã hủy',
  done: 'Đã xong',
};

/** Recipients of each broadcast by outcome, one row of counts per broadcast tallied in SQL (a broadcast to every cadre has tens of thousands). */
function recipientCounts(db: DbOrTx, broadcastIds: number[]) {
  const tally = (condition: SQL | undefined) => sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
  const sentBy = (channel: (typeof recipientChannels)[number]) => tally(and(eq(broadcastRecipients.status, 'sent'), eq(broadcastRecipients.channel, channel)));
  if (!broadcastIds.length) return [];
  return db
    .select({
      broadcastId: broadcastRecipients.broadcastId,
      total: sql<number>`count(*)`,
      zalo: sentBy('zalo'),
      zaloTemplate: sentBy('zalo_template'),
      email: sentBy('email'),
      optedOut: tally(and(eq(broadcastRecipients.status, 'skipped'), eq(broadcastRecipients.reason, 'opted_out'))),
      skipped: tally(eq(broadcastRecipients.status, 'skipped')),
      failed: tally(eq(broadcastRecipients.status, 'failed')),
    })
    .from(broadcastRecipients)
    .where(inArray(broadcastRecipients.broadcastId, broadcastIds))
    .groupBy(broadcastRecipients.broadcastId)
    .all();
}

/** Broadcasts starting in the period by outcome, and the "dừng nhận tin" / "nhận tin lại" commands in it. */
export function broadcastsTable(db: DbOrTx, fromMs: number, toMs: number): { table: ReportTable; optOuts: number; optIns: number } {
  const bcs = db
    .select()
    .from(broadcasts)
    .where(and(gte(broadcasts.startAt, fromMs), lt(broadcasts.startAt, toMs)))
    .orderBy(asc(broadcasts.startAt))
    .all();
  const counts = recipientCounts(db, bcs.map((b) => b.id));
  const noRecipients = { total: 0, zalo: 0, zaloTemplate: 0, email: 0, optedOut: 0, skipped: 0, failed: 0 };
  const rows: Cell[][] = bcs.map((b) => {
    const n = counts.find((r) => r.broadcastId === b.id) ?? noRecipients;
    return [b.title, vietnamDate(b.startAt), broadcastStatusLabels[b.status] ?? b.status, n.total, n.zalo, n.zaloTemplate, n.email, n.optedOut, n.skipped - n.optedOut, n.failed];
  });
  const prefs = db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(and(inArray(auditLog.action, ['broadcast.opt_out', 'broadcast.opt_in']), gte(auditLog.at, fromMs), lt(auditLog.at, toMs)))
    .all();
  const optOuts = prefs.filter((p) => p.action === 'broadcast.opt_out').length;
  const optIns = prefs.length - optOuts;
  const table: ReportTable = {
    key: 'broadcasts',
    title: 'Thông báo chung và từ chối nhận tin',
    headers: ['Tiêu đề', 'Ngày gửi', 'Trạng thái', 'Người nhận', 'Đã gửi qua Zalo', 'Đã gửi tin mẫu Zalo', 'Đã gửi email', 'Bỏ qua: từ chối nhận tin', 'Bỏ qua: lý do khác', 'Lỗi'],
    rows,
    percentColumns: [],
    dateColumns: [1],
    note: `Trong kỳ có ${optOuts} lượt nhắn "dừng nhận tin" và ${optIns} lượt "nhận tin lại".`,
  };
  return { table, optOuts, optIns };
}
