import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { callOutcomeKinds, examResults, healthClasses } from '../../store/schema';
import { callFigures, callOutcomeLabels } from '../aftercare/callList';
import { classCodes, healthClassLabel, type ClassSchemeId } from '../results/classification';
import type { ClinicNames } from './clinicNames';
import { campaignResultScope, cohortFigures, EXAMINED_DEFINITION, groupCohort, NO_SHOW_DEFINITION, noShowsByClinic, shareOf, unitKey } from './examined';
import type { Cell, ReportTable } from './reportTable';
import type { ReportSelection } from './selection';

/**
 * The report's tables on who was examined: share examined per campaign, unit and clinic, no-shows, calls, and the
 * classification mix. One definition of examined (examined.ts) for every surface.
 */

/** Share examined per campaign, unit and clinic, and no-shows by place with and without a confirmation. */
export function examinedTables(db: DbOrTx, sel: ReportSelection, now: number, clinics: ClinicNames): ReportTable[] {
  const campaignRows: Cell[][] = [];
  const unitRows: Cell[][] = [];
  const clinicRows: Cell[][] = [];
  const noShowRows: Cell[][] = [];
  for (const c of sel.covered) {
    const cohort = cohortFigures(db, c, now);
    const t = cohort.total;
    campaignRows.push([c.name, c.startDate, c.endDate, t.eligible, t.booked, t.examined, shareOf(t.examined, t.eligible)]);
    for (const g of groupCohort(cohort, unitKey)) unitRows.push([c.name, g.key, g.eligible, g.examined, g.share]);
    for (const g of groupCohort(cohort, clinics.cohortKey)) clinicRows.push([c.name, g.key, g.eligible, g.examined, g.share]);
    for (const g of noShowsByClinic(db, cohort)) {
      const all = { recorded: g.confirmed.recorded + g.unconfirmed.recorded, noShow: g.confirmed.noShow + g.unconfirmed.noShow };
      noShowRows.push([c.name, clinics.nameOf(g.clinicId), ...[g.confirmed, g.unconfirmed, all].flatMap((x) => [x.recorded, x.noShow, shareOf(x.noShow, x.recorded)])]);
    }
  }
  return [
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
  ];
}

/** Calls to cadres not booked, not confirmed or absent, per campaign, by the latest outcome. */
export function callsTable(db: DbOrTx, sel: ReportSelection): ReportTable {
  return {
    key: 'calls',
    title: 'Gọi điện cho cán bộ chưa đặt lịch, chưa xác nhận hoặc vắng',
    headers: ['Đợt khám', 'Số cán bộ đã gọi', ...callOutcomeKinds.map((k) => callOutcomeLabels[k])],
    rows: callFigures(db, sel.covered.map((c) => c.id)).map((f) => [f.campaign, f.called, ...callOutcomeKinds.map((k) => f.byOutcome[k])]),
    percentColumns: [],
    note: 'Từ danh sách gọi điện của mỗi đợt khám; mỗi cán bộ tính một lần, theo kết quả cuộc gọi gần nhất.',
  };
}

/** The classification mix: each cadre's latest released result in scope; the classes of `scheme`, and any of another scheme that results still hold. */
export function classesTable(db: DbOrTx, sel: ReportSelection, scheme: ClassSchemeId): ReportTable {
  const resultScope = sel.campaign
    ? campaignResultScope(sel.campaign)
    : and(eq(examResults.status, 'released'), gte(examResults.examDate, sel.from), lte(examResults.examDate, sel.to));
  // Each person's latest released result (by exam date, then entry), counted per class in SQLite.
  const ranked = db
    .select({
      healthClass: examResults.healthClass,
      rank: sql<number>`row_number() over (partition by ${examResults.cadreId} order by ${examResults.examDate} desc, ${examResults.id} desc)`.as('rank'),
    })
    .from(examResults)
    .where(resultScope)
    .as('ranked');
  const perClass = db.select({ healthClass: ranked.healthClass, n: sql<number>`count(*)` }).from(ranked).where(eq(ranked.rank, 1)).groupBy(ranked.healthClass).all();
  const classCounts = new Map<string | null, number>(perClass.map((r) => [r.healthClass, r.n]));
  const classified = perClass.reduce((sum, r) => sum + r.n, 0);
  const activeClasses: string[] = classCodes(scheme);
  const heldOtherClasses = healthClasses.filter((c) => !activeClasses.includes(c) && classCounts.has(c));
  return {
    key: 'classes',
    title: 'Phân loại sức khỏe',
    headers: ['Phân loại', 'Số người', 'Tỷ lệ'],
    rows: [...activeClasses, ...heldOtherClasses, null].map((c) => [healthClassLabel(c), classCounts.get(c) ?? 0, shareOf(classCounts.get(c) ?? 0, classified)]),
    percentColumns: [2],
    note: `${classified} người có kết quả đã công bố (${sel.campaign ? 'trong đợt khám' : 'ngày khám trong kỳ'}); mỗi người tính theo kết quả mới nhất.`,
  };
}
