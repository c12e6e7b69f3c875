import { lt } from 'drizzle-orm';
import type { Job } from 'bullmq';
import { markQueued, overdueRows, releaseStuckLanes } from '../store/outbox';
import { inboundEvents } from '../store/schema';
import { isJobName, jobCatalog, outboxJobId } from './catalog';
import { enqueueRows, writeOutbox, type RelayDeps } from './outboxRelay';
import { pruneZaloSends } from './zaloDelivery';
import type { Queues } from './queues';
import { runEvery } from './periodic';

export interface ReconcilerDeps extends RelayDeps {
  /** Rows due longer ago than this and not done are checked against Redis. */
  graceMs: number;
  /** How long webhook dedupe keys are kept (at least the replay window). */
  dedupeRetentionMs: number;
}

export interface ReconcileReport {
  checked: number;
  requeued: number;
  /** Delayed jobs whose row is already due, started now. */
  promoted: number;
  /** Lanes whose head row had ended, released so the next row can go. */
  unblocked: number;
  prunedEvents: number;
}

const BATCH = 1000;
/** How long a Zalo send record is kept: far beyond the last retry of any send. */
const ZALO_SEND_RETENTION_MS = 14 * 24 * 3600_000;

/**
 * Makes Redis agree with SQLite: every outbox row that is due and not done has a live job. Jobs lost to a
 * Redis wipe are re-added; a job that ended (failed or completed) while its row is still open is replaced.
 */
export async function reconcileOutbox(deps: ReconcilerDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const unblocked = await writeOutbox(deps, (db) => releaseStuckLanes(db, now));
  const rows = overdueRows(deps.db, now - deps.graceMs, BATCH);
  const missing = [];
  let promoted = 0;
  for (const row of rows) {
    if (!isJobName(row.kind)) continue;
    const queue = deps.queues[jobCatalog[row.kind].queue as keyof Queues];
    const job: Job | undefined = await queue.getJob(outboxJobId(row.id));
    if (job) {
      const state = await job.getState();
      // Due in SQLite but still waiting out a delay in Redis (clock skew, or a held clock in tests): run it now.
      if (state === 'delayed') {
        await job.promote().catch(() => undefined);
        promoted += 1;
        continue;
      }
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      await job.remove().catch(() => undefined);
    }
    missing.push(row);
  }
  if (unblocked) deps.logger.warn({ unblocked }, 'reconciler released stuck outbox lanes');
  if (missing.length) {
    const ids = await enqueueRows(deps, missing);
    await writeOutbox(deps, (db) => markQueued(db, ids, deps.clock.now()));
    deps.logger.info({ requeued: ids.length }, 'reconciler re-enqueued outbox rows');
  }
  const pruned = await writeOutbox(deps, (db) => {
    // Send records are needed only while a retry may still come (jobs give up within hours).
    pruneZaloSends(db, now - ZALO_SEND_RETENTION_MS);
    return db.delete(inboundEvents).where(lt(inboundEvents.receivedAt, now - deps.dedupeRetentionMs)).run().changes;
  });
  return { checked: rows.length, requeued: missing.length, promoted, unblocked, prunedEvents: pruned };
}

/** Runs the reconciler every `intervalMs`; one pass at a time. Returns a stop function. */
export function startReconciler(deps: ReconcilerDeps, intervalMs: number, onReport?: (r: ReconcileReport) => void): () => Promise<void> {
  return runEvery(
    intervalMs,
    async () => onReport?.(await reconcileOutbox(deps)),
    (err) => deps.logger.warn({ err: err.message }, 'reconciler pass failed'),
  );
}
