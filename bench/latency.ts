/**
 * Reply latency under an open-loop load: signed user_send_text events arrive at a fixed rate (each from a
 * new user) whether or not earlier ones were answered, and each event's latency runs from the moment it was
 * due to be sent until that user's first message reached the fake Zalo API. The rate steps up until p95
 * passes a second; the knee is the highest rate with p95 <= 50 ms. Both deployment shapes run the production
 * build (`node dist/main.js`): one process with both roles, and a web process plus a worker process.
 *   npm run bench:latency [-- --rates 100,200,400 --seconds 8 --shapes one,split --prof --node-flags "..."]
 * --prof starts the service processes with --cpu-prof (profiles under bench-profiles/); the node options are
 * those of `npm start` unless --node-flags replaces them ("" for none).
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../src/jobs/redis';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { fmt, memoryMb, processCpuMs, productionNodeFlags, startChild } from './lib';
import { BENCH_APP_ID, BENCH_OA_SECRET } from './signedEvents';

const { values: opts } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,200,300,400,500,600,700,800,1000,1200' },
    seconds: { type: 'string', default: '8' },
    shapes: { type: 'string', default: 'one,split' },
    prof: { type: 'boolean', default: false },
    text: { type: 'string', default: 'menu' },
    'log-level': { type: 'string', default: 'info' },
    'node-flags': { type: 'string' },
  },
});
const nodeFlags = productionNodeFlags(opts['node-flags']);
const rates = opts.rates.split(',').map(Number);
const stepSeconds = Number(opts.seconds);
const P95_TARGET = 50;
const GIVE_UP_P95 = 1_000;

execSync('npm run -s build', { stdio: 'inherit' });
const epochNow = () => performance.timeOrigin + performance.now();

/** Service processes still running: killed if this benchmark dies first, so none is left behind. */
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

interface Service {
  child: ChildProcess;
  url?: string;
  stop(): Promise<void>;
}

/** Starts `node dist/main.js` with the given roles, as production does, and waits for its start line. */
async function startService(roles: string, env: Record<string, string>, name: string): Promise<Service> {
  const profDir = resolve('bench-profiles');
  if (opts.prof) mkdirSync(profDir, { recursive: true });
  const nodeArgs = opts.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...nodeArgs, 'dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...env, ROLES: roles },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const rl = createInterface({ input: child.stdout! });
  const url = await new Promise<string | undefined>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`${roles} did not start`)), 60_000);
    rl.on('line', (line) => {
      if (!line.includes('"CadreCare started"')) return;
      clearTimeout(timer);
      resolveStart((JSON.parse(line) as { url?: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`${roles} exited with ${code}`)));
  });
  return {
    child,
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });
function post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolvePost) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/webhooks/zalo', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolvePost(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolvePost(0));
    req.end(body);
  });
}


const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

interface StepResult {
  rate: number;
  sent: number;
  answered: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  httpP95: number;
  /** Highest RSS of each process during the step, and its anonymous (own, unshared) part at that moment. */
  rss: number[];
  anon: number[];
  cpuPerEvent: number[];
}

let userSeq = 0n;
const userBase = 810_000_000_000_000_000n;

async function runShape(shape: 'one' | 'split', redisUrl: string): Promise<StepResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `cadrecare-latency-${shape}-`));
  const fake = await startChild(['fake', 'firsts']);
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `lat${shape}`,
    ZALO_APP_ID: BENCH_APP_ID,
    ZALO_APP_SECRET: 'bench-app-secret',
    ZALO_OA_SECRET_KEY: BENCH_OA_SECRET,
    ZALO_API_BASE: fake.hello.url!,
    ZALO_OAUTH_BASE: fake.hello.url!,
    ZALO_ACCESS_TOKEN: fake.hello.accessToken!,
    ZALO_REFRESH_TOKEN: fake.hello.refreshToken!,
    SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
    PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
    // Production's default level: every processed event is one info line (drained by this process).
    LOG_LEVEL: opts['log-level'],
  };
  const services: Service[] = [];
  const results: StepResult[] = [];
  try {
    if (shape === 'one') services.push(await startService('web,worker', env, 'one'));
    else {
      services.push(await startService('web', env, 'web'));
      services.push(await startService('worker', env, 'worker'));
    }
    const url = new URL(services[0]!.url!);
    const firsts = new Map<string, number>();
    let scanned = 0;
    const collect = () => {
      for (; scanned < fake.messages.length; scanned++) {
        const m = fake.messages[scanned] as { firsts?: [string, number][] };
        if (m.firsts) for (const [u, at] of m.firsts) firsts.set(u, at);
      }
    };

    let warmedUp = false;
    for (const rate of [50, ...rates]) {
      const warmup = !warmedUp;
      warmedUp = true;
      const count = Math.round(rate * (warmup ? 3 : stepSeconds));
      const now = Date.now();
      const events = Array.from({ length: count }, () => {
        const userId = String(userBase + userSeq++);
        return { userId, ...signEvent(userTextEvent({ appId: BENCH_APP_ID, oaId: '5353535353535353535' }, userId, opts.text, now), BENCH_OA_SECRET) };
      });
      const due: number[] = new Array(count);
      const httpMs: number[] = [];
      let non2xx = 0;
      const memory: { rss: number; anon: number }[][] = services.map(() => []);
      const cpuBefore = services.map((s) => processCpuMs(s.child.pid!));
      const sampleMemory = () => services.forEach((s, i) => memory[i]!.push(memoryMb(s.child.pid!)));
      const sampler = setInterval(sampleMemory, 500);
      const start = epochNow() + 20;
      const interval = 1000 / rate;
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < count; ) {
        const t = epochNow();
        while (i < count && start + i * interval <= t) {
          const e = events[i]!;
          const dueAt = start + i * interval;
          due[i] = dueAt;
          inFlight.push(
            post(url, e.body, e.headers).then((status) => {
              httpMs.push(epochNow() - dueAt);
              if (status !== 200) non2xx++;
            }),
          );
          i++;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inFlight);
      // Wait for every user's first message (or give up after 30 s: those count as unanswered).
      const deadline = Date.now() + 30_000;
      for (;;) {
        collect();
        if (events.every((e) => firsts.has(e.userId)) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      clearInterval(sampler);
      sampleMemory();
      if (warmup) continue;
      const peaks = memory.map((samples) => samples.reduce((a, b) => (b.rss > a.rss ? b : a)));
      const lat = events.flatMap((e, i) => (firsts.has(e.userId) ? [firsts.get(e.userId)! - due[i]!] : [])).sort((a, b) => a - b);
      httpMs.sort((a, b) => a - b);
      const r: StepResult = {
        rate,
        sent: count,
        answered: lat.length,
        non2xx,
        p50: pct(lat, 50),
        p95: pct(lat, 95),
        p99: pct(lat, 99),
        max: lat[lat.length - 1] ?? NaN,
        httpP95: pct(httpMs, 95),
        rss: peaks.map((m) => m.rss),
        anon: peaks.map((m) => m.anon),
        cpuPerEvent: services.map((s, i) => (processCpuMs(s.child.pid!) - cpuBefore[i]!) / count),
      };
      results.push(r);
      console.log(
        `  ${shape.padEnd(5)} ${String(rate).padStart(5)}/s  p50 ${fmt(r.p50).padStart(7)} ms  p95 ${fmt(r.p95).padStart(7)} ms  p99 ${fmt(r.p99).padStart(7)} ms  max ${fmt(r.max, 0).padStart(6)} ms  ` +
          `webhook p95 ${fmt(r.httpP95).padStart(6)} ms  answered ${r.answered}/${r.sent}  non-2xx ${r.non2xx}  RSS ${r.rss.map((x) => `${fmt(x, 0)} MB`).join(' + ')} (anon ${r.anon.map((x) => fmt(x, 0)).join(' + ')})  CPU/event ${r.cpuPerEvent.map((x) => `${fmt(x, 2)} ms`).join(' + ')}`,
      );
      if (r.p95 > GIVE_UP_P95 || r.answered < r.sent * 0.99) break;
    }
  } finally {
    for (const s of services.reverse()) await s.stop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const summary: string[] = [];
console.log(`reply latency, open loop: each event from a new user, '${opts.text}', ${stepSeconds} s per step; latency = due time -> first message at the fake Zalo API`);
console.log(`node options: ${nodeFlags.join(' ') || '(none)'}`);
console.log(`load average before: ${execSync('cat /proc/loadavg').toString().trim()}`);
try {
  for (const shape of opts.shapes.split(',') as ('one' | 'split')[]) {
    console.log(shape === 'one' ? 'one process (web + worker):' : 'split (web process + worker process), RSS web + worker:');
    const results = await runShape(shape, redis.url);
    const knee = results.filter((r) => r.p95 <= P95_TARGET && r.answered === r.sent).at(-1);
    const at400 = results.find((r) => r.rate === 400);
    summary.push(
      `${shape.padEnd(5)} knee (highest rate with p95 <= ${P95_TARGET} ms): ${knee ? `${knee.rate}/s` : 'below the first step'}` +
        (at400 ? `; at 400/s p95 ${fmt(at400.p95)} ms, p99 ${fmt(at400.p99)} ms (targets 50 / 100)` : '') +
        `; max RSS ${results.length ? results.map((r) => Math.max(...r.rss)).reduce((a, b) => Math.max(a, b)).toFixed(0) : '?'} MB per process`,
    );
  }
} finally {
  await redis.stop();
  agent.destroy();
}
console.log(summary.join('\n'));
console.log(`load average after: ${execSync('cat /proc/loadavg').toString().trim()}`);
