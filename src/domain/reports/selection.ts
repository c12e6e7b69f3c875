import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { campaigns, type Campaign } from '../../store/schema';
import { optionalVietnameseDateField } from '../shared/dates';
import { vietnamDate } from '../shared/quietHours';

export const ReportQuery = z
  .object({
    campaign: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
    from: optionalVietnameseDateField,
    to: optionalVietnameseDateField,
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { message: 'Ngày bắt đầu phải trước ngày kết thúc.', path: ['from'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** What a report covers: local dates (YYYY-MM-DD, both included), the chosen campaign if any, and the campaigns overlapping the dates. */
export interface ReportSelection {
  from: string;
  to: string;
  campaign: Campaign | null;
  covered: Campaign[];
}

const MAX_DAYS = 3 * 366;

/** Resolves the selection: a campaign (its dates), or a period (default: this year up to today). */
export function resolveSelection(db: DbOrTx, q: ReportQuery, now: number): ReportSelection {
  if (q.campaign) {
    const campaign = db.select().from(campaigns).where(eq(campaigns.id, q.campaign)).get();
    if (!campaign) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
    return { from: campaign.startDate, to: campaign.endDate, campaign, covered: [campaign] };
  }
  const today = vietnamDate(now);
  const from = q.from || `${today.slice(0, 4)}-01-01`;
  const to = q.to || (from > today ? from : today);
  if (from > to) throw new AppError('validation_failed', 'Ngày bắt đầu phải trước ngày kết thúc.');
  if (Date.parse(to) - Date.parse(from) > MAX_DAYS * 86_400_000) throw new AppError('validation_failed', 'Khoảng thời gian tối đa là 3 năm.');
  const covered = db
    .select()
    .from(campaigns)
    .where(and(lte(campaigns.startDate, to), gte(campaigns.endDate, from)))
    .orderBy(asc(campaigns.startDate))
    .all();
  return { from, to, campaign: null, covered };
}
