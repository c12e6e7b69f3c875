import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
import { bookingRoutes } from './booking';
import { linkRoutes } from './link';
import { recordRoutes } from './record';
import { requestRoutes } from './request';

/**
 * Acting for one cadre from their page: book, move or cancel an exam (the chat's rules and capacity, the cadre
 * told), file a request for them, edit their record (history in the audit log), and link the Zalo account they
 * use by choosing it among the OA's recent users.
 */
export function cadreActingPages(deps: StaffDeps) {
  return staffSection(deps, [bookingRoutes, recordRoutes, requestRoutes, linkRoutes]);
}

export { ActingCard, actingNotices } from './shared';
