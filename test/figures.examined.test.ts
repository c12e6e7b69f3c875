import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/domain/reports/dashboard';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { campaignCohort, cohortFigures, groupCohort } from '../src/domain/reports/examined';
import { bookings, cadres, campaigns, examResults } from '../src/store/schema';
import { EDGE_NOW, edgeExpected as x, seedEdgeCampaign } from './figuresSupport';
import { ManualClock, startHarness, type Harness } from './harness';
import { api, get, login, makeStaff, postForm, tokenFor, xlsxFile, type Session } from './staffSupport';

let h: Harness;
let seed: ReturnType<typeof seedEdgeCampaign>;
let admin: Session;
let adminToken: string;
let clinicBToken: string;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(EDGE_NOW), env: { ROLES: 'web' } });
  seed = seedEdgeCampaign(h.runtime.store.db);
  const a = await makeStaff(h, 'quantri', 'admin');
  adminToken = tokenFor(h, a.id);
  admin = await login(h, 'quantri');
  clinicBToken = tokenFor(h, (await makeStaff(h, 'phongkham-b', 'clinic_staff', seed.clinicB)).id);
});
afterAll(() => h?.stop());

const html = async (path: string) => {
  const res = await get(h, path, admin);
  expect(res.status).toBe(200);
  return res.text();
};
/** The bold figure of a stat box with this id. */
const stat = (page: string, id: string) => new RegExp(`id="${id}"[^>]*>\\s*<b>([^<]+)</b>`).exec(page)?.[1];

describe('one definition of "đã khám" on every surface (edge-case campaign)', () => {
  it('the campaign figures API', async () => {
    const res = await api(h, `/api/campaigns/${seed.campaignId}/figures`, adminToken);
    expect(res.status).toBe(200);
    const f = (await res.json()) as Record<string, unknown> & { clinics: { clinicName: string; eligible: number; examined: number; shareExamined: number | null }[] };
    expect(f).toMatchObject({
      eligible: x.eligible,
      booked: x.booked,
      examined: x.examined,
      examinedByAttendance: x.examinedByAttendance,
      examinedByResult: x.examinedByResult,
      noShow: x.noShow,
      homeExams: x.homeExams,
      shareExamined: x.share,
    });
    expect(f.clinics.map((c) => [c.clinicName, c.eligible, c.examined, c.shareExamined])).toEqual(x.clinics);
  });

  it('the campaign figures page', async () => {
    const page = await html(`/staff/booking/${seed.campaignId}/figures`);
    expect(stat(page, 'stat-examined')).toBe(String(x.examined));
    expect(stat(page, 'stat-share')).toBe(x.shareText);
    expect(page).toContain('Tỷ lệ đã khám = đã khám / thuộc diện');
  });

  it('the reports page and its xlsx file', async () => {
    const page = await html(`/staff/reports?campaign=${seed.campaignId}`);
    const campaignTable = page.slice(page.indexOf('data-table="campaigns"'), page.indexOf('data-table="units"'));
    expect(campaignTable).toContain(
      [
        `<td data-label="Số cán bộ thuộc diện" class="num">${x.eligible}</td>`,
        `<td data-label="Đã đặt lịch hoặc đã khám" class="num">${x.booked}</td>`,
        `<td data-label="Đã khám" class="num">${x.examined}</td>`,
        `<td data-label="Tỷ lệ đã khám" class="num">${x.shareText}</td>`,
      ].join(''),
    );

    const res = await get(h, `/staff/reports/xlsx?campaign=${seed.campaignId}`, admin);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-dot-1-2026.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const row = (wb.getWorksheet(sheetNameOf('campaigns'))!.getRow(XLSX_HEADER_ROW + 1).values as unknown[]).slice(1);
    expect(row).toEqual([x.name, new Date('2026-03-02T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), x.eligible, x.booked, x.examined, x.share]);
    const clinicSheet = wb.getWorksheet(sheetNameOf('clinics'))!;
    const clinicRows = [1, 2].map((i) => (clinicSheet.getRow(XLSX_HEADER_ROW + i).values as unknown[]).slice(2));
    expect(clinicRows).toEqual(x.clinics);
    const unitSheet = wb.getWorksheet(sheetNameOf('units'))!;
    expect([1, 2, 3].map((i) => (unitSheet.getRow(XLSX_HEADER_ROW + i).values as unknown[]).slice(2))).toEqual(x.units);
    const classes = wb.getWorksheet(sheetNameOf('classes'))!;
    const classRows = Array.from({ length: 6 }, (_, i) => (classes.getRow(XLSX_HEADER_ROW + 1 + i).values as unknown[]).slice(1, 3));
    expect(classRows).toContainEqual(['Loại II – Khỏe', x.classes.II]);
    expect(classRows).toContainEqual(['Chưa phân loại', x.classes.none]);
  });

  it('the dashboard', async () => {
    const d = buildDashboard(h.runtime.store.db, EDGE_NOW, null);
    expect(d.campaign).toMatchObject({ eligible: x.eligible, examined: x.examined, share: x.share });
    expect(d.campaign!.clinics.map((c) => [c.name, c.eligible, c.examined, c.share])).toEqual(x.clinics);
    const page = await html('/staff');
    expect(stat(page, 'stat-share')).toBe(x.shareText);
    expect(page).toContain(`${x.examined}/${x.eligible} cán bộ`);
  });

  it('the list of people (call list) and the counted figures select the same cohort', () => {
    const db = h.runtime.store.db;
    const campaign = db.select().from(campaigns).where(eq(campaigns.id, seed.campaignId)).get()!;
    const people = campaignCohort(db, campaign, EDGE_NOW);
    const counted = cohortFigures(db, campaign, EDGE_NOW);
    const sizes = {
      eligible: people.eligible.length,
      booked: people.booked.size,
      examined: people.examined.size,
      examinedByAttendance: people.examinedByAttendance.size,
      examinedByResult: people.examinedByResult.size,
      noShow: people.noShow.size,
      homeExams: people.homeExams.size,
    };
    expect(sizes).toEqual({ eligible: x.eligible, booked: x.booked, examined: x.examined, examinedByAttendance: x.examinedByAttendance, examinedByResult: x.examinedByResult, noShow: x.noShow, homeExams: x.homeExams });
    expect(counted.total).toEqual(sizes);
    // Every examined person is eligible, and the cells add up per clinic to what the pages show.
    const eligibleIds = new Set(people.eligible.map((c) => c.id));
    expect([...people.examined].every((id) => eligibleIds.has(id))).toBe(true);
    expect(groupCohort(counted, (c) => String(c.clinicId)).map((g) => g.eligible).sort((a, b) => a - b)).toEqual(x.clinics.map((c) => c[1]).sort((a, b) => Number(a) - Number(b)));
  });
});

describe('the one-page campaign summary', () => {
  it('the printable page and its xlsx show the same figures', async () => {
    const page = await html(`/staff/reports/summary?campaign=${seed.campaignId}`);
    const k = (key: string) => new RegExp(`data-k="${key}">([^<]+)<`).exec(page)?.[1];
    expect([k('eligible'), k('booked'), k('examined'), k('share'), k('noShow'), k('homeExams')]).toEqual([
      String(x.eligible), String(x.booked), String(x.examined), x.shareText, String(x.noShow), String(x.homeExams),
    ]);
    // A Ban (the default kind) is a Party body: its documents carry the Party's heading, not the state motto.
    expect(page).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(page).not.toContain('Độc lập - Tự do - Hạnh phúc');
    expect(page).toContain('ngày 10 tháng 03 năm 2026');
    expect(page).toContain('THỦ TRƯỞNG ĐƠN VỊ');
    expect(page).toContain('@page{size:A4');

    const res = await get(h, `/staff/reports/summary.xlsx?campaign=${seed.campaignId}`, admin);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tong-hop-dot-1-2026.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const ws = wb.getWorksheet('Tổng hợp')!;
    const values = [1, 2, 3, 4, 5, 6].map((i) => ws.getRow(XLSX_HEADER_ROW + i).getCell(2).value);
    expect(values).toEqual([x.eligible, x.booked, x.examined, x.share, x.noShow, x.homeExams]);
    expect(ws.getRow(XLSX_HEADER_ROW + 4).getCell(2).numFmt).toBe('0.0%');
    const clinics = wb.getWorksheet('Theo phòng khám')!;
    expect([1, 2].map((i) => { const v = clinics.getRow(XLSX_HEADER_ROW + i).values as unknown[]; return [v[1], v[2], v[4], v[6]]; })).toEqual(x.clinics);
    for (const sheet of wb.worksheets) expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: XLSX_HEADER_ROW });
  });
});

describe('guards at entry', () => {
  it('refuses attendance for a day that has not come, and accepts it on the day', async () => {
    const e8 = h.runtime.store.db.select().from(bookings).where(eq(bookings.cadreId, seed.ids.E8!)).get()!;
    const ahead = await api(h, `/api/bookings/${e8.id}/attendance`, adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'attended' }) });
    expect(ahead.status).toBe(400);
    expect(((await ahead.json()) as { error: { message: string } }).error.message).toContain('15/03/2026 chưa đến');
    expect(h.runtime.store.db.select().from(bookings).where(eq(bookings.id, e8.id)).get()!.status).toBe('booked');
    // Undoing a wrong early record is still allowed.
    const undo = await api(h, `/api/bookings/${seed.futureBookingId}/attendance`, adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'booked' }) });
    expect(undo.status).toBe(200);
    const e1 = h.runtime.store.db.select().from(bookings).where(eq(bookings.cadreId, seed.ids.E1!)).get()!;
    const onTheDay = await api(h, `/api/bookings/${e1.id}/attendance`, adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'attended' }) });
    expect(onTheDay.status).toBe(200);
  });

  it('refuses a result dated outside its campaign, and accepts it without a campaign', async () => {
    const body = (campaignId: number | null) => JSON.stringify({ cadreId: seed.ids.E9, examDate: '2026-02-27', campaignId, healthClass: 'III', conclusions: 'Theo dõi huyết áp.' });
    const outside = await api(h, '/api/results', adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(seed.campaignId) });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { error: { message: string } }).error.message).toContain('nằm ngoài thời gian của Khám định kỳ đợt 1 năm 2026 (02/03/2026 – 31/03/2026)');
    const none = await api(h, '/api/results', adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(null) });
    expect(none.status).toBe(201);
  });

  it('results import: codes in any case, the importer’s clinic only, dates inside the campaign', async () => {
    const file = await xlsxFile(
      [
        ['Mã cán bộ', 'Đợt khám', 'Ngày khám', 'Phân loại sức khỏe', 'Kết luận'],
        ['e10', '2026-1', '09/03/2026', 'II', 'Ổn định, tái khám sau 6 tháng.'],
        ['E7', '2026-1', '09/03/2026', 'III', 'Theo dõi.'],
        ['e10', '', '25/02/2026', 'II', 'Khám ngoài đợt.'],
      ],
      'ket-qua.xlsx',
    );
    const fd = new FormData();
    fd.append('file', file);
    const res = await api(h, '/api/results/import?dryRun=true', clinicBToken, { method: 'POST', body: fd });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { problems: { row: number; message: string }[]; counts: { created: number; updated: number; corrections: number; unchanged: number } };
    expect(out.problems).toEqual([{ row: 3, column: 'Mã cán bộ', message: 'Cán bộ mã “E7” không đăng ký tại phòng khám của bạn; chỉ nhập kết quả của cán bộ thuộc phòng khám mình.' }]);
    // "e10" is E10: its campaign result differs (clinic filled in as the importer's): a correction; the visit outside the campaign is new.
    expect(out.counts.created).toBe(1);

    const outside = await xlsxFile([['Mã cán bộ', 'Đợt khám', 'Ngày khám', 'Kết luận'], ['E10', '2026-1', '25/02/2026', 'Ổn định.']], 'ket-qua-2.xlsx');
    const fd2 = new FormData();
    fd2.append('file', outside);
    const res2 = await api(h, '/api/results/import?dryRun=true', clinicBToken, { method: 'POST', body: fd2 });
    const out2 = (await res2.json()) as { problems: { column: string; message: string }[] };
    expect(out2.problems.map((p) => [p.column, p.message.slice(0, 40)])).toEqual([['Ngày khám', 'Ngày khám 25/02/2026 nằm ngoài thời gian']]);
  });

  it('results entry and search take a cadre code in any case', async () => {
    const res = await postForm(h, '/staff/results/new', admin, { cadreCode: 'e9', examDate: '08/03/2026', campaignId: String(seed.campaignId), conclusions: 'Ổn định.' });
    expect(res.status).toBe(303);
    expect(h.runtime.store.db.select().from(examResults).where(eq(examResults.cadreId, seed.ids.E9!)).all().some((r) => r.examDate === '2026-03-08')).toBe(true);
    expect(h.runtime.store.db.select().from(cadres).where(eq(cadres.id, seed.ids.E9!)).get()!.code).toBe('E9');
  });
});
