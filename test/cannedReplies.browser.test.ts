import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { handoffs } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, seedZaloUser } from './staffSupport';

let h: Harness;
let b: Browser;
let handoffId: number;
const USER = '8700000000000000078';

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  await makeStaff(h, 'dieuphoi', 'coordinator');
  seedZaloUser(h, USER);
  const now = h.clock.now();
  handoffId = h.runtime.store.db.insert(handoffs).values({ zaloUserId: USER, openedAt: now, lastActivityAt: now }).returning({ id: handoffs.id }).get().id;
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('canned replies in a browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('one is added through the form and choosing it fills the conversation reply box at %o', async (viewport) => {
    const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/canned-replies/new`, 'dieuphoi');
    const ctx = page.context();
    const text = `Dạ, Ban xin gọi lại cho ông trong hôm nay ạ. (${viewport.width})`;
    await page.fill('#code', `/goilai${viewport.width}`);
    await page.fill('#text', text);
    await page.click('button:has-text("Lưu")');
    await page.waitForURL('**/staff/canned-replies?msg=saved');
    await page.screenshot({ path: artifactPath(`staff-canned-replies-${viewport.width}.png`), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

    await page.goto(`${h.runtime.url}/staff/requests/conversations/${handoffId}`);
    const id = await page.locator(`#canned-reply option:has-text("/goilai${viewport.width}")`).getAttribute('value');
    await page.selectOption('#canned-reply', id!);
    // The served script (under the page's CSP) fills the box without a reload.
    expect(await page.inputValue('#reply')).toBe(text);
    await page.screenshot({ path: artifactPath(`staff-canned-pick-${viewport.width}.png`), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    await ctx.close();
  });
});
