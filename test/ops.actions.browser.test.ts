import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { broadcasts, careRequests, examResults } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { ManualClock, startHarness, type Harness } from './harness';
import { OPS_NOW, seedOps } from './opsSupport';
import { makeStaff } from './staffSupport';

/** The staff actions of the operations brief, clicked in a real browser: acknowledge, release, broadcast. */

let h: Harness;
let b: Browser;
let page: Page;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(OPS_NOW), env: { ROLES: 'web' } });
  seedOps(h.runtime.store.db);
  await makeStaff(h, 'quantri', 'admin');
  b = await launchBrowser();
  page = await loggedInPage(b, { width: 1280, height: 900 }, `${h.runtime.url}/staff/login`, 'quantri');
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

const db = () => h.runtime.store.db;

describe('staff actions in a browser', () => {
  it('acknowledges a new request from its page', async () => {
    const request = db().select().from(careRequests).all().find((r) => r.state === 'new')!;
    await page.goto(`${h.runtime.url}/staff/requests`);
    await page.click(`a[href="/staff/requests/${request.id}"]`);
    await page.click('button:has-text("Tôi tiếp nhận")');
    await page.waitForLoadState('load');
    expect(db().select().from(careRequests).where(eq(careRequests.id, request.id)).get()!.state).toBe('acknowledged');
    await page.screenshot({ path: artifactPath('ops-request-acknowledged.png'), fullPage: true });
  });

  it('releases a draft result from the release queue', async () => {
    const drafts = db().select().from(examResults).where(eq(examResults.status, 'draft')).all();
    expect(drafts.length).toBeGreaterThan(0);
    await page.goto(`${h.runtime.url}/staff/results`);
    await page.locator(`input[type=checkbox][value="${drafts[0]!.id}"]`).check();
    await page.click('button:has-text("Công bố các kết quả đã chọn")');
    await page.waitForLoadState('load');
    // The release asks first, with the count; nothing is released before the confirmation.
    expect(await page.textContent('#release-count')).toBe('1');
    expect(db().select().from(examResults).where(eq(examResults.id, drafts[0]!.id)).get()!.status).toBe('draft');
    await page.click('#release-confirm button[type=submit]');
    await page.waitForLoadState('load');
    expect(db().select().from(examResults).where(eq(examResults.id, drafts[0]!.id)).get()!.status).toBe('released');
    expect(db().select().from(examResults).where(eq(examResults.id, drafts[1]!.id)).get()!.status).toBe('draft');
    await page.screenshot({ path: artifactPath('ops-result-released.png'), fullPage: true });
  });

  it('starts a broadcast to a segment, then cancels it', async () => {
    const before = db().select().from(broadcasts).all().length;
    await page.goto(`${h.runtime.url}/staff/broadcasts/new`);
    await page.fill('#title', 'Lịch khám đợt 2');
    await page.fill('#text', 'Đợt khám định kỳ thứ hai bắt đầu từ thứ Hai tuần sau. Xin đặt lịch qua Zalo.');
    await page.locator('input[name=categories]').first().check();
    await page.click('button:has-text("Xem trước")');
    await page.waitForLoadState('load');
    await page.click('button:has-text("Kiểm tra trước khi gửi")');
    await page.waitForLoadState('load');
    // Nothing is stored before the confirm step's button, which names the count.
    expect(db().select().from(broadcasts).all()).toHaveLength(before);
    expect(await page.locator('.zalo-bubble').textContent()).toContain('Để dừng nhận thông báo chung');
    await page.screenshot({ path: artifactPath('ops-broadcast-confirm.png'), fullPage: true });
    await page.click('button:has-text("Xác nhận gửi cho")');
    await page.waitForURL(/\/staff\/broadcasts\/\d+/);
    const created = db().select().from(broadcasts).all();
    expect(created).toHaveLength(before + 1);
    const id = created.at(-1)!.id;
    await page.click('a:has-text("Hủy thông báo")');
    await page.waitForURL(/\/cancel$/);
    expect(db().select().from(broadcasts).where(eq(broadcasts.id, id)).get()!.status).not.toBe('cancelled');
    await page.click('button:has-text("Hủy thông báo")');
    await page.waitForURL(/\/staff\/broadcasts\/\d+\?msg=cancel/);
    expect(db().select().from(broadcasts).where(eq(broadcasts.id, id)).get()!.status).toBe('cancelled');
    await page.screenshot({ path: artifactPath('ops-broadcast-cancelled.png'), fullPage: true });
  });
});
