import { eq } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { staffIdOf } from './actor';

type NumberColumn = AnySQLiteColumn<{ data: number; notNull: true }>;

/** Who last changed a row and when; `createdAt` is now for a new row and kept for an existing one. */
interface EditStamp {
  updatedBy: number | null;
  updatedAt: number;
  createdAt: number;
}

/**
 * A list staff keep row by row (FAQ entries, canned replies): read one row or refuse with `notFound`, save a new
 * or changed row stamped with who changed it and when, delete one; each change audited as `<action>.create`,
 * `.update` or `.delete` on `entity`. Call save and remove inside the transaction that holds any other check.
 */
export function editableList<T extends SQLiteTable & { id: NumberColumn; createdAt: NumberColumn }>(table: T, audit: { action: string; entity: string }, notFound: string) {
  function get(db: DbOrTx, id: number) {
    const row = db.select().from(table).where(eq(table.id, id)).get();
    if (!row) throw new AppError('not_found', notFound);
    return row;
  }

  /** Saves the row `values` builds from the stamp: a new one when `id` is null. */
  function save(tx: DbOrTx, actor: AuditActor, id: number | null, values: (stamp: EditStamp) => T['$inferInsert'], now: number) {
    const stamp = { updatedBy: staffIdOf(actor), updatedAt: now };
    let rowId: number;
    if (id === null) {
      rowId = tx.insert(table).values(values({ ...stamp, createdAt: now })).returning({ id: table.id }).get().id;
    } else {
      const existing = tx.select({ createdAt: table.createdAt }).from(table).where(eq(table.id, id)).get();
      if (!existing) throw new AppError('not_found', notFound);
      tx.update(table).set(values({ ...stamp, createdAt: existing.createdAt })).where(eq(table.id, id)).run();
      rowId = id;
    }
    recordAudit(tx, actor, { action: `${audit.action}.${id === null ? 'create' : 'update'}`, entity: audit.entity, entityId: rowId }, now);
    return get(tx, rowId);
  }

  function remove(tx: DbOrTx, actor: AuditActor, id: number, now: number): void {
    get(tx, id);
    tx.delete(table).where(eq(table.id, id)).run();
    recordAudit(tx, actor, { action: `${audit.action}.delete`, entity: audit.entity, entityId: id }, now);
  }

  return { get, save, remove };
}
