import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { PASSWORD } from './staffSupport';

/** Debian's chromium, driven by playwright-core (which gives it a fresh profile); headless, no sandbox (root in CI), no background networking. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where screenshots are kept as test artifacts. */
export function artifactPath(name: string): string {
  const dir = resolve('test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** A screen size: the staff pages are checked at 1366×768 (office) and 390×844 (phone). */
export type Viewport = { width: number; height: number };

/**
 * A page in a fresh Vietnamese-locale context at `viewport`, logged in as the staff account `username` (with the
 * test password): `url` answers with the login form in place (or is the login page), and the login returns to it
 * (to /staff from the login page). A refused login fails with the page's message. Close with `page.context().close()`.
 */
export async function loggedInPage(
  browser: Browser,
  viewport: Viewport,
  url: string,
  username: string,
  options: Omit<BrowserContextOptions, 'viewport' | 'locale'> = {},
): Promise<Page> {
  const ctx = await browser.newContext({ ...options, viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/staff/login"] button[type=submit]')]);
  const refused = page.locator('form[action="/staff/login"]');
  if ((await refused.count()) > 0) throw new Error(`login as ${username} refused: ${await page.locator('.flash').allTextContents()}`);
  return page;
}
