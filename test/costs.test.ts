import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { noticeSends } from '../src/store/schema';
import { linkUser } from './bookingSupport';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/** Configured prices: the estimated cost on the broadcast confirm step and the monthly spend in reports. */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let s: Session;

beforeAll(async () => {
  h = await startHarness({
    clock: new ManualClock(START),
    env: { PRICE_CS_BILLED_VND: '40', PRICE_TEMPLATE_BY_USER_VND: '150', PRICE_TEMPLATE_BY_PHONE_VND: '220', PRICE_EMAIL_VND: '5' },
  });
  const { cadres } = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'C-1', fullName: 'Cán bộ Một', unit: 'Sở Tài chính', email: 'mot@example.test' },
      { code: 'C-2', fullName: 'Cán bộ Hai', unit: 'Sở Tài chính', email: 'hai@example.test' },
      { code: 'C-3', fullName: 'Cán bộ Ba', unit: 'Sở Tài chính', email: 'ba@example.test' },
    ],
    START,
  );
  linkUser(h, '870000000000000001', cadres[0]!.id);
  await makeStaff(h, 'dieu-phoi', 'coordinator');
  s = await login(h, 'dieu-phoi');
  // Notices as the worker records them: two months, each channel with its price then.
  const row = (outboxId: number, channel: 'zalo' | 'zalo_template' | 'zalo_phone' | 'email', costVnd: number, sentAt: number) => ({
    outboxId,
    cadreId: cadres[0]!.id,
    kind: 'booking.reminder',
    channel,
    costVnd,
    sentAt,
  });
  h.runtime.store.db
    .insert(noticeSends)
    .values([
      row(9001, 'zalo', 0, Date.parse('2026-01-10T03:00:00Z')),
      row(9002, 'zalo_phone', 220, Date.parse('2026-01-20T03:00:00Z')),
      row(9003, 'zalo_phone', 220, Date.parse('2026-01-31T18:00:00Z')), // 01:00 on 1 February in Vietnam
      row(9004, 'zalo_template', 150, Date.parse('2026-02-03T03:00:00Z')),
      row(9005, 'email', 5, Date.parse('2026-02-04T03:00:00Z')),
    ])
    .run();
});
afterAll(() => h?.stop());

describe('cost awareness', () => {
  it('the broadcast confirm step shows the estimated cost of the planned channels', async () => {
    const compose = { title: 'Lịch khám đợt 2', text: 'Đợt khám thứ hai bắt đầu từ thứ Hai tuần sau.', buttons: '', templateName: '', units: 'Sở Tài chính', when: 'now' };
    const res = await postForm(h, '/staff/broadcasts/confirm', s, compose);
    expect(res.status).toBe(200);
    const html = await res.text();
    // One customer-service message (at most 40 ₫) and two emails (5 ₫ each).
    expect(html).toContain('<dd id="broadcast-cost">50 ₫</dd>');
  });

  it('reports: the estimated spend per month, months in Vietnam time', async () => {
    const html = await (await get(h, '/staff/reports?from=2026-01-01&to=2026-02-28', s)).text();
    const table = html.slice(html.indexOf('id="bang-spend"'), html.indexOf('</section>', html.indexOf('id="bang-spend"')));
    const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]));
    expect(rows).toEqual([
      ['01/2026', '1', '0', '1', '0', '220'],
      ['02/2026', '0', '1', '1', '1', '375'],
    ]);
    expect(table).toContain('Tổng 595 ₫');
  });

  it('the reports xlsx carries the same monthly spend, as numbers', async () => {
    const res = await get(h, '/staff/reports/xlsx?from=2026-01-01&to=2026-02-28', s);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet(sheetNameOf('spend'))!;
    expect(ws).toBeDefined();
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(values(XLSX_HEADER_ROW)).toEqual(['Tháng', 'Tin tư vấn Zalo', 'Tin mẫu theo tài khoản Zalo', 'Tin mẫu theo số điện thoại', 'Email', 'Chi phí ước tính']);
    expect(values(XLSX_HEADER_ROW + 1)).toEqual(['01/2026', 1, 0, 1, 0, 220]);
    expect(values(XLSX_HEADER_ROW + 2)).toEqual(['02/2026', 0, 1, 1, 1, 375]);
    const below = [XLSX_HEADER_ROW + 3, XLSX_HEADER_ROW + 4, XLSX_HEADER_ROW + 5].map((n) => values(n).join(' ')).join(' ');
    expect(below).toContain('Tổng 595 ₫');
  });
});
