import type { StaffDeps } from '../../deps';
import { staffSection } from '../section';
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
  return staffSection(deps, [listRoutes, detailRoutes, conversationListRoutes, conversationRoutes]);
}
