import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from './harness';

// The production build, started the way production starts it: plain `node <build>/main.js`, from another
// working directory, so migrations and static files must come from the build itself.
describe('production build', () => {
  const out = resolve('test-artifacts', `build-${process.pid}`);
  let dataDir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs', out], { stdio: 'pipe' });
    dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-build-'));
  });
  afterAll(async () => {
    if (stderr) console.error(stderr);
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(out, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bundles only our code and leaves exceljs out of the start path', () => {
    const files = [join(out, 'main.js'), ...readdirSync(join(out, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(out, 'chunks', f))];
    const staticImports = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]));
    expect(staticImports).toContain('bullmq');
    expect(staticImports).not.toContain('exceljs');
    expect(staticImports).not.toContain('mailparser');
    expect(staticImports).not.toContain('tsx');
    expect(readdirSync(join(out, 'drizzle')).filter((f) => f.endsWith('.sql')).length).toBeGreaterThan(0);
  });

  it('starts with plain node, migrates the database and answers /healthz, /readyz and a static file', async () => {
    const started = Date.now();
    child = spawn(process.execPath, [join(out, 'main.js')], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        ROLES: 'web,worker',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: `build${process.pid}`,
        ZALO_APP_ID: '4242424242424242424',
        ZALO_APP_SECRET: 'build-test-app-secret',
        ZALO_OA_SECRET_KEY: 'build-test-oa-secret',
        SESSION_SECRET: 'build-test-session-secret-0123456789abcdef',
        PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const startedLine = await waitFor(() => {
      if (child!.exitCode !== null) throw new Error(`exited with ${child!.exitCode}: ${stderr}`);
      return stdout.split('\n').find((l) => l.includes('CadreCare started'));
    }, 'the start line', 45_000);
    const readyMs = Date.now() - started;
    const url = (JSON.parse(startedLine) as { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { sqlite: 'ok', redis: 'ok' } });
    const png = await fetch(`${url}/static/share-phone.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString('ascii')).toBe('PNG');

    // Every migration the build carries was applied to the new database.
    const journal = JSON.parse(readFileSync(join(out, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const db = new Database(join(dataDir, 'cadrecare.db'), { readonly: true });
    try {
      const applied = db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      expect(applied.n).toBe(journal.entries.length);
    } finally {
      db.close();
    }
    expect(stderr).toBe('');
    console.log(`production build ready in ${readyMs} ms`);
  }, 60_000);
});
