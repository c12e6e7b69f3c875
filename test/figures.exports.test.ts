import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { bookings, broadcastRecipients, broadcasts, examSlots, type Campaign, type Cadre } from '../src/store/schema';
import { campaignWithSlots } from './bookingSupport';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { api, get, login, makeStaff, tokenFor } from './staffSupport';

/**
 * Every file the committee downloads comes from the one xlsx writer: dates are date cells, counts numbers, the
 * header row frozen with a filter, and a year-only birth date stays the year.
 */
let h: Harness;
let token: string;
let campaign: Campaign;
let an: Cadre;
let broadcastId: number;
const DAY = '2026-03-03';
const SENT_AT = Date.parse('2026-03-02T03:15:00Z'); // 10:15 in Vietnam

beforeAll(async () => {
  const clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({ clock, env: { ROLES: 'web' } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(db, [
    { code: 'XL-01', fullName: 'Nguyễn Văn An', birthDate: '1950-09-05', phone: '84912000001' },
    { code: 'XL-02', fullName: 'Lê Thị Năm', sex: 'female', birthDate: '1935-01-01', birthDatePrecision: 'year' },
  ], clock.now());
  an = seeded.cadres[0]!;
  campaign = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: DAY, toDate: DAY });
  const slot = db.select().from(examSlots).where(eq(examSlots.campaignId, campaign.id)).get()!;
  for (const c of seeded.cadres) db.insert(bookings).values({ campaignId: campaign.id, slotId: slot.id, cadreId: c.id, createdAt: clock.now(), updatedAt: clock.now() }).run();
  broadcastId = db
    .insert(broadcasts)
    .values({ title: 'Lịch khám', text: 'Mời Ông/Bà đi khám', segment: {}, status: 'done', requestedAt: clock.now(), startAt: clock.now(), createdAt: clock.now(), updatedAt: clock.now(), statusChangedAt: clock.now() })
    .returning({ id: broadcasts.id })
    .get().id;
  db.insert(broadcastRecipients).values({ broadcastId, cadreId: an.id, status: 'sent', channel: 'zalo', sentAt: SENT_AT, createdAt: clock.now(), updatedAt: clock.now() }).run();
  const admin = await makeStaff(h, 'xl-admin', 'admin');
  token = tokenFor(h, admin.id);
});
afterAll(async () => {
  await h?.stop();
});

async function workbook(res: Response): Promise<ExcelJS.Workbook> {
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb;
}

/** The header row is frozen and filtered, at `headerRow`. */
function expectFrozenHeader(ws: ExcelJS.Worksheet, headerRow: number, firstHeader: string) {
  expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
  // Read back, the filter is its range: from the header's first cell.
  expect(String(ws.autoFilter)).toMatch(new RegExp(`^A${headerRow}:[A-Z]+\\d+$`));
  expect(ws.getRow(headerRow).getCell(1).value).toBe(firstHeader);
}

describe('exports through the one xlsx writer', () => {
  it('the day list: birth dates are dates, a year alone stays the year, phone numbers keep their 0', async () => {
    const res = await api(h, `/api/campaigns/${campaign.id}/bookings/export?clinicId=${an.clinicId}&date=${DAY}&format=xlsx`, token);
    expect(res.headers.get('content-disposition')).toContain(`filename="lich-kham-pk-a-${DAY}.xlsx"`);
    const ws = (await workbook(res)).worksheets[0]!;
    expectFrozenHeader(ws, 1, 'Giờ');
    const byName = new Map([2, 3].map((n) => [ws.getRow(n).getCell(3).value, ws.getRow(n)]));
    expect(byName.get('Nguyễn Văn An')!.getCell(4).value).toEqual(new Date('1950-09-05T00:00:00Z'));
    expect(byName.get('Nguyễn Văn An')!.getCell(4).numFmt).toBe('dd/mm/yyyy');
    expect(byName.get('Nguyễn Văn An')!.getCell(5).value).toBe('0912000001');
    expect(byName.get('Lê Thị Năm')!.getCell(4).value).toBe('1935');
  });

  it('broadcast recipients: the send time is a date-time cell in Vietnam time, under a heading', async () => {
    const ws = (await workbook(await api(h, `/api/broadcasts/${broadcastId}/results?format=xlsx`, token))).worksheets[0]!;
    expectFrozenHeader(ws, 4, 'Mã cán bộ');
    const row = ws.getRow(5);
    expect(row.getCell(1).value).toBe('XL-01');
    expect(row.getCell(7).value).toEqual(new Date(SENT_AT + 7 * 3600_000));
    expect(row.getCell(7).numFmt).toBe('dd/mm/yyyy hh:mm');
  });

  it('the registry export: birth dates are dates, codes text; the templates have a frozen, filtered header', async () => {
    const ws = (await workbook(await api(h, '/api/registry/export?format=xlsx', token))).worksheets[0]!;
    expectFrozenHeader(ws, 1, 'Mã cán bộ');
    const an = [2, 3].map((n) => ws.getRow(n)).find((r) => r.getCell(1).value === 'XL-01')!;
    expect(an.getCell(3).value).toEqual(new Date('1950-09-05T00:00:00Z'));
    const nam = [2, 3].map((n) => ws.getRow(n)).find((r) => r.getCell(1).value === 'XL-02')!;
    expect(nam.getCell(3).value).toBe('1935');

    for (const path of ['/api/registry/template', '/api/results/template']) {
      const wb = await workbook(await api(h, path, token));
      expectFrozenHeader(wb.worksheets[0]!, 1, 'Mã cán bộ');
      expect(wb.worksheets[0]!.getColumn(1).numFmt).toBe('@');
      expectFrozenHeader(wb.getWorksheet('Hướng dẫn')!, 1, 'Cột');
    }
  });

  it('a cadre\'s personal data export: one sheet per section, each with a frozen, filtered header', async () => {
    const wb = await workbook(await api(h, `/api/results/personal-data/${an.id}?format=xlsx`, token));
    const cadre = wb.getWorksheet('Cán bộ')!;
    expectFrozenHeader(cadre, 1, 'id');
    const codeColumn = (cadre.getRow(1).values as unknown[]).indexOf('code');
    expect(cadre.getRow(2).getCell(codeColumn).value).toBe('XL-01');
    expectFrozenHeader(wb.getWorksheet('Kết quả khám')!, 1, '(không có dữ liệu)');
  });

  it('the campaign summary: counts are numbers, the share a percentage', async () => {
    const admin = await login(h, 'xl-admin');
    const ws = (await workbook(await get(h, `/staff/reports/summary.xlsx?campaign=${campaign.id}`, admin))).getWorksheet('Tổng hợp')!;
    expectFrozenHeader(ws, 5, 'Chỉ tiêu');
    expect(ws.getRow(6).getCell(2).value).toBe(2); // eligible
    expect(ws.getRow(6).getCell(2).numFmt).toBe('#,##0');
    expect(ws.getRow(9).getCell(1).value).toBe('Tỷ lệ đã khám');
    expect(ws.getRow(9).getCell(2).value).toBe(0);
    expect(ws.getRow(9).getCell(2).numFmt).toBe('0.0%');
  });
});
