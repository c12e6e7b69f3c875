import { writeWorkbook, type SheetCell, type SheetSpec } from '../shared/spreadsheet';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import {
  auditLog,
  cadres,
  careRequestEvents,
  careRequestNotes,
  clinics,
  conversations,
  failedEvents,
  handoffMessages,
  proxies,
  zaloLinks,
  zaloUsers,
  type AuditEntry,
  type Cadre,
  type CareRequestEvent,
  type CareRequestNote,
  type FailedEvent,
  type HandoffMessage,
} from '../../store/schema';
import { rolesFor } from '../staff/permissions';
import { staffActor, type ActingStaff } from '../staff/actor';
import { accountsOf, outboxRowsAbout, requestIdsOf, requireRole, rowsOf, tablesWithCadreId } from './personalData';

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
  transcripts: HandoffMessage[];
  /** Where their dialog stands in each of their own Zalo accounts. */
  conversations: (typeof conversations.$inferSelect)[];
  /** The timelines of their requests. */
  requestEvents: CareRequestEvent[];
  /** Answers and notes staff wrote on their requests. */
  requestNotes: CareRequestNote[];
  /** Messages of theirs the service failed to process, kept for staff to replay. */
  failedEvents: FailedEvent[];
  /** Messages and mails queued or sent about them (texts that carried a secret are left out). */
  outbox: Record<string, unknown>[];
  /** Who did what with their records, ids only. */
  auditTrail: AuditEntry[];
}

/** Everything held about one cadre. Audited as `cadre.export` (format and counts only). */
export function exportPersonalData(db: DbOrTx, staff: ActingStaff, cadreId: number, format: 'json' | 'xlsx', now: number): PersonalDataExport {
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
    ? (db.select().from(handoffMessages).where(inArray(handoffMessages.zaloUserId, accounts.own)).orderBy(handoffMessages.id).all())
    : [];
  const conversationRows = accounts.own.length
    ? (db.select().from(conversations).where(inArray(conversations.zaloUserId, accounts.own)).all())
    : [];
  const requestIds = requestIdsOf(db, cadreId, accounts.own);
  const requestEvents = requestIds.length
    ? (db.select().from(careRequestEvents).where(inArray(careRequestEvents.requestId, requestIds)).orderBy(careRequestEvents.id).all())
    : [];
  const requestNoteRows = requestIds.length
    ? (db.select().from(careRequestNotes).where(inArray(careRequestNotes.requestId, requestIds)).orderBy(careRequestNotes.id).all())
    : [];
  const failedEventRows = accounts.own.length
    ? (db.select().from(failedEvents).where(inArray(failedEvents.zaloUserId, accounts.own)).orderBy(failedEvents.id).all())
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
    .all();
  recordAudit(
    db,
    staffActor(staff),
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

const cellValue = (v: unknown): SheetCell =>
  v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);

/** One section as a sheet: one column per field, one row per record. */
function sectionSheet(name: string, records: readonly object[]): SheetSpec {
  const fields = records.map((r) => new Map<string, unknown>(Object.entries(r)));
  const keys = [...new Set(fields.flatMap((r) => [...r.keys()]))];
  if (!keys.length) return { name, columns: [{ header: '(không có dữ liệu)' }], rows: [] };
  return { name, columns: keys.map((k) => ({ header: k })), rows: fields.map((r) => keys.map((k) => cellValue(r.get(k)))) };
}

/** The export as a workbook through the one writer: one sheet per section, one row per record. */
export async function personalDataWorkbook(data: PersonalDataExport): Promise<Buffer> {
  return writeWorkbook([
    sectionSheet('Cán bộ', [{ ...data.cadre, clinicCode: data.clinic?.code ?? null, clinicName: data.clinic?.name ?? null, exportedAt: data.exportedAt }]),
    sectionSheet('Tài khoản Zalo', data.zaloAccounts),
    sectionSheet('Người đại diện', data.proxies),
    sectionSheet('Kết quả khám', data.examResults),
    ...Object.entries(data.otherRecords).map(([table, rows]) => sectionSheet(table, rows)),
    sectionSheet('Trò chuyện với nhân viên', data.transcripts),
    sectionSheet('Hội thoại', data.conversations),
    sectionSheet('Diễn biến yêu cầu', data.requestEvents),
    sectionSheet('Trả lời, ghi chú yêu cầu', data.requestNotes),
    sectionSheet('Tin chưa xử lý được', data.failedEvents),
    sectionSheet('Tin nhắn, thư', data.outbox),
    sectionSheet('Nhật ký', data.auditTrail),
  ]);
}
