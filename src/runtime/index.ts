import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock';
import type { Config } from '../config';
import type { NoticeRenderers } from '../domain/outreach/notices';
import { createMailer, type Mailer } from '../email/mailer';
import type { App, AppDeps } from '../http/app';
import { createBroadcastJobs, type BroadcastJobs } from '../jobs/broadcast';
import { OutboxRelay } from '../jobs/outboxRelay';
import { closeQueues, createQueues, type Queues } from '../jobs/queues';
import { reconcileOutbox, type ReconcilerDeps } from '../jobs/reconciler';
import { producerConnection, startPrivateRedis, workerConnection } from '../jobs/redis';
import { createLogger, type Logger } from '../logger';
import { createMetrics } from '../metrics';
import { CommitBatcher } from '../store/commitBatcher';
import { openStore, type Store } from '../store/db';
import type { AfterCommit } from '../store/outbox';
import type { ZaloClient } from '../zalo/client';
import type { FakeZaloApi } from '../zalo/fakeApi';
import type { OaTokenManager } from '../zalo/tokens';
import { Cleanups } from './cleanups';
import type { Parts } from './parts';
import { deriveSettings, type Settings } from './settings';
import { setCommitteeWord } from '../domain/shared/organisation';
import { buildApp, serveApp, serveMetricsAlone } from './web';
import { startWorkerRole } from './worker';
import { startZalo } from './zalo';

export interface RuntimeOverrides {
  logger?: Logger;
  clock?: Clock;
  /** Use this fake instead of starting one (simulator mode) or talking to Zalo (tests). */
  fakeZalo?: FakeZaloApi;
  /** Extra notice renderers (tests). */
  noticeRenderers?: NoticeRenderers;
  /** Extra routes for the HTTP app (simulator and staff pages). */
  mount?: AppDeps['mount'];
}

export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  mailer: Mailer;
  app: App;
  queues: Queues;
  relay: OutboxRelay;
  zalo: ZaloClient;
  tokens: OaTokenManager;
  /** The simulator's fake Zalo API, when the runtime runs one. */
  fakeZalo?: FakeZaloApi;
  /** Broadcast send queue (and its worker in the worker role). */
  broadcasts: BroadcastJobs;
  redisUrl: string;
  /** Base URL of the HTTP server, when the web role listens. */
  url?: string;
  reconcile(): Promise<Awaited<ReturnType<typeof reconcileOutbox>>>;
  stop(): Promise<void>;
}

/**
 * Builds and starts the service from a validated config: SQLite, Redis (private child when REDIS_URL is
 * unset), the Zalo client, queues, relay, and the roles the config names (worker.ts, web.ts). `stop()` shuts
 * down in the order server -> workers -> queues -> Redis -> SQLite.
 */
export async function startRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const cleanups = new Cleanups(logger);
  setCommitteeWord(config.committee.kindLabel);
  try {
    const parts = await startParts(config, deriveSettings(config), logger, clock, cleanups, overrides.fakeZalo);
    if (config.roles.has('worker')) startWorkerRole(parts, overrides.noticeRenderers);
    let url: string | undefined;
    const app = buildApp(parts, overrides.mount, () => url);
    if (config.roles.has('web')) url = await serveApp(parts, app);
    else if (config.metrics.port) serveMetricsAlone(parts, config.metrics.port);

    let stopping: Promise<void> | null = null;
    return {
      config,
      logger,
      clock,
      store: parts.store,
      mailer: parts.mailer,
      app,
      queues: parts.queues,
      relay: parts.relay,
      zalo: parts.zalo.zalo,
      tokens: parts.zalo.tokens,
      fakeZalo: parts.zalo.fakeZalo,
      broadcasts: parts.broadcasts,
      redisUrl: parts.redisUrl,
      url,
      reconcile: async () => {
        const report = await reconcileOutbox(parts.reconciler);
        await parts.broadcasts.reconcile();
        return report;
      },
      stop: () => (stopping ??= cleanups.run()),
    };
  } catch (err) {
    await cleanups.run();
    throw err;
  }
}

/** What every role shares, started in shutdown-reverse order: SQLite, mail, Redis, Zalo, queues, broadcasts. */
async function startParts(config: Config, settings: Settings, logger: Logger, clock: Clock, cleanups: Cleanups, fakeZalo?: FakeZaloApi): Promise<Parts> {
  const store = openStore(config.databaseFile);
  cleanups.push(() => store.close());
  // One group committer per connection: webhook turns and broadcast sends share commits under load.
  const commits = new CommitBatcher(store.db);
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, dir: config.mail.dir });
  cleanups.push(() => mailer.close());

  let redisUrl = config.redis.url;
  if (!redisUrl) {
    const redis = await startPrivateRedis({ bin: config.redis.serverBin, dataDir: config.redis.dataDir });
    cleanups.push(() => redis.stop());
    redisUrl = redis.url;
  }

  // The one hook after a transaction wrote outbox rows: the relay moves them to the queues now. It is set once
  // the relay exists; until then (nothing commits before) the reconciler would carry them.
  let relay: OutboxRelay | undefined;
  const afterCommit: AfterCommit = (claimed) => {
    if (claimed?.length) relay?.enqueueClaimed(claimed);
    relay?.kick();
  };
  const zalo = await startZalo({ config, settings, store, clock, logger, cleanups, commits, afterCommit, fakeZalo });

  const producer: Redis = producerConnection(redisUrl);
  producer.on('error', (err) => logger.warn({ err: err.message }, 'redis producer error'));
  cleanups.push(() => void producer.disconnect());
  const queues = createQueues(producer, config.queuePrefix, logger);
  cleanups.push(() => closeQueues(queues));
  await Promise.all(Object.values(queues).map((q) => q.waitUntilReady()));

  relay = new OutboxRelay({ db: store.db, queues, clock, logger, retry: settings.retry, commits });
  const reconciler: ReconcilerDeps = {
    db: store.db,
    queues,
    clock,
    logger,
    retry: settings.retry,
    commits,
    graceMs: config.outbox.reconcileGraceMs,
    dedupeRetentionMs: settings.dedupeRetentionMs,
  };
  const broadcasts = startBroadcastJobs({ config, settings, store, clock, logger, cleanups, commits, mailer, redisUrl, producer, zalo });
  const metrics = createMetrics({ db: store.db, queues: [...Object.values(queues), broadcasts.queue], now: () => clock.now(), logger });
  return { config, settings, logger, clock, store, commits, mailer, redisUrl, producer, queues, relay, reconciler, broadcasts, metrics, zalo, afterCommit, cleanups };
}

/** Broadcasts: the fan-out goes through the outbox; sends have their own rate-limited queue (jobs/broadcast.ts). */
function startBroadcastJobs(p: Omit<Parts, 'queues' | 'relay' | 'reconciler' | 'broadcasts' | 'metrics' | 'afterCommit'>): BroadcastJobs {
  const { config, settings, logger } = p;
  const connection = config.roles.has('worker') ? workerConnection(p.redisUrl) : null;
  connection?.on('error', (err) => logger.warn({ err: err.message }, 'redis broadcast worker connection error'));
  const jobs = createBroadcastJobs({
    db: p.store.db,
    clock: p.clock,
    logger,
    producer: p.producer,
    workerConnection: connection,
    prefix: config.queuePrefix,
    retry: settings.retry,
    ...config.broadcast,
    send: {
      zalo: p.zalo.zalo,
      delivery: p.zalo.delivery,
      mailer: p.mailer,
      buttons: config.zalo.buttons,
      templates: config.zalo.templates,
      messageIdDomain: settings.messageIdDomain,
      staleClaimMs: settings.settleAfterMs,
      commits: p.commits,
      templateDailyQuota: config.zalo.templateDailyQuota,
    },
  });
  // Pushed in reverse of the shutdown order: the send worker closes before its connection.
  if (connection) p.cleanups.push(() => void connection.disconnect());
  p.cleanups.push(() => jobs.close());
  return jobs;
}

/** Stops the runtime on SIGTERM or SIGINT, then exits; a stop that hangs is cut off after 15 s. */
export function stopOnSignals(runtime: Runtime): void {
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    runtime.logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 15_000).unref();
    runtime.stop().then(
      () => process.exit(0),
      (err) => {
        runtime.logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
