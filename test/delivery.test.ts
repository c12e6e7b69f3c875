import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { outbox } from '../src/store/schema';
import { startHarness, waitFor, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const rowsFor = (harness: Harness, userId: string) =>
  harness.runtime.store.db.select().from(outbox).all().filter((r) => (r.payload as { userId: string }).userId === userId);

describe('a signed message in, a reply out', () => {
  it('user_send_text -> the numbered menu (with buttons) arrives at the Zalo API', async () => {
    h = await startHarness({ env: { ZALO_BUTTONS: 'true' } });
    const res = await h.say('9100', 'menu');
    expect(res.status).toBe(200);
    const [msg] = await waitFor(() => (h!.fake.messagesTo('9100').length ? h!.fake.messagesTo('9100') : null), 'the menu');
    expect(msg!.text).toContain('1. Đặt lịch khám');
    expect(msg!.text).toContain('4. Gặp nhân viên');
    expect(msg!.buttons.map((b) => b.title)).toEqual(['Đặt lịch khám', 'Xem kết quả khám', 'Yêu cầu khám tại nhà', 'Gặp nhân viên']);
    await waitFor(() => rowsFor(h!, '9100').every((r) => r.status === 'done'), 'outbox row done');
    expect(rowsFor(h, '9100')[0]).toMatchObject({ status: 'done', channel: 'zalo', progress: 1 });
  });

  it('with ZALO_BUTTONS=false the menu goes as numbered text only', async () => {
    h = await startHarness({ env: { ZALO_BUTTONS: 'false' } });
    await h.say('9101', 'xin chào');
    const [msg] = await waitFor(() => (h!.fake.messagesTo('9101').length ? h!.fake.messagesTo('9101') : null), 'the menu');
    expect(msg!.buttons).toEqual([]);
    expect(msg!.text).toMatch(/1\. Đặt lịch khám/);
  });

  it('an expired access token -> exactly one refresh -> the message is delivered once', async () => {
    h = await startHarness();
    const stored = h.runtime.store.db.query.oaTokens.findFirst().sync()!;
    h.fake.expireAccessToken(stored.accessToken);
    await h.say('9102', 'menu');
    await waitFor(() => h!.fake.messagesTo('9102').length === 1, 'delivery after refresh');
    expect(h.fake.refreshCount).toBe(1);
    const after = h.runtime.store.db.query.oaTokens.findFirst().sync()!;
    expect(after.accessToken).not.toBe(stored.accessToken);
    expect(after.refreshToken).not.toBe(stored.refreshToken);
    expect(h.fake.calls.filter((c) => c.route === 'send' && c.userId === '9102').map((c) => c.outcome)).toEqual([-220, 0]);
  });

  it('concurrent refusals of the same token share one refresh', async () => {
    h = await startHarness();
    const stored = h.runtime.store.db.query.oaTokens.findFirst().sync()!;
    h.fake.expireAccessToken(stored.accessToken);
    await Promise.all(['9110', '9111', '9112', '9113'].map((u) => h!.say(u, 'menu')));
    await waitFor(() => ['9110', '9111', '9112', '9113'].every((u) => h!.fake.messagesTo(u).length === 1), 'four deliveries');
    expect(h.fake.refreshCount).toBe(1);
  });

  it('HTTP 5xx twice -> retried with backoff -> delivered exactly once', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', status: 503, userId: '9103', times: 2 });
    await h.say('9103', 'menu');
    await waitFor(() => h!.fake.messagesTo('9103').length === 1, 'delivery after two 503s');
    await waitFor(() => rowsFor(h!, '9103')[0]?.status === 'done', 'row done');
    expect(h.fake.calls.filter((c) => c.route === 'send' && c.userId === '9103').map((c) => c.outcome)).toEqual([503, 503, 0]);
    expect(rowsFor(h, '9103')[0]!.attempts).toBe(2);
    expect(h.fake.messagesTo('9103')).toHaveLength(1);
  });

  it('rate limit (-32) is transient and retried', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', error: -32, userId: '9104' });
    await h.say('9104', 'menu');
    await waitFor(() => h!.fake.messagesTo('9104').length === 1, 'delivery after -32');
  });

  it('a permanent error (-213, user does not follow) fails the row without retrying', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', error: -213, userId: '9105', times: 5 });
    await h.say('9105', 'menu');
    await waitFor(() => rowsFor(h!, '9105')[0]?.status === 'failed', 'row failed');
    expect(rowsFor(h, '9105')[0]!.lastError).toContain('-213');
    expect(h.fake.calls.filter((c) => c.route === 'send' && c.userId === '9105')).toHaveLength(1);
  });

  it('three messages from one user are answered in order, even when the first reply is slow to go', async () => {
    h = await startHarness();
    h.fake.inject({ route: 'send', status: 500, userId: '9106', times: 2 });
    await h.say('9106', 'abc xyz');
    await h.say('9106', '1');
    await h.say('9106', 'menu');
    await waitFor(() => h!.fake.messagesTo('9106').length === 3, 'three replies');
    const texts = h.fake.messagesTo('9106').map((m) => m.text!);
    expect(texts[0]).toMatch(/^Xin lỗi, tôi chưa hiểu/);
    expect(texts[1]).toMatch(/xác minh tài khoản Zalo/);
    expect(texts[2]).toMatch(/^Ông\/Bà cần gì ạ\?/);
  });

  it('Redis flushed after the turn committed -> the reconciler still delivers, once', async () => {
    h = await startHarness({ env: { ROLES: 'web' } });
    await h.say('9107', 'menu');
    const row = rowsFor(h, '9107')[0]!;
    await waitFor(() => h!.runtime.store.db.select().from(outbox).where(eq(outbox.id, row.id)).get()?.status === 'queued', 'row queued');
    const redis = new Redis(h.runtime.redisUrl);
    const keys = await redis.keys(`${h.env.QUEUE_PREFIX}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();
    // A worker process starts on the same database after the wipe: only the reconciler can bring the job back.
    const { startRuntime } = await import('../src/runtime');
    const { loadConfig } = await import('../src/config');
    const { createLogger } = await import('../src/logger');
    const worker = await startRuntime(loadConfig({ ...h.env, ROLES: 'worker', DATABASE_FILE: `${h.dir}/cadrecare.db` }), {
      logger: createLogger('silent'),
    });
    try {
      await waitFor(() => h!.fake.messagesTo('9107').length === 1, 'delivery after the Redis wipe');
      await waitFor(() => rowsFor(h!, '9107')[0]?.status === 'done', 'row done');
      const report = await worker.reconcile();
      expect(report.requeued).toBe(0);
      expect(h.fake.messagesTo('9107')).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });
});
