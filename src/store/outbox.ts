import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from './db';
import { prepared, rowsOf, statement } from './prepared';
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

/** Unfinished rows of a lane: a new row behind one of them waits its turn. */
const laneBusy = (tx: DbOrTx, lane: string) =>
  statement(tx, "SELECT 1 FROM outbox WHERE lane = ? AND status IN ('blocked', 'pending', 'queued') LIMIT 1").get(lane) !== undefined;

export function insertOutbox(tx: DbOrTx, row: NewOutboxRow, now: number): number {
  const res = statement(
    tx,
    `INSERT INTO outbox (kind, lane, subject, payload, due_at, status, created_at, updated_at)
     VALUES (@kind, @lane, @subject, @payload, @dueAt, @status, @now, @now)`,
  ).run({
    kind: row.kind,
    lane: row.lane ?? null,
    subject: row.subject ?? null,
    payload: JSON.stringify(row.payload),
    dueAt: row.dueAt,
    status: row.lane && laneBusy(tx, row.lane) ? 'blocked' : 'pending',
    now,
  });
  return Number(res.lastInsertRowid);
}

export function getOutbox(db: DbOrTx, id: number): OutboxRow | undefined {
  return prepared(db, 'outbox.byId', () => db.select().from(outbox).where(eq(outbox.id, sql.placeholder('id'))).prepare()).get({ id });
}

/**
 * Rows ready for BullMQ. Lane rows are pending only when at the head of their lane; lane-less rows (timers)
 * are released whatever their due time, and their job carries the delay.
 */
export function releasableRows(db: DbOrTx, now: number, limit: number): OutboxRow[] {
  return prepared(db, 'outbox.releasable', () =>
    db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), sql`(${outbox.lane} IS NULL OR ${outbox.dueAt} <= ${sql.placeholder('now')})`))
      .orderBy(outbox.id)
      .limit(sql.placeholder('limit'))
      .prepare(),
  ).all({ now, limit });
}

/**
 * After a lane's row finished: its next blocked row (if any, and if nothing else runs) becomes pending. Most
 * lanes have nothing blocked: a read finds that without taking the write lock (another process may hold it).
 */
export function releaseLane(db: DbOrTx, lane: string, now: number): boolean {
  if (!statement(db, "SELECT 1 FROM outbox WHERE lane = ? AND status = 'blocked' LIMIT 1").get(lane)) return false;
  return (
    statement(
      db,
      `UPDATE outbox SET status = 'pending', updated_at = @now
       WHERE id = (SELECT min(id) FROM outbox WHERE lane = @lane AND status = 'blocked')
         AND NOT EXISTS (SELECT 1 FROM outbox WHERE lane = @lane AND status IN ('pending', 'queued'))`,
    ).run({ lane, now }).changes > 0
  );
}

/** Repairs lanes left blocked with nothing running (e.g. a crash between finishing a row and releasing the next). */
export function releaseStuckLanes(db: DbOrTx, now: number): number {
  return db.run(sql`UPDATE outbox SET status = 'pending', updated_at = ${now}
    WHERE id IN (
      SELECT min(b.id) FROM outbox AS b WHERE b.status = 'blocked' GROUP BY b.lane
      HAVING NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.lane = b.lane AND o.status IN ('pending', 'queued')))`).changes;
}

/** Rows that should have been done by `cutoff` and are not: what the reconciler checks against Redis. */
export function overdueRows(db: DbOrTx, cutoff: number, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.status, ['pending', 'queued']), sql`${outbox.dueAt} <= ${cutoff}`))
    .orderBy(outbox.id)
    .limit(limit)
    .all();
}

export interface ClaimedRow {
  id: number;
  kind: string;
  dueAt: number;
}

/**
 * Inside the transaction that wrote them: marks rows that may go now as queued and returns them, so the
 * caller adds their jobs right after commit without reading them back. If that add fails, the rows are
 * queued-without-a-job, which is exactly what the reconciler repairs.
 */
export function claimForEnqueue(tx: DbOrTx, ids: number[], now: number): ClaimedRow[] {
  if (!ids.length) return [];
  return rowsOf<ClaimedRow>(
    tx,
    `UPDATE outbox SET status = 'queued', updated_at = @now
     WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending' AND due_at <= @now
     RETURNING id, kind, due_at AS dueAt`,
  ).all({ ids: JSON.stringify(ids), now });
}

/** How many of these rows are still pending (e.g. due later): those need the relay. Blocked rows do not. */
/** The highest outbox id so far: rows a transaction writes after reading it have larger ids. */
export function outboxHighWater(tx: DbOrTx): number {
  return rowsOf<{ n: number }>(tx, 'SELECT coalesce(max(id), 0) AS n FROM outbox').get()?.n ?? 0;
}

/** Rows written after `mark` that are still pending (not claimed by the turn): the relay's work. */
export function countPendingAfter(tx: DbOrTx, mark: number): number {
  return rowsOf<{ n: number }>(tx, "SELECT count(*) AS n FROM outbox WHERE id > ? AND status = 'pending'").get(mark)?.n ?? 0;
}

export function markQueued(db: DbOrTx, ids: number[], now: number): void {
  if (!ids.length) return;
  statement(db, "UPDATE outbox SET status = 'queued', updated_at = ? WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))").run(
    now,
    JSON.stringify(ids),
  );
}

export function markProgress(db: DbOrTx, id: number, progress: number, externalId: string | null, now: number): void {
  statement(db, 'UPDATE outbox SET progress = ?, external_id = ?, updated_at = ? WHERE id = ?').run(progress, externalId, now, id);
}

export function markAttemptFailed(db: DbOrTx, id: number, error: string, now: number): void {
  db.update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: error.slice(0, 500), updatedAt: now })
    .where(eq(outbox.id, id))
    .run();
}

export function markDone(db: DbOrTx, id: number, channel: string, now: number): void {
  statement(db, "UPDATE outbox SET status = 'done', channel = ?, done_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'queued')").run(
    channel,
    now,
    now,
    id,
  );
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
    .where(and(inArray(outbox.id, ids), inArray(outbox.status, ['blocked', 'pending', 'queued'])))
    .run().changes;
}

/** Cancels every unfinished row about `subject` (e.g. the reminders of a booking that moved). Returns how many. */
export function cancelOutboxBySubject(db: DbOrTx, subject: string, now: number): number {
  return db
    .update(outbox)
    .set({ status: 'cancelled', doneAt: now, updatedAt: now })
    .where(and(eq(outbox.subject, subject), inArray(outbox.status, ['blocked', 'pending', 'queued'])))
    .run().changes;
}
