import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../src/store/db';
import { enqueue } from '../src/jobs/enqueue';
import { careRequests } from '../src/store/schema';
import { events, ids, startHarness, waitFor, type Harness } from './harness';

const TOKEN = 'metrics-token-for-tests-0123456789';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => h?.stop());

const scrape = async (auth?: string) => h.runtime.app.request('/metrics', { headers: auth ? { authorization: auth } : {} });

/** The value of one sample, matched by name and a subset of its labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return null;
}

describe('GET /metrics', () => {
  it('refuses a scrape without the bearer token, or with a wrong one', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(401);
  });

  it('reports webhook latency and events after a webhook event, sends by outcome, queue depth and process metrics', async () => {
    const user = '8800000000000000001';
    const before = await (await scrape(`Bearer ${TOKEN}`)).text();
    expect(sample(before, 'cadrecare_webhook_events_total', { event: 'user_send_text', outcome: 'processed' })).toBeNull();

    const event = events.userTextEvent(ids, user, 'menu', h.clock.now(), 'metrics-msg-1');
    expect((await h.deliver(event)).status).toBe(200);
    expect((await h.deliver(event)).status).toBe(200); // Zalo's retry: a duplicate
    await waitFor(() => h.fake.messagesTo(user).length > 0, 'the menu reply');
    const bad = await h.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bad.status).toBe(401);

    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'cadrecare_webhook_events_total', { event: 'user_send_text', outcome: 'processed' })).toBe(1);
    expect(sample(text, 'cadrecare_webhook_events_total', { event: 'user_send_text', outcome: 'duplicate' })).toBe(1);
    expect(sample(text, 'cadrecare_webhook_duration_seconds_count', { outcome: 'processed' })).toBe(1);
    expect(sample(text, 'cadrecare_webhook_duration_seconds_count', { outcome: 'rejected' })).toBe(1);
    expect(sample(text, 'cadrecare_webhook_duration_seconds_bucket', { outcome: 'processed', le: '+Inf' })).toBe(1);

    // Sends are read from the outbox: the menu reply went out by Zalo.
    await waitFor(async () => sample(await (await scrape(`Bearer ${TOKEN}`)).text(), 'cadrecare_sends', { kind: 'zalo.message', outcome: 'zalo' }) === 1, 'the send counted');
    expect(sample(text, 'cadrecare_sends', { kind: 'email.message', outcome: 'failed' })).toBe(0);

    for (const queue of ['zalo-send', 'email-send', 'notices', 'broadcasts', 'broadcast-send']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'cadrecare_queue_jobs', { queue, state }), `${queue} ${state}`).not.toBeNull();
      }
    }
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toContain('service="cadrecare"');
  });

  it('shows queue depth from Redis and counts reconciler repairs', async () => {
    // A timed row far in the future sits in the delayed set.
    const now = h.clock.now();
    const delayedId = inTransaction(h.runtime.store.db, (tx) =>
      enqueue(tx, 'email.message', { to: 'a@b.vn', subject: 's', text: 't' }, { now, dueAt: now + 3600_000 }),
    );
    h.runtime.relay.kick();
    await waitFor(
      async () => (sample(await (await scrape(`Bearer ${TOKEN}`)).text(), 'cadrecare_queue_jobs', { queue: 'email-send', state: 'delayed' }) ?? 0) >= 1,
      'a delayed email job',
    );
    expect(delayedId).toBeGreaterThan(0);

    // A due row the relay never saw (written without a kick): the periodic reconciler enqueues it.
    inTransaction(h.runtime.store.db, (tx) => enqueue(tx, 'zalo.message', { userId: '8800000000000000002', messages: [{ type: 'text', text: 'x' }] }, { now, dueAt: now - 60_000 }));
    await waitFor(
      async () => (sample(await (await scrape(`Bearer ${TOKEN}`)).text(), 'cadrecare_reconciler_repairs_total', { kind: 'requeued' }) ?? 0) >= 1,
      'a requeue counted',
    );
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();
    expect(sample(text, 'cadrecare_reconciler_repairs_total', { kind: 'unblocked' })).toBe(0);
  });

  it('reports SLA outcomes per request type and requests past their deadline', async () => {
    const now = h.clock.now();
    const row = { zaloUserId: null, createdAt: now - 7200_000, updatedAt: now } as const;
    h.runtime.store.db
      .insert(careRequests)
      .values([
        { ...row, type: 'home_visit', urgency: 'urgent', state: 'acknowledged', sla: 'breached', ackDueAt: now - 3600_000 },
        { ...row, type: 'home_visit', urgency: 'normal', state: 'acknowledged', sla: 'met', ackDueAt: now - 3600_000 },
        { ...row, type: 'question', urgency: 'normal', state: 'new', sla: 'pending', ackDueAt: now - 1_000 },
        { ...row, type: 'question', urgency: 'normal', state: 'new', sla: 'pending', ackDueAt: now + 3600_000 },
      ])
      .run();
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();
    expect(sample(text, 'cadrecare_requests_sla', { type: 'home_visit', sla: 'breached' })).toBe(1);
    expect(sample(text, 'cadrecare_requests_sla', { type: 'home_visit', sla: 'met' })).toBe(1);
    expect(sample(text, 'cadrecare_requests_sla', { type: 'question', sla: 'pending' })).toBe(2);
    expect(sample(text, 'cadrecare_requests_overdue', { type: 'question' })).toBe(1);
    expect(sample(text, 'cadrecare_requests_overdue', { type: 'home_visit' })).toBeNull();
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('answers 404: metrics are off over HTTP', async () => {
    const h2 = await startHarness();
    try {
      const res = await h2.runtime.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await h2.stop();
    }
  });
});
