import { Hono } from 'hono';
import type { StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { entryRoutes, resultRoutes } from './entry';
import { figureRoutes } from './figures';
import { importRoutes } from './import';
import { listRoutes } from './list';
import { personalDataRoutes } from './personalData';
import { releaseRoutes } from './release';

/** /staff/results: entry, release queue, import, figures, and a cadre's personal data (export, erasure). */
export function resultPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .route('/', listRoutes(deps))
    .route('/', releaseRoutes(deps))
    .route('/', entryRoutes(deps))
    .route('/', importRoutes(deps))
    .route('/', figureRoutes(deps))
    .route('/', personalDataRoutes(deps))
    .route('/', resultRoutes(deps));
}
