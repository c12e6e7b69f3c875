import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { campaigns } from '../../store/schema';
import type { ClassSchemeId } from '../results/classification';
import { formatIsoDate } from '../shared/dates';
import { writeWorkbook, type SheetSpec } from '../shared/spreadsheet';
import { clinicNames } from './clinicNames';
import { cohortFigures, EXAMINED_DEFINITION, groupCohort, shareOf, unitKey } from './examined';
import type { Cell } from './reportTable';
import { buildReport } from './reports';

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
  return {
    campaign: { id: c.id, name: c.name, year: c.year, round: c.round, startDate: c.startDate, endDate: c.endDate },
    asOf: cohort.today,
    totals: { eligible: t.eligible, booked: t.booked, examined: t.examined, share: shareOf(t.examined, t.eligible), noShow: t.noShow, homeExams: t.homeExams },
    clinics: groupCohort(cohort, clinicNames(db).cohortKey),
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
      columns: [{ header: 'Chỉ tiêu', width: 40 }, { header: 'Số liệu', kind: 'integer', width: 14 }],
      rows: [
        ['Số cán bộ thuộc diện khám', t.eligible],
        ['Đã đặt lịch hoặc đã khám', t.booked],
        ['Đã khám', t.examined],
        // The share is a percentage among counts; "—" when nobody is eligible.
        ['Tỷ lệ đã khám', { kind: 'percent', value: t.share }],
        ['Vắng (không đến khám)', t.noShow],
        ['Khám tại nhà (có yêu cầu trong đợt)', t.homeExams],
      ],
      notes: [EXAMINED_DEFINITION],
    },
    { name: 'Theo phòng khám', heading, columns: groupColumns('Phòng khám'), rows: groupRows(s.clinics) },
    { name: 'Theo đơn vị', heading, columns: groupColumns('Đơn vị'), rows: groupRows(s.units) },
    { name: 'Phân loại sức khỏe', heading, columns: [{ header: 'Phân loại' }, { header: 'Số người', kind: 'integer' }, { header: 'Tỷ lệ', kind: 'percent' }], rows: s.classes },
  ]);
}

export const summaryFileName = (s: CampaignSummary) => `tong-hop-dot-${s.campaign.round}-${s.campaign.year}.xlsx`;
