import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { staffActor, type ActingStaff } from '../staff/actor';
import { z } from 'zod';
import { AppError } from '../../errors';
import { fieldProblem } from '../shared/validationText';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cadres, campaigns, clinics, examResults, healthClasses, type Cadre, type ExamResult, type StaffRole } from '../../store/schema';
import { formatIsoDate } from '../shared/dates';
import { vietnamDate } from '../shared/quietHours';
import { rolesFor } from '../staff/permissions';

/**
 * Exam results: entry and correction by staff, and who among staff may touch which result. Release is in
 * release.ts, the "results are ready" notice in resultNotice.ts, what a cadre sees in chat in resultsInChat.ts,
 * the staff list in resultList.ts and the classification mix in classificationMix.ts. Health data never
 * leaves SQLite except in the reply that shows it to the person entitled to it: notices, job payloads, audit
 * details and logs carry ids only.
 */

// --- roles ------------------------------------------------------------------------------------------------

export function requireResultRole(staff: ActingStaff, roles: readonly StaffRole[], message: string): void {
  if (!roles.includes(staff.role)) throw new AppError('forbidden', message);
}

/** clinic_staff see only cadres registered at their clinic. */
export function cadreForStaff(db: DbOrTx, staff: ActingStaff, cadreId: number): Cadre {
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  if (staff.role === 'clinic_staff' && cadre.clinicId !== (staff.clinicId ?? -1)) {
    throw new AppError('forbidden', 'Cán bộ này không thuộc phòng khám của bạn.');
  }
  return cadre;
}

/** The result, if the staff member may see it (404 when absent, 403 outside a clinic_staff's clinic). */
export function resultForStaff(db: DbOrTx, staff: ActingStaff, id: number): ExamResult & { cadre: Cadre } {
  const result = db.select().from(examResults).where(eq(examResults.id, id)).get();
  if (!result) throw new AppError('not_found', 'Không tìm thấy kết quả.');
  return { ...result, cadre: cadreForStaff(db, staff, result.cadreId) };
}

// --- input ------------------------------------------------------------------------------------------------

const line = (max: number) => z.string().trim().max(max, `Tối đa ${max} ký tự.`);

/** What staff enter for a result (by form, API or import row). */
export const ResultInput = z
  .object({
    examDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày khám dạng YYYY-MM-DD.'),
    clinicId: z.number().int().positive().nullable().default(null),
    campaignId: z.number().int().positive().nullable().default(null),
    healthClass: z.enum(healthClasses).nullable().default(null),
    conclusions: line(2000).default(''),
    diagnoses: z.array(line(300)).max(30, 'Tối đa 30 dòng chẩn đoán.').default([]),
    advice: line(2000).default(''),
    followUp: z.boolean().default(false),
    followUpWhere: line(300).default(''),
    signedBy: line(120).default(''),
  })
  .transform((r) => ({ ...r, diagnoses: r.diagnoses.filter((d) => d !== ''), followUpWhere: r.followUp ? r.followUpWhere : '' }));
export type ResultInput = z.infer<typeof ResultInput>;

/** Checks what zod cannot: a real date, not in the future, a known clinic; follow-up says where. */
export function checkResultInput(db: DbOrTx, input: ResultInput, today: string): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const [y, m, d] = input.examDate.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1990 || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) problems.push({ field: 'examDate', message: 'Ngày khám không hợp lệ.' });
  else if (input.examDate > today) problems.push({ field: 'examDate', message: 'Ngày khám không được ở tương lai.' });
  if (input.campaignId !== null) {
    // A result counts toward its campaign's share examined: its exam date must fall inside the campaign.
    const c = db.select({ name: campaigns.name, startDate: campaigns.startDate, endDate: campaigns.endDate }).from(campaigns).where(eq(campaigns.id, input.campaignId)).get();
    if (!c) problems.push({ field: 'campaignId', message: 'Không có đợt khám này.' });
    else if (input.examDate < c.startDate || input.examDate > c.endDate) {
      problems.push({
        field: 'examDate',
        message: `Ngày khám ${formatIsoDate(input.examDate)} nằm ngoài thời gian của ${c.name} (${formatIsoDate(c.startDate)} – ${formatIsoDate(c.endDate)}); sửa ngày khám hoặc để trống đợt khám.`,
      });
    }
  }
  if (input.clinicId !== null && !db.select({ id: clinics.id }).from(clinics).where(eq(clinics.id, input.clinicId)).get()) {
    problems.push({ field: 'clinicId', message: 'Không có phòng khám này.' });
  }
  if (input.followUp && !input.followUpWhere) problems.push({ field: 'followUpWhere', message: 'Ghi nơi khám lại khi đề nghị khám lại.' });
  if (!input.healthClass && !input.conclusions && input.diagnoses.length === 0) {
    problems.push({ field: 'conclusions', message: 'Cần ít nhất phân loại sức khỏe, kết luận hoặc chẩn đoán.' });
  }
  return problems;
}

function assertInput(db: DbOrTx, input: ResultInput, now: number): void {
  const problems = checkResultInput(db, input, vietnamDate(now));
  if (problems.length) throw new AppError('validation_failed', problems.map((p) => p.message).join(' '), problems.map((p) => fieldProblem(p.field, p.message)));
}

/** What the doctor found and advised, and who signed it: the part of a result a cadre reads. */
export const resultFindings = (r: Pick<ResultInput, 'healthClass' | 'conclusions' | 'diagnoses' | 'advice' | 'followUp' | 'followUpWhere' | 'signedBy'>) => ({
  healthClass: r.healthClass,
  conclusions: r.conclusions,
  diagnoses: r.diagnoses,
  advice: r.advice,
  followUp: r.followUp,
  followUpWhere: r.followUpWhere,
  signedBy: r.signedBy,
});

const contentOf = (r: ResultInput) => ({ examDate: r.examDate, clinicId: r.clinicId, campaignId: r.campaignId, ...resultFindings(r) });

/** Whether a stored version already says exactly what `input` says. */
export function sameContent(stored: ExamResult, input: ResultInput): boolean {
  const a = contentOf(input);
  return (Object.keys(a) as (keyof typeof a)[]).every((k) => JSON.stringify(stored[k]) === JSON.stringify(a[k]));
}

// --- chains -----------------------------------------------------------------------------------------------

/**
 * The result chain a new result would belong to: per cadre, one per campaign; outside a campaign, one per
 * exam date. Returns the chain's versions, newest first.
 */
export function chainFor(db: DbOrTx, cadreId: number, campaignId: number | null, examDate: string): ExamResult[] {
  const first = db
    .select({ chainId: examResults.chainId })
    .from(examResults)
    .where(
      and(
        eq(examResults.cadreId, cadreId),
        campaignId === null ? and(isNull(examResults.campaignId), eq(examResults.examDate, examDate)) : eq(examResults.campaignId, campaignId),
      ),
    )
    .orderBy(asc(examResults.id))
    .get();
  if (!first) return [];
  return chainVersions(db, first.chainId);
}

function chainVersions(db: DbOrTx, chainId: number): ExamResult[] {
  return db.select().from(examResults).where(eq(examResults.chainId, chainId)).orderBy(desc(examResults.version)).all();
}

// --- entry ------------------------------------------------------------------------------------------------

/** Inserts a first-version draft (no checks); the chain id is the row's own id. */
export function insertDraft(tx: DbOrTx, staffId: number, cadreId: number, input: ResultInput, source: 'manual' | 'import', now: number): ExamResult {
  const row = tx
    .insert(examResults)
    .values({ ...contentOf(input), chainId: 0, version: 1, cadreId, source, enteredByStaffId: staffId, createdAt: now, updatedAt: now })
    .returning()
    .get();
  return tx.update(examResults).set({ chainId: row.id }).where(eq(examResults.id, row.id)).returning().get();
}

/** A new draft result for a cadre; refused when the cadre already has one for the same campaign (or day). */
export function createDraft(tx: DbOrTx, staff: ActingStaff, cadreId: number, input: ResultInput, now: number): ExamResult {
  requireResultRole(staff, rolesFor(['results', 'enter']), 'Tài khoản của bạn không được nhập kết quả.');
  cadreForStaff(tx, staff, cadreId);
  assertInput(tx, input, now);
  if (chainFor(tx, cadreId, input.campaignId, input.examDate).length) {
    throw new AppError('conflict', 'Cán bộ đã có kết quả cho đợt khám (hoặc ngày khám) này; hãy sửa kết quả đó.');
  }
  const row = insertDraft(tx, staff.id, cadreId, input, 'manual', now);
  recordAudit(tx, staffActor(staff), { action: 'result.create', entity: 'exam_result', entityId: row.id, detail: { cadreId, campaignId: input.campaignId } }, now);
  return row;
}

/** Edits a draft (a first version or a correction). Released and superseded versions never change. */
export function updateDraft(tx: DbOrTx, staff: ActingStaff, id: number, input: ResultInput, now: number): ExamResult {
  requireResultRole(staff, rolesFor(['results', 'enter']), 'Tài khoản của bạn không được sửa kết quả.');
  const current = resultForStaff(tx, staff, id);
  if (current.status !== 'draft') throw new AppError('conflict', 'Kết quả đã công bố không sửa trực tiếp được; hãy tạo bản đính chính.');
  assertInput(tx, input, now);
  const other = chainFor(tx, current.cadreId, input.campaignId, input.examDate);
  if (other.length && other[0]!.chainId !== current.chainId) {
    throw new AppError('conflict', 'Cán bộ đã có kết quả khác cho đợt khám (hoặc ngày khám) này.');
  }
  if (current.version > 1 && input.campaignId !== current.campaignId) {
    throw new AppError('conflict', 'Bản đính chính phải cùng đợt khám với kết quả được đính chính.');
  }
  const row = tx.update(examResults).set({ ...contentOf(input), updatedAt: now }).where(eq(examResults.id, id)).returning().get();
  recordAudit(tx, staffActor(staff), { action: 'result.update', entity: 'exam_result', entityId: id, detail: { cadreId: current.cadreId } }, now);
  return row;
}

/** Deletes a draft that should not be released. */
export function discardDraft(tx: DbOrTx, staff: ActingStaff, id: number, now: number): void {
  requireResultRole(staff, rolesFor(['results', 'enter']), 'Tài khoản của bạn không được xóa bản nháp.');
  const current = resultForStaff(tx, staff, id);
  if (current.status !== 'draft') throw new AppError('conflict', 'Chỉ xóa được bản nháp.');
  tx.delete(examResults).where(eq(examResults.id, id)).run();
  recordAudit(tx, staffActor(staff), { action: 'result.discard', entity: 'exam_result', entityId: id, detail: { cadreId: current.cadreId } }, now);
}

/**
 * Starts a correction of a released result: a new draft version with the same content, to edit and release.
 * The released version stays visible to the cadre until the correction is released.
 */
export function startCorrection(tx: DbOrTx, staff: ActingStaff, id: number, now: number): ExamResult {
  requireResultRole(staff, rolesFor(['results', 'enter']), 'Tài khoản của bạn không được đính chính kết quả.');
  const current = resultForStaff(tx, staff, id);
  if (current.status !== 'released') throw new AppError('conflict', 'Chỉ đính chính được kết quả đang công bố.');
  const versions = chainVersions(tx, current.chainId);
  const open = versions.find((v) => v.status === 'draft');
  if (open) throw new AppError('conflict', `Đã có bản đính chính đang soạn (mã ${open.id}).`, { draftId: open.id });
  const row = tx
    .insert(examResults)
    .values({
      ...contentOf({ ...current, diagnoses: current.diagnoses }),
      chainId: current.chainId,
      version: versions[0]!.version + 1,
      correctsId: current.id,
      cadreId: current.cadreId,
      source: 'manual',
      enteredByStaffId: staff.id,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  recordAudit(tx, staffActor(staff), { action: 'result.correct', entity: 'exam_result', entityId: row.id, detail: { cadreId: current.cadreId, corrects: current.id } }, now);
  return row;
}
