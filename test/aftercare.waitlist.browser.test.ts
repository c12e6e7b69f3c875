import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { joinWaitlist } from '../src/domain/aftercare/waitlist';
import { createBooking } from '../src/domain/booking/effects';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { campaignWithSlots } from './bookingSupport';
import { inTransaction } from '../src/store/db';
import { examSlots } from '../src/store/schema';
import { makeStaff } from './staffSupport';

let h: Harness;
let b: Browser;
let url = '';

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(Date.parse('2026-03-02T01:00:00Z')), env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(
    db,
    [
      { code: 'B-1', fullName: 'Nguyễn Văn Bảy', birthDate: '1938-01-01', phone: '84914000001' },
      { code: 'B-2', fullName: 'Trần Thị Tám', sex: 'female', birthDate: '1944-05-05', phone: '84914000002' },
      { code: 'B-3', fullName: 'Lê Văn Chín', birthDate: '1950-06-06' },
    ],
    h.clock.now(),
  );
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-04', startTime: 7 * 60, endTime: 7 * 60 + 30, capacity: 1 });
  const slot = db.select().from(examSlots).get()!;
  const [bay, tam, chin] = seeded.cadres as [(typeof seeded.cadres)[0] & object, (typeof seeded.cadres)[0] & object, (typeof seeded.cadres)[0] & object];
  inTransaction(db, (tx) => createBooking(tx, { cadreId: bay.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, h.clock.now()));
  for (const cadre of [tam, chin]) {
    inTransaction(db, (tx) => joinWaitlist(tx, { cadreId: cadre.id, campaignId: c.id, clinicId: seeded.clinic.id, zaloUserId: null }, { type: 'system', id: 'test' }, h.clock.now()));
  }
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  await makeStaff(h, 'dieuphoi', 'coordinator');
  url = `${h.runtime.url}/staff/booking/${c.id}/waitlist`;
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('the waitlist page in a browser', () => {
  it('lists who waits in order with tel: links and a clinic filter, on a desktop and on a phone, and clinic staff take a cadre out after a confirmation', async () => {
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const page = await loggedInPage(b, viewport, url, 'dieuphoi');
      const ctx = page.context();
      const names = await page.locator('#waitlist tbody tr a[href^="/staff/registry/"]').allTextContents();
      expect(names).toEqual(['Trần Thị Tám', 'Lê Văn Chín']);
      expect(await page.locator('#waitlist a[href="tel:+84914000002"]').count()).toBe(1);
      // The office sees every clinic, with a filter.
      expect(await page.locator('select#clinicId option').allTextContents()).toEqual(['Tất cả', 'Phòng khám A Hải Phòng']);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: artifactPath(`waitlist-${viewport.width}x${viewport.height}.png`), fullPage: true });
      await ctx.close();
    }
    const page = await loggedInPage(b, { width: 390, height: 844 }, url, 'nhanvien.a');
    const ctx = page.context();
    await page.locator('#waitlist tbody tr').first().locator('button[type=submit]').click();
    await page.waitForSelector('.confirm-step');
    expect(await page.locator('.confirm-step').textContent()).toContain('Rút Bà Trần Thị Tám khỏi danh sách chờ');
    await page.screenshot({ path: artifactPath('waitlist-confirm-390x844.png'), fullPage: true });
    await page.locator('.confirm-step button[type=submit]').click();
    await page.waitForURL(/msg=removed/);
    expect(await page.locator('#waitlist tbody tr a[href^="/staff/registry/"]').allTextContents()).toEqual(['Lê Văn Chín']);
    expect(await page.locator('#waitlist-past').textContent()).toContain('Trần Thị Tám');
    await ctx.close();
  });
});
