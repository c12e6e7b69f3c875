import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../src/clock';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startRuntime, type Runtime, type RuntimeOverrides } from '../src/runtime';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import type { SentMessage } from '../src/zalo/fakeApi/contract';
import { and, eq, inArray } from 'drizzle-orm';
import { userLane } from '../src/jobs/enqueue';
import { outbox } from '../src/store/schema';
import * as events from '../src/zalo/eventBuilders';

export const TEST_APP_ID = '4242424242424242424';
export const TEST_OA_ID = '5353535353535353535';
export const TEST_OA_SECRET = 'test-oa-secret-key';
export const ids = { appId: TEST_APP_ID, oaId: TEST_OA_ID };

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  mount?: RuntimeOverrides['mount'];
  noticeRenderers?: RuntimeOverrides['noticeRenderers'];
  /** A logger of the test's own (e.g. one writing to a capturing stream); else one at LOG_LEVEL. */
  logger?: RuntimeOverrides['logger'];
  /** Keep the runtime from starting (tests that start it themselves). */
  startRuntime?: boolean;
}

export interface Harness {
  runtime: Runtime;
  fake: FakeZaloApi;
  fakeUrl: string;
  clock: Clock;
  dir: string;
  env: Record<string, string>;
  /** POSTs a signed event to the real webhook (through app.request) and returns the response. */
  deliver(event: { app_id: string; timestamp: string }): Promise<Response>;
  /** A signed user_send_text, timestamped by the harness clock. */
  say(userId: string, text: string, msgId?: string): Promise<Response>;
  /** Waits until every reply queued for this user has finished (sent or failed); returns all messages to them. */
  settled(userId: string): Promise<SentMessage[]>;
  stop(): Promise<void>;
}

/** Polls until `check` returns a truthy value; fails with `what` after `timeoutMs`. No fixed sleeps. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A temp SQLite file, the shared test Redis with a fresh queue prefix, a fake Zalo API, and the real runtime. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const fake = new FakeZaloApi(() => clock.now());
  const fakeUrl = await fake.listen();
  const pair = fake.issueTokens();
  const dir = mkdtempSync(join(tmpdir(), 'cadrecare-test-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    ROLES: 'web,worker',
    PORT: '0',
    DATA_DIR: dir,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}`,
    ZALO_MODE: 'live',
    ZALO_APP_ID: TEST_APP_ID,
    ZALO_OA_ID: TEST_OA_ID,
    ZALO_APP_SECRET: 'test-app-secret',
    ZALO_OA_SECRET_KEY: TEST_OA_SECRET,
    ZALO_API_BASE: fakeUrl,
    ZALO_OAUTH_BASE: fakeUrl,
    ZALO_BUSINESS_API_BASE: fakeUrl,
    ZALO_ACCESS_TOKEN: pair.accessToken,
    ZALO_REFRESH_TOKEN: pair.refreshToken,
    ZALO_SEND_BACKOFF_MS: '20',
    OUTBOX_RECONCILE_INTERVAL_MS: '250',
    OUTBOX_RECONCILE_GRACE_MS: '0',
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const runtime = await startRuntime(loadConfig(env), {
    clock,
    logger: options.logger ?? createLogger(env.LOG_LEVEL!),
    mount: options.mount,
    noticeRenderers: options.noticeRenderers,
  });

  const deliver = async (event: { app_id: string; timestamp: string }) => {
    const signed = events.signEvent(event, TEST_OA_SECRET);
    return runtime.app.request('/webhooks/zalo', { method: 'POST', headers: signed.headers, body: signed.body });
  };
  return {
    runtime,
    fake,
    fakeUrl,
    clock,
    dir,
    env,
    deliver,
    say: (userId, text, msgId) => deliver(events.userTextEvent(ids, userId, text, clock.now(), msgId)),
    settled: async (userId) => {
      const lane = userLane(userId);
      await waitFor(
        () =>
          !runtime.store.db
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(eq(outbox.lane, lane), inArray(outbox.status, ['blocked', 'pending', 'queued'])))
            .get(),
        `replies to ${userId} finished`,
      );
      return fake.messagesTo(userId);
    },
    stop: async () => {
      await runtime.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { ManualClock, events };
