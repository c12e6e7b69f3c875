/**
 * Benchmark processes, each run as a child so the load generator and the service do not share an event loop:
 *   bare <redisUrl>                  a Hono route that only verifies the signature and enqueues one BullMQ job
 *   fake [firsts]                    the fake Zalo OA API; prints its URL and a token pair (and, with `firsts`,
 *                                    when each user's first message arrived)
 *   service <roles> <redisUrl> <dataDir> <fakeUrl> <accessToken> <refreshToken>
 *                                    the real runtime with the given roles (web, worker or both)
 * Each prints JSON lines (the first with `url` or `ready`) and exits on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { loadConfig } from '../src/config';
import { producerConnection } from '../src/jobs/redis';
import { createLogger } from '../src/logger';
import { startRuntime } from '../src/runtime';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import { verifyZaloSignature } from '../src/zalo/signature';
import { BENCH_APP_ID, BENCH_OA_SECRET } from './signedEvents';

const [mode, ...args] = process.argv.slice(2) as [string, ...string[]];
const say = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);

async function bare(redisUrl: string): Promise<() => Promise<void>> {
  const connection = producerConnection(redisUrl);
  const queue = new Queue('bench-bare', { connection, prefix: `bare${process.pid}` });
  await queue.waitUntilReady();
  const app = new Hono().post('/webhooks/zalo', async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const body = JSON.parse(Buffer.from(raw).toString('utf8')) as { app_id: string; timestamp: string; message: { msg_id: string } };
    if (!verifyZaloSignature(c.req.header('x-zevent-signature'), body.app_id, raw, body.timestamp, BENCH_OA_SECRET)) {
      return c.json({ error: 'invalid_signature' }, 401);
    }
    await queue.add('event', { msgId: body.message.msg_id }, { jobId: `m-${body.message.msg_id}`, removeOnComplete: true });
    return c.json({ ok: true });
  });
  const server = await new Promise<ReturnType<typeof serve>>((r) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => r(s));
  });
  say({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return async () => {
    server.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  };
}

async function fake(): Promise<() => Promise<void>> {
  const api = new FakeZaloApi();
  api.enforceWindow = false;
  // `fake firsts`: also report when each user's first message arrived (epoch ms with sub-ms precision).
  const firsts = args[0] === 'firsts';
  const seen = new Set<string>();
  let fresh: [string, number][] = [];
  if (firsts) {
    api.on('message', (m: { userId: string }) => {
      if (seen.has(m.userId)) return;
      seen.add(m.userId);
      fresh.push([m.userId, performance.timeOrigin + performance.now()]);
    });
  }
  const url = await api.listen();
  const pair = api.issueTokens();
  say({ url, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  const timer = setInterval(() => {
    say({ delivered: api.sent.length, at: Date.now() });
    if (fresh.length) {
      say({ firsts: fresh });
      fresh = [];
    }
  }, firsts ? 50 : 200);
  return async () => {
    clearInterval(timer);
    await api.close();
  };
}

async function service(roles: string, redisUrl: string, dataDir: string, fakeUrl: string, accessToken: string, refreshToken: string) {
  const runtime = await startRuntime(
    loadConfig({
      NODE_ENV: 'production',
      ROLES: roles,
      PORT: '0',
      DATA_DIR: dataDir,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'bench',
      ZALO_APP_ID: BENCH_APP_ID,
      ZALO_APP_SECRET: 'bench-app-secret',
      ZALO_OA_SECRET_KEY: BENCH_OA_SECRET,
      ZALO_API_BASE: fakeUrl,
      ZALO_OAUTH_BASE: fakeUrl,
      ZALO_ACCESS_TOKEN: accessToken,
      ZALO_REFRESH_TOKEN: refreshToken,
      SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
      PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
      LOG_LEVEL: 'warn',
    }),
    { logger: createLogger('warn') },
  );
  say(runtime.url ? { url: runtime.url } : { ready: true });
  return () => runtime.stop();
}

const stop =
  mode === 'bare'
    ? await bare(args[0]!)
    : mode === 'fake'
      ? await fake()
      : await service(args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!);
process.on('SIGTERM', () => {
  void stop().finally(() => process.exit(0));
});
