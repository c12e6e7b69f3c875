/**
 * Exact capacity under load: 500 linked cadres, each brought to the confirm step for the same slot (capacity
 * 20) through the real webhook, then all 500 confirm at once (500 connections, one request each). The
 * service runs on a private redis-server, replies going to the fake Zalo API in its own process, in two
 * shapes: one process with the web and worker roles (the default), and separate web and worker processes.
 * Each shape takes a burst of 500 confirms at 500 connections and another at 50 connections (fresh users,
 * a second campaign). Prints the confirmed count (from SQLite), webhook latency (p50/p99) and RSS.
 * Usage: npm run bench:booking
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { createCampaign } from '../src/domain/booking/campaigns';
import { createSlots } from '../src/domain/booking/slots';
import { linkZaloUser } from '../src/domain/linking/linking';
import { vietnamDate } from '../src/domain/shared/quietHours';
import { startPrivateRedis } from '../src/jobs/redis';
import { inTransaction, openStore } from '../src/store/db';
import { bookings, cadres, clinics, examSlots } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { fire, fmt, startChild, type LoadResult } from './lib';
import { BENCH_APP_ID, BENCH_OA_SECRET } from './signedEvents';

const USERS = Number(process.argv[2] ?? 500);
const CAPACITY = 20;
const ids = { appId: BENCH_APP_ID, oaId: '5353535353535353535' };
const system = { type: 'system' as const, id: 'bench' };
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Two groups of users (one per burst), each linked to its own cadre, and one campaign whose first slot has 20 places. */
function seed(dataDir: string) {
  const store = openStore(join(dataDir, 'cadrecare.db'));
  const now = Date.now();
  const today = vietnamDate(now);
  const users: string[][] = [[], []];
  const slotIds: number[] = [];
  inTransaction(store.db, (tx) => {
    const clinic = tx
      .insert(clinics)
      .values({ code: 'PK-BENCH', name: 'Phòng khám A', address: '1 Lê Đại Hành', createdAt: now, updatedAt: now })
      .returning({ id: clinics.id })
      .get().id;
    for (let g = 0; g < 2; g++) {
      for (let i = 0; i < USERS; i++) {
        const cadreId = tx
          .insert(cadres)
          .values({ code: `B${g}-${i}`, fullName: `Cán bộ ${g}-${i}`, birthDate: '1950-01-01', sex: 'male', category: 'nguyen_chuc', clinicId: clinic, createdAt: now, updatedAt: now })
          .returning({ id: cadres.id })
          .get().id;
        const zaloUserId = String(880_000_000_000_000_000n + BigInt(g * 100_000 + i));
        recordZaloUser(tx, { id: zaloUserId, followed: true, interactedAt: now }, now);
        linkZaloUser(tx, { cadreId, zaloUserId, method: 'phone', now });
        users[g]!.push(zaloUserId);
      }
    }
  });
  const clinicId = store.db.select().from(clinics).get()!.id;
  for (const [round, offset] of [
    [1, 2],
    [2, 4],
  ] as const) {
    const c = createCampaign(
      store.db,
      system,
      {
        year: 2026,
        round,
        name: `Khám định kỳ (đo tải ${round})`,
        startDate: today,
        endDate: addDays(today, 20),
        eligibleCategories: ['nguyen_chuc'],
        clinicIds: [clinicId],
        instructions: 'Nhịn ăn sáng.',
        status: round === 1 ? 'open' : 'draft',
        nudgeAfterDays: null,
      },
      null,
      now,
    );
    createSlots(
      store.db,
      system,
      c.id,
      { clinicIds: [clinicId], fromDate: addDays(today, offset), toDate: addDays(today, offset + 1), weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: 7 * 60, endTime: 11 * 60, slotMinutes: 30, capacity: CAPACITY },
      now,
    );
    slotIds.push(store.db.select().from(examSlots).where(eq(examSlots.campaignId, c.id)).orderBy(examSlots.startsAt).get()!.id);
  }
  store.close();
  return { users, slotIds };
}

const texts = (users: string[], text: string) =>
  users.map((u) => signEvent(userTextEvent(ids, u, text, Date.now(), `${randomBytes(8).toString('hex')}`), BENCH_OA_SECRET));

interface BurstResult {
  label: string;
  burst: LoadResult;
  confirmed: number;
  placesTaken: number;
  bookingsTotal: number;
}

/** One deployment shape: `single` = one process with web and worker roles (the default), `split` = separate processes. */
async function runShape(shape: 'single' | 'split', redisUrl: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadrecare-bench-booking-'));
  const results: BurstResult[] = [];
  let rss = 0;
  let delivered = 0;
  try {
    const { users, slotIds } = seed(dataDir);
    const fakeApi = await startChild(['fake']);
    const { url: fakeUrl, accessToken, refreshToken } = fakeApi.hello as Record<string, string>;
    const args = [redisUrl, dataDir, fakeUrl!, accessToken!, refreshToken!];
    const services = shape === 'single' ? [await startChild(['service', 'web,worker', ...args])] : [await startChild(['service', 'web', ...args]), await startChild(['service', 'worker', ...args])];
    const url = services[0]!.hello.url!;
    const store = openStore(join(dataDir, 'cadrecare.db'));
    try {
      for (const [g, connections] of [
        [0, USERS],
        [1, 50],
      ] as const) {
        // The second burst books the second campaign: close the first, open the second.
        if (g === 1) store.db.run(`UPDATE campaigns SET status = CASE id WHEN 1 THEN 'closed' ELSE 'open' END` as never);
        // Bring every user to the confirm step for the first slot: book -> day 1 -> 7:00.
        for (const step of ['dat lich', '1', '1']) {
          const r = await fire(url, texts(users[g]!, step), 50);
          if (r.non2xx || r.errors) throw new Error(`setup step "${step}": ${r.non2xx} non-2xx, ${r.errors} errors`);
        }
        const burst = await fire(url, texts(users[g]!, 'Xác nhận'), connections);
        const slotId = slotIds[g]!;
        results.push({
          label: `${shape}, c=${connections}`,
          burst,
          confirmed: store.db.select({ n: count() }).from(bookings).where(and(eq(bookings.slotId, slotId), eq(bookings.status, 'booked'))).get()!.n,
          placesTaken: store.db.select().from(examSlots).where(eq(examSlots.id, slotId)).get()!.booked,
          bookingsTotal: store.db.select({ n: count() }).from(bookings).where(eq(bookings.campaignId, g + 1)).get()!.n,
        });
      }
      rss = services.reduce((a, s) => a + s.rssMb(), 0);
      const deadline = Date.now() + 120_000;
      const sent = () => (fakeApi.messages.at(-1)?.delivered as number | undefined) ?? 0;
      while (sent() < 2 * USERS * 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      delivered = sent();
    } finally {
      store.close();
      for (const s of services.reverse()) await s.stop();
      await fakeApi.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { shape, results, rss, delivered };
}

const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const shapes: Awaited<ReturnType<typeof runShape>>[] = [];
try {
  shapes.push(await runShape('single', redis.url));
  shapes.push(await runShape('split', redis.url));
} finally {
  await redis.stop();
}

console.log(`booking benchmark: ${USERS} linked users confirm the same slot (capacity ${CAPACITY}) through the webhook ${process.env.BENCH_NOTE ?? ''}`);
for (const sh of shapes) {
  for (const r of sh.results) {
    console.log(
      `${r.label.padEnd(16)} confirmed ${r.confirmed} (slot booked=${r.placesTaken}, bookings in campaign ${r.bookingsTotal})  ` +
        `webhook p50 ${fmt(r.burst.p50)} ms  p97.5 ${fmt(r.burst.p97_5)} ms  p99 ${fmt(r.burst.p99)} ms  non-2xx ${r.burst.non2xx}  errors ${r.burst.errors}`,
    );
  }
  console.log(`${sh.shape.padEnd(16)} RSS ${fmt(sh.rss, 0)} MB (service processes); replies delivered to the fake Zalo API ${sh.delivered}/${2 * USERS * 4}`);
}
const all = shapes.flatMap((sh) => sh.results);
const single = all[0]!;
console.log(
  `targets: exactly ${CAPACITY} confirmed in every burst -> ${all.every((r) => r.confirmed === CAPACITY && r.placesTaken === CAPACITY && r.bookingsTotal === CAPACITY) ? 'met' : 'MISSED'}; ` +
    `p99 <= 100 ms (single process, c=${USERS}) -> ${single.burst.p99 <= 100 ? 'met' : 'missed'} (${fmt(single.burst.p99)} ms)`,
);
process.exit(0);
