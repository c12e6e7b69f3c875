import type Database from 'better-sqlite3';
import { clientOf, inTransaction, type Db, type Tx } from './db';

interface Pending {
  fn: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/** How often a batch asks again for the write lock another process holds. */
const LOCK_RETRY_MS = 1;

const isBusy = (err: unknown) => (err as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/**
 * Group commit: units of work that arrive in the same event-loop turn run in ONE SQLite transaction, each
 * in its own savepoint, so one that throws rolls back alone. Every caller's promise settles only after the
 * shared commit, so nothing is acknowledged before it is durable. Saves the per-commit cost under load and
 * adds at most one event-loop turn of latency when idle.
 *
 * When another process (a web and a worker process share the file) holds the write lock, the batch does not
 * wait in SQLite's busy handler: that sleeps the whole event loop, in steps growing to 100 ms, and is not told
 * when the lock frees. It asks again every millisecond from a timer instead, so the process keeps serving,
 * and work arriving meanwhile joins the batch. After the connection's busy_timeout it fails as before.
 */
export class CommitBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** When the batch at the head of the queue first found the lock taken; null when it is not waiting. */
  private waitingSince: number | null = null;
  private busyTimeoutMs: number | undefined;
  /** Prepared once: a pragma() call parses its statement every time, and this runs twice per commit. */
  private lockWait: { none: Database.Statement; usual: Database.Statement } | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 200,
  ) {}

  run<T>(fn: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    let outcomes: Outcome[];
    try {
      outcomes = this.commit(batch);
    } catch (err) {
      if (isBusy(err) && this.mayWaitLonger()) {
        // Not begun: back to the head of the queue, in order, and asked again shortly.
        this.queue.unshift(...batch);
        this.scheduled = true;
        setTimeout(() => this.flush(), LOCK_RETRY_MS);
        return;
      }
      this.waitingSince = null;
      this.scheduleRest();
      for (const item of batch) item.reject(err);
      return;
    }
    this.waitingSince = null;
    this.scheduleRest();
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.err);
    });
  }

  private scheduleRest(): void {
    if (this.queue.length && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private mayWaitLonger(): boolean {
    const now = performance.now();
    this.waitingSince ??= now;
    return now - this.waitingSince < (this.busyTimeoutMs ?? 0);
  }

  /** Runs the batch in one IMMEDIATE transaction, taking the write lock without SQLite's sleeping wait. */
  private commit(batch: Pending[]): Outcome[] {
    const lockWait = this.lockWaitStatements();
    const outcomes: Outcome[] = [];
    lockWait.none.get();
    try {
      inTransaction(this.db, () => {
        // The lock is held from here on (BEGIN IMMEDIATE): the units may wait as usual for anything else.
        lockWait.usual.get();
        for (const item of batch) {
          try {
            // Nested: better-sqlite3 makes it a savepoint inside the shared transaction.
            outcomes.push({ ok: true, value: inTransaction(this.db, item.fn) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } finally {
      lockWait.usual.get();
    }
    return outcomes;
  }

  /** The statements that switch the busy wait off and back to the connection's own timeout. */
  private lockWaitStatements(): { none: Database.Statement; usual: Database.Statement } {
    if (!this.lockWait) {
      const client = clientOf(this.db);
      this.busyTimeoutMs = client.pragma('busy_timeout', { simple: true }) as number;
      this.lockWait = { none: client.prepare('PRAGMA busy_timeout = 0'), usual: client.prepare(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`) };
    }
    return this.lockWait;
  }
}
