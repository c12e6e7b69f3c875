import { Hono } from 'hono';
import type { ApiEnv } from '../auth/apiToken';
import { requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { AuditQuery, searchAudit } from '../../domain/staff/auditSearch';
import { validate } from '../validation';

/** /api/audit: the audit log, searched. */
export function auditApiRoutes(deps: StaffDeps) {
  return new Hono<ApiEnv>()
    .get('/', requirePermission('audit', 'read'), validate('query', AuditQuery), (c) => {
      const r = searchAudit(deps.db, c.req.valid('query'));
      return c.json({ items: r.items.map((i) => ({ ...i.entry, actorUsername: i.username })), total: r.total, page: r.page, pages: r.pages });
    });
}
