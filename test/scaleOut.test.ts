import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStaffUser } from '../src/domain/staff/staff';
import { openStore } from '../src/store/db';
import { userLane } from '../src/jobs/enqueue';
import { auditLog, oaConsents, oaTokens, outbox } from '../src/store/schema';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import { ids, TEST_APP_ID, TEST_OA_SECRET, waitFor } from './harness';
import { csrfFrom, PASSWORD } from './staffSupport';

/**
 * Two web processes of the production build behind one port (a round-robin proxy, as nginx would be set up)
 * and one worker, on one SQLite file and one Redis: a staff login, the OA consent and webhooks work whichever
 * process a request reaches.
 */
describe('two web processes behind one port', () => {
  const out = resolve('test-artifacts', `scale-out-${process.pid}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-scale-out-'));
  const fake = new FakeZaloApi();
  const children: ChildProcess[] = [];
  const backends: string[] = [];
  let proxy: Server;
  let base = '';
  /** The address Zalo and staff know (behind TLS termination); the test talks to the proxy directly. */
  const PUBLIC = 'https://cadrecare.example.vn';
  let next = 0;
  /** Which web process served each request, in order. */
  const served: { path: string; backend: number }[] = [];

  /** Round-robin: request n goes to web process n % 2; the response says which one served it. */
  function startProxy(): Promise<string> {
    proxy = createServer((req, res) => {
      const backend = next++ % backends.length;
      served.push({ path: req.url ?? '', backend });
      const target = new URL(backends[backend]!);
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: new URL(base).host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'x-served-by': String(backend) });
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    return new Promise((r) => proxy.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
  }

  async function startProcess(roles: string, env: Record<string, string>): Promise<string | undefined> {
    const child = spawn(process.execPath, [join(out, 'main.js')], { env: { PATH: process.env.PATH ?? '', ...env, ROLES: roles }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`${roles} exited with ${child.exitCode}: ${stderr}`);
        return stdout.split('\n').find((l) => l.includes('"CadreCare started"'));
      },
      `${roles} to start`,
      45_000,
    );
    return (JSON.parse(line) as { url?: string }).url;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', out], { stdio: 'pipe' });
    const fakeUrl = await fake.listen();
    fake.enforceWindow = false;
    const pair = fake.issueTokens();
    base = await startProxy();
    // The database exists (migrated, one administrator) before the processes start.
    const store = openStore(join(dataDir, 'cadrecare.db'));
    await createStaffUser(store.db, { username: 'quantri', fullName: 'Quản trị viên', role: 'admin', password: PASSWORD, clinicId: null }, Date.now());
    store.close();
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `scaleout${process.pid}`,
      PUBLIC_BASE_URL: PUBLIC,
      ZALO_APP_ID: TEST_APP_ID,
      ZALO_APP_SECRET: 'scale-out-app-secret',
      ZALO_OA_SECRET_KEY: TEST_OA_SECRET,
      ZALO_API_BASE: fakeUrl,
      ZALO_OAUTH_BASE: fakeUrl,
      ZALO_BUSINESS_API_BASE: fakeUrl,
      ZALO_ACCESS_TOKEN: pair.accessToken,
      ZALO_REFRESH_TOKEN: pair.refreshToken,
      SESSION_SECRET: 'scale-out-session-secret-0123456789abcdef',
      LOG_LEVEL: 'info',
    };
    const [a, b] = await Promise.all([startProcess('web', env), startProcess('web', env), startProcess('worker', env)]);
    backends.push(a!, b!);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null) return r();
            c.once('exit', () => r());
            c.kill('SIGTERM');
          }),
      ),
    );
    proxy?.close();
    await fake.close();
    rmSync(out, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const servedBy = (res: Response) => Number(res.headers.get('x-served-by'));
  /** Makes the next proxied request land on `backend`. */
  const steerTo = (backend: number) => {
    if (next % 2 !== backend) next++;
  };

  it('logs in, connects the OA (consent started on one process, called back on the other) and takes webhooks on both', async () => {
    // Log in on process 0; the session works on process 1.
    steerTo(0);
    const login = await fetch(`${base}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'quantri', password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(303);
    expect(servedBy(login)).toBe(0);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cc_staff='))!.split(';')[0]!;
    const page = await fetch(`${base}/staff/zalo`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(servedBy(page)).toBe(1);
    const csrf = csrfFrom(await page.text());

    // The consent starts on process 0 ...
    steerTo(0);
    const connect = await fetch(`${base}/staff/zalo/connect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: base, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(connect.status).toBe(303);
    expect(servedBy(connect)).toBe(0);
    const permission = new URL(connect.headers.get('location')!);
    expect(permission.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/staff/zalo/callback`);
    // ... the OA admin allows on Zalo's page, which sends them back to the public address (here: the proxy) ...
    const allow = new URL(/id="allow" href="([^"]+)"/.exec(await (await fetch(permission)).text())![1]!.replace(/&amp;/g, '&'));
    expect(allow.origin).toBe(PUBLIC);
    const callbackUrl = new URL(`${allow.pathname}${allow.search}`, base);
    // ... and Zalo sends them back to process 1, which finds the verifier in the shared database.
    steerTo(1);
    const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(servedBy(callback)).toBe(1);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/staff/zalo?connected=1');

    const store = openStore(join(dataDir, 'cadrecare.db'));
    try {
      const tokens = store.db.select().from(oaTokens).get()!;
      expect(tokens.refreshedAt).not.toBeNull();
      expect(store.db.select().from(auditLog).where(eq(auditLog.action, 'zalo.connect')).all()).toHaveLength(1);
      expect(store.db.select().from(oaConsents).all()).toHaveLength(0);
    } finally {
      store.close();
    }
    // The same callback again, on process 0: the consent is used up there too.
    steerTo(0);
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(servedBy(replay)).toBe(0);
    expect(replay.status).toBe(400);

    // Webhooks alternate between the two processes; the worker answers every user with the new token.
    const users = Array.from({ length: 6 }, (_, i) => String(7_100_000_000_000_000_000n + BigInt(i)));
    const byBackend = new Set<number>();
    for (const user of users) {
      const { body, headers } = signEvent(userTextEvent(ids, user, 'menu', Date.now()), TEST_OA_SECRET);
      const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      byBackend.add(servedBy(res));
    }
    expect([...byBackend].sort()).toEqual([0, 1]);
    await waitFor(() => users.every((u) => fake.messagesTo(u).length > 0), 'a reply to every user', 30_000);

    // The same event delivered to each process in turn (Zalo retrying) is processed once.
    const retried = signEvent(userTextEvent(ids, users[0]!, 'menu', Date.now(), 'retried-event-1'), TEST_OA_SECRET);
    const replyRows = () => {
      const check = openStore(join(dataDir, 'cadrecare.db'));
      try {
        return check.db.select().from(outbox).where(eq(outbox.lane, userLane(users[0]!))).all().length;
      } finally {
        check.close();
      }
    };
    const rowsBefore = replyRows();
    steerTo(0);
    expect((await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: retried.headers, body: retried.body })).status).toBe(200);
    const rowsAfterFirst = replyRows();
    expect(rowsAfterFirst).toBeGreaterThan(rowsBefore);
    expect((await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: retried.headers, body: retried.body })).status).toBe(200);
    expect(served.at(-1)!.backend).toBe(1);
    expect(replyRows()).toBe(rowsAfterFirst);
    expect(new Set(served.map((s) => s.backend))).toEqual(new Set([0, 1]));
  }, 90_000);
});
