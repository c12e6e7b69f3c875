import { Hono } from 'hono';
import type { StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { conversationRoutes } from './conversation';
import { conversationListRoutes } from './conversationList';
import { detailRoutes } from './detail';
import { listRoutes } from './list';

/**
 * /staff/requests: the request inbox with an SLA clock (time left or overdue), filters by clinic, type and
 * state; a request with its timeline and the actions acknowledge / schedule / done / cancel; the
 * conversations with staff, each with its transcript, a reply box and a close button.
 */
export function requestPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .route('/', listRoutes(deps))
    .route('/', detailRoutes(deps))
    .route('/', conversationListRoutes(deps))
    .route('/', conversationRoutes(deps));
}
