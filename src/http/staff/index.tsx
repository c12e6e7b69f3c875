import { uploadLimit } from '../validation';
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../../errors';
import { LoginPage, loginRoutes, safeNext } from '../auth/login';
import { LoginRateLimiter } from '../auth/rateLimit';
import { csrfGuard, loadSession, type StaffEnv } from '../auth/session';
import type { StaffDeps } from '../deps';
import { errorPage } from './ui';
import type { StaffFeature } from '../feature';

export type { StaffDeps } from '../deps';

export interface StaffRoutesOptions {
  limiter?: LoginRateLimiter;
}

/**
 * /staff: server-rendered pages for committee and clinic staff. Order: body size limit, origin check,
 * session, per-session CSRF token on every POST, then the feature pages. Errors become Vietnamese pages;
 * a page that needs a login answers 401 with the login form.
 */
export function staffRoutes(deps: StaffDeps, features: readonly StaffFeature[], opts: StaffRoutesOptions = {}) {
  const limiter = opts.limiter ?? new LoginRateLimiter(deps.db, deps.clock);
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const app = new Hono<StaffEnv>();

  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.code === 'unauthorized' && c.req.method === 'GET') {
        const next = safeNext(c.req.path + (new URL(c.req.url).search || ''));
        return c.html(<LoginPage committeeName={deps.committee.name} next={next} notice="Vui lòng đăng nhập để tiếp tục." />, 401);
      }
      return errorPage(c, deps.committee.name, err);
    }
    if (err instanceof HTTPException && err.status === 403) {
      return errorPage(c, deps.committee.name, new AppError('forbidden', 'Yêu cầu bị từ chối vì không gửi từ trang của hệ thống. Vui lòng tải lại trang và thử lại.'));
    }
    if (err instanceof HTTPException && err.status < 500) {
      return errorPage(c, deps.committee.name, new AppError('bad_request', 'Yêu cầu chưa hợp lệ.'));
    }
    deps.logger.error({ requestId: c.get('requestId'), err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'staff page error');
    return errorPage(c, deps.committee.name, new AppError('internal', 'Hệ thống gặp sự cố. Vui lòng thử lại sau ít phút.'));
  });

  app.use(csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin }));
  app.use(loadSession({ db: deps.db, now: () => deps.clock.now(), secret: deps.sessionSecret, ttlMs: deps.sessionTtlMs, secure: deps.secureCookies }));
  // After the session (a cookie, no body read) so a too-large file is answered inside the staff member's page.
  app.use(uploadLimit(deps.importMaxBytes));
  app.use(csrfGuard((path) => path === '/staff/login'));

  app.route('/', loginRoutes(deps, limiter));
  for (const feature of features) if (feature.pages) app.route(feature.path, feature.pages);
  app.all('*', (c) => errorPage(c, deps.committee.name, new AppError('not_found', 'Không có trang này.')));
  return app;
}
