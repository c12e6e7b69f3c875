import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { cadres, campaigns, examResults, healthClasses, type HealthClass } from '../../store/schema';
import { classCodes, type ClassSchemeId } from './classification';

export type ClassKey = HealthClass | 'none';
const classKeys: ClassKey[] = [...healthClasses, 'none'];

/**
 * The columns of a classification mix: the active scheme's classes, then any class of another scheme that
 * results still hold (stored under the scheme of their day), then "not classified".
 */
export function mixColumns(scheme: ClassSchemeId, totals: Record<ClassKey, number>): ClassKey[] {
  const active = classCodes(scheme);
  return [...active, ...healthClasses.filter((k) => !active.includes(k) && totals[k] > 0), 'none'];
}

export interface ClassificationRow {
  campaignId: number | null;
  unit: string;
  total: number;
  counts: Record<ClassKey, number>;
  /** Share of `total`, 0..1, rounded to 4 places. */
  shares: Record<ClassKey, number>;
}

const emptyCounts = (): Record<ClassKey, number> => Object.fromEntries(classKeys.map((k) => [k, 0])) as Record<ClassKey, number>;
function withShares(campaignId: number | null, unit: string, counts: Record<ClassKey, number>): ClassificationRow {
  const total = classKeys.reduce((s, k) => s + counts[k], 0);
  const shares = emptyCounts();
  for (const k of classKeys) shares[k] = total ? Math.round((counts[k] / total) * 10_000) / 10_000 : 0;
  return { campaignId, unit, total, counts, shares };
}

/**
 * The classification mix of released results (one per chain: corrections count once), per campaign and
 * unit, with totals per campaign and overall. Counts only: no names, no texts.
 */
export function classificationMix(
  db: DbOrTx,
  q: { campaignId?: number | null; unit?: string; clinicId?: number | null },
): { rows: ClassificationRow[]; byCampaign: ClassificationRow[]; total: ClassificationRow } {
  const where: SQL[] = [eq(examResults.status, 'released')];
  if (q.campaignId !== undefined) where.push(q.campaignId === null ? isNull(examResults.campaignId) : eq(examResults.campaignId, q.campaignId));
  if (q.unit !== undefined) where.push(eq(cadres.unit, q.unit));
  if (q.clinicId !== undefined && q.clinicId !== null) where.push(eq(cadres.clinicId, q.clinicId));
  const grouped = db
    .select({ campaignId: examResults.campaignId, unit: cadres.unit, healthClass: examResults.healthClass, n: sql<number>`count(*)` })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .where(and(...where))
    .groupBy(examResults.campaignId, cadres.unit, examResults.healthClass)
    .all();
  const cells = new Map<string, { campaignId: number | null; unit: string; counts: Record<ClassKey, number> }>();
  const campaigns = new Map<string, { campaignId: number | null; counts: Record<ClassKey, number> }>();
  const overall = emptyCounts();
  for (const g of grouped) {
    const key: ClassKey = g.healthClass ?? 'none';
    const ck = `${g.campaignId ?? ''}|${g.unit}`;
    const cell = cells.get(ck) ?? { campaignId: g.campaignId, unit: g.unit, counts: emptyCounts() };
    cell.counts[key] += Number(g.n);
    cells.set(ck, cell);
    const camp = campaigns.get(String(g.campaignId ?? '')) ?? { campaignId: g.campaignId, counts: emptyCounts() };
    camp.counts[key] += Number(g.n);
    campaigns.set(String(g.campaignId ?? ''), camp);
    overall[key] += Number(g.n);
  }
  const byCampaignId = (a: { campaignId: number | null }, b: { campaignId: number | null }) => (b.campaignId ?? -1) - (a.campaignId ?? -1);
  return {
    rows: [...cells.values()].sort((a, b) => byCampaignId(a, b) || a.unit.localeCompare(b.unit, 'vi')).map((c) => withShares(c.campaignId, c.unit, c.counts)),
    byCampaign: [...campaigns.values()].sort(byCampaignId).map((c) => withShares(c.campaignId, '', c.counts)),
    total: withShares(null, '', overall),
  };
}

/** Campaign names by id. */
export function campaignNames(db: DbOrTx, ids: (number | null)[]): Map<number, string> {
  const wanted = [...new Set(ids.filter((i): i is number => i !== null))];
  if (!wanted.length) return new Map();
  return new Map(db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(inArray(campaigns.id, wanted)).all().map((c) => [c.id, c.name]));
}
