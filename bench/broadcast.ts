/**
 * Broadcast cost: one broadcast to N recipients (default 10,000) through the real worker (fan-out, per-recipient
 * claim in SQLite, Zalo customer-service send to a fake Zalo API in its own process, result row). Prints the
 * worker's CPU time per message, how many recipients were sent under how many distinct Zalo message ids, and the
 * targets: CPU <= 1 ms per message, the configured rate held within 5%, exactly once.
 * With a rate (messages per second, BROADCAST_RATE_PER_SECOND) it prints how closely that rate was held; without
 * one, the rate of a bare BullMQ worker processing N no-op jobs on the same Redis with the same concurrency.
 * Usage: npm run bench:broadcast [-- <recipients> [<rate per second>] [--prof]]
 * --prof writes a CPU profile of the worker during the broadcast only (from its creation to its end) under
 * bench-profiles/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { loadConfig } from '../src/config';
import { createBroadcast } from '../src/domain/broadcasts/broadcasts';
import { startPrivateRedis, workerConnection } from '../src/jobs/redis';
import { createLogger } from '../src/logger';
import { startRuntime } from '../src/runtime';
import { inTransaction } from '../src/store/db';
import { FakeZaloApi } from '../src/zalo/fakeApi';

const VN_10AM_OFFSET = (() => {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  return Date.parse(`${today}T10:00:00+07:00`) - Date.now();
})();
const clock = { now: () => Date.now() + VN_10AM_OFFSET };

if (process.argv[2] === 'fake') {
  // The fake Zalo API in its own process, as Zalo is another machine; prints its address and a token pair.
  const fake = new FakeZaloApi(clock.now);
  const url = await fake.listen();
  const pair = fake.issueTokens();
  fake.on('message', () => {
    if (fake.sent.length > 5_000) fake.sent.splice(0, fake.sent.length);
  });
  console.log(JSON.stringify({ url, ...pair }));
  process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
} else {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { prof: { type: 'boolean', default: false } } });
  await main(Number(positionals[0] ?? 10_000), Number(positionals[1] ?? 0), values.prof);
}

/** Starts the in-process CPU profiler; the returned function stops it and writes the profile. */
async function startProfile(name: string): Promise<() => Promise<string>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = resolve('bench-profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

/** Redis commands per message sent, the busiest first (a Lua script counts as one, plus what it calls). */
function redisCallsPerMessage(info: string, sent: number): string {
  const calls = [...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map(([, name, n]) => ({ name: name!, n: Number(n) }));
  const total = calls.reduce((a, c) => a + c.n, 0);
  const top = calls.sort((a, b) => b.n - a.n).slice(0, 6).map((c) => `${c.name} ${(c.n / Math.max(1, sent)).toFixed(2)}`);
  return `${(total / Math.max(1, sent)).toFixed(1)} (${top.join(', ')})`;
}

async function startFake(): Promise<{ url: string; accessToken: string; refreshToken: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'fake'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake Zalo API exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as { url: string; accessToken: string; refreshToken: string }), stop: () => child.kill('SIGTERM') };
}

/** N no-op jobs through one bare BullMQ worker on the same Redis with the same concurrency: jobs per second. */
async function bareNoopRate(redisUrl: string, n: number, concurrency: number): Promise<number> {
  const queue = new Queue('bare-noop', { connection: workerConnection(redisUrl), prefix: 'benchbare' });
  for (let i = 0; i < n; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { jobId: `noop-${i + k}`, removeOnComplete: true } })));
  }
  let done = 0;
  let started = 0;
  let resolveDone!: () => void;
  const finished = new Promise<void>((resolve) => (resolveDone = resolve));
  const worker = new Worker(
    'bare-noop',
    async () => {
      if (!started) started = performance.now();
      if (++done === n) resolveDone();
    },
    { connection: workerConnection(redisUrl), prefix: 'benchbare', concurrency },
  );
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  return n / seconds;
}

async function main(n: number, ratePerSecond: number, prof: boolean): Promise<void> {
  const concurrency = Number(process.env.BROADCAST_CONCURRENCY ?? 64);
  const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
  const fake = await startFake();
  const dir = mkdtempSync(join(tmpdir(), 'cadrecare-bench-broadcast-'));
  try {
    // The bare baseline (N no-op jobs through one BullMQ worker) says something only of an unthrottled run.
    const bareRate = ratePerSecond ? undefined : await bareNoopRate(redis.url, n, concurrency);

    // The broadcast through the real worker.
    const config = loadConfig({
      NODE_ENV: 'test',
      ROLES: 'worker',
      DATA_DIR: dir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'benchbc',
      ZALO_MODE: 'live',
      ZALO_APP_ID: '4242424242424242424',
      ZALO_APP_SECRET: 'bench-app-secret',
      ZALO_OA_SECRET_KEY: 'bench-oa-secret',
      ZALO_API_BASE: fake.url,
      ZALO_OAUTH_BASE: fake.url,
      ZALO_ACCESS_TOKEN: fake.accessToken,
      ZALO_REFRESH_TOKEN: fake.refreshToken,
      BROADCAST_RATE_PER_SECOND: String(ratePerSecond),
      BROADCAST_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'warn',
    });
    const runtime = await startRuntime(config, { clock, logger: createLogger('warn') });
    try {
      const now = clock.now();
      const sqlite = runtime.store.sqlite;
      const insCadre = sqlite.prepare(
        `INSERT INTO cadres (code, full_name, birth_date, sex, category, unit, active, created_at, updated_at)
         VALUES (?, ?, '1950-01-01', 'male', 'nguyen_chuc', 'Bench', 1, ?, ?) RETURNING id`,
      );
      const insUser = sqlite.prepare(`INSERT INTO zalo_users (id, followed, last_interaction_at, created_at, updated_at) VALUES (?, 1, ?, ?, ?)`);
      const insLink = sqlite.prepare(`INSERT INTO zalo_links (zalo_user_id, cadre_id, method, linked_at) VALUES (?, ?, 'staff', ?)`);
      sqlite.transaction(() => {
        for (let i = 0; i < n; i++) {
          const { id } = insCadre.get(`B-${i}`, `Cán bộ ${i}`, now, now) as { id: number };
          const user = String(800_000_000_000_000_000n + BigInt(i));
          insUser.run(user, now, now, now);
          insLink.run(user, id, now);
        }
      })();
      const stats = workerConnection(redis.url);
      await stats.config('RESETSTAT');
      // What the worker process costs doing nothing (timers, lock and stall checks), for reading a throttled run.
      const idleCpu = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 2_000));
      const idle = process.cpuUsage(idleCpu);
      const stopProfile = prof ? await startProfile(`broadcast-${ratePerSecond || 'unthrottled'}`) : undefined;
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const { broadcast } = inTransaction(runtime.store.db, (tx) =>
        createBroadcast(tx, { type: 'system', id: 'bench' }, { title: 'Bench', text: 'Thông báo thử tải.', segment: { everyone: true }, confirmedRecipients: n }, { templates: {}, now: clock.now() }),
      );
      runtime.relay.kick();
      // CPU readings on the service clock, to read the cost of a message in steady state (module loading and the
      // fan-out's start left out).
      // The progress read is a prepared statement, every 200 ms, so that the bench's own polling adds little to the
      // worker's CPU it measures.
      const cpuAt: { at: number; us: number }[] = [];
      const statusOf = sqlite.prepare<[number], { status: string }>(`SELECT status FROM broadcasts WHERE id = ?`);
      for (;;) {
        const used = process.cpuUsage(cpuBefore);
        cpuAt.push({ at: clock.now(), us: used.user + used.system });
        if (statusOf.get(broadcast.id)?.status === 'done') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      if (stopProfile) console.log(`profile:               ${await stopProfile()}`);
      const sent = (sqlite.prepare(`SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent'`).get(broadcast.id) as { n: number }).n;
      const rate = sent / seconds;
      const distinct = (sqlite.prepare(`SELECT count(DISTINCT external_id) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent'`).get(broadcast.id) as { n: number }).n;
      console.log(`load average:          ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      console.log(`recipients:            ${n} (concurrency ${concurrency}, ${ratePerSecond ? `rate ${ratePerSecond}/s` : 'unthrottled'})`);
      console.log(`broadcast:             ${sent} sent in ${seconds.toFixed(2)} s = ${Math.round(rate)} msg/s at the fake Zalo API`);
      console.log(`exactly once:          ${sent} sent, ${distinct} distinct Zalo message ids, of ${n} recipients`);
      const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, sent);
      console.log(`worker CPU:            ${cpuMs.toFixed(2)} ms per message over the whole run (the fan-out included)`);
      // Steady state, as the rate test reads it: from the 10th to the 90th percentile of the send times.
      const times = (sqlite.prepare(`SELECT sent_at AS t FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent' ORDER BY sent_at`).all(broadcast.id) as { t: number }[]).map((x) => x.t);
      const [from, to] = [Math.floor(times.length * 0.1), Math.floor(times.length * 0.9)];
      const cpuNear = (at: number) => (cpuAt.find((c) => c.at >= at) ?? cpuAt[cpuAt.length - 1]!).us;
      const steadyCpuMs = (cpuNear(times[to]!) - cpuNear(times[from]!)) / 1000 / Math.max(1, to - from);
      console.log(`worker CPU, steady:    ${steadyCpuMs.toFixed(2)} ms per message between the 10th and 90th percentile of sends`);
      console.log(`worker CPU, idle:      ${((idle.user + idle.system) / 2_000).toFixed(1)} ms per second with nothing to send`);
      const held = ratePerSecond ? [(to - from) / ((times[to]! - times[from]!) / 1000), rate].map((r) => (100 * r) / ratePerSecond) : [];
      if (ratePerSecond) {
        console.log(`rate held:             ${held[0]!.toFixed(1)}% of the configured ${ratePerSecond}/s between the 10th and 90th percentile of sends, ${held[1]!.toFixed(1)}% over the whole run with the fan-out`);
      }
      console.log(`redis per message:     ${redisCallsPerMessage(await stats.info('commandstats'), sent)}`);
      stats.disconnect();
      if (bareRate) console.log(`bare BullMQ no-op:     ${Math.round(bareRate)} jobs/s (the broadcast ${(rate / bareRate).toFixed(2)} of it)`);
      const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log('targets:');
      console.log(`  CPU <= 1 ms per message (whole run):        ${verdict(cpuMs <= 1)} (${cpuMs.toFixed(2)} ms)`);
      if (ratePerSecond) console.log(`  rate held within 5% (steady and whole run): ${verdict(held.every((h) => Math.abs(h - 100) <= 5))} (${held.map((h) => `${h.toFixed(1)}%`).join(', ')})`);
      console.log(`  exactly once:                               ${verdict(sent === n && distinct === n)} (${sent} sent, ${distinct} distinct ids, ${n} recipients)`);
    } finally {
      await runtime.stop();
    }
  } finally {
    fake.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
