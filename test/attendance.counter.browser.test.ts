import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { checkIn } from '../src/domain/attendance/queue';
import { zaloActor } from '../src/domain/staff/actor';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { examSlots, type Cadre } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { campaignWithSlots } from './bookingSupport';
import { makeStaff } from './staffSupport';

const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-10';
let h: Harness;
let b: Browser;
let url = '';

beforeAll(async () => {
  const clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const db = h.runtime.store.db;
  const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung'];
  const seeded = seedRegistry(db, names.map((fullName, i) => ({ code: `T-${i}`, fullName })), START);
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: EXAM_DAY, toDate: EXAM_DAY, capacity: 4 });
  const slot = db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, Date.parse(`${EXAM_DAY}T01:00:00Z`)))).get()!;
  const ids = (seeded.cadres as Cadre[]).map((cadre) => inTransaction(db, (tx) => createBooking(tx, { cadreId: cadre.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, START)));
  clock.set(Date.parse(`${EXAM_DAY}T00:40:00Z`));
  for (const id of ids) inTransaction(db, (tx) => checkIn(tx, id, zaloActor('cadre-at-the-door'), clock.now()));
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  url = `${h.runtime.url}/staff/booking/${c.id}/day/counter?clinicId=${seeded.clinic.id}&date=${EXAM_DAY}`;
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function openCounter(viewport: { width: number; height: number }) {
  const page = await loggedInPage(b, viewport, url, 'nhanvien.a');
  const ctx = page.context();
  await page.waitForSelector('body[data-live-state="open"]');
  return { ctx, page };
}

describe('the counter page in a browser', () => {
  it('a call made from the phone at the counter reaches the TV through the live stream, without a reload; initials only', async () => {
    const tv = await openCounter({ width: 1366, height: 768 });
    const phone = await openCounter({ width: 390, height: 844 });
    expect((await tv.page.locator('main').textContent())!).toContain('Chưa gọi số');
    expect(await tv.page.locator('meta[http-equiv=refresh]').count()).toBe(0);
    // Marks the TV's document: a reload would lose it.
    await tv.page.evaluate('window.__sameDocument = true');

    await phone.page.click('text=Gọi số tiếp');
    await phone.page.waitForSelector('[data-testid=call]');
    expect((await phone.page.locator('[data-testid=call]').textContent())!.trim()).toBe('Mời số 1');

    await tv.page.locator('[data-testid=call]', { hasText: 'Mời số 1' }).waitFor({ timeout: 10_000 });
    expect(await tv.page.evaluate('window.__sameDocument === true')).toBe(true);
    expect(Number(await tv.page.evaluate('document.body.dataset.refreshes || "0"'))).toBeGreaterThanOrEqual(1);
    expect((await tv.page.locator('[data-testid=next]').textContent())!).toContain('2 (T.T.B.)');
    // The default pace until the counter has measured its own.
    expect((await tv.page.locator('[data-testid=pace]').textContent())!).toContain('Ước tính 8 phút mỗi người');

    for (const { page, ctx } of [tv, phone]) {
      const viewport = page.viewportSize()!;
      const body = (await page.locator('body').textContent())!;
      expect(body).toContain('N.V.A.');
      expect(body).not.toMatch(/Nguyễn Văn An|Trần Thị Bình|Lê Văn Cường|Phạm Thị Dung/);
      // Nothing runs off the screen sideways, and the button is large enough to tap.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      const box = (await page.locator('button[type=submit]').boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(48);
      await page.screenshot({ path: artifactPath(`counter-${viewport.width}x${viewport.height}.png`), fullPage: true });
      await ctx.close();
    }
  });
});
