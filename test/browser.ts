import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

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
