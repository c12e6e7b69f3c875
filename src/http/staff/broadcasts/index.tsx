import { Hono } from 'hono';
import type { BroadcastWebDeps } from '../../../domain/broadcasts/manage';
import { requirePermission, type StaffEnv } from '../../auth/session';
import { composeRoutes } from './compose';
import { detailRoutes } from './detail';

/** /staff/broadcasts: compose with a preview, follow progress live, pause / resume / cancel, export results. */
export function broadcastPages(deps: BroadcastWebDeps) {
  return new Hono<StaffEnv>()
    .use(requirePermission('broadcasts', 'manage'))
    .route('/', composeRoutes(deps))
    .route('/', detailRoutes(deps));
}
