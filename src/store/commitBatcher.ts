import { inTransaction, type Db, type Tx } from './db';

interface Pending {
  fn: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: units of work that arrive in the same event-loop turn run in ONE SQLite transaction, each
 * in its own savepoint, so one that throws rolls back alone. Every caller's promise settles only after the
 * shared commit, so nothing is acknowledged before it is durable. Saves the per-commit cost under load and
 * adds at most one event-loop turn of latency when idle.
 */
export class CommitBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

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
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      inTransaction(this.db, () => {
        for (const item of batch) {
          try {
            // Nested: better-sqlite3 makes it a savepoint inside the shared transaction.
            outcomes.push({ ok: true, value: inTransaction(this.db, item.fn) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.err);
    });
  }
}
