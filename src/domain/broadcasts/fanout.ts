import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { broadcastRecipients, broadcasts, type Broadcast } from '../../store/schema';
import { SegmentFilter, segmentPage } from './segments';
import { getBroadcast } from './broadcasts';

/**
 * One fan-out step, in one transaction: the next `batch` cadres of the segment after the cursor become
 * pending recipient rows (a cadre already there is left alone), and the cursor moves on. Returns the new
 * rows' ids; `done` once the segment is exhausted. Running it twice for the same cursor adds nobody twice.
 */
export function fanoutStep(tx: DbOrTx, broadcastId: number, batch: number, now: number): { recipientIds: number[]; done: boolean; stopped: boolean } {
  const b = getBroadcast(tx, broadcastId);
  if (!b || b.status !== 'running') return { recipientIds: [], done: Boolean(b?.fanoutDone), stopped: true };
  if (b.fanoutDone) return { recipientIds: [], done: true, stopped: false };
  const segment = SegmentFilter.parse(b.segment);
  const ids = segmentPage(tx, segment, b.fanoutCursor, batch);
  // One prepared row insert per cadre: building a multi-row insert of a whole batch through the query builder
  // cost more CPU than the batch's sends.
  const insert = rowsOf<{ id: number }>(
    tx,
    `INSERT INTO broadcast_recipients (broadcast_id, cadre_id, created_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  const recipientIds: number[] = [];
  for (const cadreId of ids) {
    const row = insert.get(broadcastId, cadreId, now, now);
    if (row) recipientIds.push(row.id);
  }
  const done = ids.length < batch;
  tx.update(broadcasts)
    .set({
      ...(ids.length ? { fanoutCursor: sql`max(${broadcasts.fanoutCursor}, ${ids[ids.length - 1]!})` } : {}),
      fanoutDone: done,
      total: sql`${broadcasts.total} + ${recipientIds.length}`,
      updatedAt: now,
    })
    .where(eq(broadcasts.id, broadcastId))
    .run();
  if (done) finishIfComplete(tx, broadcastId, now);
  return { recipientIds, done, stopped: false };
}

/** scheduled -> running when the fan-out first runs. False when the broadcast was paused or cancelled meanwhile. */
export function markStarted(tx: DbOrTx, broadcastId: number, now: number): Broadcast | undefined {
  tx.update(broadcasts)
    .set({ status: 'running', startedAt: now, statusChangedAt: now, updatedAt: now })
    .where(and(eq(broadcasts.id, broadcastId), eq(broadcasts.status, 'scheduled')))
    .run();
  return getBroadcast(tx, broadcastId);
}

/** Recipients still to be sent (or in flight), in id order, after `afterId`. */
export function openRecipientIds(db: DbOrTx, broadcastId: number, afterId: number, limit: number, statuses: ('pending' | 'sending' | 'cancelled')[] = ['pending', 'sending']): number[] {
  return db
    .select({ id: broadcastRecipients.id })
    .from(broadcastRecipients)
    .where(and(eq(broadcastRecipients.broadcastId, broadcastId), inArray(broadcastRecipients.status, statuses), sql`${broadcastRecipients.id} > ${afterId}`))
    .orderBy(asc(broadcastRecipients.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/** running -> done once the fan-out is complete and nobody is pending or in flight. */
export function finishIfComplete(tx: DbOrTx, broadcastId: number, now: number): boolean {
  return (
    tx.run(sql`UPDATE broadcasts SET status = 'done', finished_at = ${now}, status_changed_at = ${now}, updated_at = ${now}
      WHERE id = ${broadcastId} AND status = 'running' AND fanout_done = 1
        AND NOT EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ${broadcastId} AND status IN ('pending', 'sending'))`).changes > 0
  );
}
