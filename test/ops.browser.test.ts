import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { oaTokens } from '../src/store/schema';
import { artifactPath, launchBrowser } from './browser';
import { ManualClock, startHarness, TEST_OA_ID, type Harness } from './harness';
import { expected, OPS_NOW, seedOps } from './opsSupport';
import { makeStaff, PASSWORD } from './staffSupport';

let h: Harness;
let b: Browser;
let campaignId: number;

/** The consent comes back to PUBLIC_BASE_URL, so the server listens on a port known before it starts. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  const port = await freePort();
  h = await startHarness({ clock: new ManualClock(OPS_NOW), env: { ROLES: 'web', HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  h.fake.oaId = TEST_OA_ID;
  ({ campaignId } = seedOps(h.runtime.store.db));
  await makeStaff(h, 'quantri', 'admin');
  await makeStaff(h, 'lanhdao', 'viewer');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function logIn(page: Page, username: string): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
}

async function session(username: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const ctx = await b.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true });
  const page = await ctx.newPage();
  // A page that needs a login answers with the login form in place (401), and comes back after it.
  const res = await page.goto(`${h.runtime.url}/staff`);
  expect(res?.status()).toBe(401);
  await logIn(page, username);
  await page.locator('h1', { hasText: 'Tổng quan' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/staff');
  await page.close();
  return ctx;
}

describe('operations pages in a browser', () => {
  it('logs in and shows the dashboard with today’s figures (laptop and phone)', async () => {
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const ctx = await session('quantri', viewport);
      const page = await ctx.newPage();
      await page.goto(`${h.runtime.url}/staff`);
      expect(await page.locator('h1').textContent()).toBe('Tổng quan');
      expect(await page.locator('#stat-bookings b').textContent()).toBe('8');
      expect(await page.locator('#stat-requests').textContent()).toContain('1 quá hạn tiếp nhận');
      expect(await page.locator('#stat-results b').textContent()).toBe('2');
      expect(await page.locator('#stat-share b').textContent()).toBe('35,0 %');
      expect(await page.locator('#panel-bookings .bars span').allTextContents()).toEqual(['Bệnh viện Kiến An', '3 (đã đến 2)', 'Phòng khám A Hải Phòng', '5 (đã đến 3)']);
      expect(await page.locator('#panel-requests').textContent()).toContain('YC-000001');
      expect(await page.locator('#panel-broadcasts').textContent()).toContain('3/4 người nhận (75%)');
      expect(await page.locator('#panel-campaign .bar-value').allTextContents()).toEqual(['25,0 % (2/8)', '41,7 % (5/12)']);
      // Nothing wider than the screen on a phone.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: artifactPath(`ops-dashboard-${viewport.width}.png`), fullPage: true });
      await ctx.close();
    }
  });

  it('downloads the campaign report and its numbers match the page', async () => {
    const ctx = await session('lanhdao');
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/reports`);
    await page.selectOption('#campaign', String(campaignId));
    await page.click('form.report-filter button[type=submit]');
    await page.waitForURL(`**/staff/reports?campaign=${campaignId}**`);
    expect(await page.locator('h1').textContent()).toBe(`Báo cáo ${expected.campaignName}`);
    await page.screenshot({ path: artifactPath('ops-report.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    expect(download.suggestedFilename()).toBe('bao-cao-dot-1-2026.xlsx');
    const file = artifactPath('ops-report.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const row = (key: Parameters<typeof sheetNameOf>[0], n: number) => (wb.getWorksheet(sheetNameOf(key))!.getRow(XLSX_HEADER_ROW + n).values as unknown[]).slice(1);

    expect(row('campaigns', 1)).toEqual([expected.campaignName, new Date('2026-03-02T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 20, 10, 7, 0.35]);
    expect(row('units', 2)).toEqual([expected.campaignName, ...expected.units[1]!]);
    expect(row('classes', 2)).toEqual(expected.classes[1]);
    // The total closes the table, after one row per request type (the list of types grows).
    const requestRows = wb.getWorksheet(sheetNameOf('requests'))!.getRows(XLSX_HEADER_ROW + 1, 50)!.map((r) => (r.values as unknown[]).slice(1));
    expect(requestRows.filter((r) => r[0] === 'Tổng cộng')).toEqual([['Tổng cộng', ...expected.requests.total]]);

    // The same numbers on the page.
    const pageRow = async (key: string, n: number) => page.locator(`section[data-table=${key}] tbody tr`).nth(n - 1).locator('td').allTextContents();
    expect(await pageRow('campaigns', 1)).toEqual([expected.campaignName, '02/03/2026', '31/03/2026', '20', '10', '7', '35,0 %']);
    expect(await pageRow('units', 2)).toEqual([expected.campaignName, 'Sở Y tế', '6', '3', '50,0 %']);
    expect(await pageRow('classes', 2)).toEqual(['Loại II – Khỏe', '2', '40,0 %']);
    expect(await page.locator('section[data-table=requests] tbody tr').last().locator('td').allTextContents()).toEqual(['Tổng cộng', '6', '2', '2', '2', '2', '50,0 %']);
    await ctx.close();
  });

  it('opens Bull Board for an admin, refuses a viewer, and sends a visitor to the login first', async () => {
    const anon = await b.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const p0 = await anon.newPage();
    await p0.goto(`${h.runtime.url}/admin/queues`);
    await p0.waitForURL('**/staff/login?next=%2Fadmin%2Fqueues');
    await logIn(p0, 'quantri');
    await p0.waitForURL((u) => u.pathname === '/admin/queues');
    await p0.getByText('zalo-send').first().waitFor();
    for (const q of ['email-send', 'notices', 'broadcast-send']) await p0.getByText(q).first().waitFor();
    await p0.waitForLoadState('networkidle');
    await p0.getByText('Loading').waitFor({ state: 'hidden' });
    await p0.screenshot({ path: artifactPath('ops-queues.png'), fullPage: true });
    await anon.close();

    const viewer = await session('lanhdao');
    const p1 = await viewer.newPage();
    const res = await p1.goto(`${h.runtime.url}/admin/queues`);
    expect(res!.status()).toBe(403);
    expect(await p1.locator('h1').textContent()).toBe('Không có quyền');
    expect((await p1.request.get(`${h.runtime.url}/admin/queues/api/queues`)).status()).toBe(403);
    await p1.screenshot({ path: artifactPath('ops-queues-viewer.png'), fullPage: true });
    await viewer.close();
  });

  it('connects the OA through Zalo’s consent (fake API) and shows the token health', async () => {
    const before = h.runtime.store.db.select().from(oaTokens).get()!;
    const ctx = await session('quantri');
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/zalo`);
    expect(await page.locator('h1').textContent()).toBe('Kết nối Zalo OA');
    await page.screenshot({ path: artifactPath('ops-zalo-before.png'), fullPage: true });

    await page.click('button:has-text("Kết nối Zalo OA")');
    await page.waitForURL(`${h.fakeUrl}/v4/oa/permission**`);
    const consent = new URL(page.url());
    expect(consent.searchParams.get('redirect_uri')).toBe(`${h.runtime.url}/staff/zalo/callback`);
    expect(consent.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consent.searchParams.get('state')).toBeTruthy();
    await page.screenshot({ path: artifactPath('ops-zalo-consent.png'), fullPage: true });
    await page.click('#allow');
    await page.waitForURL('**/staff/zalo?connected=1');
    expect(await page.locator('.flash.ok').textContent()).toContain('Đã kết nối Zalo OA');
    expect(await page.locator('.card').first().textContent()).toContain('Đang hoạt động');
    await page.screenshot({ path: artifactPath('ops-zalo-connected.png'), fullPage: true });

    const after = h.runtime.store.db.select().from(oaTokens).get()!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshedAt).toBe(OPS_NOW);

    // The callback again (browser back, or a replayed link): the consent is used up, nothing changes.
    const replay = await page.goto(`${h.runtime.url}/staff/zalo/callback?code=fake-code-x&oa_id=${TEST_OA_ID}&state=${consent.searchParams.get('state')}`);
    expect(replay!.status()).toBe(400);
    expect(await page.locator('.flash.bad').textContent()).toContain('Phiên kết nối không hợp lệ');
    expect(h.runtime.store.db.select().from(oaTokens).get()!.accessToken).toBe(after.accessToken);
    await ctx.close();
  });
});
