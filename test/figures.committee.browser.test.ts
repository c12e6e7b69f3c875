import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, PASSWORD, seedClinics } from './staffSupport';

/** A Khoa's staff pages, seen in a browser: the login page and the page header name the Khoa. */
let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1', COMMITTEE_KIND: 'khoa' } });
  seedClinics(h);
  await makeStaff(h, 'khoa-admin', 'admin');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('a Khoa in the staff pages', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('the login page and the page header name the Khoa at %o', async (viewport) => {
    const ctx = await b.newContext({ viewport, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(`${h.runtime.url}/staff/login`);
    expect(await page.textContent('body')).toContain('quản trị viên của Khoa');
    await page.screenshot({ path: artifactPath(`committee-khoa-login-${viewport.width}.png`), fullPage: true });
    await page.fill('#username', 'khoa-admin');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(/\/staff/), page.click('button[type=submit]')]);
    await page.goto(`${h.runtime.url}/staff`);
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain('Khoa Bảo vệ, chăm sóc sức khỏe cán bộ');
    expect(body).not.toMatch(/\bBan\b/);
    await page.screenshot({ path: artifactPath(`committee-khoa-home-${viewport.width}.png`), fullPage: false });
    await ctx.close();
  });
});
