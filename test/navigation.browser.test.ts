import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { may } from '../src/domain/staff/permissions';
import { staffNav } from '../src/http/staff/layout';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { startHarness, type Harness } from './harness';
import { makeStaff, seedClinics } from './staffSupport';

/** The grouped staff menu: every entry a role may open is reachable at 1366×768 and on a 390 px phone, none cut. */

let h: Harness;
let b: Browser;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', HOST: '127.0.0.1' } });
  seedClinics(h);
  await makeStaff(h, 'quantri', 'admin');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function openAs(viewport: { width: number; height: number }, username: string): Promise<Page> {
  const page = await loggedInPage(b, viewport, `${h.runtime.url}/staff`, username);
  await page.waitForSelector('nav.main');
  return page;
}

/** Every link of the menu that is visible, with its box. */
async function visibleLinks(page: Page) {
  return page.$$eval('nav.main a', (as) =>
    as
      .map((a) => ({ href: a.getAttribute('href')!, text: (a.textContent ?? '').trim(), box: a.getBoundingClientRect(), overflow: a.scrollWidth > a.clientWidth + 1 }))
      .filter((l) => l.box.width > 0 && l.box.height > 0)
      .map((l) => ({ href: l.href, text: l.text, left: l.box.left, right: l.box.right, top: l.box.top, overflow: l.overflow })),
  );
}

const allowed = () => staffNav.filter((n) => may('admin', n.permission)).map((n) => n.href).sort();
/** On a wide screen one's own password is changed from the header, not the menu. */
const ACCOUNT = '/staff/account/password';

describe('the grouped menu', () => {
  it('at 1366×768 the top row fits on one line and every group opens to entries inside the window', async () => {
    const page = await openAs({ width: 1366, height: 768 }, 'quantri');
    await page.screenshot({ path: artifactPath('nav-1366.png') });
    const tops = await page.$$eval('nav.main .menu > li', (lis) => lis.map((li) => li.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ top: r.top, right: r.right })));
    expect(tops.length).toBeGreaterThan(3);
    expect(new Set(tops.map((t) => Math.round(t.top))).size, 'one row').toBe(1);
    for (const t of tops) expect(t.right).toBeLessThanOrEqual(1366);
    const reached = new Set((await visibleLinks(page)).map((l) => l.href));
    const summaries = page.locator('nav.main details.navgroup > summary');
    const n = await summaries.count();
    expect(n).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < n; i++) {
      await summaries.nth(i).click();
      const links = await visibleLinks(page);
      for (const l of links) {
        expect(l.right, `${l.text} inside the window`).toBeLessThanOrEqual(1366);
        expect(l.overflow, `${l.text} not cut`).toBe(false);
        reached.add(l.href);
      }
      // Only one group is open at a time.
      expect(await page.locator('nav.main details.navgroup[open]').count()).toBe(1);
      if (i === 0) await page.screenshot({ path: artifactPath('nav-1366-open.png') });
    }
    expect([...reached].sort()).toEqual(allowed().filter((href) => href !== ACCOUNT));
    expect(await page.locator(`header.top a[href="${ACCOUNT}"]`).isVisible()).toBe(true);
    // A click elsewhere closes the open group.
    await page.click('main h1');
    expect(await page.locator('nav.main details.navgroup[open]').count()).toBe(0);
    await page.context().close();
  });

  it('on a 390×844 phone the menu folds behind one button and opens to every entry without sideways scrolling', async () => {
    const page = await openAs({ width: 390, height: 844 }, 'quantri');
    expect(await visibleLinks(page)).toHaveLength(0);
    await page.screenshot({ path: artifactPath('nav-390.png') });
    await page.click('label.nav-open');
    const summaries = page.locator('nav.main details.navgroup > summary');
    const reached = new Set((await visibleLinks(page)).map((l) => l.href));
    for (let i = 0; i < (await summaries.count()); i++) {
      await summaries.nth(i).click();
      for (const l of await visibleLinks(page)) {
        expect(l.right, `${l.text} inside the screen`).toBeLessThanOrEqual(390);
        reached.add(l.href);
      }
    }
    await page.screenshot({ path: artifactPath('nav-390-open.png'), fullPage: true });
    expect([...reached].sort()).toEqual(allowed());
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
