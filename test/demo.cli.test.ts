import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { resetDemoData } from '../src/demoScenario';

/**
 * `npm run demo` as a visitor runs it (tsx src/demo.ts, a private redis-server, everything under DATA_DIR):
 * the first start prints a login per role and what to try, and `--reset` starts over from fresh data (that a
 * later start keeps the data and prints no password is checked in-process in demo.test.ts).
 */

const TSX = resolve('node_modules/.bin/tsx');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts the demo, waits for its banner, stops it with SIGTERM; returns the banner. */
async function demoBanner(dataDir: string, args: string[] = []): Promise<string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  const child: ChildProcess = spawn(TSX, ['src/demo.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  try {
    await Promise.race([
      new Promise<void>((r, reject) => {
        const timer = setInterval(() => {
          if (out.includes('Dừng: Ctrl+C.')) {
            clearInterval(timer);
            r();
          }
        }, 50);
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`no banner in 60 s\n${out}\n${err}`));
        }, 60_000);
      }),
      exited.then((code) => Promise.reject(new Error(`demo exited with ${code}\n${out}\n${err}`))),
    ]);
  } finally {
    child.kill('SIGTERM');
    // It stops (tsx reports the signal as 143 once the demo has shut down).
    expect([0, 143]).toContain(await exited);
  }
  timings.push(Date.now() - started);
  return out;
}
const timings: number[] = [];

const passwords = (banner: string) => new Map([...banner.matchAll(/^ {4}(admin|dieuphoi|bacsi|nhanvien\.a1|xem) +(\S{16}) /gm)].map((m) => [m[1]!, m[2]!]));

describe('npm run demo', () => {
  it('prints a login per role at first start, and starts over from fresh data with --reset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-demo-'));
    dirs.push(dataDir);
    const first = await demoBanner(dataDir);
    expect(first).toContain('Đã tạo dữ liệu mẫu');
    expect([...passwords(first).keys()]).toEqual(['admin', 'dieuphoi', 'bacsi', 'nhanvien.a1', 'xem']);
    expect(first).toMatch(/\/dev\/chat\?user=7301946285173904521/);
    expect(first).toContain('1. "đặt lịch khám"');

    const reset = await demoBanner(dataDir, ['--reset']);
    expect(reset).toContain('Đã tạo dữ liệu mẫu');
    const fresh = passwords(reset);
    expect(fresh.size).toBe(5);
    expect(fresh.get('admin')).not.toBe(passwords(first).get('admin'));
    console.log(`demo banner after ${timings.map((t) => `${(t / 1000).toFixed(1)} s`).join(', ')}`);
  }, 180_000);

  it('--reset removes only the service\'s own files under the data directory', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-reset-'));
    dirs.push(dataDir);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ZALO_MODE: 'simulator' });
    for (const f of ['cadrecare.db', 'cadrecare.db-wal', 'session-secret', 'notes.txt']) writeFileSync(join(dataDir, f), 'x');
    for (const d of ['redis', 'mail', 'imports', 'backups']) {
      mkdirSync(join(dataDir, d));
      writeFileSync(join(dataDir, d, 'a'), 'x');
    }
    resetDemoData(config);
    expect(readdirSync(dataDir).sort()).toEqual(['backups', 'notes.txt']);
    expect(existsSync(join(dataDir, 'backups', 'a'))).toBe(true);
  });
});
