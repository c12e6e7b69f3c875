import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { OA_MENU } from '../src/bot/understand/intents';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff } from './staffSupport';

let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  await makeStaff(h, 'quantri', 'admin');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('/staff/zalo-menu in a browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('lists the menu items to enter in the OA manager at %o', async (viewport) => {
    const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/zalo-menu`, 'quantri');
    const ctx = page.context();
    expect(await page.locator('h1').textContent()).toBe('Menu Zalo OA');
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(OA_MENU.length);
    OA_MENU.forEach((item, i) => expect(rows[i]).toContain(item.payload));
    await page.screenshot({ path: artifactPath(`staff-zalo-menu-${viewport.width}.png`), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    await ctx.close();
  });
});
