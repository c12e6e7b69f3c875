import { and, eq, inArray, sql } from 'drizzle-orm';
import { clientOf, type DbOrTx } from './db';
import { prepared, statement } from './prepared';
import { outbox, type OutboxRow, type OutboxStatus } from './schema';

export interface NewOutboxRow {
  kind: string;
  payload: unknown;
  /** Rows with the same lane are released one at a time, in id order. */
  lane?: string | null;
  /** What the row is about (e.g. 'booking-12'), for cancelling timed rows when it changes. */
  subject?: string | null;
  dueAt: number;
}

export interface ClaimedRow {
  id: number;
  kind: string;
  dueAt: number;
}

/**
 * The hook run after a transaction that wrote outbox rows commits: the relay releases pending rows now, and rows
 * written already queued (a turn's replies) are passed in, as only their writer knows them, for their jobs.
 */
export type AfterCommit = (claimed?: ClaimedRow[]) => void;

/** What a claiming scope collected: rows inserted as queued (their jobs are added after commit), and how many went in pending. */
export interface OutboxClaims {
  claimed: ClaimedRow[];
  pending: number;
}

/** The claiming scope open on a connection, if any (at most one: a scope is synchronous, inside one transaction). */
let openScope: { client: unknown; claims: OutboxClaims } | null = null;

/**
 * Runs `fn` (inside the caller's transaction) so that every outbox row it writes that may go now is inserted
 * already 'queued' and returned, for the caller to add its job right after commit, without reading it back or
 * updating it. If that add fails, the rows are queued-without-a-job, which is exactly what the reconciler repairs.
 * Rows that went in 'pending' (due later) are counted: the relay carries them. If `fn` throws, its rows roll back.
 */
export function claimingOutbox<T>(tx: DbOrTx, fn: () => T): { value: T; claims: OutboxClaims } {
  if (openScope) throw new Error('outbox claiming scopes do not nest');
  const claims: OutboxClaims = { claimed: [], pending: 0 };
  openScope = { client: clientOf(tx), claims };
  try {
    return { value: fn(), claims };
  } finally {
    openScope = null;
  }
}

/** Whether a lane has an unfinished row: a new row behind it waits its turn ('blocked'). An index-only read. */
const laneBusy = (tx: DbOrTx, lane: string) =>
  statement(tx, "SELECT 1 FROM outbox WHERE lane = ? AND status IN ('blocked', 'pending', 'queued') LIMIT 1").get(lane) !== undefined;

/**
 * Writes one outbox row with its final status: 'blocked' behind an unfinished row of its lane; inside a claiming
 * scope 'queued' when due now; else 'pending' for the relay. (One INSERT ... SELECT doing the lane check cost more:
 * SQLite materialises a select from the table it inserts into, and most rows under load are blocked.)
 */
export function insertOutbox(tx: DbOrTx, row: NewOutboxRow, now: number): number {
  const scope = openScope?.client === clientOf(tx) ? openScope.claims : null;
  const lane = row.lane ?? null;
  const status: OutboxStatus = lane !== null && laneBusy(tx, lane) ? 'blocked' : scope && row.dueAt <= now ? 'queued' : 'pending';
  const id = Number(
    statement(
      tx,
      'INSERT INTO outbox (kind, lane, subject, payload, due_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(row.kind, lane, row.subject ?? null, JSON.stringify(row.payload), row.dueAt, status, now, now).lastInsertRowid,
  );
  if (scope && status === 'queued') scope.claimed.push({ id, kind: row.kind, dueAt: row.dueAt });
  else if (scope && status === 'pending') scope.pending++;
  return id;
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
