import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
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
});
