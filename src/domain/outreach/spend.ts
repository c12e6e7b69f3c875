import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { broadcastRecipients, noticeSends } from '../../store/schema';
import { estimateCost, type Prices } from './prices';
import { vietnamInstant } from '../shared/quietHours';
import type { Cell, ReportTable } from '../reports/reportTable';

/** Local month (YYYY-MM) of an instant, in SQL. */
const monthOf = (column: unknown) => sql<string>`strftime('%Y-%m', (${column} / 1000) + 7 * 3600, 'unixepoch')`;

/**
 * Estimated spend on messages per month of the period (local dates, both included): notices with the cost recorded
 * when sent, broadcasts at today's prices (customer-service messages counted at the billed price: an upper bound).
 */
export function spendTable(db: DbOrTx, from: string, to: string, prices: Prices): ReportTable {
  const fromMs = vietnamInstant(from, 0);
  const toMs = vietnamInstant(to, 0) + 24 * 3600_000;
  const notices = db
    .select({ month: monthOf(noticeSends.sentAt), channel: noticeSends.channel, n: sql<number>`count(*)`, cost: sql<number>`sum(${noticeSends.costVnd})` })
    .from(noticeSends)
    .where(and(gte(noticeSends.sentAt, fromMs), lt(noticeSends.sentAt, toMs)))
    .groupBy(sql`1`, noticeSends.channel)
    .all();
  const broadcasts = db
    .select({ month: monthOf(broadcastRecipients.sentAt), channel: broadcastRecipients.channel, n: sql<number>`count(*)` })
    .from(broadcastRecipients)
    .where(and(eq(broadcastRecipients.status, 'sent'), gte(broadcastRecipients.sentAt, fromMs), lt(broadcastRecipients.sentAt, toMs)))
    .groupBy(sql`1`, broadcastRecipients.channel)
    .all();
  const months = [...new Set([...notices.map((r) => r.month), ...broadcasts.map((r) => r.month)])].sort();
  const rows: Cell[][] = months.map((month) => {
    const of = (channel: string) => notices.find((r) => r.month === month && r.channel === channel);
    const bc = (channel: string) => broadcasts.find((r) => r.month === month && r.channel === channel)?.n ?? 0;
    const noticeCost = notices.filter((r) => r.month === month).reduce((sum, r) => sum + (r.cost ?? 0), 0);
    const broadcastCost = estimateCost(prices, { zalo: bc('zalo'), zalo_template: bc('zalo_template'), email: bc('email') });
    return [
      `${month.slice(5, 7)}/${month.slice(0, 4)}`,
      (of('zalo')?.n ?? 0) + bc('zalo'),
      (of('zalo_template')?.n ?? 0) + bc('zalo_template'),
      of('zalo_phone')?.n ?? 0,
      (of('email')?.n ?? 0) + bc('email'),
      noticeCost + broadcastCost,
    ];
  });
  const total = rows.reduce((sum, r) => sum + Number(r[5]), 0);
  return {
    key: 'spend',
    title: 'Chi phí nhắn tin ước tính theo tháng (VND, chưa gồm VAT)',
    headers: ['Tháng', 'Tin tư vấn Zalo', 'Tin mẫu theo tài khoản Zalo', 'Tin mẫu theo số điện thoại', 'Email', 'Chi phí ước tính'],
    rows,
    percentColumns: [],
    note: `Tổng ${total.toLocaleString('vi-VN')} ₫. Giá: tin tư vấn sau 48 giờ ${prices.csBilled} ₫ (trong 48 giờ miễn phí), mẫu theo tài khoản ${prices.templateByUser} ₫, theo số điện thoại ${prices.templateByPhone} ₫, email ${prices.email} ₫; thông báo chung tính theo giá hiện tại.`,
  };
}
