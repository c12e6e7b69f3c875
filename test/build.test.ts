import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { productionNodeFlags } from '../bench/lib';
import { waitFor } from './harness';

// The production build, started the way production starts it: plain `node <options of npm start> <build>/main.js`,
// from another working directory, so migrations and static files must come from the build itself.
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

  it('bundles the pure-JavaScript packages and leaves only better-sqlite3 to load from node_modules at start', () => {
    const files = [join(out, 'main.js'), ...readdirSync(join(out, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(out, 'chunks', f))];
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    // Static imports of packages (not our chunks, not node's own modules), whitespace-minified or not.
    const packageImports = new Set(
      sources.flatMap((src) => [...src.matchAll(/(?:^|[;}\n])import\s*(?:[\w$*{][^;]*?from\s*)?"([^"./][^"]*)"/g)].map((m) => m[1]!)),
    );
    const builtins = new Set(builtinModules);
    expect([...packageImports].filter((name) => !builtins.has(name.replace(/^node:/, '')))).toEqual(['better-sqlite3']);
    const dynamicImports = new Set(sources.flatMap((src) => [...src.matchAll(/import\("([^"./][^"]*)"\)/g)].map((m) => m[1]!)));
    expect(dynamicImports).toContain('exceljs');
    expect(dynamicImports).toContain('mailparser');
    expect(dynamicImports).toContain('@bull-board/hono');
    expect(readdirSync(join(out, 'drizzle')).filter((f) => f.endsWith('.sql')).length).toBeGreaterThan(0);
  });

  it('starts with plain node and the options of npm start, migrates the database and answers /healthz, /readyz, a static file and the queue board', async () => {
    const started = Date.now();
    const env = {
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
    };
    child = spawn(process.execPath, [...productionNodeFlags(), join(out, 'main.js')], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const startedLine = await waitFor(() => {
      if (child!.exitCode !== null) throw new Error(`exited with ${child!.exitCode}: ${stderr}`);
      return stdout.split('\n').find((l) => l.includes('CadreCare started'));
    }, 'the start line', 45_000);
    const readyMs = Date.now() - started;
    const { url, heapLimitMb } = JSON.parse(startedLine) as { url: string; heapLimitMb: number };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // V8's heap limit is the old-space cap of npm start (1024 MB) plus its young generation, not the default (~4 GB).
    expect(heapLimitMb).toBeGreaterThanOrEqual(1024);
    expect(heapLimitMb).toBeLessThan(1200);

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
    // The queue board (Bull Board stays in node_modules, served inside the bundled HTTP app) for an administrator
    // created with the build's own command.
    const created = execFileSync(process.execPath, [join(out, 'cli/createAdmin.js'), '--username', 'quantri'], { cwd: dataDir, env }).toString();
    const password = /: (\S+)\s*$/.exec(created)![1]!;
    const loggedIn = await fetch(`${url}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: env.PUBLIC_BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'quantri', password }).toString(),
    });
    expect(loggedIn.status).toBe(303);
    const cookie = loggedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const board = await fetch(`${url}/admin/queues`, { headers: { cookie } });
    expect(board.status).toBe(200);
    const boardHtml = await board.text();
    expect(boardHtml).toContain('id="root"');
    expect(boardHtml).toContain('"boardTitle":"CadreCare"');

    expect(stderr).toBe('');
    console.log(`production build ready in ${readyMs} ms`);
  }, 60_000);
});
