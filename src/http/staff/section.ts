import { Hono } from 'hono';
import type { StaffEnv } from '../auth/session';

/**
 * One staff section (/staff/booking, /staff/results…) made of its route groups, each a file of related pages,
 * all mounted at the section's root in the order given.
 */
export function staffSection<Deps>(deps: Deps, groups: readonly ((deps: Deps) => Hono<StaffEnv>)[]): Hono<StaffEnv> {
  const section = new Hono<StaffEnv>();
  for (const group of groups) section.route('/', group(deps));
  return section;
}
