import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db, DbOrTx, Tx } from '../store/db';
import { markQueued, releasableRows, type ClaimedRow } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import { isJobName, jobCatalog, jobOptions, outboxJobId, type RetryPolicy } from './catalog';
import type { Queues } from './queues';

export interface RelayDeps {
  db: Db;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  /**
   * The process's group commit: the relay's and the reconciler's writes share its commits and wait for a
   * write lock held by another process without blocking the event loop. Without it they write on `db` at once.
   */
  commits?: { run<T>(fn: (tx: Tx) => T): Promise<T> };
}

/** One write of the relay or the reconciler, through the group commit when there is one. */
export function writeOutbox<T>(deps: Pick<RelayDeps, 'db' | 'commits'>, fn: (db: DbOrTx) => T): Promise<T> {
  return deps.commits ? deps.commits.run(fn) : Promise.resolve(fn(deps.db));
}

const BATCH = 500;

/** Adds the BullMQ job for each row (deterministic id, delay until due). Returns the ids that are now in Redis. */
export async function enqueueRows(deps: RelayDeps, rows: Pick<OutboxRow, 'id' | 'kind' | 'dueAt'>[]): Promise<number[]> {
  const now = deps.clock.now();
  const byQueue = new Map<string, { name: string; data: { outboxId: number }; opts: object }[]>();
  const ids: number[] = [];
  for (const row of rows) {
    if (!isJobName(row.kind)) {
      deps.logger.error({ outboxId: row.id, kind: row.kind }, 'outbox row of unknown kind left pending');
      continue;
    }
    const queue = jobCatalog[row.kind].queue;
    const list = byQueue.get(queue) ?? [];
    list.push({
      name: row.kind,
      data: { outboxId: row.id },
      opts: { ...jobOptions(deps.retry, row.kind), jobId: outboxJobId(row.id), delay: Math.max(0, row.dueAt - now) },
    });
    byQueue.set(queue, list);
    ids.push(row.id);
  }
  await Promise.all([...byQueue].map(([queue, jobs]) => deps.queues[queue as keyof Queues].addBulk(jobs)));
  return ids;
}

/**
 * Moves committed outbox rows into BullMQ. `kick()` after a commit is the fast path; the reconciler is the
 * safety net. A crash between addBulk and markQueued is harmless: the job ids are deterministic, so adding
 * the same row again is a no-op in BullMQ.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  /** Claimed rows of this event-loop turn, added together on the next. */
  private claimedSoon: ClaimedRow[] = [];

  constructor(private readonly deps: RelayDeps) {}

  /** Schedules a flush; concurrent kicks coalesce into at most one more pass. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /**
   * Adds the jobs of rows a transaction already wrote queued; a failure is left to the reconciler. The rows of
   * every turn committed together arrive in one event-loop turn: they go to Redis in one addBulk per queue
   * instead of one round trip per turn.
   */
  enqueueClaimed(rows: ClaimedRow[]): void {
    if (!rows.length) return;
    if (!this.claimedSoon.length) setImmediate(() => void this.enqueueClaimedNow());
    this.claimedSoon.push(...rows);
  }

  private async enqueueClaimedNow(): Promise<void> {
    const rows = this.claimedSoon;
    if (!rows.length) return;
    this.claimedSoon = [];
    await enqueueRows(this.deps, rows).catch((err: unknown) =>
      this.deps.logger.warn({ err: (err as Error).message, rows: rows.length }, 'could not enqueue claimed outbox rows; the reconciler will'),
    );
  }

  /** Flushes until nothing releasable is left; resolves when done (tests and shutdown await it). */
  async flush(): Promise<void> {
    await this.enqueueClaimedNow();
    this.kick();
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        for (;;) {
          const rows = releasableRows(this.deps.db, this.deps.clock.now(), BATCH);
          if (!rows.length) break;
          const ids = await enqueueRows(this.deps, rows);
          await writeOutbox(this.deps, (db) => markQueued(db, ids, this.deps.clock.now()));
          if (rows.length < BATCH) break;
        }
      } catch (err) {
        // Redis away: rows stay pending and the reconciler (or the next kick) retries.
        this.deps.logger.warn({ err: (err as Error).message }, 'outbox relay could not enqueue; will retry');
        return;
      }
    } while (this.again);
  }
}
