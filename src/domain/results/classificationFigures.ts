import { z } from 'zod';
import type { DbOrTx } from '../../store/db';
import { clinicScope, type StaffIdentity } from '../staff/actor';
import { campaignNames, classificationMix } from './classificationMix';

export const ClassificationQuery = z.object({
  /** A campaign id, or "none" for results outside any campaign; all campaigns when absent. */
  campaignId: z.union([z.literal('none'), z.coerce.number().int().positive()]).optional(),
  unit: z.string().max(200).optional(),
});

/** The classification figures for a staff member (clinic_staff: their clinic's cadres only). */
export function classificationFor(deps: { db: DbOrTx }, staff: StaffIdentity, q: z.infer<typeof ClassificationQuery>) {
  const mix = classificationMix(deps.db, {
    campaignId: q.campaignId === undefined ? undefined : q.campaignId === 'none' ? null : q.campaignId,
    unit: q.unit || undefined,
    clinicId: clinicScope(staff) ?? undefined,
  });
  const names = campaignNames(deps.db, mix.byCampaign.map((r) => r.campaignId));
  const named = <T extends { campaignId: number | null }>(r: T) => ({ ...r, campaignName: r.campaignId === null ? null : (names.get(r.campaignId) ?? null) });
  return { rows: mix.rows.map(named), byCampaign: mix.byCampaign.map(named), total: mix.total };
}
