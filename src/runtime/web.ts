import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { queueBoardRoutes } from '../http/admin/queues';
import { broadcastApi } from '../http/api/broadcasts';
import { createApp, type App, type AppDeps } from '../http/app';
import { devRoutes } from '../http/dev';
import { broadcastPages } from '../http/staff/broadcasts';
import type { StaffFeature } from '../http/feature';
import { invitationPages, INVITATIONS_PATH } from '../http/staff/invitations';
import { oaMenuPages, OA_MENU_PATH } from '../http/staff/oaMenu';
import { outreachPages, QUOTA_PATH, TEMPLATES_PATH } from '../http/staff/outreach';
import { reportPages } from '../http/staff/reports';
import { zaloConnectPages, ZALO_CONNECT_PATH } from '../http/staff/zaloConnect';
import { metricsRoutes } from '../metrics';
import { PendingConsents } from '../zalo/oauth';
import type { Parts } from './parts';

/**
 * The HTTP app: webhooks, staff pages and API, health, metrics, the queue board, and the simulator's pages in
 * simulator mode. Built in every role (tests call `app.request()`); served only in the web role.
 */
export function buildApp(parts: Parts, mount: AppDeps['mount'], selfUrl: () => string | undefined): App {
  const { config, settings, store, clock, logger, metrics, relay } = parts;
  // The simulator's pages (/dev/chat, /dev/mail); null outside simulator mode and in production. `selfUrl` is
  // read only when a page posts an event, after the server listens.
  const dev = devRoutes({ config, fakeZalo: parts.zalo.fakeZalo, clock, logger, selfUrl });
  return createApp({
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
    catalog: () => settings.catalog,
    afterCommit: parts.afterCommit,
    enqueueClaimed: (rows) => relay.enqueueClaimed(rows),
    commits: parts.commits,
    observeWebhook: metrics.observeWebhook,
    readiness: {
      sqlite: async () => store.sqlite.prepare('select 1 as ok').get() !== undefined,
      redis: async () => (await parts.producer.ping()) === 'PONG',
    },
    mount: (root) => {
      if (dev) root.route('/dev', dev);
      root.route('/metrics', metricsRoutes(metrics, config.metrics.token));
      root.route(
        '/admin/queues',
        queueBoardRoutes({
          session: { db: store.db, now: () => clock.now(), secret: settings.sessionSecret, ttlMs: config.staff.sessionTtlMs, secure: config.staff.secureCookies },
          committeeName: config.committee.name,
          queues: [...Object.values(parts.queues), parts.broadcasts.queue],
        }),
      );
      mount?.(root);
    },
    staff: {
      sessionSecret: settings.sessionSecret,
      sessionTtlMs: config.staff.sessionTtlMs,
      secureCookies: config.staff.secureCookies,
      publicBaseUrl: config.http.publicBaseUrl,
      importMaxBytes: config.staff.importMaxBytes,
      apiJsonMaxBytes: config.staff.apiJsonMaxBytes,
      uploadDir: config.staff.uploadDir,
      committee: config.committee,
      handoffTimeoutMs: config.requests.handoffTimeoutMs,
      features: () => runtimeFeatures(parts),
    },
  });
}

/** The staff features that need more than StaffDeps: the Zalo connection, broadcasts, outreach and reports. */
function runtimeFeatures(parts: Parts): StaffFeature[] {
  const { config, store, clock, logger } = parts;
  const committeeName = config.committee.name;
  const outreach = { db: store.db, clock, committeeName, templates: config.zalo.templates, templateDailyQuota: config.zalo.templateDailyQuota, prices: config.prices };
  const broadcasts = {
    db: store.db,
    clock,
    logger,
    committeeName,
    classScheme: config.committee.classScheme,
    templates: config.zalo.templates,
    prices: config.prices,
    afterCommit: parts.afterCommit,
  };
  const zaloConnect = {
    db: store.db,
    clock,
    logger,
    committeeName,
    mode: config.zalo.mode,
    appId: config.zalo.appId,
    oauthBase: parts.zalo.oauthBase,
    publicBaseUrl: config.http.publicBaseUrl,
    expectedOaId: config.zalo.expectedOaId,
    consents: new PendingConsents(store.db, () => clock.now()),
    exchangeCode: (code: string, verifier: string) => parts.zalo.zalo.exchangeCode(code, verifier),
  };
  return [
    {
      path: '/broadcasts',
      pages: broadcastPages(broadcasts),
      api: broadcastApi(broadcasts),
      nav: [{ href: '/staff/broadcasts', label: 'Thông báo chung', permission: ['broadcasts', 'manage'], order: 45 }],
    },
    {
      path: '/zalo',
      pages: zaloConnectPages(zaloConnect),
      nav: [{ href: ZALO_CONNECT_PATH, label: 'Kết nối Zalo OA', permission: ['oaConnection', 'manage'], order: 85 }],
    },
    {
      path: '/zalo-menu',
      pages: oaMenuPages({ committeeName }),
      nav: [{ href: OA_MENU_PATH, label: 'Menu Zalo OA', permission: ['oaConnection', 'manage'], order: 86 }],
    },
    {
      path: '/outreach',
      pages: outreachPages(outreach),
      nav: [
        { href: QUOTA_PATH, label: 'Hạn mức tin mẫu', permission: ['outreach', 'read'], order: 62 },
        { href: TEMPLATES_PATH, label: 'Mẫu tin Zalo', permission: ['outreach', 'manageTemplates'], order: 63 },
      ],
    },
    {
      path: '/outreach/invitations',
      pages: invitationPages(outreach),
      nav: [{ href: INVITATIONS_PATH, label: 'Mời qua số điện thoại', permission: ['outreach', 'read'], order: 64 }],
    },
    {
      path: '/reports',
      pages: reportPages({ db: store.db, clock, committeeName, classScheme: config.committee.classScheme, organisation: config.committee, prices: config.prices }),
      nav: [{ href: '/staff/reports', label: 'Báo cáo', permission: ['reports', 'read'], order: 60 }],
    },
  ];
}

/** The web role: serves the app on HOST:PORT; returns the address it listens on. */
export async function serveApp(parts: Parts, app: App): Promise<string> {
  const { config } = parts;
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, () => resolve(s));
  });
  parts.cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  );
  return `http://${config.http.host}:${(server.address() as AddressInfo).port}`;
}

/** A worker-only process has no web server: it serves /metrics alone when METRICS_PORT is set. */
export function serveMetricsAlone(parts: Parts, port: number): void {
  const { config } = parts;
  const server = serve({ fetch: new Hono().route('/metrics', metricsRoutes(parts.metrics, config.metrics.token)).fetch, hostname: config.http.host, port });
  parts.cleanups.push(() => new Promise<void>((resolve) => void server.close(() => resolve())));
}
