import { and, asc, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../store/db';
import { auditLog, staffUsers } from '../../store/schema';
import { currentAuditAction, legacyAuditActions } from './auditText';
import { optionalVietnameseDateField } from '../shared/dates';
import { readPage, rowCount } from '../shared/listing';
import { vietnamInstant } from '../shared/quietHours';

/** The audit log as staff search it: by actor, action, entity and Vietnam days, newest first. */

export const AuditQuery = z.object({
  /** A staff member's id or username (part of it), or "zalo" / "system" for those kinds of actor. */
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  entity: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: optionalVietnameseDateField,
  to: optionalVietnameseDateField,
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

function auditFilter(db: Db, q: Omit<AuditQuery, 'page'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.actor === 'zalo' || q.actor === 'system') where.push(eq(auditLog.actorType, q.actor));
  else if (q.actor) {
    const byName = db.select({ id: staffUsers.id }).from(staffUsers).where(like(staffUsers.username, `%${q.actor.toLowerCase()}%`)).all();
    const ids = [q.actor, ...byName.map((s) => String(s.id))];
    where.push(and(eq(auditLog.actorType, 'staff'), inArray(auditLog.actorId, ids)) as SQL);
  }
  if (q.action) {
    // Old rows of an action written under an earlier name are found too.
    const action = q.action;
    const older = Object.keys(legacyAuditActions).filter((old) => legacyAuditActions[old]!.startsWith(action));
    where.push(older.length ? (or(like(auditLog.action, `${action}%`), inArray(auditLog.action, older)) as SQL) : like(auditLog.action, `${action}%`));
  }
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  // Dates are Vietnam days: from 00:00 of the first to the end of the last.
  if (q.from) where.push(sql`${auditLog.at} >= ${vietnamInstant(q.from, 0)}`);
  if (q.to) where.push(sql`${auditLog.at} < ${vietnamInstant(q.to, 24)}`);
  return where.length ? and(...where) : undefined;
}

const auditRows = (db: Db, cond: SQL | undefined) =>
  db
    .select({ entry: auditLog, username: staffUsers.username, actorName: staffUsers.fullName })
    .from(auditLog)
    .leftJoin(staffUsers, and(eq(auditLog.actorType, 'staff'), eq(sql`cast(${staffUsers.id} as text)`, auditLog.actorId)))
    .where(cond)
    .orderBy(desc(auditLog.at), desc(auditLog.id));

export function searchAudit(db: Db, q: AuditQuery) {
  const cond = auditFilter(db, q);
  const { items, window } = readPage(db.select(rowCount).from(auditLog).where(cond), auditRows(db, cond), q.page);
  const distinct = (col: typeof auditLog.action | typeof auditLog.entity) =>
    db.selectDistinct({ v: col }).from(auditLog).orderBy(asc(col)).all().map((r) => r.v);
  const actions = [...new Set(distinct(auditLog.action).map(currentAuditAction))].sort();
  const actors = db.select({ id: staffUsers.id, username: staffUsers.username, fullName: staffUsers.fullName }).from(staffUsers).orderBy(asc(staffUsers.fullName)).all();
  return { items, total: window.total, page: window.page, pages: window.pages, window, actions, entities: distinct(auditLog.entity), actors };
}

/** Every entry the filter matches (no page), newest first: what the export holds. */
export function auditEntriesMatching(db: Db, q: Omit<AuditQuery, 'page'>) {
  return auditRows(db, auditFilter(db, q)).all();
}
