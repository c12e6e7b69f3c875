import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
import { campaignEditRoutes } from './campaignEdit';
import { dayRoutes } from './dayRoutes';

/**
 * Changing days and campaigns from the campaign and day pages: close a clinic's day, remove empty slots, change
 * a slot's capacity, edit a campaign's name, dates and instructions. Each asks first and says how many cadres
 * will be told.
 */
export function clinicDayPages(deps: StaffDeps) {
  return staffSection(deps, [dayRoutes, campaignEditRoutes]);
}

export { DayNav, dayNotices, DaySlotsCard } from './dayCards';
export { holidayOverOpenDays } from './holiday';
