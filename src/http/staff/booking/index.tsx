import { Hono } from 'hono';
import type { StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { campaignRoutes } from './campaign';
import { campaignListRoutes } from './campaigns';
import { dayRoutes } from './day';
import { figureRoutes } from './figures';
import { holidayRoutes } from './holidays';

/** /staff/booking: exam campaigns, their slots, a clinic's day with attendance, exports, figures, holidays. */
export function bookingPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .route('/', holidayRoutes(deps))
    .route('/', campaignListRoutes(deps))
    .route('/', campaignRoutes(deps))
    .route('/', dayRoutes(deps))
    .route('/', figureRoutes(deps));
}
