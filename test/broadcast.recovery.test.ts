import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type RedisHandle } from '../src/jobs/redis';
import { broadcastRow, daytimeClock, recipientsOf, seedCadres, sendsPerUser } from './broadcastSupport';
import { startHarness, waitFor, type Harness } from './harness';
import { api, makeStaff, tokenFor } from './staffSupport';

/**
 * Exactly once through crashes: the web side runs here, the worker is a real child process (tsx) on the
 * same SQLite file, Redis and fake Zalo API. The worker is killed with SIGKILL mid-run, or Redis is
 * flushed mid-run, and every recipient must still get the broadcast exactly once. Two such workers together
 * hold the configured rate, which is the total across workers.
 */

let h: Harness;
let redis: RedisHandle;
let token: string;
const clock = daytimeClock();
const children = new Set<ChildProcess>();

beforeAll(async () => {
  redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
  h = await startHarness({
    clock,
    env: {
      ROLES: 'web',
      REDIS_URL: redis.url,
      BROADCAST_RATE_PER_SECOND: '400',
      BROADCAST_CONCURRENCY: '16',
      BROADCAST_LOCK_MS: '1000',
      ZALO_HTTP_TIMEOUT_MS: '1000',
    },
  });
  const staff = await makeStaff(h, 'dieuphoi', 'coordinator');
  token = tokenFor(h, staff.id);
});
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
});
afterAll(async () => {
  await h?.stop();
  await redis?.stop();
});

async function startWorker(extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const env = { ...process.env, ...h.env, DATABASE_FILE: h.runtime.config.databaseFile, CLOCK_OFFSET_MS: String(clock.offsetMs), ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/broadcastWorker.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  child.removeAllListeners('exit');
  return child;
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
    children.delete(child);
  });

async function broadcastTo(unit: string, recipients: number): Promise<number> {
  const res = await api(h, '/api/broadcasts', token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Đổi lịch khám', text: `Lịch khám của ${unit} đổi sang thứ Năm.`, segment: { units: [unit] }, confirmedRecipients: recipients }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

function expectExactlyOnce(broadcastId: number, userIds: string[]) {
  const counts = sendsPerUser(h, userIds);
  const twice = [...counts].filter(([, n]) => n > 1);
  expect(twice, 'users messaged more than once').toEqual([]);
  expect(counts.size, 'users messaged').toBe(userIds.length);
  const rows = recipientsOf(h, broadcastId);
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
}

describe('several workers', () => {
  it('two worker processes together hold the configured rate (the total, not each), everyone reached once', async () => {
    const RATE = 100;
    const unit = 'Đơn vị hai máy gửi';
    const { userIds } = seedCadres(h.runtime.store.sqlite, 800, clock.now(), { unit, codePrefix: 'HW', firstUserId: 722_000_000_000_000_000n });
    await Promise.all([0, 1].map(() => startWorker({ BROADCAST_RATE_PER_SECOND: String(RATE) })));
    const id = await broadcastTo(unit, userIds.length);
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done', 60_000);
    expectExactlyOnce(id, userIds);
    const wanted = new Set(userIds);
    const times = h.fake.sent.filter((m) => wanted.has(m.userId)).map((m) => m.at);
    // Steady state: from the 10th to the 90th percentile of the sends.
    const rate = 640 / ((times[720]! - times[80]!) / 1000);
    console.info(`two workers: ${rate.toFixed(1)} messages/s for a configured total of ${RATE}/s`);
    expect(Math.abs(rate - RATE) / RATE).toBeLessThan(0.05);
  }, 90_000);
});

describe('broadcast recovery', () => {
  it('a worker killed with SIGKILL mid-run and restarted sends every recipient exactly once', async () => {
    const unit = 'Đơn vị thử tắt máy';
    const { userIds } = seedCadres(h.runtime.store.sqlite, 2_000, clock.now(), { unit, codePrefix: 'SK', firstUserId: 720_000_000_000_000_000n });
    const worker = await startWorker();
    const id = await broadcastTo(unit, userIds.length);
    await waitFor(() => sendsPerUser(h, userIds).size >= 600, '600 sends before the kill', 30_000);
    await kill(worker);
    const atKill = recipientsOf(h, id);
    const inFlight = atKill.filter((r) => r.status === 'sending').length;
    const sentAtKill = sendsPerUser(h, userIds).size;
    expect(sentAtKill).toBeLessThan(2_000);

    await startWorker();
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done after restart', 60_000);
    expectExactlyOnce(id, userIds);
    console.info(`SIGKILL after ${sentAtKill} sends; ${inFlight} claims in flight at the kill were settled`);
  }, 120_000);

  it('Redis flushed mid-run: the reconciler puts the jobs back and nobody is messaged twice or skipped', async () => {
    const unit = 'Đơn vị thử xóa Redis';
    const { userIds } = seedCadres(h.runtime.store.sqlite, 2_000, clock.now(), { unit, codePrefix: 'RF', firstUserId: 721_000_000_000_000_000n });
    await startWorker();
    const id = await broadcastTo(unit, userIds.length);
    await waitFor(() => sendsPerUser(h, userIds).size >= 600, '600 sends before the flush', 30_000);
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    const sentAtFlush = sendsPerUser(h, userIds).size;
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done after the flush', 60_000);
    expectExactlyOnce(id, userIds);
    console.info(`Redis flushed after ${sentAtFlush} sends`);
  }, 120_000);
});
