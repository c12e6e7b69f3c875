/**
 * Webhook throughput and latency, c=50, unique signed user_send_text events:
 *   baseline — a bare Hono route that only verifies the signature and enqueues one BullMQ job;
 *   full     — the real service as deployed: a web process (signature, dedupe, dialog turn + outbox in one
 *              SQLite transaction, relay to BullMQ) and a worker process sending every reply to a fake Zalo
 *              API (its own process). Also reports when the last reply reached the fake API.
 * Each measured burst also reports the CPU time its server process spent per request (user + system, from
 * /proc), which holds on a busy machine where req/s does not.
 * Usage: npm run bench:webhook [-- <requests per target>] [--prof]
 *   --prof starts the baseline and web processes with --cpu-prof (profiles under bench-profiles/webhook-*, one
 *   file per thread: the largest is the main thread's).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../src/jobs/redis';
import { fire, fmt, processCpuMs, startChild, type Child, type LoadResult } from './lib';
import { presignedTexts } from './signedEvents';

const { values: opts, positionals } = parseArgs({ options: { prof: { type: 'boolean', default: false } }, allowPositionals: true });
const requests = Number(positionals[0] ?? 20_000);
const connections = 50;
const TARGET_RATIO = 0.4;
const profArgs = (name: string) => {
  if (!opts.prof) return [];
  const dir = resolve('bench-profiles', `webhook-${name}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
};

type Measured = LoadResult & { cpuMsPerRequest: number };
/** Fires a burst at `target` and adds the CPU time the target process spent on it, per request. */
async function measure(target: Child, bodies: Parameters<typeof fire>[1]): Promise<Measured> {
  const cpuBefore = processCpuMs(target.child.pid!);
  const result = await fire(target.hello.url!, bodies, connections);
  return { ...result, cpuMsPerRequest: (processCpuMs(target.child.pid!) - cpuBefore) / result.requests };
}

const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-bench-'));

let bare: Measured & { rss: number };
let webAlone: Measured;
let full: Measured & { rss: number; deliveredAll: number; deliveredIn: number; workerRss: number };
try {
  {
    const target = await startChild(['bare', redis.url], profArgs('bare'));
    await fire(target.hello.url!, presignedTexts(2_000, 200), connections);
    const result = await measure(target, presignedTexts(requests, 1_000));
    bare = { ...result, rss: target.rssMb() };
    await target.stop();
  }
  {
    const fakeApi = await startChild(['fake']);
    const { url: fakeUrl, accessToken, refreshToken } = fakeApi.hello as Record<string, string>;
    const web = await startChild(['service', 'web', redis.url, dataDir, fakeUrl!, accessToken!, refreshToken!], profArgs('web'));
    const startWorker = () => startChild(['service', 'worker', redis.url, dataDir, fakeUrl!, accessToken!, refreshToken!]);
    let worker = await startWorker();
    const delivered = () => (fakeApi.messages.at(-1)?.delivered as number | undefined) ?? 0;
    const warmup = 2_000;
    await fire(web.hello.url!, presignedTexts(warmup, 200), connections);
    while (delivered() < warmup) await new Promise((r) => setTimeout(r, 100));
    // Web path alone: the worker stops during this burst and drains it afterwards.
    await worker.stop();
    webAlone = await measure(web, presignedTexts(requests, 1_000));
    worker = await startWorker();
    while (delivered() < warmup + requests) await new Promise((r) => setTimeout(r, 100));
    const sent = delivered();
    const started = Date.now();
    const result = await measure(web, presignedTexts(requests, 1_000));
    const deadline = Date.now() + 120_000;
    while (delivered() < sent + requests && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const lastAt = (fakeApi.messages.at(-1)?.at as number | undefined) ?? Date.now();
    full = {
      ...result,
      rss: web.rssMb(),
      workerRss: worker.rssMb(),
      deliveredAll: delivered() - sent,
      deliveredIn: (lastAt - started) / 1000,
    };
    await worker.stop();
    await web.stop();
    await fakeApi.stop();
  }
} finally {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`webhook benchmark: ${requests} unique signed events per target, c=${connections}, ${process.env.BENCH_NOTE ?? ''}`);
const line = (name: string, r: Measured, rss: string) =>
  console.log(
    `${name.padEnd(26)} ${fmt(r.rps, 0).padStart(6)} req/s  CPU ${fmt(r.cpuMsPerRequest, 3)} ms/req  p50 ${fmt(r.p50)} ms  p97.5 ${fmt(r.p97_5)} ms  p99 ${fmt(r.p99)} ms  non-2xx ${r.non2xx}  errors ${r.errors}  ${rss}`,
  );
line('baseline (verify+enqueue)', bare!, `RSS ${fmt(bare!.rss, 0)} MB`);
line('full, worker paused', webAlone!, 'the turn and outbox only; the worker drains afterwards');
line('full, worker sending', full!, `RSS web ${fmt(full!.rss, 0)} MB, worker ${fmt(full!.workerRss, 0)} MB`);
console.log(
  `replies delivered to the fake Zalo API: ${full!.deliveredAll}/${requests} within ${fmt(full!.deliveredIn, 1)} s of the first request (${fmt(full!.deliveredAll / full!.deliveredIn, 0)} msg/s end to end)`,
);
console.log(
  `ratio full/baseline: ${fmt(full!.rps / bare!.rps, 2)} with the worker sending, ${fmt(webAlone!.rps / bare!.rps, 2)} with it paused (target >= ${TARGET_RATIO}); full p99 ${fmt(full!.p99)} / ${fmt(webAlone!.p99)} ms (target <= 50 ms)`,
);
console.log(
  `CPU per request, baseline/full: ${fmt(bare!.cpuMsPerRequest / webAlone!.cpuMsPerRequest, 2)} with the worker paused, ${fmt(bare!.cpuMsPerRequest / full!.cpuMsPerRequest, 2)} with it sending (the same ratio free of machine load; target >= ${TARGET_RATIO})`,
);
