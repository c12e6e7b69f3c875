import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import { bookings, careRequests, handoffs, outbox, proxies, zaloLinks, type Cadre } from '../../store/schema';
import { handoffSubject } from '../conversations/handoff';
import { requestSubject } from '../requests/creation';
import type { ActingStaff } from '../staff/actor';

/**
 * A cadre's rights over their personal data (Decree 13/2023/ND-CP): a copy of everything we hold about them
 * (JSON or .xlsx, audited), and erasure on request (admin only). Erasure deletes their results, bookings,
 * requests (details, addresses, timelines), conversations with staff and their transcripts, Zalo link,
 * proxies, linking codes and failed verification tries, resets the conversations that may hold their data,
 * scrubs every outbox row about them or naming them, and queues the removal of the mail files that name
 * them (the local mailbox). It keeps the registry row (the committee's duty of care) and one audit row that
 * says what was removed, by count, without health data.
 */

/** Tables this module handles by name; any other table with a cadre_id column is reported, not touched. */
export const handled = new Set([
  'cadres',
  'exam_results',
  'bookings',
  'zalo_links',
  'proxies',
  'otp_challenges',
  'audit_log',
  'broadcast_recipients',
  'care_requests',
  'handoffs',
  'verification_failures',
  'link_requests',
  'notice_sends',
]);

/** How the cadre can be recognised in stored text: name, code, phone (both written forms) and email. */
export function identifiersOf(cadre: Cadre): string[] {
  const ids = [cadre.fullName, cadre.code, cadre.email ?? ''];
  if (cadre.phone) ids.push(cadre.phone, cadre.phone.startsWith('84') ? `0${cadre.phone.slice(2)}` : cadre.phone);
  return ids.filter((v) => v.trim().length >= 4);
}

export const mentionsAny = (text: string, identifiers: string[]) => identifiers.some((id) => text.includes(id));

/** Tables with a `cadre_id` column, found from the schema so records added by later features are included. */
export function tablesWithCadreId(db: DbOrTx): string[] {
  const tables = db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`);
  return tables
    .map((t) => t.name)
    .filter((name) => db.all<{ name: string }>(sql`select name from pragma_table_info(${name})`).some((c) => c.name === 'cadre_id'))
    .sort();
}

export const rowsOf = (db: DbOrTx, table: string, cadreId: number) =>
  db.all<Record<string, unknown>>(sql`select * from ${sql.identifier(table)} where cadre_id = ${cadreId} order by 1`).map((r) => {
    // Secrets (code hashes) are not personal data worth handing out and must not leave the system.
    for (const k of Object.keys(r)) if (/hash/i.test(k)) delete r[k];
    return r;
  });

export function accountsOf(db: DbOrTx, cadreId: number) {
  const own = db.select({ zaloUserId: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).all().map((r) => r.zaloUserId);
  const viaProxy = db.select({ zaloUserId: proxies.zaloUserId }).from(proxies).where(eq(proxies.cadreId, cadreId)).all().map((r) => r.zaloUserId);
  return { own, proxies: viaProxy };
}

/** Outbox rows about a cadre: their notices, replies to their own accounts, mails to them, rows about their records or naming them. */
export function outboxRowsAbout(db: DbOrTx, cadre: Cadre, accounts: { own: string[]; proxies: string[] }) {
  const identifiers = identifiersOf(cadre);
  const subjects = new Set([
    ...db.select({ id: bookings.id }).from(bookings).where(eq(bookings.cadreId, cadre.id)).all().map((b) => `booking-${b.id}`),
    ...requestIdsOf(db, cadre.id, accounts.own).map(requestSubject),
    ...handoffIdsOf(db, cadre.id, accounts.own).map(handoffSubject),
  ]);
  return db
    .select()
    .from(outbox)
    .all()
    .filter((row) => {
      const p = (row.payload ?? {}) as Record<string, unknown>;
      if (row.kind === 'notice.cadre' && p.cadreId === cadre.id) return true;
      if (row.kind === 'zalo.message' && typeof p.userId === 'string') {
        if (accounts.own.includes(p.userId) || (accounts.proxies.includes(p.userId) && p.sensitive)) return true;
      }
      if (row.kind === 'email.message' && cadre.email && p.to === cadre.email) return true;
      if (row.subject && subjects.has(row.subject)) return true;
      return mentionsAny(JSON.stringify(row.payload) + (row.lastError ?? ''), identifiers);
    });
}

export const requestIdsOf = (db: DbOrTx, cadreId: number, own: string[]) =>
  db
    .select({ id: careRequests.id })
    .from(careRequests)
    .where(own.length ? or(eq(careRequests.cadreId, cadreId), and(isNull(careRequests.cadreId), inArray(careRequests.zaloUserId, own))) : eq(careRequests.cadreId, cadreId))
    .all()
    .map((r) => r.id);

export const handoffIdsOf = (db: DbOrTx, cadreId: number, own: string[]) =>
  db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(own.length ? or(eq(handoffs.cadreId, cadreId), inArray(handoffs.zaloUserId, own)) : eq(handoffs.cadreId, cadreId))
    .all()
    .map((r) => r.id);

export function requireRole(staff: ActingStaff, roles: readonly string[], message: string) {
  if (!roles.includes(staff.role)) throw new AppError('forbidden', message);
}
