import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Worker } from 'bullmq';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createApp, type App, type AppDeps } from './http/app';
import { devRoutes } from './http/dev';
import { OutboxRelay } from './jobs/outboxRelay';
import { closeQueues, createQueues, type Queues } from './jobs/queues';
import { reconcileOutbox, startReconciler, type ReconcilerDeps } from './jobs/reconciler';
import { producerConnection, startPrivateRedis, workerConnection, type RedisHandle } from './jobs/redis';
import { startWorkers } from './jobs/workers';
import { ZaloDelivery } from './jobs/zaloDelivery';
import { createBroadcastJobs, startBroadcastReconciler, type BroadcastJobs } from './jobs/broadcast';
import { broadcastApi } from './http/api/broadcasts';
import { broadcastPages } from './http/staff/broadcasts';
import { queueNoticeRenderers } from './domain/attendance/queueNotices';
import { scheduleNextCallList } from './domain/attendance/callListMail';
import type { RequestJobDeps } from './jobs/requests';
import { outboxHandlers } from './jobs/handlers';
import type { AftercareJobDeps } from './jobs/aftercare';
import { ackKeyFrom } from './domain/requests/ackLinks';
import type { RequestPolicy } from './domain/requests/sla';
import { noticeRenderers } from './domain/outreach/noticeRenderers';
import type { NoticeRenderers } from './domain/outreach/notices';
import { createMailer, type Mailer } from './email/mailer';
import { createLogger, type Logger } from './logger';
import { resolveSessionSecret } from './http/auth/secret';
import { inTransaction, openStore, type Store } from './store/db';
import { CommitBatcher } from './store/commitBatcher';
import { oaTokens } from './store/schema';
import { ZaloClient } from './zalo/client';
import { InteractionCheck } from './zalo/interactionCheck';
import { FakeZaloApi } from './zalo/fakeApi';
import { OaTokenManager, saveTokenPair } from './zalo/tokens';
import { createMetrics, metricsRoutes } from './metrics';
import { queueBoardRoutes } from './http/admin/queues';
import { zaloConnectPages } from './http/staff/zaloConnect';
import { oaMenuPages } from './http/staff/oaMenu';
import { outreachPages } from './http/staff/outreach';
import { invitationPages } from './http/staff/invitations';
import { reportPages } from './http/staff/reports';
import { PendingConsents } from './zalo/oauth';
import { alertAdminsOfTokenFailure } from './zalo/tokenAlerts';

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
 * unset), the Zalo client, queues, relay, and the roles the config names. `stop()` shuts down in the order
 * server -> workers -> queues -> Redis -> SQLite.
 */
export async function startRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'shutdown step failed');
      }
    }
  };

  try {
    const store = openStore(config.databaseFile);
    cleanups.push(() => store.close());

    // One group committer per connection: webhook turns and broadcast sends share commits under load.
    const commits = new CommitBatcher(store.db);
    const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, dir: config.mail.dir });
    cleanups.push(() => mailer.close());

    let redisHandle: RedisHandle | undefined;
    const redisUrl = config.redis.url ?? (redisHandle = await startPrivateRedis({ bin: config.redis.serverBin, dataDir: config.redis.dataDir })).url;
    if (redisHandle) cleanups.push(() => redisHandle!.stop());

    // Zalo: the real API, or the fake that speaks its contract (simulator mode and tests).
    let fakeZalo = overrides.fakeZalo;
    let apiBase = config.zalo.apiBase;
    let oauthBase = config.zalo.oauthBase;
    let businessBase = config.zalo.businessBase;
    if (config.zalo.mode === 'simulator' && !fakeZalo) {
      fakeZalo = new FakeZaloApi(() => clock.now());
      const base = await fakeZalo.listen();
      const fake = fakeZalo;
      cleanups.push(() => fake.close());
      apiBase = oauthBase = businessBase = base;
      // The simulator's fake lives in memory and knows only the tokens it issued this time: store its pair.
      saveTokenPair(store.db, fakeZalo.issueTokens(), clock.now());
    }
    if (config.zalo.mode === 'simulator' && fakeZalo && !store.db.select().from(oaTokens).get()) {
      saveTokenPair(store.db, fakeZalo.issueTokens(), clock.now());
    }
    if (config.zalo.bootstrapAccessToken && config.zalo.bootstrapRefreshToken && !store.db.select().from(oaTokens).get()) {
      saveTokenPair(
        store.db,
        { accessToken: config.zalo.bootstrapAccessToken, refreshToken: config.zalo.bootstrapRefreshToken, expiresIn: 90_000 },
        clock.now(),
      );
    }

    let zaloRef: ZaloClient | undefined;
    const tokens = new OaTokenManager({
      db: store.db,
      clock,
      logger,
      refresh: (refreshToken) => zaloRef!.refreshAccessToken(refreshToken),
      onRefreshFailed: (err) => {
        logger.error({ code: err.code }, 'OA token refresh needs an OA admin to reconnect');
        try {
          const ids = alertAdminsOfTokenFailure(store.db, err, clock.now(), { committeeName: config.committee.name, publicBaseUrl: config.http.publicBaseUrl });
          if (ids.length) relay.kick();
        } catch (alertErr) {
          logger.error({ err: (alertErr as Error).message }, 'could not queue the OA token alert');
        }
      },
    });
    const zalo = new ZaloClient(
      { apiBase, oauthBase, businessBase, appId: config.zalo.appId, appSecret: config.zalo.appSecret, timeoutMs: config.zalo.httpTimeoutMs },
      tokens,
    );
    zaloRef = zalo;
    // Every Zalo send settles an attempt left in flight before sending again. An attempt is settled once older
    // than two HTTP timeouts: by then its call has surely ended, on our side and on Zalo's.
    const settleAfterMs = 2 * config.zalo.httpTimeoutMs + 1_000;
    const delivery = new ZaloDelivery({ db: store.db, clock, logger, zalo, settleAfterMs, receiptWaitMs: config.zalo.receiptWaitMs });
    const interactions = new InteractionCheck(zalo, config.zalo.quotaCacheMs, () => clock.now());

    const producer: Redis = producerConnection(redisUrl);
    producer.on('error', (err) => logger.warn({ err: err.message }, 'redis producer error'));
    cleanups.push(() => void producer.disconnect());
    const queues = createQueues(producer, config.queuePrefix, logger);
    cleanups.push(() => closeQueues(queues));
    await Promise.all(Object.values(queues).map((q) => q.waitUntilReady()));

    const retry = { attempts: config.zaloSend.attempts, backoffMs: config.zaloSend.backoffMs };
    const relay = new OutboxRelay({ db: store.db, queues, clock, logger, retry });
    const reconcilerDeps: ReconcilerDeps = {
      db: store.db,
      queues,
      clock,
      logger,
      retry,
      graceMs: config.outbox.reconcileGraceMs,
      dedupeRetentionMs: Math.max(config.webhook.replayWindowMs * 2, 48 * 3600_000),
    };

    const messageIdDomain = new URL(config.http.publicBaseUrl).hostname;
    const requestPolicy: RequestPolicy = {
      urgentAckMs: config.requests.urgentAckMs,
      urgentHeadMs: config.requests.urgentHeadMs,
      normalAckWorkingMs: config.requests.normalAckWorkingMs,
      workingHours: config.requests.workingHours,
    };
    const requestJobs: RequestJobDeps = {
      db: store.db,
      clock,
      logger,
      handoffTimeoutMs: config.requests.handoffTimeoutMs,
      escalation: {
        policy: requestPolicy,
        // Acknowledge links are signed with a key derived from the staff session secret.
        ackKey: ackKeyFrom(resolveSessionSecret(config.staff.sessionSecret, config.staff.sessionSecretFile)),
        publicBaseUrl: config.http.publicBaseUrl,
        ackLinkTtlMs: config.requests.ackLinkTtlMs,
        fallbackEmail: config.requests.fallbackEmail,
        committeeName: config.committee.name,
      },
    };
    const aftercareJobs: AftercareJobDeps = { db: store.db, clock, logger, waitlistOfferMs: config.aftercare.waitlistOfferMs, policy: requestPolicy };
    // Broadcasts: the fan-out goes through the outbox; sends have their own rate-limited queue (jobs/broadcast.ts).
    const broadcastConnection = config.roles.has('worker') ? workerConnection(redisUrl) : null;
    broadcastConnection?.on('error', (err) => logger.warn({ err: err.message }, 'redis broadcast worker connection error'));
    const broadcastJobs = createBroadcastJobs({
      db: store.db,
      clock,
      logger,
      producer,
      workerConnection: broadcastConnection,
      prefix: config.queuePrefix,
      retry,
      ...config.broadcast,
      send: {
        zalo,
        delivery,
        mailer,
        buttons: config.zalo.buttons,
        templates: config.zalo.templates,
        messageIdDomain: new URL(config.http.publicBaseUrl).hostname,
        staleClaimMs: settleAfterMs,
        commits,
        templateDailyQuota: config.zalo.templateDailyQuota,
      },
    });
    // Pushed in reverse of the shutdown order: the send worker closes before its connection.
    if (broadcastConnection) cleanups.push(() => void broadcastConnection.disconnect());
    cleanups.push(() => broadcastJobs.close());

    const metrics = createMetrics({ db: store.db, queues: [...Object.values(queues), broadcastJobs.queue], now: () => clock.now(), logger });

    if (config.roles.has('worker')) {
      const connection = workerConnection(redisUrl);
      connection.on('error', (err) => logger.warn({ err: err.message }, 'redis worker connection error'));
      const workers: Worker[] = startWorkers(
        {
          db: store.db,
          clock,
          logger,
          relay,
          concurrency: { 'zalo-send': config.zaloSend.concurrency, 'email-send': 4, notices: config.zaloSend.concurrency },
          backoffMs: config.zaloSend.backoffMs,
          lockMs: config.outbox.lockMs,
          handlers: outboxHandlers({
            zaloSend: { db: store.db, clock, logger, delivery, buttons: config.zalo.buttons },
            emailSend: { db: store.db, clock, mailer, messageIdDomain },
            zaloProfile: { db: store.db, clock, logger, zalo },
            mailErase: { db: store.db, clock, logger, dir: mailer.kind === 'file' ? config.mail.dir : null },
            broadcasts: broadcastJobs,
            requests: requestJobs,
            aftercare: aftercareJobs,
            nudge: { db: store.db, clock, logger },
            callList: { db: store.db, clock, logger, hour: config.attendance.callListHour, publicBaseUrl: config.http.publicBaseUrl },
            notice: {
              db: store.db,
              clock,
              logger,
              delivery,
              mailer,
              buttons: config.zalo.buttons,
              renderers: { ...noticeRenderers, ...queueNoticeRenderers(config.attendance.queue), ...overrides.noticeRenderers },
              templates: config.zalo.templates,
              messageIdDomain,
              prices: config.prices,
              interactions,
              templateDailyQuota: config.zalo.templateDailyQuota,
            },
          }),
        },
        connection,
        config.queuePrefix,
      );
      // The next call list of unconfirmed bookings; each list schedules the one after it.
      inTransaction(store.db, (tx) => scheduleNextCallList(tx, config.attendance.callListHour, clock.now()));
      const stopReconciler = startReconciler(reconcilerDeps, config.outbox.reconcileIntervalMs, (r) => metrics.recordReconcile(r));
      // Pushed in reverse of the shutdown order: workers close before the queues, the reconciler first of all.
      cleanups.push(() => void connection.disconnect());
      cleanups.push(() => Promise.all(workers.map((w) => w.close())).then(() => undefined));
      cleanups.push(stopReconciler);
      cleanups.push(startBroadcastReconciler(broadcastJobs, logger, config.outbox.reconcileIntervalMs));
      relay.kick();
    }

    // The simulator's pages (/dev/chat, /dev/mail); null outside simulator mode and in production. `url` is
    // read only when a page posts an event, after the server below listens.
    const dev = devRoutes({ config, fakeZalo, clock, logger, selfUrl: () => url });
    const outreachWeb = {
      db: store.db,
      clock,
      committeeName: config.committee.name,
      templates: config.zalo.templates,
      templateDailyQuota: config.zalo.templateDailyQuota,
      prices: config.prices,
    };
    const broadcastWeb = {
      db: store.db,
      clock,
      logger,
      committeeName: config.committee.name,
      classScheme: config.committee.classScheme,
      templates: config.zalo.templates,
      prices: config.prices,
      onCommitted: () => relay.kick(),
    };
    const zaloConnect = {
      db: store.db,
      clock,
      logger,
      committeeName: config.committee.name,
      mode: config.zalo.mode,
      appId: config.zalo.appId,
      oauthBase,
      publicBaseUrl: config.http.publicBaseUrl,
      expectedOaId: config.zalo.expectedOaId,
      consents: new PendingConsents(store.db, () => clock.now()),
      exchangeCode: (code: string, verifier: string) => zalo.exchangeCode(code, verifier),
    };
    const app = createApp({
      db: store.db,
      clock,
      logger,
      publicBaseUrl: config.http.publicBaseUrl,
      zaloWebhook: {
        appId: config.zalo.appId,
        oaSecretKey: config.zalo.oaSecretKey,
        replayWindowMs: config.webhook.replayWindowMs,
        maxSkewMs: config.webhook.maxSkewMs,
        maxBodyBytes: config.webhook.maxBodyBytes,
      },
      catalog: () => ({
        committeeName: config.committee.name,
        hotline: config.committee.hotline,
        requestInfoImageUrl: config.zalo.requestInfoImageUrl,
        requestSettings: { policy: requestPolicy, handoffTimeoutMs: config.requests.handoffTimeoutMs, publicBaseUrl: config.http.publicBaseUrl },
        queueSettings: config.attendance.queue,
      }),
      onCommitted: () => relay.kick(),
      enqueueClaimed: (rows) => relay.enqueueClaimed(rows),
      commits,
      observeWebhook: metrics.observeWebhook,
      readiness: {
        sqlite: async () => store.sqlite.prepare('select 1 as ok').get() !== undefined,
        redis: async () => (await producer.ping()) === 'PONG',
      },
      mount: (root) => {
        if (dev) root.route('/dev', dev);
        root.route('/metrics', metricsRoutes(metrics, config.metrics.token));
        root.route(
          '/admin/queues',
          queueBoardRoutes({
            session: {
              db: store.db,
              now: () => clock.now(),
              secret: resolveSessionSecret(config.staff.sessionSecret, config.staff.sessionSecretFile),
              ttlMs: config.staff.sessionTtlMs,
              secure: config.staff.secureCookies,
            },
            committeeName: config.committee.name,
            queues: [...Object.values(queues), broadcastJobs.queue],
          }),
        );
        overrides.mount?.(root);
      },
      staff: {
        sessionSecret: resolveSessionSecret(config.staff.sessionSecret, config.staff.sessionSecretFile),
        sessionTtlMs: config.staff.sessionTtlMs,
        secureCookies: config.staff.secureCookies,
        publicBaseUrl: config.http.publicBaseUrl,
        importMaxBytes: config.staff.importMaxBytes,
        apiJsonMaxBytes: config.staff.apiJsonMaxBytes,
        uploadDir: config.staff.uploadDir,
        committee: config.committee,
        handoffTimeoutMs: config.requests.handoffTimeoutMs,
        pages: {
          extend: (s) => {
            s.route('/broadcasts', broadcastPages(broadcastWeb));
            s.route('/zalo', zaloConnectPages(zaloConnect));
            s.route('/zalo-menu', oaMenuPages({ committeeName: config.committee.name }));
            s.route('/outreach', outreachPages(outreachWeb));
            s.route('/outreach/invitations', invitationPages(outreachWeb));
            s.route('/reports', reportPages({ db: store.db, clock, committeeName: config.committee.name, classScheme: config.committee.classScheme, organisation: config.committee, prices: config.prices }));
          },
        },
        api: { extend: (a) => void a.route('/broadcasts', broadcastApi(broadcastWeb)) },
      },
    });

    let url: string | undefined;
    if (config.roles.has('web')) {
      const server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, () => resolve(s));
      });
      url = `http://${config.http.host}:${(server.address() as AddressInfo).port}`;
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      );
    }

    // A worker-only process has no web server: it serves /metrics alone when METRICS_PORT is set.
    if (!config.roles.has('web') && config.metrics.port) {
      const metricsServer = serve({ fetch: new Hono().route('/metrics', metricsRoutes(metrics, config.metrics.token)).fetch, hostname: config.http.host, port: config.metrics.port });
      cleanups.push(() => new Promise<void>((resolve) => void metricsServer.close(() => resolve())));
    }

    let stopping: Promise<void> | null = null;
    return {
      config,
      logger,
      clock,
      store,
      mailer,
      app,
      queues,
      relay,
      zalo,
      tokens,
      fakeZalo,
      broadcasts: broadcastJobs,
      redisUrl,
      url,
      reconcile: async () => {
        const report = await reconcileOutbox(reconcilerDeps);
        await broadcastJobs.reconcile();
        return report;
      },
      stop: () => (stopping ??= runCleanups()),
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
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
