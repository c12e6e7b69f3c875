import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, seedClinics } from './staffSupport';

let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  seedClinics(h);
  await makeStaff(h, 'dieuphoi', 'coordinator');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('/staff/faq in a browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('lists the answers and adds one through the form at %o', async (viewport) => {
    const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/faq`, 'dieuphoi');
    const ctx = page.context();
    expect(await page.locator('h1').textContent()).toBe('Câu hỏi thường gặp');
    expect(await page.locator('table').textContent()).toContain('Phòng khám ở đâu?');
    await page.screenshot({ path: artifactPath(`staff-faq-${viewport.width}.png`), fullPage: true });
    await page.click('text=Thêm câu hỏi');
    await page.fill('#question', `Có chỗ gửi xe không? (${viewport.width})`);
    await page.fill('#phrasings', 'gửi xe ở đâu\nchỗ để xe');
    await page.fill('#answer', 'Có bãi gửi xe ở cổng phụ.');
    await page.screenshot({ path: artifactPath(`staff-faq-form-${viewport.width}.png`), fullPage: true });
    await page.click('button:has-text("Lưu")');
    await page.waitForURL('**/staff/faq?msg=saved');
    expect(await page.locator('table').textContent()).toContain(`Có chỗ gửi xe không? (${viewport.width})`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    await ctx.close();
  });
});
