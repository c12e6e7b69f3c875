import { and, asc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cadres, clinics, examResults, examResultStatuses, staffUsers, type Cadre, type ExamResult } from '../../store/schema';
import { listParams, orderFor, personSearch, readPage, rowCount, type PageWindow } from '../shared/listing';
import { staffActor, type ActingStaff } from '../staff/actor';

// --- staff lists ------------------------------------------------------------------------------------------

export interface ResultRow {
  result: ExamResult;
  cadre: Pick<Cadre, 'id' | 'code' | 'fullName' | 'unit' | 'clinicId'>;
  clinicName: string | null;
  enteredBy: string | null;
}

const resultSortable = ['updated', 'examDate', 'name', 'code', 'class'] as const;

/** The staff results list: a status, a search by name or code (with or without diacritics), a campaign, a page, an order. */
export const ResultListParams = z.object({
  status: z.enum([...examResultStatuses, 'all']).default('draft'),
  q: z.string().trim().max(100).optional(),
  campaignId: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  cadreId: z.coerce.number().int().positive().optional(),
  ...listParams(resultSortable),
});
export type ResultListParams = z.infer<typeof ResultListParams>;

function resultListFilter(staff: ActingStaff, q: Omit<ResultListParams, 'page' | 'sort' | 'dir'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.status !== 'all') where.push(eq(examResults.status, q.status));
  if (q.cadreId) where.push(eq(examResults.cadreId, q.cadreId));
  if (q.campaignId) where.push(eq(examResults.campaignId, q.campaignId));
  if (staff.role === 'clinic_staff') where.push(eq(cadres.clinicId, staff.clinicId ?? -1));
  const byPerson = personSearch(q.q, cadres.foldedName, cadres.code);
  if (byPerson) where.push(byPerson);
  return where.length ? and(...where) : undefined;
}

/** One page of the results list and where it sits in the whole: every matching row is reachable, none silently cut. */
export function pageResults(db: DbOrTx, staff: ActingStaff, q: ResultListParams): { items: ResultRow[]; window: PageWindow } {
  const filter = resultListFilter(staff, q);
  const rows = db
    .select({
      result: examResults,
      cadre: { id: cadres.id, code: cadres.code, fullName: cadres.fullName, unit: cadres.unit, clinicId: cadres.clinicId },
      clinicName: clinics.name,
      enteredBy: staffUsers.fullName,
    })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
    .leftJoin(staffUsers, eq(staffUsers.id, examResults.enteredByStaffId))
    .where(filter)
    .orderBy(
      ...orderFor(
        { updated: examResults.updatedAt, examDate: examResults.examDate, name: cadres.foldedName, code: cadres.code, class: examResults.healthClass },
        q,
        // The release queue shows the oldest drafts first; other lists the newest.
        { sort: 'updated', dir: q.status === 'draft' ? 'asc' : 'desc' },
        examResults.id,
      ),
    );
  return readPage(db.select(rowCount).from(examResults).innerJoin(cadres, eq(cadres.id, examResults.cadreId)).where(filter), rows, q.page);
}

/** The ids of every result matching the list's filter, on all pages: what "select all" releases. */
export function resultIdsMatching(db: DbOrTx, staff: ActingStaff, q: Omit<ResultListParams, 'page' | 'sort' | 'dir'>): number[] {
  return db
    .select({ id: examResults.id })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .where(resultListFilter(staff, q))
    .orderBy(asc(examResults.id))
    .all()
    .map((r) => r.id);
}

/** Records that staff read result text (a detail page, the release queue, an API answer): ids only. */
export function auditStaffRead(db: DbOrTx, staff: ActingStaff, resultIds: number[], now: number, where: string): void {
  if (!resultIds.length) return;
  recordAudit(
    db,
    staffActor(staff),
    resultIds.length === 1
      ? { action: 'result.read', entity: 'exam_result', entityId: resultIds[0], detail: { where } }
      : { action: 'result.read', entity: 'exam_result', detail: { where, resultIds: resultIds.slice(0, 500), count: resultIds.length } },
    now,
  );
}
