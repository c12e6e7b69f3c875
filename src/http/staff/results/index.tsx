import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
import { entryRoutes, resultRoutes } from './entry';
import { figureRoutes } from './figures';
import { importRoutes } from './import';
import { listRoutes } from './list';
import { personalDataRoutes } from './personalData';
import { releaseRoutes } from './release';

/** /staff/results: entry, release queue, import, figures, and a cadre's personal data (export, erasure). */
export function resultPages(deps: StaffDeps) {
  return staffSection(deps, [listRoutes, releaseRoutes, entryRoutes, importRoutes, figureRoutes, personalDataRoutes, resultRoutes]);
}
