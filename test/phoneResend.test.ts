import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { quotaToday } from '../src/domain/outreach/quotaPlan';
import { enqueueNotice, type NoticeRenderers } from '../src/domain/outreach/notices';
import { inTransaction } from '../src/store/db';
import { noticeSends, outbox, zaloSends } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { events, ids, startHarness, TEST_OA_SECRET, waitFor, type Harness } from './harness';

/**
 * A template by phone whose answer was lost (the call timed out after Zalo kept the message). There is no
 * conversation history to read for a phone, and Zalo does not document `tracking_id` as idempotent, so only the
 * delivery receipt tells: the notice waits for it (ZALO_RECEIPT_WAIT_SECONDS) and is sent again, with the same
 * tracking id, only if none came. Either way the cadre gets one message and the notice is counted once.
 */

const TEMPLATE = '990011';
let h: Harness;
const renderers: NoticeRenderers = {
  'test.phone': (_db, ref) => ({
    text: `Nhắc lịch số ${ref.id}`,
    template: { name: 'booking_reminder', data: { name: 'Nguyễn Văn An', date: '06/03/2026' } },
  }),
};

beforeAll(async () => {
  h = await startHarness({
    env: { ZALO_TEMPLATES: JSON.stringify({ booking_reminder: TEMPLATE }), ZALO_HTTP_TIMEOUT_MS: '300', ZALO_RECEIPT_WAIT_SECONDS: '3', ZALO_SEND_BACKOFF_MS: '200' },
    noticeRenderers: renderers,
  });
});
afterAll(() => h?.stop());

let n = 0;
function notify(phone: string) {
  n += 1;
  const { cadres } = seedRegistry(h.runtime.store.db, [{ code: `PR-${n}`, fullName: `Cán bộ ${n}`, phone, email: null }]);
  const cadreId = cadres[0]!.id;
  const id = inTransaction(h.runtime.store.db, (tx) => enqueueNotice(tx, { cadreId, ref: { kind: 'test.phone', id: cadreId }, dueAt: Date.now() }, Date.now()));
  h.runtime.relay.kick();
  return id;
}

const doneSend = (outboxId: number) =>
  waitFor(
    () => {
      const row = h.runtime.store.db.select().from(outbox).where(eq(outbox.id, outboxId)).get();
      if (!row || row.status !== 'done') return null;
      return h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, outboxId)).get() ?? null;
    },
    `notice ${outboxId} done`,
    20_000,
  );

const phoneCalls = (phone: string) => h.fake.calls.filter((c) => c.route === 'template_phone' && c.userId === phone);
const templatesToday = () => quotaToday(h.runtime.store.db, 500, Date.now()).used;

describe('a template by phone whose answer was lost', () => {
  it('Zalo kept it and its receipt arrives: nothing is sent again, the notice is recorded once, delivered', async () => {
    const phone = '84913000001';
    const before = templatesToday();
    // Zalo keeps the message and answers after 1 s; the service gives up after 0.3 s.
    h.fake.inject({ route: 'template_phone', userId: phone, accepted: true, delayMs: 1_000 });
    const id = notify(phone);
    const [kept] = await waitFor(() => (h.fake.messagesTo(phone).length ? h.fake.messagesTo(phone) : null), 'Zalo kept the message');
    // The send stays in flight (no answer), then the job waits for the receipt instead of sending again.
    await waitFor(() => h.runtime.store.db.select().from(zaloSends).where(eq(zaloSends.key, `outbox-${id}-phone`)).get()?.status === 'in_flight', 'in flight');
    await waitFor(async () => (await h.runtime.queues.notices.getDelayed()).some((j) => j.id === `outbox-${id}`), 'job waits for the receipt');
    // Zalo's delivery receipt names our tracking id.
    const deliveredAt = Date.now();
    const signed = events.signEvent(events.znsReceiptEvent(ids, phone, kept!.messageId, kept!.trackingId!, deliveredAt), TEST_OA_SECRET, 'ZNS');
    const res = await h.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: signed.headers, body: signed.body });
    expect(res.status).toBe(200);

    const sent = await doneSend(id);
    expect(sent).toMatchObject({ channel: 'zalo_phone', trackingId: `outbox-${id}-phone`, messageId: kept!.messageId, deliveredAt });
    expect(h.fake.messagesTo(phone)).toHaveLength(1);
    expect(phoneCalls(phone)).toHaveLength(1);
    expect(h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, id)).all()).toHaveLength(1);
    expect(templatesToday() - before).toBe(1);
  });

  it('Zalo did not keep it and no receipt comes: sent again after the wait, with the same tracking id, once', async () => {
    const phone = '84913000002';
    const before = templatesToday();
    // The call hangs and is lost before Zalo keeps anything.
    h.fake.inject({ route: 'template_phone', userId: phone, status: 504, delayMs: 1_000 });
    const started = Date.now();
    const id = notify(phone);
    const sent = await doneSend(id);
    // Not before the receipt wait (3 s) had passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(sent).toMatchObject({ channel: 'zalo_phone', trackingId: `outbox-${id}-phone`, deliveredAt: null });
    const calls = phoneCalls(phone);
    expect(calls.map((c) => c.outcome)).toEqual([504, 0]);
    const messages = h.fake.messagesTo(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.trackingId).toBe(`outbox-${id}-phone`);
    expect(sent.messageId).toBe(messages[0]!.messageId);
    expect(templatesToday() - before).toBe(1);
  });
});
