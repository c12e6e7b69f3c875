import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
import { detailRoutes } from './detail';
import { importRoutes } from './importRoutes';
import { listRoutes } from './list';

/** /staff/registry: list, detail, link/unlink, import, template, export. */
export function registryPages(deps: StaffDeps) {
  return staffSection(deps, [listRoutes, importRoutes, detailRoutes]);
}
