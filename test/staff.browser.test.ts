import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext } from 'playwright-core';
import { cadres, proxies } from '../src/store/schema';
import { artifactPath, launchBrowser } from './browser';
import { startHarness, type Harness } from './harness';
import { goodRows, HEADERS, makeStaff, PASSWORD, seedClinics, seedZaloUser } from './staffSupport';

let h: Harness;
let b: Browser;
let dir: string;

async function writeXlsx(name: string, rows: unknown[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow(r);
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
  return path;
}

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  seedClinics(h);
  await makeStaff(h, 'dieuphoi', 'coordinator');
  await makeStaff(h, 'quantri', 'admin');
  dir = mkdtempSync(join(tmpdir(), 'cadrecare-import-'));
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function loggedIn(viewport: { width: number; height: number }, username = 'dieuphoi'): Promise<BrowserContext> {
  const ctx = await b.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  await page.goto(`${h.runtime.url}/staff/registry`);
  expect(await page.locator('h1').textContent()).toBe('Đăng nhập cho nhân viên');
  await page.screenshot({ path: artifactPath(`staff-login-${viewport.width}.png`), fullPage: true });
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL('**/staff/registry');
  await page.close();
  return ctx;
}

describe('staff pages in a browser', () => {
  it('log in, import a file with errors (error table, nothing written), fix it, apply, see the list', async () => {
    const ctx = await loggedIn({ width: 1280, height: 860 });
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/registry/import`);
    await page.screenshot({ path: artifactPath('staff-import-form.png'), fullPage: true });

    const bad = goodRows();
    (bad[2] as unknown[])[2] = '30/02/1958';
    (bad[3] as unknown[])[6] = '0123';
    (bad[4] as unknown[])[0] = 'CB001';
    (bad[5] as unknown[])[8] = 'Phòng khám không có';
    await page.setInputFiles('input[type=file]', await writeXlsx('danh-sach-loi.xlsx', bad));
    await page.click('button:has-text("Kiểm tra tệp")');
    await page.waitForSelector('#import-errors');
    const errorRows = await page.locator('#import-errors tbody tr').allTextContents();
    expect(errorRows).toHaveLength(4);
    expect(errorRows.join('\n')).toContain('Ngày sinh không hợp lệ: “30/02/1958”');
    expect(errorRows.join('\n')).toContain('Mã cán bộ “CB001” trùng với dòng 2.');
    expect(await page.locator('.flash.bad').textContent()).toContain('Chưa có dòng nào được ghi');
    // Staff choose between importing the good rows now and importing nothing until every error is fixed.
    expect(await page.locator('input[name=mode][value=good]').count()).toBe(1);
    expect(await page.locator('input[name=mode][value=all]').count()).toBe(1);
    await page.screenshot({ path: artifactPath('staff-import-errors.png'), fullPage: true });
    expect(h.runtime.store.db.select().from(cadres).all()).toHaveLength(0);

    await page.setInputFiles('input[type=file]', await writeXlsx('danh-sach.xlsx', goodRows()));
    await page.click('button:has-text("Kiểm tra tệp")');
    await page.waitForSelector('button:has-text("Nhập vào danh sách")');
    await page.screenshot({ path: artifactPath('staff-import-checked.png'), fullPage: true });
    expect(h.runtime.store.db.select().from(cadres).all()).toHaveLength(0);
    await page.click('button:has-text("Nhập vào danh sách")');
    await page.waitForSelector('text=Đã nhập xong');
    expect(h.runtime.store.db.select().from(cadres).all()).toHaveLength(5);

    await page.goto(`${h.runtime.url}/staff/registry?q=nguyen van`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('Nguyễn Văn An');
    await page.goto(`${h.runtime.url}/staff/registry`);
    await page.screenshot({ path: artifactPath('staff-registry.png'), fullPage: true });
    await page.click('text=Lê Văn Cường');
    await page.waitForSelector('text=Hồ sơ');
    await page.screenshot({ path: artifactPath('staff-cadre.png'), fullPage: true });
    await ctx.close();
  });

  it('the import errors, the list and the proxy page are usable on a phone', async () => {
    const now = h.clock.now();
    const cadre = h.runtime.store.db.select().from(cadres).all()[0]!;
    seedZaloUser(h, '9300000000000000001', 'Nguyễn Thu Hà');
    h.runtime.store.db.insert(proxies).values({ zaloUserId: '9300000000000000001', cadreId: cadre.id, relation: 'con gái', proxyName: 'Nguyễn Thu Hà', requestedAt: now }).run();

    const ctx = await loggedIn({ width: 390, height: 844 });
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/registry/import`);
    const bad = [HEADERS, ['CB100', 'Đinh Văn Tâm', '12/13/1950', 'Nam', 'Khác', '', 'abc', '', '', '', '', '']];
    await page.setInputFiles('input[type=file]', await writeXlsx('loi.xlsx', bad));
    await page.click('button:has-text("Kiểm tra tệp")');
    await page.waitForSelector('#import-errors');
    await page.screenshot({ path: artifactPath('staff-import-errors-phone.png'), fullPage: true });
    await page.goto(`${h.runtime.url}/staff/registry`);
    await page.screenshot({ path: artifactPath('staff-registry-phone.png'), fullPage: true });
    await page.goto(`${h.runtime.url}/staff/proxies`);
    await page.screenshot({ path: artifactPath('staff-proxies-phone.png'), fullPage: true });
    await page.click('button:has-text("Duyệt")');
    await page.waitForSelector('text=Đã duyệt. Người đại diện sẽ nhận tin báo qua Zalo.');
    // No horizontal scrolling on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await ctx.close();
  });

  it('an admin creates a staff account (password shown once) and reads the audit log', async () => {
    const ctx = await loggedIn({ width: 1280, height: 860 }, 'quantri');
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/users`);
    await page.fill('#username', 'bs.lan');
    await page.fill('#fullName', 'Bác sĩ Nguyễn Thị Lan');
    await page.selectOption('#role', 'doctor');
    await page.click('button:has-text("Tạo tài khoản")');
    await page.waitForSelector('#secret');
    expect((await page.locator('#secret').textContent())!.trim()).toMatch(/^[A-Za-z0-9]{16}$/);
    await page.screenshot({ path: artifactPath('staff-users.png'), fullPage: true });
    await page.goto(`${h.runtime.url}/staff/audit`);
    expect(await page.locator('#audit td', { hasText: 'tạo tài khoản nhân viên' }).count()).toBe(1);
    await page.screenshot({ path: artifactPath('staff-audit.png'), fullPage: true });
    await ctx.close();
  });
});
