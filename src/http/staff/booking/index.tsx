import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
import { campaignRoutes } from './campaign';
import { campaignListRoutes } from './campaigns';
import { dayRoutes } from './day';
import { figureRoutes } from './figures';
import { holidayRoutes } from './holidays';

/** /staff/booking: exam campaigns, their slots, a clinic's day with attendance, exports, figures, holidays. */
export function bookingPages(deps: StaffDeps) {
  return staffSection(deps, [holidayRoutes, campaignListRoutes, campaignRoutes, dayRoutes, figureRoutes]);
}
