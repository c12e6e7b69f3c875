import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { campaignWithSlots } from './bookingSupport';
import { makeStaff } from './staffSupport';

let h: Harness;
let b: Browser;
let url = '';

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(Date.parse('2026-03-02T01:00:00Z')), env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'B-1', fullName: 'Nguyễn Văn Bảy', birthDate: '1938-01-01', phone: '84914000001', frail: true },
      { code: 'B-2', fullName: 'Trần Thị Tám', sex: 'female', birthDate: '1944-05-05', phone: '84914000002', healthClass: 'IV' },
      { code: 'B-3', fullName: 'Lê Văn Chín', birthDate: '1950-06-06' },
    ],
    h.clock.now(),
  );
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-06' });
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  url = `${h.runtime.url}/staff/booking/${c.id}/calls`;
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('the call list page in a browser', () => {
  it('lists the cadres to call with tel: links and records an outcome, on a desktop and on a phone', async () => {
    for (const viewport of [
      { width: 1366, height: 768 },
      { width: 390, height: 844 },
    ]) {
      const page = await loggedInPage(b, viewport, url, 'nhanvien.a');
      const ctx = page.context();
      const names = await page.locator('#call-list tbody tr a[href^="/staff/registry/"]').allTextContents();
      expect(names.slice(0, 2)).toEqual(['Nguyễn Văn Bảy', 'Trần Thị Tám']);
      expect(await page.locator('#call-list a[href="tel:+84914000001"]').count()).toBe(1);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: artifactPath(`call-list-${viewport.width}x${viewport.height}.png`), fullPage: true });
      await ctx.close();
    }
    // An outcome from the page's own form: unreachable keeps Bảy on the list, with the call shown.
    const page = await loggedInPage(b, { width: 390, height: 844 }, url, 'nhanvien.a');
    const ctx = page.context();
    const row = page.locator('#call-list tbody tr').first();
    await row.locator('select[name=outcome]').selectOption('unreachable');
    await row.locator('button[type=submit]').click();
    await page.waitForURL(/msg=unreachable/);
    expect(await page.locator('.flash').first().textContent()).toContain('Cán bộ vẫn trong danh sách để gọi lại');
    expect(await page.locator('#call-list tbody tr').first().textContent()).toContain('Không liên lạc được');
    await ctx.close();
  });
});
