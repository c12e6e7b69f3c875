import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { cadres, examResults, handoffMessages, handoffs } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, seedClinics } from './staffSupport';

/** Lists at scale in the real browser: paging through 1,200 drafts and releasing all of them with one confirmation. */

let h: Harness;
let b: Browser;
const TOTAL = 1200;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const clinic = seedClinics(h);
  await makeStaff(h, 'bacsi', 'doctor');
  const entry = await makeStaff(h, 'nhaplieu', 'coordinator');
  const db = h.runtime.store.db;
  const now = h.clock.now();
  const names = ['Nguyễn Thị Phương', 'Trần Văn Bình', 'Lê Hoàng Nam', 'Phạm Thị Hương'];
  db.insert(cadres)
    .values(
      Array.from({ length: TOTAL }, (_, i) => ({
        code: `HP-${String(i + 1).padStart(5, '0')}`,
        fullName: `${names[i % names.length]} ${i + 1}`,
        birthDate: '1945-03-03',
        sex: 'female' as const,
        category: 'nguyen_chuc' as const,
        unit: 'Thành ủy Hải Phòng',
        clinicId: clinic.a,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .run();
  const ids = db.select({ id: cadres.id }).from(cadres).all();
  db.insert(examResults)
    .values(ids.map((c, i) => ({ chainId: -(i + 1), cadreId: c.id, examDate: '2026-02-10', conclusions: 'Sức khỏe ổn định', healthClass: 'II' as const, enteredByStaffId: entry.id, createdAt: now + i, updatedAt: now + i })))
    .run();
  db.run(sql`UPDATE exam_results SET chain_id = id`);
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function loggedIn(viewport: { width: number; height: number }): Promise<Page> {
  const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/login`, 'bacsi');
  await page.waitForLoadState('networkidle');
  return page;
}

const fits = async (page: Page, width: number) => expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);

describe('release queue at scale in the browser', () => {
  it('pages through 1,200 drafts and releases every one after a single confirmation of the count', async () => {
    const page = await loggedIn({ width: 1366, height: 768 });
    await page.goto(`${h.runtime.url}/staff/results`);
    expect(await page.textContent('.list-count')).toBe('1–50 trên 1.200 kết quả chờ công bố');
    await page.screenshot({ path: artifactPath('staff-results-queue-1366.png'), fullPage: false });
    await fits(page, 1366);
    await page.click('.list-pager a[rel=next]');
    expect(await page.textContent('.list-count')).toBe('51–100 trên 1.200 kết quả chờ công bố');
    await page.click('.list-pager a:text-is("24")');
    expect(await page.textContent('.list-count')).toBe('1.151–1.200 trên 1.200 kết quả chờ công bố');
    expect(await page.locator('input[name=ids]').count()).toBe(50);
    expect(await page.locator('.list-pager a[rel=next]').count()).toBe(0);

    await page.click('#release-all');
    expect(await page.textContent('#release-count')).toBe('1.200');
    expect(h.runtime.store.db.select({ n: sql<number>`count(*)` }).from(examResults).where(sql`status = 'released'`).get()!.n).toBe(0);
    await page.screenshot({ path: artifactPath('staff-results-release-confirm-1366.png'), fullPage: true });
    await page.click('#release-confirm button[type=submit]');
    expect(await page.textContent('main')).toContain(`Đã công bố ${TOTAL} kết quả`);
    expect(h.runtime.store.db.select({ n: sql<number>`count(*)` }).from(examResults).where(sql`status = 'released'`).get()!.n).toBe(TOTAL);
    await page.goto(`${h.runtime.url}/staff/results`);
    expect(await page.textContent('.list-count')).toBe('0 kết quả chờ công bố');
    await page.context().close();
  });

  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('lists with counts, sortable headings and search fit at $width px', async (viewport) => {
    const page = await loggedIn(viewport);
    await page.goto(`${h.runtime.url}/staff/results?status=released&q=phuong`);
    expect(await page.textContent('.list-count')).toBe('1–50 trên 300 kết quả');
    await page.screenshot({ path: artifactPath(`staff-results-list-${viewport.width}.png`), fullPage: true });
    await fits(page, viewport.width);
    await page.goto(`${h.runtime.url}/staff/registry?q=HUONG&sort=name&dir=desc`);
    expect(await page.textContent('.list-count')).toBe('1–50 trên 600 cán bộ') // "huong" is in Phương and in Hương;
    await page.screenshot({ path: artifactPath(`staff-registry-list-${viewport.width}.png`), fullPage: true });
    await fits(page, viewport.width);
    await page.context().close();
  });
});

describe('conversations list at scale in the browser', () => {
  it('a live refresh on page 2 of a tab keeps the page and the tab and updates the count, at 1366 and 390 px', async () => {
    const db = h.runtime.store.db;
    const now = h.clock.now();
    const ids = db.select({ id: cadres.id }).from(cadres).limit(130).all();
    db.insert(handoffs)
      .values(ids.map((c, i) => ({ zaloUserId: `conv-${i}`, cadreId: c.id, status: 'open' as const, openedAt: now, lastActivityAt: now + i })))
      .run();
    const page = await loggedIn({ width: 1366, height: 768 });
    await page.goto(`${h.runtime.url}/staff/requests/conversations?status=open&assigned=unassigned`);
    await page.click('.list-pager a[rel=next]');
    await page.waitForSelector('body[data-live-state="open"]');
    await page.evaluate('window.__sameDocument = true');
    expect(page.url()).toContain('status=open&assigned=unassigned&page=2');
    expect(await page.textContent('#live-conversations .list-count')).toBe('51–100 trên 130 cuộc trò chuyện');

    // A cadre writes in a new conversation: the region refreshes in place, still on page 2 of the same tab.
    db.insert(handoffs).values({ zaloUserId: 'conv-new', cadreId: ids[0]!.id, status: 'open', openedAt: now, lastActivityAt: now + 1000 }).run();
    db.insert(handoffMessages).values({ zaloUserId: 'conv-new', direction: 'in', text: 'Cho tôi hỏi', at: now + 1000 }).run();
    await expect.poll(() => page.textContent('#live-conversations .list-count'), { timeout: 10_000 }).toBe('51–100 trên 131 cuộc trò chuyện');
    expect(await page.textContent('#live-conversations .pager .current')).toBe('2');
    expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
    await page.screenshot({ path: artifactPath('staff-conversations-page2-1366.png'), fullPage: false });
    await fits(page, 1366);
    await page.setViewportSize({ width: 390, height: 844 });
    await fits(page, 390);
    await page.screenshot({ path: artifactPath('staff-conversations-page2-390.png'), fullPage: true });
  });
});
