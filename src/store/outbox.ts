import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from './db';
import { outbox, type OutboxRow } from './schema';

export interface NewOutboxRow {
  kind: string;
  payload: unknown;
  /** Rows with the same lane are released one at a time, in id order. */
  lane?: string | null;
  /** What the row is about (e.g. 'booking-12'), for cancelling timed rows when it changes. */
  subject?: string | null;
  dueAt: number;
}

export function insertOutbox(tx: DbOrTx, row: NewOutboxRow, now: number): number {
  const res = tx
    .insert(outbox)
    .values({
      kind: row.kind,
      payload: row.payload,
      lane: row.lane ?? null,
      subject: row.subject ?? null,
      dueAt: row.dueAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: outbox.id })
    .get();
  return res.id;
}

export function getOutbox(db: DbOrTx, id: number): OutboxRow | undefined {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

/**
 * The rows a lane may release now: no earlier row of the same lane is still due and unfinished. Lane-less
 * rows (timers) are released whatever their due time; their job carries the delay.
 */
const laneIsFree = sql`(${outbox.lane} IS NULL OR NOT EXISTS (
  SELECT 1 FROM outbox AS earlier
  WHERE earlier.lane = ${outbox.lane} AND earlier.id < ${outbox.id}
    AND earlier.status IN ('pending', 'queued') AND earlier.due_at <= ${outbox.dueAt}))`;

export function releasableRows(db: DbOrTx, now: number, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), sql`(${outbox.lane} IS NULL OR ${outbox.dueAt} <= ${now})`, laneIsFree))
    .orderBy(outbox.id)
    .limit(limit)
    .all();
}

/** Rows that should have been done by `cutoff` and are not: what the reconciler checks against Redis. */
export function overdueRows(db: DbOrTx, cutoff: number, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.status, ['pending', 'queued']), sql`${outbox.dueAt} <= ${cutoff}`, laneIsFree))
    .orderBy(outbox.id)
    .limit(limit)
    .all();
}

export function markQueued(db: DbOrTx, ids: number[], now: number): void {
  if (!ids.length) return;
  db.update(outbox)
    .set({ status: 'queued', updatedAt: now })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')))
    .run();
}

export function markProgress(db: DbOrTx, id: number, progress: number, externalId: string | null, now: number): void {
  db.update(outbox).set({ progress, externalId, updatedAt: now }).where(eq(outbox.id, id)).run();
}

export function markAttemptFailed(db: DbOrTx, id: number, error: string, now: number): void {
  db.update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: error.slice(0, 500), updatedAt: now })
    .where(eq(outbox.id, id))
    .run();
}

export function markDone(db: DbOrTx, id: number, channel: string, now: number): void {
  db.update(outbox)
    .set({ status: 'done', channel, doneAt: now, updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'queued'])))
    .run();
}

export function markFailed(db: DbOrTx, id: number, error: string, now: number): void {
  db.update(outbox)
    .set({ status: 'failed', lastError: error.slice(0, 500), attempts: sql`${outbox.attempts} + 1`, doneAt: now, updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'queued'])))
    .run();
}

/** Cancels unfinished rows, e.g. the reminders of a booking that moved. Returns how many. */
export function cancelOutbox(db: DbOrTx, ids: number[], now: number): number {
  if (!ids.length) return 0;
  return db
    .update(outbox)
    .set({ status: 'cancelled', doneAt: now, updatedAt: now })
    .where(and(inArray(outbox.id, ids), inArray(outbox.status, ['pending', 'queued'])))
    .run().changes;
}

/** Cancels every unfinished row about `subject` (e.g. the reminders of a booking that moved). Returns how many. */
export function cancelOutboxBySubject(db: DbOrTx, subject: string, now: number): number {
  return db
    .update(outbox)
    .set({ status: 'cancelled', doneAt: now, updatedAt: now })
    .where(and(eq(outbox.subject, subject), inArray(outbox.status, ['pending', 'queued'])))
    .run().changes;
}
