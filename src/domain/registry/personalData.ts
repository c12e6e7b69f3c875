import { loadExcelJs } from '../shared/excel';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import {
  auditLog,
  bookings,
  cadres,
  careRequestEvents,
  careRequestNotes,
  careRequests,
  clinics,
  conversations,
  examResults,
  examSlots,
  failedEvents,
  handoffMessages,
  handoffs,
  linkRequests,
  noticeSends,
  otpChallenges,
  outbox,
  proxies,
  slotHoldStatuses,
  verificationFailures,
  zaloLinks,
  zaloUsers,
  type Cadre,
} from '../../store/schema';
import { handoffSubject } from '../conversations/handoff';
import { rolesFor } from '../staff/permissions';
import { requestSubject } from '../requests/creation';
import type { ResultStaff } from '../results/results';

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
const handled = new Set([
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
function identifiersOf(cadre: Cadre): string[] {
  const ids = [cadre.fullName, cadre.code, cadre.email ?? ''];
  if (cadre.phone) ids.push(cadre.phone, cadre.phone.startsWith('84') ? `0${cadre.phone.slice(2)}` : cadre.phone);
  return ids.filter((v) => v.trim().length >= 4);
}

const mentionsAny = (text: string, identifiers: string[]) => identifiers.some((id) => text.includes(id));

/** Tables with a `cadre_id` column, found from the schema so records added by later features are included. */
function tablesWithCadreId(db: DbOrTx): string[] {
  const tables = db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`);
  return tables
    .map((t) => t.name)
    .filter((name) => db.all<{ name: string }>(sql`select name from pragma_table_info(${name})`).some((c) => c.name === 'cadre_id'))
    .sort();
}

const rowsOf = (db: DbOrTx, table: string, cadreId: number) =>
  db.all<Record<string, unknown>>(sql`select * from ${sql.identifier(table)} where cadre_id = ${cadreId} order by 1`).map((r) => {
    // Secrets (code hashes) are not personal data worth handing out and must not leave the system.
    for (const k of Object.keys(r)) if (/hash/i.test(k)) delete r[k];
    return r;
  });

function accountsOf(db: DbOrTx, cadreId: number) {
  const own = db.select({ zaloUserId: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).all().map((r) => r.zaloUserId);
  const viaProxy = db.select({ zaloUserId: proxies.zaloUserId }).from(proxies).where(eq(proxies.cadreId, cadreId)).all().map((r) => r.zaloUserId);
  return { own, proxies: viaProxy };
}

export interface PersonalDataExport {
  exportedAt: string;
  cadre: Cadre;
  clinic: { code: string; name: string } | null;
  zaloAccounts: { id: string; displayName: string | null; phone: string | null; linkedAt: number; method: string }[];
  proxies: { zaloUserId: string; relation: string; proxyName: string; status: string; requestedAt: number; decidedAt: number | null }[];
  examResults: Record<string, unknown>[];
  /** Every other table with a row about this cadre (bookings, care requests, ...), by table name. */
  otherRecords: Record<string, Record<string, unknown>[]>;
  /** What they (or staff) wrote while talking to staff, from their own Zalo accounts. */
  transcripts: Record<string, unknown>[];
  /** Where their dialog stands in each of their own Zalo accounts. */
  conversations: Record<string, unknown>[];
  /** The timelines of their requests. */
  requestEvents: Record<string, unknown>[];
  /** Answers and notes staff wrote on their requests. */
  requestNotes: Record<string, unknown>[];
  /** Messages of theirs the service failed to process, kept for staff to replay. */
  failedEvents: Record<string, unknown>[];
  /** Messages and mails queued or sent about them (texts that carried a secret are left out). */
  outbox: Record<string, unknown>[];
  /** Who did what with their records, ids only. */
  auditTrail: Record<string, unknown>[];
}

/** Outbox rows about a cadre: their notices, replies to their own accounts, mails to them, rows about their records or naming them. */
function outboxRowsAbout(db: DbOrTx, cadre: Cadre, accounts: { own: string[]; proxies: string[] }) {
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

const requestIdsOf = (db: DbOrTx, cadreId: number, own: string[]) =>
  db
    .select({ id: careRequests.id })
    .from(careRequests)
    .where(own.length ? or(eq(careRequests.cadreId, cadreId), and(isNull(careRequests.cadreId), inArray(careRequests.zaloUserId, own))) : eq(careRequests.cadreId, cadreId))
    .all()
    .map((r) => r.id);

const handoffIdsOf = (db: DbOrTx, cadreId: number, own: string[]) =>
  db
    .select({ id: handoffs.id })
    .from(handoffs)
    .where(own.length ? or(eq(handoffs.cadreId, cadreId), inArray(handoffs.zaloUserId, own)) : eq(handoffs.cadreId, cadreId))
    .all()
    .map((r) => r.id);

function requireRole(staff: ResultStaff, roles: readonly string[], message: string) {
  if (!roles.includes(staff.role)) throw new AppError('forbidden', message);
}

/** Everything held about one cadre. Audited as `cadre.export` (format and counts only). */
export function exportPersonalData(db: DbOrTx, staff: ResultStaff, cadreId: number, format: 'json' | 'xlsx', now: number): PersonalDataExport {
  requireRole(staff, rolesFor(['results', 'exportPersonal']), 'Chỉ quản trị được xuất toàn bộ dữ liệu của một cán bộ.');
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  const clinic = cadre.clinicId ? (db.select({ code: clinics.code, name: clinics.name }).from(clinics).where(eq(clinics.id, cadre.clinicId)).get() ?? null) : null;
  const zaloAccounts = db
    .select({ id: zaloUsers.id, displayName: zaloUsers.displayName, phone: zaloUsers.phone, linkedAt: zaloLinks.linkedAt, method: zaloLinks.method })
    .from(zaloLinks)
    .innerJoin(zaloUsers, eq(zaloUsers.id, zaloLinks.zaloUserId))
    .where(eq(zaloLinks.cadreId, cadreId))
    .all();
  const proxyRows = db
    .select({ zaloUserId: proxies.zaloUserId, relation: proxies.relation, proxyName: proxies.proxyName, status: proxies.status, requestedAt: proxies.requestedAt, decidedAt: proxies.decidedAt })
    .from(proxies)
    .where(eq(proxies.cadreId, cadreId))
    .all();
  const results = rowsOf(db, 'exam_results', cadreId);
  const otherRecords: Record<string, Record<string, unknown>[]> = {};
  for (const table of tablesWithCadreId(db)) {
    if (['cadres', 'exam_results', 'zalo_links', 'proxies', 'audit_log'].includes(table)) continue;
    const rows = rowsOf(db, table, cadreId);
    if (rows.length) otherRecords[table] = rows;
  }
  const accounts = accountsOf(db, cadreId);
  const transcripts = accounts.own.length
    ? (db.select().from(handoffMessages).where(inArray(handoffMessages.zaloUserId, accounts.own)).orderBy(handoffMessages.id).all() as unknown as Record<string, unknown>[])
    : [];
  const conversationRows = accounts.own.length
    ? (db.select().from(conversations).where(inArray(conversations.zaloUserId, accounts.own)).all() as unknown as Record<string, unknown>[])
    : [];
  const requestIds = requestIdsOf(db, cadreId, accounts.own);
  const requestEvents = requestIds.length
    ? (db.select().from(careRequestEvents).where(inArray(careRequestEvents.requestId, requestIds)).orderBy(careRequestEvents.id).all() as unknown as Record<string, unknown>[])
    : [];
  const requestNoteRows = requestIds.length
    ? (db.select().from(careRequestNotes).where(inArray(careRequestNotes.requestId, requestIds)).orderBy(careRequestNotes.id).all() as unknown as Record<string, unknown>[])
    : [];
  const failedEventRows = accounts.own.length
    ? (db.select().from(failedEvents).where(inArray(failedEvents.zaloUserId, accounts.own)).orderBy(failedEvents.id).all() as unknown as Record<string, unknown>[])
    : [];
  const outboxRows = outboxRowsAbout(db, cadre, accounts).map((r) => {
    const p = (r.payload ?? {}) as Record<string, unknown>;
    return { id: r.id, kind: r.kind, status: r.status, channel: r.channel, createdAt: r.createdAt, doneAt: r.doneAt, payload: p.sensitive && r.kind === 'email.message' ? null : r.payload };
  });
  const resultIds = results.map((r) => String(r.id));
  const auditTrail = db
    .select()
    .from(auditLog)
    .where(
      or(
        and(eq(auditLog.entity, 'cadre'), eq(auditLog.entityId, String(cadreId))),
        eq(auditLog.onBehalfOfCadreId, cadreId),
        resultIds.length ? and(eq(auditLog.entity, 'exam_result'), inArray(auditLog.entityId, resultIds)) : sql`0`,
      ),
    )
    .orderBy(auditLog.id)
    .all() as unknown as Record<string, unknown>[];
  recordAudit(
    db,
    { type: 'staff', id: String(staff.id) },
    { action: 'cadre.export', entity: 'cadre', entityId: cadreId, detail: { format, results: results.length, tables: Object.keys(otherRecords) } },
    now,
  );
  return {
    exportedAt: new Date(now).toISOString(),
    cadre,
    clinic,
    zaloAccounts,
    proxies: proxyRows,
    examResults: results,
    otherRecords,
    transcripts,
    conversations: conversationRows,
    requestEvents,
    requestNotes: requestNoteRows,
    failedEvents: failedEventRows,
    outbox: outboxRows,
    auditTrail,
  };
}

const cellValue = (v: unknown): string | number | boolean | null =>
  v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);

/** The export as a workbook: one sheet per section, one row per record. */
export async function personalDataWorkbook(data: PersonalDataExport): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CadreCare';
  const sheet = (name: string, rows: Record<string, unknown>[]) => {
    const ws = wb.addWorksheet(name.slice(0, 31));
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    if (!keys.length) {
      ws.addRow(['(không có dữ liệu)']);
      return;
    }
    ws.addRow(keys).font = { bold: true };
    for (const r of rows) ws.addRow(keys.map((k) => cellValue(r[k])));
  };
  sheet('Cán bộ', [{ ...data.cadre, clinicCode: data.clinic?.code ?? null, clinicName: data.clinic?.name ?? null, exportedAt: data.exportedAt }]);
  sheet('Tài khoản Zalo', data.zaloAccounts);
  sheet('Người đại diện', data.proxies);
  sheet('Kết quả khám', data.examResults);
  for (const [table, rows] of Object.entries(data.otherRecords)) sheet(table, rows);
  sheet('Trò chuyện với nhân viên', data.transcripts);
  sheet('Hội thoại', data.conversations);
  sheet('Diễn biến yêu cầu', data.requestEvents);
  sheet('Trả lời, ghi chú yêu cầu', data.requestNotes);
  sheet('Tin chưa xử lý được', data.failedEvents);
  sheet('Tin nhắn, thư', data.outbox);
  sheet('Nhật ký', data.auditTrail);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

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

/**
 * Erases a cadre's personal data on request, in the caller's transaction (all or nothing). The audit row
 * keeps counts only.
 */
export function erasePersonalData(tx: DbOrTx, staff: ResultStaff, cadreId: number, now: number): ErasureOutcome {
  requireRole(staff, rolesFor(['results', 'erasePersonal']), 'Chỉ quản trị được xóa dữ liệu của cán bộ.');
  const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  const accounts = accountsOf(tx, cadreId);
  const deleted: Record<string, number> = {};

  // Outbox: every row about them (their notices, replies to their own account, mails to them, rows about their
  // bookings, requests and conversations, anything naming them) loses its text; unfinished ones are cancelled.
  // Sensitive replies to their proxies are scrubbed but not cancelled (the proxy still gets the reply).
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
  // Audit rows stay (accountability), but a detail that names them is reduced to a marker.
  const identifiers = identifiersOf(cadre);
  const namingAudits = tx
    .select({ id: auditLog.id, detail: auditLog.detail })
    .from(auditLog)
    .all()
    .filter((a) => a.detail !== null && mentionsAny(JSON.stringify(a.detail), identifiers))
    .map((a) => a.id);
  if (namingAudits.length) tx.update(auditLog).set({ detail: { erased: true } }).where(inArray(auditLog.id, namingAudits)).run();

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

  const kept: Record<string, number> = {};
  for (const table of tablesWithCadreId(tx)) {
    if (handled.has(table)) continue;
    const n = tx.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)} where cadre_id = ${cadreId}`)?.n ?? 0;
    if (n) kept[table] = n;
  }
  // Mail files (the local mailbox) are files, not rows: a job removes those that name them, after commit.
  enqueue(tx, 'mail.erase', { cadreId }, { now });
  const outcome: ErasureOutcome = { cadreId, deleted, conversationsReset, outboxScrubbed, outboxCancelled, kept };
  recordAudit(
    tx,
    { type: 'staff', id: String(staff.id) },
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
