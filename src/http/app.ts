import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { ErrorBody } from '../errors';
import type { Logger } from '../logger';
import { answerHeaders, errorAnswer, logAccess } from './answers';
import { healthRoutes, type HealthDeps } from './health';
import { staticRoutes } from './static';
import { zaloWebhookRoutes, type ZaloWebhookDeps } from './webhooks/zalo';
import { zaloWebhookListener } from './webhooks/zaloNode';
import { requestAckRoutes } from './ack/requests';
import { apiRoutes } from './api';
import { staffFeatures } from './features';
import { staffRoutes, type StaffDeps, type StaffRoutesOptions } from './staff';
import type { StaffFeature } from './feature';
import { addStaffNavItem } from './staff/layout';

export type AppEnv = { Variables: RequestIdVariables };

export interface AppDeps extends ZaloWebhookDeps, HealthDeps {
  logger: Logger;
  /** The address users reach; https turns on Strict-Transport-Security. */
  publicBaseUrl?: string;
  /** Routes outside the staff features (simulator pages, metrics, the queue board, a test's own routes). */
  mount?: (app: Hono<AppEnv>) => void;
  /**
   * Staff pages (/staff) and the staff API (/api); absent in apps that serve only webhooks. `features` are the
   * runtime's own, mounted after the service's staffFeatures.
   */
  staff?: Omit<StaffDeps, 'db' | 'clock' | 'logger' | 'afterCommit' | 'catalog'> & {
    pages?: StaffRoutesOptions;
    features?: (deps: StaffDeps) => StaffFeature[];
  };
}

/**
 * The HTTP app: request id, access log, one error shape. Tests build it with their own deps and call
 * `app.request()`; the runtime serves it with @hono/node-server.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const https = deps.publicBaseUrl?.startsWith('https:') ?? false;
  nodeListeners.set(app, (served) => zaloWebhookListener(deps, https, served));
  app.use(answerHeaders(https));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logAccess(deps.logger, { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, started });
  });

  app.onError((err, c) => {
    const { status, body } = errorAnswer(err, c.get('requestId'), deps.logger);
    return c.json(body, status);
  });
  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'not_found', message: 'no such route', requestId: c.get('requestId') } }, 404));

  app.route('/', healthRoutes(deps));
  app.route('/webhooks/zalo', zaloWebhookRoutes(deps));
  app.route('/static', staticRoutes());
  if (deps.staff) {
    const { pages, features: moreFeatures, ...staffConfig } = deps.staff;
    const staffDeps: StaffDeps = { ...staffConfig, db: deps.db, clock: deps.clock, logger: deps.logger, afterCommit: deps.afterCommit, catalog: deps.catalog };
    const features = [...staffFeatures(staffDeps), ...(moreFeatures?.(staffDeps) ?? [])];
    for (const item of features.flatMap((f) => f.nav ?? [])) addStaffNavItem(item);
    app.route('/staff', staffRoutes(staffDeps, features, pages));
    app.route('/api', apiRoutes(staffDeps, features));
    app.route('/ack', requestAckRoutes(staffDeps));
    app.get('/', (c) => c.redirect('/staff', 302));
  }
  deps.mount?.(app);
  return app;
}

export type App = ReturnType<typeof createApp>;

/** What node serves in front of each app: Zalo's deliveries taken from node's request directly. */
const nodeListeners = new WeakMap<object, (served: RequestListener) => RequestListener>();

/** The app as a node request listener, Zalo's deliveries taken without the web Request and Response of the rest. */
export function nodeRequestListener(app: App): RequestListener {
  const served = getRequestListener(app.fetch);
  return nodeListeners.get(app)?.(served) ?? served;
}
