import type { Clock } from '../../../clock';
import type { Prices } from '../../../domain/outreach/prices';
import type { Db } from '../../../store/db';

export interface OutreachPageDeps {
  db: Db;
  clock: Clock;
  committeeName: string;
  /** ZALO_TEMPLATES */
  templates: Record<string, string>;
  templateDailyQuota: number;
  prices: Prices;
}

export const QUOTA_PATH = '/staff/outreach/quota';
export const TEMPLATES_PATH = '/staff/outreach/templates';
