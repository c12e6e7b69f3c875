import { Hono } from 'hono';
import type { StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { detailRoutes } from './detail';
import { importRoutes } from './importRoutes';
import { listRoutes } from './list';

/** /staff/registry: list, detail, link/unlink, import, template, export. */
export function registryPages(deps: StaffDeps) {
  return new Hono<StaffEnv>().route('/', listRoutes(deps)).route('/', importRoutes(deps)).route('/', detailRoutes(deps));
}
