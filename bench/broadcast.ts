/**
 * Broadcast throughput: one broadcast to N recipients (default 10,000), unthrottled, through the real worker
 * (fan-out, per-recipient claim in SQLite, Zalo customer-service send to a fake Zalo API in its own process,
 * result row), against a bare BullMQ worker processing N no-op jobs on the same Redis with the same
 * concurrency. Prints both rates and their ratio, and the worker's CPU time per message.
 * With a rate (messages per second, BROADCAST_RATE_PER_SECOND) it also prints how closely that rate was held.
 * Usage: npm run bench:broadcast [-- <recipients> [<rate per second>]]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { loadConfig } from '../src/config';
import { createBroadcast, getBroadcast } from '../src/domain/broadcasts/broadcasts';
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
  await main(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 0));
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

async function main(n: number, ratePerSecond: number): Promise<void> {
  const concurrency = Number(process.env.BROADCAST_CONCURRENCY ?? 64);
  const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
  const fake = await startFake();
  const dir = mkdtempSync(join(tmpdir(), 'cadrecare-bench-broadcast-'));
  try {
    // 1. The bare baseline: N no-op jobs through one BullMQ worker.
    const bareRate = await (async () => {
      const queue = new Queue('bare-noop', { connection: workerConnection(redis.url), prefix: 'benchbare' });
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
        { connection: workerConnection(redis.url), prefix: 'benchbare', concurrency },
      );
      await finished;
      const seconds = (performance.now() - started) / 1000;
      await worker.close();
      await queue.close();
      return n / seconds;
    })();

    // 2. The broadcast through the real worker.
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
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const { broadcast } = inTransaction(runtime.store.db, (tx) =>
        createBroadcast(tx, { type: 'system', id: 'bench' }, { title: 'Bench', text: 'Thông báo thử tải.', segment: { everyone: true }, confirmedRecipients: n }, { templates: {}, now: clock.now() }),
      );
      runtime.relay.kick();
      // CPU readings on the service clock, to read the cost of a message in steady state (module loading and the
      // fan-out's start left out).
      const cpuAt: { at: number; us: number }[] = [];
      for (;;) {
        const used = process.cpuUsage(cpuBefore);
        cpuAt.push({ at: clock.now(), us: used.user + used.system });
        const b = getBroadcast(runtime.store.db, broadcast.id)!;
        if (b.status === 'done') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const sent = (sqlite.prepare(`SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent'`).get(broadcast.id) as { n: number }).n;
      const rate = sent / seconds;
      const distinct = (sqlite.prepare(`SELECT count(DISTINCT external_id) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent'`).get(broadcast.id) as { n: number }).n;
      console.log(`load average:          ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      console.log(`recipients:            ${n} (concurrency ${concurrency}, ${ratePerSecond ? `rate ${ratePerSecond}/s` : 'unthrottled'})`);
      console.log(`broadcast:             ${sent} sent in ${seconds.toFixed(2)} s = ${Math.round(rate)} msg/s at the fake Zalo API`);
      console.log(`exactly once:          ${sent} sent, ${distinct} distinct Zalo message ids, of ${n} recipients`);
      console.log(`worker CPU:            ${((cpu.user + cpu.system) / 1000 / Math.max(1, sent)).toFixed(2)} ms per message (target <= 1 ms)`);
      // Steady state, as the rate test reads it: from the 10th to the 90th percentile of the send times.
      const times = (sqlite.prepare(`SELECT sent_at AS t FROM broadcast_recipients WHERE broadcast_id = ? AND status = 'sent' ORDER BY sent_at`).all(broadcast.id) as { t: number }[]).map((x) => x.t);
      const [from, to] = [Math.floor(times.length * 0.1), Math.floor(times.length * 0.9)];
      const cpuNear = (at: number) => (cpuAt.find((c) => c.at >= at) ?? cpuAt[cpuAt.length - 1]!).us;
      const steadyCpuMs = (cpuNear(times[to]!) - cpuNear(times[from]!)) / 1000 / Math.max(1, to - from);
      console.log(`worker CPU, steady:    ${steadyCpuMs.toFixed(2)} ms per message between the 10th and 90th percentile of sends`);
      console.log(`worker CPU, idle:      ${((idle.user + idle.system) / 2_000).toFixed(1)} ms per second with nothing to send`);
      if (ratePerSecond) {
        const steady = (to - from) / ((times[to]! - times[from]!) / 1000);
        console.log(`rate held:             ${((100 * steady) / ratePerSecond).toFixed(1)}% of the configured ${ratePerSecond}/s between the 10th and 90th percentile of sends, ${((100 * rate) / ratePerSecond).toFixed(1)}% over the whole run with the fan-out (target within 5%)`);
      }
      console.log(`redis per message:     ${redisCallsPerMessage(await stats.info('commandstats'), sent)}`);
      stats.disconnect();
      console.log(`bare BullMQ no-op:     ${Math.round(bareRate)} jobs/s`);
      console.log(`ratio broadcast/bare:  ${(rate / bareRate).toFixed(2)}   (targets: >= 2000 msg/s, ratio >= 0.25)`);
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
