import type { Hono } from 'hono';
import type { ApiEnv } from './auth/apiToken';
import type { StaffEnv } from './auth/session';
import type { NavItem } from './staff/layout';

/**
 * One staff feature as the app mounts it: its pages under /staff<path>, its API under /api<path> (or `apiPath`),
 * and its entries in the navigation. Every feature is in one list (staffFeatures, plus the runtime's own), mounted
 * by one loop, so a feature is added in one place.
 */
export interface StaffFeature {
  path: string;
  // Each feature's app has its own route schema; the list only mounts them.
  pages?: Hono<StaffEnv, any, any>;
  api?: Hono<ApiEnv, any, any>;
  /** Where the API mounts when its routes name their own resources ('/'). */
  apiPath?: string;
  nav?: NavItem[];
}
