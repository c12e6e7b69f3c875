import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import { cadres, examResults } from '../../store/schema';
import { openFollowUp } from '../aftercare/followUps';
import { enqueueNotice, type NoticeRef } from '../outreach/notices';
import { outsideQuietHours } from '../shared/quietHours';
import { staffActor, type ActingStaff } from '../staff/actor';
import { rolesFor } from '../staff/permissions';
import { lowestHealthClasses } from './classification';
import { RESULT_NOTICE_KIND, resultSubject } from './resultNotice';
import { cadreForStaff, requireResultRole } from './results';

// --- release ----------------------------------------------------------------------------------------------

export interface ReleaseOutcome {
  released: number[];
  skipped: { id: number; reason: string }[];
  noticeIds: number[];
}

/**
 * Releases drafts (doctor or admin only), inside the caller's transaction: each becomes visible to the cadre,
 * a released correction supersedes the version it corrects, and the cadre (or their approved proxy) is told
 * "results are ready" by a notice carrying only the result id (sent outside quiet hours). Drafts that are
 * gone, already released or outside the staff member's clinic are skipped with the reason.
 */
export function releaseResults(tx: DbOrTx, staff: ActingStaff, ids: number[], now: number): ReleaseOutcome {
  requireResultRole(staff, rolesFor(['results', 'release']), 'Chỉ bác sĩ hoặc quản trị được công bố kết quả.');
  const outcome: ReleaseOutcome = { released: [], skipped: [], noticeIds: [] };
  for (const id of [...new Set(ids)]) {
    const current = tx.select().from(examResults).where(eq(examResults.id, id)).get();
    if (!current) {
      outcome.skipped.push({ id, reason: 'Không còn kết quả này.' });
      continue;
    }
    try {
      cadreForStaff(tx, staff, current.cadreId);
    } catch (err) {
      outcome.skipped.push({ id, reason: (err as Error).message });
      continue;
    }
    if (current.status !== 'draft') {
      outcome.skipped.push({ id, reason: 'Kết quả đã được công bố trước đó.' });
      continue;
    }
    tx.update(examResults).set({ status: 'released', releasedAt: now, releasedByStaffId: staff.id, updatedAt: now }).where(eq(examResults.id, id)).run();
    // Any other released version of the chain (normally the one corrected) is kept, marked superseded.
    tx.update(examResults)
      .set({ status: 'superseded', supersededAt: now, supersededById: id, updatedAt: now })
      .where(and(eq(examResults.chainId, current.chainId), eq(examResults.status, 'released'), ne(examResults.id, id)))
      .run();
    syncCadreHealthClass(tx, current.cadreId, now);
    // One "ready" notice per chain: an unsent earlier one is replaced by this one.
    cancelOutboxBySubject(tx, resultSubject(current.chainId), now);
    const ref: NoticeRef = { kind: RESULT_NOTICE_KIND, id, ...(current.version > 1 ? { variant: 'corrected' } : {}) };
    const noticeAt = outsideQuietHours(now);
    outcome.noticeIds.push(enqueueNotice(tx, { cadreId: current.cadreId, ref, dueAt: noticeAt, subject: resultSubject(current.chainId) }, now));
    // A result in the lowest classes, or marked for re-examination, opens its chain's follow-up (once).
    openFollowUp(tx, current, lowestHealthClasses(), noticeAt, now);
    recordAudit(
      tx,
      staffActor(staff),
      { action: 'result.release', entity: 'exam_result', entityId: id, detail: { cadreId: current.cadreId, version: current.version } },
      now,
    );
    outcome.released.push(id);
  }
  return outcome;
}

/** The registry's health class follows the cadre's newest released classification. */
function syncCadreHealthClass(tx: DbOrTx, cadreId: number, now: number): void {
  const latest = tx
    .select({ healthClass: examResults.healthClass })
    .from(examResults)
    .where(and(eq(examResults.cadreId, cadreId), eq(examResults.status, 'released')))
    .orderBy(desc(examResults.examDate), desc(examResults.id))
    .get();
  if (latest?.healthClass) {
    tx.update(cadres).set({ healthClass: latest.healthClass, updatedAt: now }).where(and(eq(cadres.id, cadreId), ne(sql`coalesce(${cadres.healthClass}, '')`, latest.healthClass))).run();
  }
}
