/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { and, asc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import {
  auditLog,
  broadcastRecipients,
  broadcasts,
  callOutcomeKinds,
  campaigns,
  careRequests,
  careRequestTypes,
  clinics,
  recipientChannels,
  examResults,
  healthClasses,
  type Campaign,
} from '../../store/schema';
import { addDays, formatIsoDate, optionalVietnameseDateField } from '../shared/dates';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';
import { requestTypeLabels } from '../requests/labels';
import { classCodes, healthClassLabel, type ClassSchemeId } from '../results/classification';
import { campaignResultScope, cohortFigures, EXAMINED_DEFINITION, groupCohort, NO_CLINIC, NO_SHOW_DEFINITION, noShowsByClinic, shareOf, unitKey } from './examined';
import { callFigures, callOutcomeLabels } from '../aftercare/callList';
import { fileSlug, headerRowOf, writeWorkbook, type SheetSpec } from '../shared/spreadsheet';
import { followUpCompletion } from '../aftercare/followUps';
import { ratingFigures } from '../aftercare/ratings';

/**
 * The committee's figures for a period or an exam campaign. One function builds every number; the page
 * shows its tables and the xlsx file writes the same tables, so the two always agree.
 *
 * Definitions:
 * - eligible: active cadres in the campaign's eligible categories (the registry as it is now);
 * - examined: an eligible cadre with an attended booking in the campaign, or an exam result entered for it;
 * - unit and clinic: the cadre's unit and registered clinic in the registry;
 * - classification: the latest released result of each cadre in scope (Loại I–V, or not yet classified);
 * - requests: made in the period; SLA met = acknowledged before the deadline, over those decided (met + breached);
 * - broadcasts: starting in the period, recipients by outcome; opt-outs: "dừng nhận tin" commands in the period.
 */

export const ReportQuery = z
  .object({
    campaign: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
    from: optionalVietnameseDateField,
    to: optionalVietnameseDateField,
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { message: 'Ngày bắt đầu phải trước ngày kết thúc.', path: ['from'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** A table cell: text, a count, a share (null: no denominator, shown "—"), or an ISO date in a date column. */
export type Cell = string | number | null;

export interface ReportTable {
  key: 'campaigns' | 'units' | 'clinics' | 'noShows' | 'calls' | 'classes' | 'followUps' | 'ratings' | 'requests' | 'broadcasts' | 'spend';
  title: string;
  headers: string[];
  rows: Cell[][];
  /** Columns holding a share (0..1), shown as a percentage. */
  percentColumns: number[];
  /** Columns holding a number with decimals (an average score). */
  decimalColumns?: number[];
  /** Columns holding a local date (YYYY-MM-DD), shown dd/mm/yyyy and written as date cells. */
  dateColumns?: number[];
  /** A closing line (totals, definitions). */
  note?: string;
}

export interface Report {
  title: string;
  /** Local dates, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  campaign: { id: number; name: string } | null;
  campaignsCovered: { id: number; name: string }[];
  tables: ReportTable[];
  optOuts: number;
  optIns: number;
}

const MAX_DAYS = 3 * 366;

const share = shareOf;

/** Resolves the selection: a campaign (its dates), or a period (default: this year up to today). */
export function resolveSelection(db: DbOrTx, q: ReportQuery, now: number): { from: string; to: string; campaign: Campaign | null; covered: Campaign[] } {
  if (q.campaign) {
    const campaign = db.select().from(campaigns).where(eq(campaigns.id, q.campaign)).get();
    if (!campaign) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
    return { from: campaign.startDate, to: campaign.endDate, campaign, covered: [campaign] };
  }
  const today = vietnamDate(now);
  const from = q.from || `${today.slice(0, 4)}-01-01`;
  const to = q.to || (from > today ? from : today);
  if (from > to) throw new AppError('validation_failed', 'Ngày bắt đầu phải trước ngày kết thúc.');
  if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) throw new AppError('validation_failed', 'Khoảng thời gian tối đa là 3 năm.');
  const covered = db
    .select()
    .from(campaigns)
    .where(and(lte(campaigns.startDate, to), gte(campaigns.endDate, from)))
    .orderBy(asc(campaigns.startDate))
    .all();
  return { from, to, campaign: null, covered };
}

/** Builds every table of the report. */
/** The report; the classification mix lists the classes of `scheme` (the committee's), and any of another scheme that results still hold. */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function buildReport(db: DbOrTx, q: ReportQuery, now: number, scheme: ClassSchemeId = 'I-V'): Report {
  const sel = resolveSelection(db, q, now);
  const fromMs = vietnamInstant(sel.from, 0);
  const toMs = vietnamInstant(addDays(sel.to, 1), 0);
  const clinicNames = new Map(db.select({ id: clinics.id, name: clinics.name }).from(clinics).all().map((c) => [c.id, c.name]));

  // --- share examined per campaign, unit, clinic: one definition (examined.ts) for every surface ---
  const campaignRows: Cell[][] = [];
  const unitRows: Cell[][] = [];
  const clinicRows: Cell[][] = [];
  const noShowRows: Cell[][] = [];
  for (const c of sel.covered) {
    const cohort = cohortFigures(db, c, now);
    const t = cohort.total;
    campaignRows.push([c.name, c.startDate, c.endDate, t.eligible, t.booked, t.examined, shareOf(t.examined, t.eligible)]);
    for (const g of groupCohort(cohort, unitKey)) unitRows.push([c.name, g.key, g.eligible, g.examined, g.share]);
    for (const g of groupCohort(cohort, (r) => (r.clinicId ? (clinicNames.get(r.clinicId) ?? `#${r.clinicId}`) : NO_CLINIC))) clinicRows.push([c.name, g.key, g.eligible, g.examined, g.share]);
    for (const g of noShowsByClinic(db, cohort)) {
      const all = { recorded: g.confirmed.recorded + g.unconfirmed.recorded, noShow: g.confirmed.noShow + g.unconfirmed.noShow };
      noShowRows.push([
        c.name,
        clinicNames.get(g.clinicId) ?? `#${g.clinicId}`,
        ...[g.confirmed, g.unconfirmed, all].flatMap((x) => [x.recorded, x.noShow, shareOf(x.noShow, x.recorded)]),
      ]);
    }
  }

  // --- classification mix: each cadre's latest released result in scope ---
  const resultScope = sel.campaign
    ? campaignResultScope(sel.campaign)
    : and(eq(examResults.status, 'released'), gte(examResults.examDate, sel.from), lte(examResults.examDate, sel.to));
  const released = db
    .select({ cadreId: examResults.cadreId, examDate: examResults.examDate, id: examResults.id, healthClass: examResults.healthClass })
    .from(examResults)
    .where(resultScope)
    .orderBy(asc(examResults.examDate), asc(examResults.id))
    .all();
  const latest = new Map<number, string | null>();
  for (const r of released) latest.set(r.cadreId, r.healthClass);
  const classCounts = new Map<string | null, number>();
  for (const c of latest.values()) classCounts.set(c, (classCounts.get(c) ?? 0) + 1);
  const classified = latest.size;
  const activeClasses: string[] = classCodes(scheme);
  const heldOtherClasses = healthClasses.filter((c) => !activeClasses.includes(c) && classCounts.has(c));
  const classRows: Cell[][] = [...activeClasses, ...heldOtherClasses, null].map((c) => [healthClassLabel(c), classCounts.get(c) ?? 0, share(classCounts.get(c) ?? 0, classified)]);

  // --- care after the exam: follow-ups of worrying results per campaign, ratings by clinic and month ---
  const completion = followUpCompletion(db, sel.covered.map((c) => c.id), now);
  const followUpRows: Cell[][] = sel.covered.map((c) => {
    const f = completion.find((x) => x.campaignId === c.id);
    return f ? [c.name, f.opened, f.done, f.cancelled, f.open, f.overdue, f.completion] : [c.name, 0, 0, 0, 0, 0, null];
  });
  const ratingRows: Cell[][] = ratingFigures(db, fromMs, toMs).map((r) => [r.clinic, `${r.month.slice(5)}/${r.month.slice(0, 4)}`, r.answered, r.average, r.low]);

  // --- requests by type with SLA met ---
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
    requestRows.push([requestTypeLabels[type], n.all, n.urgent, n.met, n.breached, n.pending, share(n.met, n.met + n.breached)]);
  }
  requestRows.push(['Tổng cộng', totals.all, totals.urgent, totals.met, totals.breached, totals.pending, share(totals.met, totals.met + totals.breached)]);

  // --- broadcasts and opt-outs ---
  const bcs = db
    .select()
    .from(broadcasts)
    .where(and(gte(broadcasts.startAt, fromMs), lt(broadcasts.startAt, toMs)))
    .orderBy(asc(broadcasts.startAt))
    .all();
  // One row of counts per broadcast, tallied in SQL: a broadcast to every cadre has tens of thousands of recipients.
  const tally = (condition: SQL | undefined) => sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
  const sentBy = (channel: (typeof recipientChannels)[number]) => tally(and(eq(broadcastRecipients.status, 'sent'), eq(broadcastRecipients.channel, channel)));
  const recipientCounts = bcs.length
    ? db
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
        .where(inArray(broadcastRecipients.broadcastId, bcs.map((b) => b.id)))
        .groupBy(broadcastRecipients.broadcastId)
        .all()
    : [];
  const noRecipients = { total: 0, zalo: 0, zaloTemplate: 0, email: 0, optedOut: 0, skipped: 0, failed: 0 };
  const broadcastRows: Cell[][] = bcs.map((b) => {
    const n = recipientCounts.find((r) => r.broadcastId === b.id) ?? noRecipients;
    return [
      b.title,
      vietnamDate(b.startAt),
      broadcastStatusLabels[b.status] ?? b.status,
      n.total,
      n.zalo,
      n.zaloTemplate,
      n.email,
      n.optedOut,
      n.skipped - n.optedOut,
      n.failed,
    ];
  });
  const prefs = db
    .select({ action: auditLog.action })
    .from(auditLog)
    .where(and(inArray(auditLog.action, ['broadcast.opt_out', 'broadcast.opt_in']), gte(auditLog.at, fromMs), lt(auditLog.at, toMs)))
    .all();
  const optOuts = prefs.filter((p) => p.action === 'broadcast.opt_out').length;
  const optIns = prefs.length - optOuts;

  const periodLabel = `${formatIsoDate(sel.from)} – ${formatIsoDate(sel.to)}`;
  const tables: ReportTable[] = [
    {
      key: 'campaigns',
      title: 'Tỷ lệ khám theo đợt khám',
      headers: ['Đợt khám', 'Từ ngày', 'Đến ngày', 'Số cán bộ thuộc diện', 'Đã đặt lịch hoặc đã khám', 'Đã khám', 'Tỷ lệ đã khám'],
      rows: campaignRows,
      percentColumns: [6],
      dateColumns: [1, 2],
      note: sel.covered.length ? EXAMINED_DEFINITION : 'Không có đợt khám nào trong khoảng thời gian này.',
    },
    { key: 'units', title: 'Tỷ lệ khám theo đơn vị', headers: ['Đợt khám', 'Đơn vị', 'Số cán bộ thuộc diện', 'Đã khám', 'Tỷ lệ đã khám'], rows: unitRows, percentColumns: [4] },
    { key: 'clinics', title: 'Tỷ lệ khám theo phòng khám', headers: ['Đợt khám', 'Phòng khám', 'Số cán bộ thuộc diện', 'Đã khám', 'Tỷ lệ đã khám'], rows: clinicRows, percentColumns: [4] },
    {
      key: 'noShows',
      title: 'Vắng mặt theo nơi khám, có và không xác nhận trước',
      headers: [
        'Đợt khám',
        'Nơi khám',
        'Đã xác nhận: số lịch',
        'Đã xác nhận: vắng',
        'Đã xác nhận: tỷ lệ vắng',
        'Chưa xác nhận: số lịch',
        'Chưa xác nhận: vắng',
        'Chưa xác nhận: tỷ lệ vắng',
        'Tổng: số lịch',
        'Tổng: vắng',
        'Tổng: tỷ lệ vắng',
      ],
      rows: noShowRows,
      percentColumns: [4, 7, 10],
      note: NO_SHOW_DEFINITION,
    },
    {
      key: 'calls',
      title: 'Gọi điện cho cán bộ chưa đặt lịch, chưa xác nhận hoặc vắng',
      headers: ['Đợt khám', 'Số cán bộ đã gọi', ...callOutcomeKinds.map((k) => callOutcomeLabels[k])],
      rows: callFigures(db, sel.covered.map((c) => c.id)).map((f) => [f.campaign, f.called, ...callOutcomeKinds.map((k) => f.byOutcome[k])]),
      percentColumns: [],
      note: 'Từ danh sách gọi điện của mỗi đợt khám; mỗi cán bộ tính một lần, theo kết quả cuộc gọi gần nhất.',
    },
    {
      key: 'classes',
      title: 'Phân loại sức khỏe',
      headers: ['Phân loại', 'Số người', 'Tỷ lệ'],
      rows: classRows,
      percentColumns: [2],
      note: `${classified} người có kết quả đã công bố (${sel.campaign ? 'trong đợt khám' : 'ngày khám trong kỳ'}); mỗi người tính theo kết quả mới nhất.`,
    },
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
    {
      key: 'requests',
      title: 'Yêu cầu theo loại và thời hạn tiếp nhận',
      headers: ['Loại yêu cầu', 'Tổng số', 'Trong đó gấp', 'Tiếp nhận đúng hạn', 'Quá hạn', 'Chưa tiếp nhận, còn hạn', 'Tỷ lệ đúng hạn'],
      rows: requestRows,
      percentColumns: [6],
      note: 'Tỷ lệ đúng hạn = tiếp nhận đúng hạn / (đúng hạn + quá hạn).',
    },
    {
      key: 'broadcasts',
      title: 'Thông báo chung và từ chối nhận tin',
      headers: ['Tiêu đề', 'Ngày gửi', 'Trạng thái', 'Người nhận', 'Đã gửi qua Zalo', 'Đã gửi tin mẫu Zalo', 'Đã gửi email', 'Bỏ qua: từ chối nhận tin', 'Bỏ qua: lý do khác', 'Lỗi'],
      rows: broadcastRows,
      percentColumns: [],
      dateColumns: [1],
      note: `Trong kỳ có ${optOuts} lượt nhắn "dừng nhận tin" và ${optIns} lượt "nhận tin lại".`,
    },
  ];
  return {
    title: sel.campaign ? `Báo cáo ${sel.campaign.name}` : `Báo cáo từ ${periodLabel}`,
    from: sel.from,
    to: sel.to,
    campaign: sel.campaign ? { id: sel.campaign.id, name: sel.campaign.name } : null,
    campaignsCovered: sel.covered.map((c) => ({ id: c.id, name: c.name })),
    tables,
    optOuts,
    optIns,
  };
}

export const broadcastStatusLabels: Record<string, string> = {
  scheduled: 'Đã lên lịch',
  running: 'Đang gửi',
  paused: 'Tạm dừng',
  cancelled: 'Đã hủy',
  done: 'Đã xong',
};

export { formatShare } from './examined';

const SHEET_NAMES: Record<ReportTable['key'], string> = {
  campaigns: 'Theo đợt khám',
  units: 'Theo đơn vị',
  clinics: 'Theo phòng khám',
  noShows: 'Vắng mặt',
  calls: 'Gọi điện',
  classes: 'Phân loại sức khỏe',
  followUps: 'Theo dõi sau khám',
  ratings: 'Đánh giá',
  requests: 'Yêu cầu',
  broadcasts: 'Thông báo chung',
  spend: 'Chi phí nhắn tin',
};

/** A table as a sheet for the one xlsx writer: counts as numbers, shares as %, dates as date cells. */
export function tableSheet(report: Report, t: ReportTable, committeeName: string): SheetSpec {
  return {
    name: SHEET_NAMES[t.key],
    heading: [committeeName, `${report.title} — ${t.title}`, `Kỳ báo cáo: ${formatIsoDate(report.from)} – ${formatIsoDate(report.to)}`],
    columns: t.headers.map((header, i) => ({
      header,
      kind: t.percentColumns.includes(i) ? 'percent' : t.decimalColumns?.includes(i) ? 'number' : t.dateColumns?.includes(i) ? 'date' : t.rows.some((r) => typeof r[i] === 'number') ? 'integer' : 'text',
    })),
    rows: t.rows,
    notes: t.note ? [t.note] : [],
  };
}

/** The report as an xlsx workbook: one sheet per table, Vietnamese headers, frozen and filterable. */
export async function reportWorkbook(report: Report, committeeName: string): Promise<Buffer> {
  return writeWorkbook(report.tables.map((t) => tableSheet(report, t, committeeName)));
}

/** Row where each table's header sits in its sheet (1-based); data rows follow it. */
export const XLSX_HEADER_ROW = headerRowOf({ heading: ['', '', ''] });
export const sheetNameOf = (key: ReportTable['key']) => SHEET_NAMES[key];

/** "bao-cao-dot-2-2026.xlsx" for a campaign, "bao-cao-01-01-2026-den-31-03-2026.xlsx" for a period. */
export function reportFileName(report: Report, db?: DbOrTx): string {
  const c = report.campaign && db ? db.select().from(campaigns).where(eq(campaigns.id, report.campaign.id)).get() : undefined;
  if (c) return `bao-cao-dot-${c.round}-${c.year}.xlsx`;
  return `bao-cao-${fileSlug(formatIsoDate(report.from))}-den-${fileSlug(formatIsoDate(report.to))}.xlsx`;
}

// --- the one-page campaign summary the committee sends upward ---------------------------------------------

export interface CampaignSummary {
  campaign: { id: number; name: string; year: number; round: number; startDate: string; endDate: string };
  /** Local date of the figures. */
  asOf: string;
  totals: { eligible: number; booked: number; examined: number; share: number | null; noShow: number; homeExams: number };
  clinics: ReturnType<typeof groupCohort>;
  units: ReturnType<typeof groupCohort>;
  classes: Cell[][];
}

/** Everything on the summary, by the one definition of examined (examined.ts). */
export function campaignSummary(db: DbOrTx, campaignId: number, now: number, scheme: ClassSchemeId = 'I-V'): CampaignSummary {
  const report = buildReport(db, { campaign: campaignId }, now, scheme);
  const c = db.select().from(campaigns).where(eq(campaigns.id, campaignId)).get()!;
  const cohort = cohortFigures(db, c, now);
  const t = cohort.total;
  const clinicNames = new Map(db.select({ id: clinics.id, name: clinics.name }).from(clinics).all().map((x) => [x.id, x.name]));
  return {
    campaign: { id: c.id, name: c.name, year: c.year, round: c.round, startDate: c.startDate, endDate: c.endDate },
    asOf: cohort.today,
    totals: { eligible: t.eligible, booked: t.booked, examined: t.examined, share: shareOf(t.examined, t.eligible), noShow: t.noShow, homeExams: t.homeExams },
    clinics: groupCohort(cohort, (r) => (r.clinicId ? (clinicNames.get(r.clinicId) ?? `#${r.clinicId}`) : NO_CLINIC)),
    units: groupCohort(cohort, unitKey),
    classes: report.tables.find((t) => t.key === 'classes')!.rows,
  };
}

const groupColumns = (first: string): SheetSpec['columns'] => [
  { header: first },
  { header: 'Thuộc diện', kind: 'integer' },
  { header: 'Đã đặt lịch hoặc đã khám', kind: 'integer' },
  { header: 'Đã khám', kind: 'integer' },
  { header: 'Vắng', kind: 'integer' },
  { header: 'Tỷ lệ đã khám', kind: 'percent' },
];
const groupRows = (gs: CampaignSummary['clinics']) => gs.map((g) => [g.key, g.eligible, g.booked, g.examined, g.noShow, g.share]);

/** The summary as xlsx: the key figures, then by clinic, by unit and the classification mix, one sheet each. */
export async function campaignSummaryWorkbook(s: CampaignSummary, committeeName: string): Promise<Buffer> {
  const heading = [committeeName, `Báo cáo kết quả ${s.campaign.name}`, `Từ ${formatIsoDate(s.campaign.startDate)} đến ${formatIsoDate(s.campaign.endDate)}; số liệu đến ngày ${formatIsoDate(s.asOf)}`];
  const t = s.totals;
  return writeWorkbook([
    {
      name: 'Tổng hợp',
      heading,
      columns: [{ header: 'Chỉ tiêu', width: 40 }, { header: 'Số liệu', kind: 'number', width: 14 }],
      rows: [
        ['Số cán bộ thuộc diện khám', t.eligible],
        ['Đã đặt lịch hoặc đã khám', t.booked],
        ['Đã khám', t.examined],
        ['Tỷ lệ đã khám', t.share],
        ['Vắng (không đến khám)', t.noShow],
        ['Khám tại nhà (có yêu cầu trong đợt)', t.homeExams],
      ],
      notes: [EXAMINED_DEFINITION],
    },
    { name: 'Theo phòng khám', heading, columns: groupColumns('Phòng khám'), rows: groupRows(s.clinics) },
    { name: 'Theo đơn vị', heading, columns: groupColumns('Đơn vị'), rows: groupRows(s.units) },
    { name: 'Phân loại sức khỏe', heading, columns: [{ header: 'Phân loại' }, { header: 'Số người', kind: 'integer' }, { header: 'Tỷ lệ', kind: 'percent' }], rows: s.classes },
  ]).then(async (buf) => {
    // The share on the summary sheet is a percentage, the other figures counts.
    const ExcelJS = await (await import('../shared/excel')).loadExcelJs();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Tổng hợp')!;
    const row = ws.getRow(headerRowOf({ heading }) + 4);
    row.getCell(2).numFmt = '0.0%';
    if (row.getCell(2).value === null) row.getCell(2).value = '—';
    return Buffer.from(await wb.xlsx.writeBuffer());
  });
}

export const summaryFileName = (s: CampaignSummary) => `tong-hop-dot-${s.campaign.round}-${s.campaign.year}.xlsx`;
