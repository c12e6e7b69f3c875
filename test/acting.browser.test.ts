import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { auditLog, bookings, cadres, examSlots } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, linkUser } from './bookingSupport';
import { makeStaff } from './staffSupport';

/**
 * Acting for a cadre and changing days, in the real browser: a booking made on the cadre's behalf reaches the
 * cadre in Zalo (the fake API), an edit of the record shows in the audit log, and every page of these actions
 * (and the broadcast confirm step) fits a laptop and a phone without sideways scrolling.
 */

const START = Date.parse('2026-03-02T01:00:00Z');
const AN_ZALO = '7900000000000000001';
let h: Harness;
let b: Browser;
let anId: number;
let binhId: number;
let clinicId: number;
let campaignId: number;
const db = () => h.runtime.store.db;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START), env: { HOST: '127.0.0.1' } });
  const seeded = seedRegistry(
    db(),
    [
      { code: 'TD-1', fullName: 'Nguyễn Văn An', phone: '84912000201', email: 'an@example.vn' },
      { code: 'TD-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84912000202', unit: 'Hội Cựu chiến binh thành phố Hải Phòng' },
    ],
    START,
  );
  [anId, binhId] = seeded.cadres.map((c) => c.id) as [number, number];
  clinicId = seeded.clinic.id;
  campaignId = campaignWithSlots(h, { clinicIds: [clinicId] }, { fromDate: '2026-03-09', toDate: '2026-03-13', capacity: 2 }).id;
  linkUser(h, AN_ZALO, anId);
  const now = h.clock.now();
  recordZaloUser(db(), { id: '7900000000000000002', displayName: 'Bình Trần', phone: '84912000202', interactedAt: now - 3600_000 }, now);
  recordZaloUser(db(), { id: '7900000000000000003', displayName: 'Người dùng có tên rất dài để thử xuống dòng trên điện thoại', interactedAt: now - 86_400_000 }, now);
  await makeStaff(h, 'quantri', 'admin');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function session(viewport: { width: number; height: number }): Promise<{ ctx: BrowserContext; page: Page }> {
  const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/login`, 'quantri');
  const ctx = page.context();
  return { ctx, page };
}

const fits = async (page: Page, width: number, name: string) => {
  await page.screenshot({ path: artifactPath(`${name}-${width}.png`), fullPage: true });
  expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} at ${width}px`).toBeLessThanOrEqual(width);
};

describe('acting for a cadre in the browser', () => {
  it('books on behalf of the cadre, who is told in Zalo', async () => {
    const { ctx, page } = await session({ width: 390, height: 844 });
    await page.goto(`${h.runtime.url}/staff/registry/${anId}`);
    await fits(page, 390, 'acting-cadre');
    await page.click('#acting a:has-text("Đặt lịch khám")');
    await page.waitForLoadState('load');
    await page.click('#free-days a:has-text("10/03/2026")');
    await page.waitForLoadState('load');
    await fits(page, 390, 'acting-booking-choose');
    await page.locator('#free-slots input[name=slotId]').nth(2).check();
    await page.click('#free-slots button:has-text("Tiếp tục")');
    await page.waitForLoadState('load');
    expect(await page.textContent('#told-count')).toContain('Sẽ báo cho 1 cán bộ qua Zalo');
    await fits(page, 390, 'acting-booking-confirm');
    expect(db().select().from(bookings).where(eq(bookings.cadreId, anId)).all()).toHaveLength(0);
    await page.click('button:has-text("Xác nhận đặt lịch")');
    await page.waitForURL(/msg=booked/);
    expect(await page.textContent('main')).toContain('Đã đặt lịch khám cho cán bộ');
    expect(await page.textContent('#acting')).toContain('Thứ Ba, 10/03/2026, 8:00');
    const booked = db().select().from(bookings).where(and(eq(bookings.cadreId, anId), eq(bookings.status, 'booked'))).get()!;
    expect(db().select().from(examSlots).where(eq(examSlots.id, booked.slotId)).get()!.booked).toBe(1);
    const told = await waitFor(() => h.fake.messagesTo(AN_ZALO).find((m) => m.text?.includes('Ban đã đặt lịch khám sức khỏe cho Ông Nguyễn Văn An')), 'told in Zalo');
    expect(told.text).toContain('Thời gian: Thứ Ba, 10/03/2026, lúc 8:00');
    await ctx.close();
  });

  it('an edit of the record is reviewed, saved and appears in the audit log', async () => {
    const { ctx, page } = await session({ width: 1366, height: 768 });
    await page.goto(`${h.runtime.url}/staff/registry/${binhId}/edit`);
    await fits(page, 1366, 'acting-edit');
    await page.fill('#phone', '0987 111 333');
    await page.selectOption('#frail', 'yes');
    await page.click('#edit-cadre button[type=submit]');
    await page.waitForLoadState('load');
    expect(await page.textContent('#changes')).toContain('0912 000 202');
    await fits(page, 1366, 'acting-edit-review');
    expect(db().select().from(cadres).where(eq(cadres.id, binhId)).get()!.phone).toBe('84912000202');
    await page.click('button:has-text("Lưu thay đổi")');
    await page.waitForURL(/msg=edited/);
    expect(db().select().from(cadres).where(eq(cadres.id, binhId)).get()!.phone).toBe('84987111333');
    await page.goto(`${h.runtime.url}/staff/audit`);
    const audit = (await page.textContent('main')) ?? '';
    const entry = db().select().from(auditLog).where(eq(auditLog.action, 'cadre.update')).get()!;
    expect(entry.entityId).toBe(String(binhId));
    expect(audit).toContain('0912 000 202');
    expect(audit).toContain('0987 111 333');
    await fits(page, 1366, 'acting-audit');
    await ctx.close();
  });

  it('every page of acting for a cadre, of days and campaigns, and the broadcast confirm step fits a laptop and a phone', async () => {
    const booked = db().select().from(bookings).where(and(eq(bookings.cadreId, anId), eq(bookings.status, 'booked'))).get()!;
    const day = `clinicId=${clinicId}&date=2026-03-10`;
    const pages: [string, string][] = [
      ['acting-cadre', `/staff/registry/${binhId}`],
      ['acting-booking-choose', `/staff/registry/${binhId}/booking?date=2026-03-11`],
      ['acting-booking-move', `/staff/registry/${anId}/booking?move=${booked.id}&date=2026-03-12`],
      ['acting-cancel', `/staff/registry/${anId}/bookings/${booked.id}/cancel`],
      ['acting-edit', `/staff/registry/${anId}/edit`],
      ['acting-request', `/staff/registry/${anId}/request`],
      ['acting-link', `/staff/registry/${binhId}/link`],
      ['days-campaign', `/staff/booking/${campaignId}`],
      ['days-campaign-edit', `/staff/booking/${campaignId}/edit`],
      ['days-day-list', `/staff/booking/${campaignId}/day?${day}`],
      ['days-close-confirm', `/staff/booking/${campaignId}/day/close?${day}`],
    ];
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const { ctx, page } = await session(viewport);
      for (const [name, path] of pages) {
        const res = await page.goto(`${h.runtime.url}${path}`);
        expect(res?.status(), path).toBe(200);
        await fits(page, viewport.width, name);
      }
      // The campaign edit's review, which says how many cadres will be told.
      await page.goto(`${h.runtime.url}/staff/booking/${campaignId}/edit`);
      await page.fill('#instructions', 'Nhịn ăn sáng; mang theo sổ y bạ, thẻ bảo hiểm y tế và đơn thuốc đang dùng.');
      await page.click('#edit-campaign button[type=submit]');
      await page.waitForLoadState('load');
      expect(await page.textContent('#told-count')).toContain('Sẽ báo cho 1 cán bộ');
      await fits(page, viewport.width, 'days-campaign-edit-review');
      // The broadcast confirm step, whose "Bỏ qua: …" labels once made the page 672 px wide on a phone.
      await page.goto(`${h.runtime.url}/staff/broadcasts/new`);
      await page.fill('#title', 'Lịch khám đợt 1');
      await page.fill('#text', 'Đợt khám định kỳ đã mở. Xin đặt lịch qua Zalo.');
      await page.check('input[name=everyone]');
      await page.click('button:has-text("Kiểm tra trước khi gửi")');
      await page.waitForLoadState('load');
      expect(await page.textContent('#preview')).toContain('Bỏ qua');
      await fits(page, viewport.width, 'broadcast-confirm');
      await ctx.close();
    }
  });
});
