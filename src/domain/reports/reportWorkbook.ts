import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { campaigns } from '../../store/schema';
import { formatIsoDate } from '../shared/dates';
import { fileSlug, headerRowOf, writeWorkbook, type SheetSpec } from '../shared/spreadsheet';
import type { ReportTable } from './reportTable';
import type { Report } from './reports';

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
function tableSheet(report: Report, t: ReportTable, committeeName: string): SheetSpec {
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
