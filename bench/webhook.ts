/**
 * Webhook throughput and latency, c=50, unique signed user_send_text events:
 *   baseline — a bare Hono route that only verifies the signature and enqueues one BullMQ job;
 *   full     — the real service as deployed: a web process (signature, dedupe, dialog turn + outbox in one
 *              SQLite transaction, relay to BullMQ) and a worker process sending every reply to a fake Zalo
 *              API (its own process). Also reports when the last reply reached the fake API.
 * Usage: npm run bench:webhook [-- <requests per target>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis } from '../src/jobs/redis';
import { fire, fmt, startChild, type LoadResult } from './lib';
import { presignedTexts } from './signedEvents';

const requests = Number(process.argv[2] ?? 20_000);
const connections = 50;
const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-bench-'));

let bare: LoadResult & { rss: number };
let webAlone: LoadResult;
let full: LoadResult & { rss: number; deliveredAll: number; deliveredIn: number; workerRss: number };
try {
  {
    const target = await startChild(['bare', redis.url]);
    await fire(target.hello.url!, presignedTexts(2_000, 200), connections);
    const result = await fire(target.hello.url!, presignedTexts(requests, 1_000), connections);
    bare = { ...result, rss: target.rssMb() };
    await target.stop();
  }
  {
    const fakeApi = await startChild(['fake']);
    const { url: fakeUrl, accessToken, refreshToken } = fakeApi.hello as Record<string, string>;
    const web = await startChild(['service', 'web', redis.url, dataDir, fakeUrl!, accessToken!, refreshToken!]);
    const startWorker = () => startChild(['service', 'worker', redis.url, dataDir, fakeUrl!, accessToken!, refreshToken!]);
    let worker = await startWorker();
    const delivered = () => (fakeApi.messages.at(-1)?.delivered as number | undefined) ?? 0;
    const warmup = 2_000;
    await fire(web.hello.url!, presignedTexts(warmup, 200), connections);
    while (delivered() < warmup) await new Promise((r) => setTimeout(r, 100));
    // Web path alone: the worker stops during this burst and drains it afterwards.
    await worker.stop();
    webAlone = await fire(web.hello.url!, presignedTexts(requests, 1_000), connections);
    worker = await startWorker();
    while (delivered() < warmup + requests) await new Promise((r) => setTimeout(r, 100));
    const sent = delivered();
    const started = Date.now();
    const result = await fire(web.hello.url!, presignedTexts(requests, 1_000), connections);
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
const line = (name: string, r: LoadResult, rss: string) =>
  console.log(
    `${name.padEnd(26)} ${fmt(r.rps, 0).padStart(6)} req/s  p50 ${fmt(r.p50)} ms  p97.5 ${fmt(r.p97_5)} ms  p99 ${fmt(r.p99)} ms  non-2xx ${r.non2xx}  errors ${r.errors}  ${rss}`,
  );
line('baseline (verify+enqueue)', bare!, `RSS ${fmt(bare!.rss, 0)} MB`);
line('full, worker paused', webAlone!, 'the turn and outbox only; the worker drains afterwards');
line('full, worker sending', full!, `RSS web ${fmt(full!.rss, 0)} MB, worker ${fmt(full!.workerRss, 0)} MB`);
console.log(
  `replies delivered to the fake Zalo API: ${full!.deliveredAll}/${requests} within ${fmt(full!.deliveredIn, 1)} s of the first request (${fmt(full!.deliveredAll / full!.deliveredIn, 0)} msg/s end to end)`,
);
console.log(
  `ratio full/baseline: ${fmt(full!.rps / bare!.rps, 2)} with the worker sending, ${fmt(webAlone!.rps / bare!.rps, 2)} with it paused (target >= 0.60); full p99 ${fmt(full!.p99)} / ${fmt(webAlone!.p99)} ms (target <= 50 ms)`,
);
