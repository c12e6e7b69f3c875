import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { outbox, zaloSends } from '../src/store/schema';
import { startHarness, waitFor, type Harness } from './harness';

/**
 * Settle before resend (jobs/zaloDelivery.ts) on the reply path: a send whose answer was lost is looked up in
 * the fake Zalo API's conversation history before anything goes again.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const rowsFor = (harness: Harness, userId: string) =>
  harness.runtime.store.db.select().from(outbox).all().filter((r) => (r.payload as { userId?: string }).userId === userId);
const callsTo = (harness: Harness, route: string, userId: string) => harness.fake.calls.filter((c) => c.route === route && c.userId === userId);
const sendRecords = (harness: Harness, userId: string) => harness.runtime.store.db.select().from(zaloSends).where(eq(zaloSends.zaloUserId, userId)).all();

describe('settle before resend', () => {
  it('a first attempt asks nothing of the history and records the send with its Zalo id', async () => {
    h = await startHarness();
    await h.say('9201', 'menu');
    await waitFor(() => rowsFor(h!, '9201')[0]?.status === 'done', 'reply done');
    expect(h.fake.calls.filter((c) => c.route === 'conversation')).toEqual([]);
    const [sent] = h.fake.messagesTo('9201');
    expect(sendRecords(h, '9201')).toEqual([expect.objectContaining({ status: 'sent', messageId: sent!.messageId, attempts: 1 })]);
  });

  it('Zalo kept the reply but the answer was lost (HTTP 502): the retry finds it in the history and sends nothing', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', userId: '9202', accepted: true, status: 502 });
    await h.say('9202', 'menu');
    await waitFor(() => rowsFor(h!, '9202')[0]?.status === 'done', 'reply done');
    expect(h.fake.messagesTo('9202')).toHaveLength(1);
    expect(callsTo(h, 'send', '9202').map((c) => c.outcome)).toEqual([502]);
    expect(callsTo(h, 'conversation', '9202')).toHaveLength(1);
    expect(sendRecords(h, '9202')[0]).toMatchObject({ status: 'sent', messageId: h.fake.messagesTo('9202')[0]!.messageId });
  });

  it('the call timed out after Zalo kept it: the retry waits until the attempt is surely over, then settles it', async () => {
    h = await startHarness({ env: { ZALO_HTTP_TIMEOUT_MS: '300' } });
    h.fake.inject({ route: 'send', userId: '9203', accepted: true, delayMs: 1_000 });
    await h.say('9203', 'menu');
    await waitFor(() => rowsFor(h!, '9203')[0]?.status === 'done', 'reply done');
    expect(h.fake.messagesTo('9203')).toHaveLength(1);
    expect(callsTo(h, 'send', '9203')).toHaveLength(1);
    expect(callsTo(h, 'conversation', '9203')).toHaveLength(1);
  });

  it('the same text twice: an earlier identical reply in the history is not taken for the lost one', async () => {
    h = await startHarness();
    await h.say('9204', 'menu');
    await waitFor(() => rowsFor(h!, '9204')[0]?.status === 'done', 'first reply done');
    // The second menu's first attempt never reached Zalo (HTTP 502, nothing kept).
    h.fake.inject({ route: 'send', userId: '9204', status: 502 });
    await h.say('9204', 'menu');
    await waitFor(() => rowsFor(h!, '9204').length === 2 && rowsFor(h!, '9204').every((r) => r.status === 'done'), 'second reply done');
    const texts = h.fake.messagesTo('9204').map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe(texts[0]);
    expect(callsTo(h, 'conversation', '9204')).toHaveLength(1);
  });

  it('a part refused for certain (-32) is sent again without asking the history', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', userId: '9205', error: -32 });
    await h.say('9205', 'menu');
    await waitFor(() => rowsFor(h!, '9205')[0]?.status === 'done', 'reply done');
    expect(h.fake.messagesTo('9205')).toHaveLength(1);
    expect(callsTo(h, 'conversation', '9205')).toEqual([]);
  });

  it('Zalo answers while another process holds the write lock: the worker keeps running, then records the send and the reply as done in one commit', async () => {
    // The reconciler would write on its own timer; only the send's records are under test here.
    h = await startHarness({ env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000' } });
    h.fake.inject({ route: 'send', userId: '9206', accepted: true, delayMs: 300 });
    await h.say('9206', 'menu');
    await waitFor(() => h!.fake.messagesTo('9206').length === 1, 'the reply reached Zalo');
    // The other process (a web process's turn) takes the write lock before Zalo's answer comes back.
    const other = new Database(h.runtime.config.databaseFile);
    try {
      other.exec('BEGIN IMMEDIATE');
      // Zalo answers 300 ms after it took the message; meanwhile and after, timers of this process keep firing:
      // a wait inside SQLite's busy handler would have stopped them until the lock freed (up to 5 s).
      let longestGap = 0;
      for (let last = performance.now(), end = last + 600; last < end; ) {
        await new Promise((r) => setTimeout(r, 10));
        longestGap = Math.max(longestGap, performance.now() - last);
        last = performance.now();
      }
      expect(longestGap).toBeLessThan(250);
      expect(rowsFor(h, '9206')[0]).toMatchObject({ status: 'queued', progress: 0 });
      expect(sendRecords(h, '9206')[0]).toMatchObject({ status: 'in_flight' });
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    await waitFor(() => rowsFor(h!, '9206')[0]?.status === 'done', 'reply done');
    const messageId = h.fake.messagesTo('9206')[0]!.messageId;
    expect(rowsFor(h, '9206')[0]).toMatchObject({ status: 'done', progress: 1, externalId: messageId, channel: 'zalo' });
    expect(sendRecords(h, '9206')).toEqual([expect.objectContaining({ status: 'sent', messageId, attempts: 1 })]);
  });
});
