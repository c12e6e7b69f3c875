import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { failedEvents, inboundEvents } from '../src/store/schema';
import { startHarness, waitFor, type Harness } from './harness';
import { login, makeStaff, postForm } from './staffSupport';

/**
 * A signed, well-formed event whose turn throws is answered 200, kept with its error, the user is told (with
 * the hotline), it is counted and logged, and staff replay it; a passing fault (database busy) still answers
 * 5xx so Zalo retries.
 */

let h: Harness;
const logged: { level: number; msg: string; failedEventId?: number }[] = [];

beforeAll(async () => {
  const { default: pino } = await import('pino');
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  // The reconciler held off: a replayed turn's reply must reach the queues at once, as in production.
  h = await startHarness({
    logger,
    env: { ROLES: 'web,worker', COMMITTEE_HOTLINE: '0225 3 999 888', METRICS_TOKEN: 'metrics-token-0123456789', OUTBOX_RECONCILE_INTERVAL_MS: '600000' },
  });
});
afterAll(() => h?.stop());

describe('a turn that throws', () => {
  it('answers 200, keeps the event with its error, tells the user, counts and logs it; staff replay it', async () => {
    const user = '7100000000000000001';
    // A fault no retry can fix: every write of a conversation is refused.
    h.runtime.store.sqlite.exec(`CREATE TRIGGER break_turns BEFORE INSERT ON conversations BEGIN SELECT RAISE(ABORT, 'conversation store broken'); END`);
    const res = await h.say(user, 'menu', 'msg-fail-1');
    expect(res.status).toBe(200);
    const kept = h.runtime.store.db.select().from(failedEvents).all();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ eventName: 'user_send_text', zaloUserId: user, status: 'failed', attempts: 1 });
    expect(kept[0]!.error).toContain('conversation store broken');
    const told = await waitFor(() => h.fake.messagesTo(user).find((m) => m.text?.includes('0225 3 999 888')), 'the apology');
    expect(told.text).toContain('Xin lỗi');
    expect(logged.some((l) => l.level === 50 && l.failedEventId === kept[0]!.id)).toBe(true);
    const metrics = await h.runtime.app.request('/metrics', { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/cadrecare_webhook_events_total\{[^}]*outcome="failed"[^}]*\} 1/);

    // Fixed, then replayed by staff from the page: the turn runs and the menu reaches the user.
    h.runtime.store.sqlite.exec('DROP TRIGGER break_turns');
    const admin = await login(h, (await makeStaff(h, 'su-co', 'admin')).username);
    const list = await (await h.runtime.app.request('/staff/failed-events', { headers: { cookie: admin.cookie } })).text();
    expect(list).toContain('conversation store broken');
    const before = h.fake.messagesTo(user).length;
    expect((await postForm(h, `/staff/failed-events/${kept[0]!.id}/replay`, admin)).status).toBe(303);
    expect(h.runtime.store.db.select().from(failedEvents).where(eq(failedEvents.id, kept[0]!.id)).get()!.status).toBe('replayed');
    await waitFor(() => h.fake.messagesTo(user).length > before, 'the replayed reply');
    expect(h.runtime.store.db.select().from(inboundEvents).all().length).toBeGreaterThan(0);
    // Replaying twice is refused.
    expect((await postForm(h, `/staff/failed-events/${kept[0]!.id}/replay`, admin)).status).toBe(409);
  });

  it('a passing fault (database busy) answers 5xx so Zalo retries, and keeps nothing', async () => {
    h.runtime.store.sqlite.pragma('busy_timeout = 50');
    const other = new Database(join(h.dir, 'cadrecare.db'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const res = await h.say('7100000000000000002', 'menu', 'msg-busy-1');
      expect(res.status).toBeGreaterThanOrEqual(500);
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect((h.runtime.store.db.get(sql`select count(*) as n from failed_events where dedupe_key like '%msg-busy-1%'`) as { n: number }).n).toBe(0);
    // Zalo's retry goes through.
    expect((await h.say('7100000000000000002', 'menu', 'msg-busy-1')).status).toBe(200);
  });
});
