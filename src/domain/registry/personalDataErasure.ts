import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import { auditLog, bookings, cadres, careRequestEvents, careRequestNotes, careRequests, conversations, examResults, examSlots, failedEvents, handoffMessages, handoffs, linkRequests, noticeSends, otpChallenges, outbox, proxies, slotHoldStatuses, verificationFailures, zaloLinks, zaloUsers, type Cadre } from '../../store/schema';
import { rolesFor } from '../staff/permissions';
import { staffActor, type ActingStaff } from '../staff/actor';
import { accountsOf, handled, handoffIdsOf, identifiersOf, mentionsAny, outboxRowsAbout, requestIdsOf, requireRole, tablesWithCadreId } from './personalData';

export interface ErasureOutcome {
  cadreId: number;
  deleted: Record<string, number>;
  conversationsReset: number;
  outboxScrubbed: number;
  outboxCancelled: number;
  /** Tables with rows about the cadre that erasure leaves to their own pages (e.g. care requests). */
  kept: Record<string, number>;
}

const ERASED_TEXT = '[Đã xóa theo yêu cầu của cán bộ]';
const ERASED_ADDRESS = '[đã xóa]';

type Accounts = ReturnType<typeof accountsOf>;

/**
 * Outbox: every row about them (their notices, replies to their own account, mails to them, rows about their
 * bookings, requests and conversations, anything naming them) loses its text; unfinished ones are cancelled.
 * Sensitive replies to their proxies are scrubbed but not cancelled (the proxy still gets the reply).
 */
function scrubOutbox(tx: DbOrTx, cadre: Cadre, accounts: Accounts, now: number): { outboxScrubbed: number; outboxCancelled: number } {
  const cadreId = cadre.id;
  let outboxScrubbed = 0;
  let outboxCancelled = 0;
  const unfinished = ['blocked', 'pending', 'queued'];
  for (const row of outboxRowsAbout(tx, cadre, accounts)) {
    const p = (row.payload ?? {}) as Record<string, unknown>;
    const toProxyOnly = row.kind === 'zalo.message' && typeof p.userId === 'string' && !accounts.own.includes(p.userId) && !mentionsAny(JSON.stringify(p), identifiersOf(cadre));
    let replacement: unknown = row.payload;
    if (row.kind === 'notice.cadre') {
      const ref = (p.ref ?? {}) as { kind?: string };
      replacement = { cadreId, ref: { kind: ref.kind ?? 'erased', id: 0 }, erased: true };
    } else if (row.kind === 'zalo.message') {
      replacement = { userId: p.userId, messages: [{ type: 'text', text: ERASED_TEXT }], erased: true };
    } else if (row.kind === 'email.message') {
      replacement = { to: p.to === cadre.email ? ERASED_ADDRESS : p.to, subject: ERASED_TEXT, text: ERASED_TEXT, erased: true };
    }
    const stop = !toProxyOnly && unfinished.includes(row.status);
    tx.update(outbox)
      .set({ payload: replacement, lastError: null, ...(stop ? { status: 'cancelled' as const, doneAt: now } : {}), updatedAt: now })
      .where(eq(outbox.id, row.id))
      .run();
    outboxScrubbed++;
    if (stop) outboxCancelled++;
  }
  return { outboxScrubbed, outboxCancelled };
}

/** Bookings, results, codes, broadcast rows, requests and conversations with staff: deleted, counted by table. */
function deleteRows(tx: DbOrTx, cadre: Cadre, accounts: Accounts, now: number): Record<string, number> {
  const cadreId = cadre.id;
  const deleted: Record<string, number> = {};
  // Bookings: places they held are given back to their slots; their reminders were cancelled above.
  const booked = tx.select().from(bookings).where(eq(bookings.cadreId, cadreId)).all();
  for (const b of booked) {
    if ((slotHoldStatuses as readonly string[]).includes(b.status)) {
      tx.update(examSlots).set({ booked: sql`max(${examSlots.booked} - 1, 0)` }).where(eq(examSlots.id, b.slotId)).run();
    }
    tx.update(outbox)
      .set({ status: 'cancelled', doneAt: now, updatedAt: now })
      .where(and(eq(outbox.subject, `booking-${b.id}`), inArray(outbox.status, ['blocked', 'pending', 'queued'])))
      .run();
  }
  deleted.bookings = tx.delete(bookings).where(eq(bookings.cadreId, cadreId)).run().changes;
  deleted.examResults = tx.delete(examResults).where(eq(examResults.cadreId, cadreId)).run().changes;
  deleted.otpChallenges = tx.delete(otpChallenges).where(eq(otpChallenges.cadreId, cadreId)).run().changes;
  deleted.broadcastRecipients = tx.run(sql`delete from broadcast_recipients where cadre_id = ${cadreId}`).changes;
  // Requests: details, addresses and timelines (events go with their request).
  const requestIds = requestIdsOf(tx, cadreId, accounts.own);
  deleted.careRequestEvents = requestIds.length ? tx.delete(careRequestEvents).where(inArray(careRequestEvents.requestId, requestIds)).run().changes : 0;
  deleted.careRequestNotes = requestIds.length ? tx.delete(careRequestNotes).where(inArray(careRequestNotes.requestId, requestIds)).run().changes : 0;
  deleted.failedEvents = accounts.own.length ? tx.delete(failedEvents).where(inArray(failedEvents.zaloUserId, accounts.own)).run().changes : 0;
  deleted.careRequests = requestIds.length ? tx.delete(careRequests).where(inArray(careRequests.id, requestIds)).run().changes : 0;
  // Conversations with staff and what was said in them: all of their own accounts' texts, and any text of a
  // proxy's conversation that names them.
  const handoffIds = handoffIdsOf(tx, cadreId, accounts.own);
  deleted.handoffs = handoffIds.length ? tx.delete(handoffs).where(inArray(handoffs.id, handoffIds)).run().changes : 0;
  deleted.handoffMessages = accounts.own.length ? tx.delete(handoffMessages).where(inArray(handoffMessages.zaloUserId, accounts.own)).run().changes : 0;
  if (accounts.proxies.length) {
    const identifiers = identifiersOf(cadre);
    const naming = tx
      .select({ id: handoffMessages.id, text: handoffMessages.text })
      .from(handoffMessages)
      .where(inArray(handoffMessages.zaloUserId, accounts.proxies))
      .all()
      .filter((m) => mentionsAny(m.text, identifiers))
      .map((m) => m.id);
    if (naming.length) deleted.handoffMessages += tx.delete(handoffMessages).where(inArray(handoffMessages.id, naming)).run().changes;
  }
  deleted.linkRequests = tx.delete(linkRequests).where(eq(linkRequests.cadreId, cadreId)).run().changes;
  deleted.verificationFailures = tx
    .delete(verificationFailures)
    .where(or(eq(verificationFailures.cadreId, cadreId), eq(verificationFailures.cadreCode, cadre.code)))
    .run().changes;
  return deleted;
}

/** Audit rows stay (accountability), but a detail that names them is reduced to a marker. */
function scrubAudit(tx: DbOrTx, cadre: Cadre): void {
  const identifiers = identifiersOf(cadre);
  const namingAudits = tx
    .select({ id: auditLog.id, detail: auditLog.detail })
    .from(auditLog)
    .all()
    .filter((a) => a.detail !== null && mentionsAny(JSON.stringify(a.detail), identifiers))
    .map((a) => a.id);
  if (namingAudits.length) tx.update(auditLog).set({ detail: { erased: true } }).where(inArray(auditLog.id, namingAudits)).run();
}

/** Tables with a cadre_id that erasure leaves, with how many rows of theirs each still holds. */
function keptRows(tx: DbOrTx, cadreId: number): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const table of tablesWithCadreId(tx)) {
    if (handled.has(table)) continue;
    const n = tx.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)} where cadre_id = ${cadreId}`)?.n ?? 0;
    if (n) kept[table] = n;
  }
  return kept;
}

/**
 * Erases a cadre's personal data on request, in the caller's transaction (all or nothing). The audit row
 * keeps counts only.
 */
function erasePersonalData(tx: DbOrTx, staff: ActingStaff, cadreId: number, now: number): ErasureOutcome {
  requireRole(staff, rolesFor(['results', 'erasePersonal']), 'Chỉ quản trị được xóa dữ liệu của cán bộ.');
  const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  const accounts = accountsOf(tx, cadreId);
  const { outboxScrubbed, outboxCancelled } = scrubOutbox(tx, cadre, accounts, now);
  const deleted = deleteRows(tx, cadre, accounts, now);
  scrubAudit(tx, cadre);
  // Conversations of their own account and of their proxies may hold their data in the dialog state.
  const touched = [...new Set([...accounts.own, ...accounts.proxies])];
  const conversationsReset = touched.length ? tx.delete(conversations).where(inArray(conversations.zaloUserId, touched)).run().changes : 0;
  deleted.zaloLinks = tx.delete(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).run().changes;
  deleted.proxies = tx.delete(proxies).where(eq(proxies.cadreId, cadreId)).run().changes;
  // Which channel each notice to them took (accounts, phone, message ids).
  deleted.noticeSends = tx.delete(noticeSends).where(eq(noticeSends.cadreId, cadreId)).run().changes;
  if (accounts.own.length) {
    tx.update(zaloUsers).set({ phone: null, displayName: null, updatedAt: now }).where(inArray(zaloUsers.id, accounts.own)).run();
  }

  const kept = keptRows(tx, cadreId);
  // Mail files (the local mailbox) are files, not rows: a job removes those that name them, after commit.
  enqueue(tx, 'mail.erase', { cadreId }, { now });
  const outcome: ErasureOutcome = { cadreId, deleted, conversationsReset, outboxScrubbed, outboxCancelled, kept };
  recordAudit(
    tx,
    staffActor(staff),
    { action: 'cadre.erase', entity: 'cadre', entityId: cadreId, detail: { ...deleted, conversationsReset, outboxScrubbed, outboxCancelled, kept } },
    now,
  );
  return outcome;
}

/** The identifiers a mail file is searched for when a cadre's data is erased (read from the kept registry row). */
export function mailIdentifiersOf(db: DbOrTx, cadreId: number): string[] {
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  return cadre ? identifiersOf(cadre) : [];
}

/** Erasure needs the cadre's code typed again, so a wrong id cannot erase the wrong person. */
export function eraseWithConfirmation(tx: DbOrTx, staff: ActingStaff, cadreId: number, confirmCode: string, at: number): ErasureOutcome {
  const cadre = tx.select({ code: cadres.code }).from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  if (cadre.code.toLowerCase() !== confirmCode.trim().toLowerCase()) {
    throw new AppError('validation_failed', 'Mã cán bộ xác nhận không khớp; không có gì bị xóa.');
  }
  return erasePersonalData(tx, staff, cadreId, at);
}
