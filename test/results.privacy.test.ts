import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createLogger } from '../src/logger';
import { auditLog, examResults, outbox, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { dumpRedis as dumpRedisOf, storedForms } from './privacySupport';
import { zaloAccount } from './resultsSupport';
import { api, makeStaff, tokenFor, xlsxFile } from './staffSupport';

/**
 * Privacy by design, end to end: import -> release -> "results ready" notice -> viewing in chat (the cadre
 * and a proxy, with a Zalo send that fails once and is retried), then every Redis key of the run's queue
 * prefix (all types) and every log line written at info level are searched for the result texts.
 */

const SECRETS = {
  conclusions: 'Theo dõi nốt tuyến giáp PRIV-KL-40417',
  diagnosis: 'Bướu giáp nhân thùy phải PRIV-CD-59203',
  advice: 'Siêu âm tuyến giáp sau 6 tháng PRIV-LK-77120',
  followUpWhere: 'Khoa Nội tiết PRIV-NKL-31882',
  conclusions2: 'Rối loạn nhịp tim nhẹ PRIV-KL-60031',
};

let h: Harness;
let clock: ManualClock;
const logLines: string[] = [];
let cadre: Cadre;
let other: Cadre;
const cadreUser = '840000000000000001';
const proxyUser = '840000000000000002';

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-03T02:30:00Z'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true', LOG_LEVEL: 'info' }, logger: createLogger('info', sink) });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'BM-01', fullName: 'Hoàng Văn Kín', email: 'kin@example.test' },
      { code: 'BM-02', fullName: 'Lý Thị Mật', sex: 'female', email: 'mat@example.test' },
    ],
    clock.now(),
  );
  [cadre, other] = seeded.cadres as [Cadre, Cadre];
  zaloAccount(h.runtime.store.db, cadreUser, { cadreId: cadre.id, now: clock.now() });
  zaloAccount(h.runtime.store.db, proxyUser, { proxyFor: cadre.id, now: clock.now() });
});
afterAll(async () => {
  await h?.stop();
});

const dumpRedis = (prefix: string) => dumpRedisOf(h.runtime.redisUrl, prefix);

/** The secret texts as they could appear: as written, and JSON-escaped (\\uXXXX) in case a writer escapes. */
const needles = Object.values(SECRETS).flatMap(storedForms);
const markers = Object.values(SECRETS).map((s) => /PRIV-[A-Z]+-\d+/.exec(s)![0]);

async function ask(user: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  expect((await h.say(user, text)).status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? '').join('\n');
}

describe('no health data in Redis, job payloads or info logs', () => {
  it('full flow: import, release, notify (Zalo and email), view in chat with a retried send; then scan Redis and logs', async () => {
    const coordinator = await makeStaff(h, 'bm-coord', 'coordinator');
    const doctor = await makeStaff(h, 'bm-doctor', 'doctor');
    const file = await xlsxFile([
      ['Mã cán bộ', 'Ngày khám', 'Phân loại sức khỏe', 'Kết luận', 'Chẩn đoán', 'Lời khuyên', 'Khám lại', 'Nơi khám lại', 'Bác sĩ ký'],
      ['BM-01', '20/01/2025', 'II', 'Kết quả năm trước PRIV-KL-OLD', '', '', 'Không', '', 'BS. Hạnh'],
      ['BM-01', '25/02/2026', 'III', SECRETS.conclusions, SECRETS.diagnosis, SECRETS.advice, 'Có', SECRETS.followUpWhere, 'BS. Hạnh'],
      ['BM-02', '26/02/2026', 'IV', SECRETS.conclusions2, '', '', 'Không', '', 'BS. Hạnh'],
    ]);
    const fd = new FormData();
    fd.append('file', file);
    const imported = await api(h, '/api/results/import', tokenFor(h, coordinator.id), { method: 'POST', body: fd });
    expect(await imported.json()).toMatchObject({ applied: true, counts: { created: 3 } });

    const ids = h.runtime.store.db.select({ id: examResults.id }).from(examResults).all().map((r) => r.id);
    const released = await api(h, '/api/results/release', tokenFor(h, doctor.id), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
    });
    expect(await released.json()).toMatchObject({ released: ids });

    // Notices: to the cadre in Zalo; the other cadre has no Zalo account, so by email.
    await waitFor(() => {
      // The "results ready" notices (a follow-up offer for a worrying result comes later).
      const rows = h.runtime.store.db.select().from(outbox).where(eq(outbox.kind, 'notice.cadre')).all().filter((r) => (r.payload as { ref: { kind: string } }).ref.kind === 'result.released');
      return rows.length === 3 && rows.every((r) => r.status === 'done') ? rows : null;
    }, 'notices sent');
    expect(h.fake.messagesTo(cadreUser).some((m) => m.text?.includes('đã có'))).toBe(true);

    // The cadre views; the first send of the result fails with a transient error and is retried.
    h.fake.inject({ route: 'send', status: 503, userId: cadreUser, times: 1 });
    const shown = await ask(cadreUser, 'Xem kết quả');
    expect(shown).toContain(SECRETS.conclusions);
    const list = await ask(cadreUser, '1');
    expect(list).toContain('Khám ngày 20/01/2025');
    expect(await ask(cadreUser, '1')).toContain('PRIV-KL-OLD');
    // The proxy views too.
    expect(await ask(proxyUser, 'xem ket qua')).toContain(SECRETS.diagnosis);
    expect(h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'result.view')).all()).toHaveLength(3);

    // Everything due has settled (standing schedules such as the daily call list wait for their day), and no
    // row, due or not, carries the sensitive values.
    await waitFor(() => {
      const rows = h.runtime.store.db.select().from(outbox).all();
      const settled = (r: (typeof rows)[number]) => r.status === 'done' || r.status === 'cancelled' || (r.status === 'queued' && r.dueAt > clock.now());
      return rows.every(settled) && !JSON.stringify(rows.map((r) => r.payload)).includes('PRIV-') ? rows : null;
    }, 'outbox settled and scrubbed');
    expect(h.runtime.store.db.select().from(outbox).all().some((r) => r.attempts > 0)).toBe(true);

    // The scan itself finds what is there: a planted control value is seen, then removed.
    const control = new Redis(h.runtime.redisUrl);
    await control.hset(`${h.env.QUEUE_PREFIX}:control`, 'v', 'PRIV-CONTROL-1');
    expect((await dumpRedis(h.env.QUEUE_PREFIX!)).text).toContain('PRIV-CONTROL-1');
    await control.del(`${h.env.QUEUE_PREFIX}:control`);
    control.disconnect();

    const redis = await dumpRedis(h.env.QUEUE_PREFIX!);
    expect(redis.keys).toBeGreaterThan(5);
    expect(redis.text).toContain('outboxId');
    const logs = logLines.join('');
    expect(logs).toContain('zalo event processed');
    for (const n of [...needles, ...markers, 'PRIV-KL-OLD', 'Bướu giáp', 'tuyến giáp', 'Loại III']) {
      expect(redis.text.includes(n), `Redis holds "${n}"`).toBe(false);
      expect(logs.includes(n), `logs hold "${n}"`).toBe(false);
    }
    void other;
  });
});
