import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cadres, clinics, examResults, proxies, zaloLinks, type HealthClass } from '../../store/schema';
import { resultFindings } from './results';

// --- what a Zalo user may see -----------------------------------------------------------------------------

export interface ResultListItem {
  id: number;
  examDate: string;
  clinicName: string | null;
}

export interface ResultView extends ResultListItem {
  cadreId: number;
  version: number;
  healthClass: HealthClass | null;
  conclusions: string;
  diagnoses: string[];
  advice: string;
  followUp: boolean;
  followUpWhere: string;
  signedBy: string;
}

/** Read-only result facts for a dialog turn; every answer is limited to what this Zalo user may see. */
export interface ResultLookups {
  /** The cadre's released results, newest exam first; empty when this user may not see that cadre's results. */
  released(cadreId: number): ResultListItem[];
  /** One released result of that cadre; null when it is not theirs, not released, or not for this user. */
  view(cadreId: number, resultId: number): ResultView | null;
}

/** True when the Zalo user is the cadre's verified account or an approved proxy of an active cadre. */
function maySeeCadre(db: DbOrTx, zaloUserId: string, cadreId: number): boolean {
  const active = db.select({ id: cadres.id }).from(cadres).where(and(eq(cadres.id, cadreId), eq(cadres.active, true))).get();
  if (!active) return false;
  const own = db.select({ c: zaloLinks.cadreId }).from(zaloLinks).where(and(eq(zaloLinks.zaloUserId, zaloUserId), eq(zaloLinks.cadreId, cadreId))).get();
  if (own) return true;
  return !!db
    .select({ id: proxies.id })
    .from(proxies)
    .where(and(eq(proxies.zaloUserId, zaloUserId), eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved')))
    .get();
}

export function createResultLookups(tx: DbOrTx, zaloUserId: string): ResultLookups {
  const visible = (cadreId: number, extra?: SQL) =>
    and(eq(examResults.cadreId, cadreId), eq(examResults.status, 'released'), extra ?? sql`1 = 1`);
  return {
    released(cadreId) {
      if (!maySeeCadre(tx, zaloUserId, cadreId)) return [];
      return tx
        .select({ id: examResults.id, examDate: examResults.examDate, clinicName: clinics.name })
        .from(examResults)
        .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
        .where(visible(cadreId))
        .orderBy(desc(examResults.examDate), desc(examResults.id))
        .all();
    },
    view(cadreId, resultId) {
      if (!maySeeCadre(tx, zaloUserId, cadreId)) return null;
      const row = tx
        .select({ r: examResults, clinicName: clinics.name })
        .from(examResults)
        .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
        .where(visible(cadreId, eq(examResults.id, resultId)))
        .get();
      if (!row) return null;
      const r = row.r;
      return {
        id: r.id,
        cadreId: r.cadreId,
        version: r.version,
        examDate: r.examDate,
        clinicName: row.clinicName,
        ...resultFindings(r),
      };
    },
  };
}

// --- the audit of every view in chat ----------------------------------------------------------------------

export type ResultEffect = { type: 'resultViewed'; cadreId: number; resultIds: number[]; what: 'result' | 'list' };

/**
 * Records, inside the turn's transaction, that a Zalo user saw a cadre's result (or the list of earlier ones):
 * who, when, which, and the cadre they acted for when they are a proxy. Ids only.
 */
export function applyResultEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: ResultEffect): void {
  const own = !!tx
    .select({ c: zaloLinks.cadreId })
    .from(zaloLinks)
    .where(and(eq(zaloLinks.zaloUserId, ctx.zaloUserId), eq(zaloLinks.cadreId, effect.cadreId)))
    .get();
  const actor: AuditActor = { type: 'zalo', id: ctx.zaloUserId, onBehalfOfCadreId: own ? null : effect.cadreId };
  if (effect.what === 'list') {
    recordAudit(tx, actor, { action: 'result.list', entity: 'cadre', entityId: effect.cadreId, detail: { resultIds: effect.resultIds } }, ctx.now);
    return;
  }
  for (const id of effect.resultIds) {
    recordAudit(tx, actor, { action: 'result.view', entity: 'exam_result', entityId: id, detail: { cadreId: effect.cadreId } }, ctx.now);
  }
}
