import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cadres, linkRequests, proxies, zaloLinks } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, seedClinics, seedZaloUser } from './staffSupport';

/** The proxies page with both kinds of waiting decisions, on a laptop and on a phone, in the real browser. */

let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  const clinic = seedClinics(h);
  await makeStaff(h, 'dieuphoi', 'coordinator');
  const db = h.runtime.store.db;
  const now = h.clock.now();
  const cadre = (code: string, fullName: string, phone: string) =>
    db.insert(cadres).values({ code, fullName, phone, birthDate: '1944-04-04', sex: 'male', category: 'nguyen_chuc', clinicId: clinic.a, createdAt: now, updatedAt: now }).returning().get();
  const quang = cadre('HP-0042', 'Phạm Văn Quang', '84912000042');
  const tam = cadre('HP-0043', 'Đinh Văn Tâm', '84912000043');
  for (const [id, name] of [
    ['9400000000000000001', 'Phạm Thu Hà'],
    ['9400000000000000002', 'Zalo Tâm cũ'],
    ['9400000000000000003', 'Zalo Tâm mới'],
  ] as const)
    seedZaloUser(h, id, name);
  db.insert(proxies).values({ zaloUserId: '9400000000000000001', cadreId: quang.id, relation: 'con gái', proxyName: 'Hà', requesterPhone: '84987111222', requestedAt: now }).run();
  db.insert(zaloLinks).values({ zaloUserId: '9400000000000000002', cadreId: tam.id, method: 'phone', linkedAt: now }).run();
  db.insert(linkRequests).values({ zaloUserId: '9400000000000000003', cadreId: tam.id, phone: '84912000043', currentZaloUserId: '9400000000000000002', requestedAt: now }).run();
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

describe('proxies page in the browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('shows the requester, their phones and held link moves at $width px', async (viewport) => {
    const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff/login`, 'dieuphoi');
    const ctx = page.context();
    await page.waitForLoadState('networkidle');
    await page.goto(`${h.runtime.url}/staff/proxies`);
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('Xin chuyển liên kết Zalo');
    expect(text).toContain('Tên Zalo: Phạm Thu Hà');
    expect(text).toContain('ĐT: 0987 111 222');
    expect(text).toContain('ĐT hồ sơ: 0912 000 042');
    await page.screenshot({ path: artifactPath(`staff-proxies-links-${viewport.width}.png`), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    await ctx.close();
  });
});
