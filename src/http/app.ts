import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { AppError, type ErrorBody } from '../errors';
import type { Logger } from '../logger';
import { healthRoutes, type HealthDeps } from './health';
import { staticRoutes } from './static';
import { zaloWebhookRoutes, type ZaloWebhookDeps } from './webhooks/zalo';
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
  app.use(requestId());
  app.use(securityHeaders(deps.publicBaseUrl?.startsWith('https:') ?? false));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const level = c.res.status >= 500 ? 'error' : 'debug';
    // The access line is built only when it is written: at info level (production) most requests log nothing.
    if (!deps.logger.isLevelEnabled(level)) return;
    deps.logger[level]({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'http');
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof AppError) {
      return c.json<ErrorBody>({ error: { code: err.code, message: err.message, requestId, details: err.details } }, err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json<ErrorBody>({ error: { code: 'bad_request', message: err.message, requestId } }, err.status);
    }
    deps.logger.error({ requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unhandled error');
    return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal error', requestId } }, 500);
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

/**
 * Headers on every answer: a Content-Security-Policy with scripts from this origin only (no inline script) and
 * no framing, nosniff, no Referer (acknowledge links carry a token), HSTS when served over https. Every
 * answer but the static files is `Cache-Control: no-store`: pages, API answers and exports name people.
 */
function securityHeaders(https: boolean) {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      // 'self', not 'none': Bull Board's page sets <base href="/admin/queues/"> for its assets.
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
  });
  return createMiddleware(async (c, next) => {
    await headers(c, async () => {
      await next();
      // On the answer's own headers: c.header() after the handler would rebuild the answer as a streamed
      // web Response, which costs every webhook delivery a body stream.
      if (!c.req.path.startsWith('/static/') && !c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
    });
  });
}
