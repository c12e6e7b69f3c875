import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../auth/apiToken';
import { currentStaff, requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { pageParam } from '../../domain/shared/listing';
import { decideProxy, listProxies, ProxyDecision } from '../../domain/linking/proxies';
import { proxyStatuses } from '../../store/schema';
import { validate, IdParam } from '../validation';

/** /api/proxies: requests to act for a cadre, listed by status and approved or refused. */
export function proxyApiRoutes(deps: StaffDeps) {
  return new Hono<ApiEnv>()
    .get('/', requirePermission('proxies', 'decide'), validate('query', z.object({ status: z.enum([...proxyStatuses, 'all']).default('pending'), page: pageParam })), (c) => {
      const q = c.req.valid('query');
      const { items, window } = listProxies(deps.db, q.status, q.page);
      return c.json({ items, total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
    })
    .post(
      '/:id{[0-9]+}/decision',
      requirePermission('proxies', 'decide'),
      validate('param', IdParam),
      validate('json', z.object({ decision: ProxyDecision, note: z.string().trim().max(500).default('') })),
      (c) => {
        const { decision, note } = c.req.valid('json');
        const proxy = decideProxy(deps, currentStaff(c), c.req.valid('param').id, decision, note);
        return c.json({ proxy });
      },
    );
}
