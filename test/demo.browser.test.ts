import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { seedDemoRuntime, type DemoSeedReport } from '../src/demoScenario';
import { tryThis } from '../src/demoScenario/people';
import { bookings, careRequests, handoffs, zaloLinks } from '../src/store/schema';
import { artifactPath, launchBrowser } from './browser';
import { waitFor } from './harness';
import { startSimulator, type Simulator } from './simulatorSupport';

/**
 * The "try this" list the demo prints, played on /dev/chat as a visitor would: the demo started as
 * `npm run demo` starts it, the first simulated user, each of the five messages, and the staff answer from
 * the inbox arriving in the chat.
 */

let sim: Simulator;
let browser: Browser;
let report: DemoSeedReport;
beforeAll(async () => {
  [sim, browser] = await Promise.all([startSimulator(), launchBrowser()]);
  report = await seedDemoRuntime(sim.runtime);
});
afterAll(async () => {
  await browser?.close();
  await sim?.stop();
});

const oa = (page: Page) => page.locator('.row.oa .bubble');

/** Sends a text (or taps a button) and waits for the answer; returns the newest answer bubble. */
async function act(page: Page, how: string | Locator): Promise<Locator> {
  const before = await oa(page).count();
  if (typeof how === 'string') {
    await page.getByLabel('Tin nhắn').fill(how);
    await page.getByLabel('Tin nhắn').press('Enter');
  } else {
    await how.click();
  }
  await waitFor(async () => (await oa(page).count()) > before, `an answer to ${typeof how === 'string' ? `"${how}"` : 'a tap'}`);
  return oa(page).last();
}

/** Answers a flow by tapping each answer's first button (typing "1" where a step has none) until `done` shows. */
async function followFirstChoices(page: Page, answer: Locator, done: RegExp, steps = 8): Promise<string> {
  for (let i = 0; i < steps; i++) {
    const text = await answer.innerText();
    if (done.test(text)) return text;
    const buttons = answer.getByRole('button');
    answer = (await buttons.count()) ? await act(page, buttons.first()) : await act(page, '1');
  }
  throw new Error(`no answer matching ${done} after ${steps} steps: ${await answer.innerText()}`);
}

describe('the "try this" list on /dev/chat', () => {
  it('books, reads a result, asks for a home visit, raises an emergency, and talks to staff who answer from the inbox', async () => {
    const [book, results, homeVisit, emergency, staff] = tryThis.map((t) => t.text) as [string, string, string, string, string];
    const user = report.users[0]!;
    const cadreId = sim.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, user.userId)).get()!.cadreId;
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${sim.url}/dev/chat?user=${user.userId}`);
    await page.getByRole('status').getByText('Đã kết nối').waitFor();

    // 1. Book: the registered clinic first, the first day and time offered, confirm.
    const booked = await followFirstChoices(page, await act(page, book), /Đã đặt lịch khám/);
    expect(booked).toContain(user.displayName);
    expect(sim.runtime.store.db.select().from(bookings).where(and(eq(bookings.cadreId, cadreId), eq(bookings.status, 'booked'))).all()).toHaveLength(1);

    // 2. Results: the corrected latest one.
    const result = await act(page, results);
    await result.getByText('đính chính', { exact: false }).first().waitFor();
    expect(await result.innerText()).toContain('Rối loạn lipid máu');

    // 3. A home visit: reason and address typed, then the first choice at each step until the ticket.
    await act(page, homeVisit);
    await act(page, 'Đau khớp gối, đi lại khó khăn');
    const visit = await followFirstChoices(page, await act(page, 'Số 5 ngõ 12 đường Lạch Tray, Ngô Quyền'), /YC-\d{6}/);
    const ticket = /YC-(\d{6})/.exec(visit)!;
    expect(sim.runtime.store.db.select().from(careRequests).where(eq(careRequests.id, Number(ticket[1]))).get()).toMatchObject({ type: 'home_visit', cadreId });

    // 4. An emergency phrase: 115 at once, an urgent request for the on-call staff.
    const urgent = await act(page, emergency);
    expect(await urgent.innerText()).toContain('115');
    await waitFor(
      () => sim.runtime.store.db.select().from(careRequests).where(and(eq(careRequests.type, 'emergency'), eq(careRequests.cadreId, cadreId))).get(),
      'the emergency request',
    );

    // 5. Talk to staff; the coordinator answers from the inbox and the answer arrives in the chat.
    await act(page, staff);
    const opened = await act(page, 'Tôi muốn hỏi về thuốc huyết áp đang dùng');
    expect(await opened.innerText()).toContain('nhân viên');
    const handoff = sim.runtime.store.db.select().from(handoffs).where(eq(handoffs.zaloUserId, user.userId)).get()!;
    expect(handoff.status).toBe('open');

    const coordinator = report.createdLogins.find((l) => l.account.role === 'coordinator')!;
    const staffContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`${sim.url}/staff/login`);
    await staffPage.getByLabel('Tên đăng nhập').fill(coordinator.account.username);
    await staffPage.getByLabel('Mật khẩu').fill(coordinator.password);
    await staffPage.getByRole('button', { name: 'Đăng nhập' }).click();
    await staffPage.waitForURL(/\/staff(\/)?$/);
    await staffPage.goto(`${sim.url}/staff/requests`);
    // The inbox holds the story's requests and the two just made in chat.
    await staffPage.getByText(`YC-${ticket[1]}`).first().waitFor();
    await staffPage.screenshot({ path: artifactPath('demo-inbox.png'), fullPage: false });
    await staffPage.goto(`${sim.url}/staff/requests/conversations`);
    await staffPage.getByRole('link', { name: new RegExp(user.displayName) }).first().click();
    const reply = 'Chào Ông, Ông tiếp tục dùng thuốc như đơn cũ; chiều nay bác sĩ sẽ gọi lại.';
    await staffPage.getByLabel(/Trả lời/).fill(reply);
    await staffPage.getByRole('button', { name: 'Gửi cho cán bộ' }).click();
    await page.locator('.row.oa .bubble', { hasText: 'chiều nay bác sĩ sẽ gọi lại' }).waitFor();
    await page.screenshot({ path: artifactPath('demo-try-this.png'), fullPage: true });
    await staffContext.close();
    await context.close();
  });
});
