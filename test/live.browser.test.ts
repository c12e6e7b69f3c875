import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { linkZaloUser } from '../src/domain/linking/linking';
import { inTransaction } from '../src/store/db';
import { and, eq } from 'drizzle-orm';
import { handoffs, type Cadre, type StaffUser } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { seedRegistry } from './fixtures';
import { startHarness, waitFor, type Harness } from './harness';
import { makeStaff } from './staffSupport';

/**
 * Live staff pages: an urgent request sent through the Zalo webhook appears in the open inbox without a reload,
 * highlighted, with the unread count in the menu and the tab title and the alert tone (which staff can switch off);
 * the dashboard open in another tab updates its figure.
 */

let h: Harness;
let b: Browser;
let ctx: BrowserContext;
let staff: StaffUser;
const cadreList: Cadre[] = [];
const USERS = ['8500000000000000001', '8500000000000000002'];

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const now = h.runtime.clock.now();
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'HP-3001', fullName: 'Vũ Thị Mai', email: 'mai@example.test', phone: '84912000111' },
      { code: 'HP-3002', fullName: 'Hoàng Văn Sơn', email: 'son@example.test', phone: '84912000222' },
    ],
    now,
  );
  cadreList.push(...seeded.cadres);
  staff = await makeStaff(h, 'dieuphoi', 'coordinator');
  inTransaction(h.runtime.store.db, (tx) => {
    USERS.forEach((user, i) => {
      recordZaloUser(tx, { id: user, followed: true, interactedAt: now }, now);
      linkZaloUser(tx, { cadreId: cadreList[i]!.id, zaloUserId: user, method: 'phone', now, staffId: staff.id });
    });
  });
  b = await launchBrowser();
  const login = await loggedInPage(b, { width: 1366, height: 768 }, `${h.runtime.url}/staff/login`, 'dieuphoi');
  ctx = login.context();
  await login.close();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function openLive(path: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${h.runtime.url}${path}`);
  await page.waitForSelector('body[data-live-state="open"]');
  // Marks this document: a reload would lose it.
  await page.evaluate('window.__sameDocument = true');
  return page;
}

const sameDocument = (page: Page) => page.evaluate('window.__sameDocument === true');
const dataset = (page: Page, key: string) => page.evaluate(`document.body.dataset[${JSON.stringify(key)}] || '0'`);

describe('live pages', () => {
  it('an urgent request sent through the webhook appears in the open inbox without a reload, with counts, title and tone', async () => {
    const inbox = await openLive('/staff/requests');
    const dashboard = await openLive('/staff');
    expect(await dashboard.locator('#stat-requests b').textContent()).toBe('0');
    expect(await inbox.locator('tbody tr[data-live-id]').count()).toBe(0);
    const title = await inbox.title();

    expect((await h.say(USERS[0]!, 'Tôi bị đau ngực, khó thở')).status).toBe(200);

    const row = inbox.locator('tr.live-urgent');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Vũ Thị Mai');
    expect(await row.textContent()).toContain('Báo khẩn cấp');
    expect(await sameDocument(inbox)).toBe(true);
    await expect.poll(() => inbox.locator('[data-live-count="requests"]').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await inbox.locator('[data-live-count="requests"]').isVisible()).toBe(true);
    expect(await inbox.title()).toBe(`(1) ${title}`);
    expect(await dataset(inbox, 'alerts')).toBe('1');
    expect(await dataset(inbox, 'tones')).toBe('1');
    await inbox.screenshot({ path: artifactPath('live-inbox-1366.png') });

    // The dashboard in the other tab shows the new figure, also without a reload.
    await expect.poll(() => dashboard.locator('#stat-requests b').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await sameDocument(dashboard)).toBe(true);

    // Sound off: the next urgent request is still highlighted but plays no tone.
    await inbox.click('#sound-toggle');
    expect(await inbox.locator('#sound-toggle').textContent()).toContain('tắt');
    expect((await h.say(USERS[1]!, 'ông tôi khó thở quá')).status).toBe(200);
    await expect.poll(() => inbox.locator('tr.live-urgent').count(), { timeout: 10_000 }).toBe(2);
    expect(await dataset(inbox, 'alerts')).toBe('2');
    expect(await dataset(inbox, 'tones')).toBe('1');
    expect(await inbox.title()).toBe(`(2) ${title}`);
    expect(await sameDocument(inbox)).toBe(true);

    // The same inbox on a phone: the new rows fit without sideways scrolling.
    const phone = await ctx.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${h.runtime.url}/staff/requests`);
    await phone.waitForSelector('body[data-live-state="open"]');
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // The folded menu's button carries the unread count.
    await expect.poll(() => phone.locator('label.nav-open [data-live-count="total"]').textContent(), { timeout: 10_000 }).toBe('2');
    await phone.screenshot({ path: artifactPath('live-inbox-390.png'), fullPage: true });
  });

  it('a conversation page shows the cadre’s new message without a reload, beside the contact panel, at 1366 and 390 px', async () => {
    for (const t of ['gặp nhân viên', 'Cho tôi hỏi lịch khám tháng sau']) expect((await h.say(USERS[1]!, t)).status).toBe(200);
    const convo = await waitFor(() => h.runtime.store.db.select().from(handoffs).where(and(eq(handoffs.zaloUserId, USERS[1]!), eq(handoffs.status, 'open'))).get(), 'open conversation');
    const page = await openLive(`/staff/requests/conversations/${convo.id}`);
    expect(await page.locator('#contact-panel a.tel').textContent()).toBe('0912 000 222');
    expect((await h.say(USERS[1]!, 'Tôi đợi nhân viên trả lời ạ')).status).toBe(200);
    await page.locator('#live-transcript', { hasText: 'Tôi đợi nhân viên trả lời ạ' }).waitFor({ timeout: 10_000 });
    expect(await sameDocument(page)).toBe(true);
    await page.screenshot({ path: artifactPath('conversation-1366.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: artifactPath('conversation-390.png'), fullPage: true });
  });
});
