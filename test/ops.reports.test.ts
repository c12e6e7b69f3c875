import { eq, lt } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/domain/reports/dashboard';
import { buildReport, type Report } from '../src/domain/reports/reports';
import type { ReportTable } from '../src/domain/reports/reportTable';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { cadres, examResults } from '../src/store/schema';
import { ManualClock, startHarness, type Harness } from './harness';
import { expected, OPS_NOW, seedOps } from './opsSupport';
import { get, login, makeStaff } from './staffSupport';

let h: Harness;
let campaignId: number;
let clinicB: number;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(OPS_NOW), env: { ROLES: 'web' } });
  ({ campaignId, clinicB } = seedOps(h.runtime.store.db));
  await makeStaff(h, 'quantri', 'admin');
  await makeStaff(h, 'lanhdao', 'viewer');
  await makeStaff(h, 'phongkham', 'clinic_staff', clinicB);
});
afterAll(() => h?.stop());

const table = (r: Report, key: ReportTable['key']) => r.tables.find((t) => t.key === key)!;

/** Reads every data row of a sheet (below the header row, up to the first empty row). */
async function sheetRows(buf: ArrayBuffer, key: ReportTable['key']): Promise<{ headers: unknown[]; rows: unknown[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf);
  const ws = wb.getWorksheet(sheetNameOf(key))!;
  const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
  const rows: unknown[][] = [];
  for (let n = XLSX_HEADER_ROW + 1; n <= ws.rowCount; n++) {
    const v = values(n);
    if (!v.length || v.every((x) => x === undefined || x === null || x === '')) break;
    rows.push(v);
  }
  return { headers: values(XLSX_HEADER_ROW), rows };
}

describe('reports', () => {
  it('computes the committee figures for a campaign', () => {
    const r = buildReport(h.runtime.store.db, { campaign: campaignId }, OPS_NOW);
    expect(r.from).toBe('2026-03-02');
    expect(r.to).toBe('2026-03-31');
    expect(table(r, 'campaigns').rows).toEqual([[expected.campaignName, '2026-03-02', '2026-03-31', expected.eligible, expected.bookedOrExamined, expected.examined, expected.share]]);
    expect(table(r, 'units').rows).toEqual(expected.units.map((u) => [expected.campaignName, ...u]));
    expect(table(r, 'clinics').rows).toEqual(expected.clinics.map((u) => [expected.campaignName, ...u]));
    expect(table(r, 'classes').rows).toEqual(expected.classes);
    const req = table(r, 'requests').rows;
    expect(req.map((x) => x.slice(1))).toEqual([
      expected.requests.home_visit,
      expected.requests.medicine,
      expected.requests.record_book,
      expected.requests.question,
      expected.requests.emergency,
      // Follow-ups after a worrying result and low ratings: none in this story.
      [0, 0, 0, 0, 0, null],
      [0, 0, 0, 0, 0, null],
      expected.requests.total,
    ]);
    expect(table(r, 'broadcasts').rows.map((x) => [x[0], ...x.slice(3)])).toEqual(expected.broadcasts);
    expect(r.optOuts).toBe(expected.optOuts);
  });

  it('a period outside every campaign has empty tables, and a bad period is refused', async () => {
    const r = buildReport(h.runtime.store.db, { from: '2025-01-01', to: '2025-12-31' }, OPS_NOW);
    expect(r.campaignsCovered).toEqual([]);
    // No request decided: the on-time share has no denominator (shown "—").
    expect(table(r, 'requests').rows.at(-1)).toEqual(['Tổng cộng', 0, 0, 0, 0, 0, null]);
    const s = await login(h, 'quantri');
    const bad = await get(h, '/staff/reports?from=2026-03-10&to=2026-03-01', s);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Ngày bắt đầu phải trước ngày kết thúc');
    expect((await get(h, '/staff/reports?campaign=999', s)).status).toBe(404);
    expect((await get(h, '/staff/reports/xlsx?from=2026-13-01', s)).status).toBe(400);
  });

  it('counts each person once in the classification mix, by their latest released result of the period', () => {
    const db = h.runtime.store.db;
    const [x, y, z] = db.select({ id: cadres.id }).from(cadres).orderBy(cadres.id).limit(3).all().map((r) => r.id);
    const result = (cadreId: number, examDate: string, healthClass: 'I' | 'II' | 'IV', status: 'released' | 'draft' = 'released') => {
      const id = db
        .insert(examResults)
        .values({ chainId: 0, cadreId, examDate, healthClass, status, createdAt: OPS_NOW, updatedAt: OPS_NOW })
        .returning()
        .get().id;
      db.update(examResults).set({ chainId: id }).where(eq(examResults.id, id)).run();
    };
    // In 2023, outside every other case's dates. x: class II, then IV later in the year, then a draft I.
    result(x!, '2023-03-01', 'II');
    result(x!, '2023-09-01', 'IV');
    result(x!, '2023-10-01', 'I', 'draft');
    // y: two results on the same day; the one entered last counts.
    result(y!, '2023-05-01', 'IV');
    result(y!, '2023-05-01', 'I');
    // z: a result of the year before the period.
    result(z!, '2022-12-31', 'II');
    try {
      const classes = table(buildReport(db, { from: '2023-01-01', to: '2023-12-31' }, OPS_NOW), 'classes');
      expect(classes.rows).toEqual([
        ['Loại I – Rất khỏe', 1, 0.5],
        ['Loại II – Khỏe', 0, 0],
        ['Loại III – Trung bình', 0, 0],
        ['Loại IV – Yếu', 1, 0.5],
        ['Loại V – Rất yếu', 0, 0],
        ['Chưa phân loại', 0, 0],
      ]);
      expect(classes.note).toContain('2 người có kết quả đã công bố');
      expect(table(buildReport(db, { from: '2022-01-01', to: '2023-04-30' }, OPS_NOW), 'classes').rows.map((r) => r[1])).toEqual([0, 2, 0, 0, 0, 0]);
    } finally {
      // The other cases count the results as seeded (the dashboard's drafts waiting among them).
      db.delete(examResults).where(lt(examResults.examDate, '2024-01-01')).run();
    }
  });

  it('the xlsx file and the page show the numbers of the same report', async () => {
    const s = await login(h, 'lanhdao');
    const report = buildReport(h.runtime.store.db, { campaign: campaignId }, OPS_NOW);
    const res = await get(h, `/staff/reports/xlsx?campaign=${campaignId}`, s);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('bao-cao-dot-1-2026.xlsx');
    const buf = await res.arrayBuffer();
    const html = await (await get(h, `/staff/reports?campaign=${campaignId}`, s)).text();
    for (const t of report.tables) {
      const sheet = await sheetRows(buf, t.key);
      expect(sheet.headers).toEqual(t.headers);
      // Dates are date cells in the file, ISO dates in the report; a share with no denominator is "—".
      const asFile = t.rows.map((r) => r.map((v, i) => (t.dateColumns?.includes(i) && typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v === null && t.percentColumns.includes(i) ? '—' : v)));
      expect(sheet.rows).toEqual(asFile);
      const section = new RegExp(`<section[^>]*data-table="${t.key}"[^>]*>([\\s\\S]*?)</section>`).exec(html)![1]!;
      if (t.rows.length) for (const h2 of t.headers) expect(section).toContain(`<th>${h2}</th>`);
      else expect(section).toContain('Không có số liệu trong kỳ.');
    }
    // Shares as percentages on the page, and as numbers formatted 0.0% in the file.
    expect(html).toContain('35,0 %');
    expect(html).toContain('41,7 %');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf);
    expect(wb.getWorksheet(sheetNameOf('campaigns'))!.getRow(XLSX_HEADER_ROW + 1).getCell(7).numFmt).toBe('0.0%');
  });

  it('is refused to clinic staff', async () => {
    const s = await login(h, 'phongkham');
    expect((await get(h, '/staff/reports', s)).status).toBe(403);
    expect((await get(h, '/staff/reports/xlsx', s)).status).toBe(403);
  });
});

describe('dashboard', () => {
  it('counts today’s bookings, open requests by deadline, results waiting, broadcasts running, the campaign share', () => {
    const d = buildDashboard(h.runtime.store.db, OPS_NOW, null);
    expect(d.bookingsToday.map((c) => [c.clinicName, c.booked, c.attended])).toEqual([
      ['Bệnh viện Kiến An', expected.todayBookings.b, expected.todayBookings.bAttended],
      ['Phòng khám A Hải Phòng', expected.todayBookings.a, expected.todayBookings.aAttended],
    ]);
    expect(d.requests).toMatchObject({ open: 5, overdue: 1, dueSoon: 1, onTime: 1, acknowledged: 2 });
    expect(d.resultsWaiting.total).toBe(2);
    expect(d.broadcasts.map((b) => [b.title, b.done, b.total])).toEqual([['Mời khám định kỳ', 3, 4]]);
    expect(d.campaign).toMatchObject({ eligible: 20, examined: 7, share: 0.35 });
  });

  it('shows clinic staff only their clinic', async () => {
    const d = buildDashboard(h.runtime.store.db, OPS_NOW, clinicB);
    expect(d.bookingsToday.map((c) => c.clinicName)).toEqual(['Bệnh viện Kiến An']);
    expect(d.requests.open).toBe(2);
    expect(d.resultsWaiting.total).toBe(1);
    expect(d.campaign!.clinics.map((c) => c.name)).toEqual(['Bệnh viện Kiến An']);
    const s = await login(h, 'phongkham');
    const html = await (await get(h, '/staff', s)).text();
    expect(html).toContain('Lịch khám hôm nay theo phòng khám');
    expect(html).not.toContain('Phòng khám A Hải Phòng');
  });
});
