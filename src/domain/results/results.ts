/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { and, asc, desc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { staffActor, type ActingStaff } from '../staff/actor';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { Db, DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import {
  cadres,
  campaigns,
  clinics,
  examResults,
  examResultStatuses,
  healthClasses,
  proxies,
  staffUsers,
  zaloLinks,
  type Cadre,
  type ExamResult,
  type HealthClass,
  type StaffRole,
} from '../../store/schema';
import { formatIsoDate } from '../shared/dates';
import { enqueueNotice, type NoticeRef, type RenderedNotice } from '../outreach/notices';
import { outsideQuietHours, vietnamDate } from '../shared/quietHours';
import { rolesFor } from '../staff/permissions';
import { listParams, orderFor, pageWindow, personSearch, type PageWindow } from '../shared/listing';
import { openFollowUp } from '../aftercare/followUps';
import { classCodes, classSchemeIds, lowestTwoClasses, type ClassSchemeId } from './classification';
import { committeeWord } from '../shared/organisation';

/**
 * Exam results: entry and correction by staff, release by a doctor or admin, the "results are ready" notice,
 * what a cadre (or their approved proxy) may see in chat, and the classification mix. Health data never
 * leaves SQLite except in the reply that shows it to the person entitled to it: notices, job payloads, audit
 * details and logs carry ids only.
 */

// --- roles ------------------------------------------------------------------------------------------------


/** The staff member acting: structurally the session's StaffIdentity. */

function requireResultRole(staff: ActingStaff, roles: readonly StaffRole[], message: string): void {
  if (!roles.includes(staff.role)) throw new AppError('forbidden', message);
}

/** clinic_staff see only cadres registered at their clinic. */
function cadreForStaff(db: DbOrTx, staff: ActingStaff, cadreId: number): Cadre {
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

// --- plain words for the health class ---------------------------------------------------------------------

/** Label of a stored class in its own scheme (domain/classification.ts). */
export { healthClassLabel } from './classification';

/**
 * The classes that call for a follow-up: the two lowest of each scheme (IV, V and C, D). The codes of the
 * schemes never overlap, so a result is judged in the scheme it was classified under, whichever is active now.
 */
export function lowestHealthClasses(): HealthClass[] {
  return classSchemeIds.flatMap((id) => lowestTwoClasses(id));
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
  if (problems.length) throw new AppError('validation_failed', problems.map((p) => p.message).join(' '), problems.map((p) => ({ path: p.field, message: p.message })));
}

const contentOf = (r: ResultInput) => ({
  examDate: r.examDate,
  clinicId: r.clinicId,
  campaignId: r.campaignId,
  healthClass: r.healthClass,
  conclusions: r.conclusions,
  diagnoses: r.diagnoses,
  advice: r.advice,
  followUp: r.followUp,
  followUpWhere: r.followUpWhere,
  signedBy: r.signedBy,
});

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

export function chainVersions(db: DbOrTx, chainId: number): ExamResult[] {
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

// --- release ----------------------------------------------------------------------------------------------

export const RESULT_NOTICE_KIND = 'result.released';
export const resultSubject = (chainId: number) => `result-${chainId}`;

export interface ReleaseOutcome {
  released: number[];
  skipped: { id: number; reason: string }[];
  noticeIds: number[];
}

/**
 * Releases drafts (doctor or admin only), inside the caller's transaction: each becomes visible to the cadre,
 * a released correction supersedes the version it corrects, and the cadre (or their approved proxy) is told
 * "results are ready" by a notice carrying only the result id (sent outside quiet hours). Drafts that are
 * gone, already released or outside the staff member's clinic are skipped with the reason.
 */
export function releaseResults(tx: DbOrTx, staff: ActingStaff, ids: number[], now: number): ReleaseOutcome {
  requireResultRole(staff, rolesFor(['results', 'release']), 'Chỉ bác sĩ hoặc quản trị được công bố kết quả.');
  const outcome: ReleaseOutcome = { released: [], skipped: [], noticeIds: [] };
  for (const id of [...new Set(ids)]) {
    const current = tx.select().from(examResults).where(eq(examResults.id, id)).get();
    if (!current) {
      outcome.skipped.push({ id, reason: 'Không còn kết quả này.' });
      continue;
    }
    try {
      cadreForStaff(tx, staff, current.cadreId);
    } catch (err) {
      outcome.skipped.push({ id, reason: (err as Error).message });
      continue;
    }
    if (current.status !== 'draft') {
      outcome.skipped.push({ id, reason: 'Kết quả đã được công bố trước đó.' });
      continue;
    }
    tx.update(examResults).set({ status: 'released', releasedAt: now, releasedByStaffId: staff.id, updatedAt: now }).where(eq(examResults.id, id)).run();
    // Any other released version of the chain (normally the one corrected) is kept, marked superseded.
    tx.update(examResults)
      .set({ status: 'superseded', supersededAt: now, supersededById: id, updatedAt: now })
      .where(and(eq(examResults.chainId, current.chainId), eq(examResults.status, 'released'), ne(examResults.id, id)))
      .run();
    syncCadreHealthClass(tx, current.cadreId, now);
    // One "ready" notice per chain: an unsent earlier one is replaced by this one.
    cancelOutboxBySubject(tx, resultSubject(current.chainId), now);
    const ref: NoticeRef = { kind: RESULT_NOTICE_KIND, id, ...(current.version > 1 ? { variant: 'corrected' } : {}) };
    const noticeAt = outsideQuietHours(now);
    outcome.noticeIds.push(enqueueNotice(tx, { cadreId: current.cadreId, ref, dueAt: noticeAt, subject: resultSubject(current.chainId) }, now));
    // A result in the lowest classes, or marked for re-examination, opens its chain's follow-up (once).
    openFollowUp(tx, current, lowestHealthClasses(), noticeAt, now);
    recordAudit(
      tx,
      staffActor(staff),
      { action: 'result.release', entity: 'exam_result', entityId: id, detail: { cadreId: current.cadreId, version: current.version } },
      now,
    );
    outcome.released.push(id);
  }
  return outcome;
}

/** The registry's health class follows the cadre's newest released classification. */
function syncCadreHealthClass(tx: DbOrTx, cadreId: number, now: number): void {
  const latest = tx
    .select({ healthClass: examResults.healthClass })
    .from(examResults)
    .where(and(eq(examResults.cadreId, cadreId), eq(examResults.status, 'released')))
    .orderBy(desc(examResults.examDate), desc(examResults.id))
    .get();
  if (latest?.healthClass) {
    tx.update(cadres).set({ healthClass: latest.healthClass, updatedAt: now }).where(and(eq(cadres.id, cadreId), ne(sql`coalesce(${cadres.healthClass}, '')`, latest.healthClass))).run();
  }
}

// --- the "results are ready" notice -----------------------------------------------------------------------

export const resultNoticeText = {
  ready: (who: string) => `Kết quả khám sức khỏe của ${who} đã có.`,
  corrected: (who: string) => `Kết quả khám sức khỏe của ${who} vừa được bổ sung, đính chính.`,
  how: 'Để giữ bí mật, kết quả chỉ xem trong khung chat này. Xin bấm «Xem kết quả» hoặc gõ "xem kết quả".',
  button: 'Xem kết quả',
  emailSubject: 'Đã có kết quả khám sức khỏe',
  email: (who: string, clinic: string | null) =>
    [
      `Kính gửi ${who},`,
      '',
      `Kết quả khám sức khỏe của ${who} đã có.`,
      'Để giữ bí mật thông tin sức khỏe, kết quả không gửi qua thư điện tử.',
      `Xin mở Zalo, nhắn "xem kết quả" cho ${committeeWord()} trong khung chat, hoặc đến ${clinic ?? 'phòng khám'} để nhận kết quả.`,
      '',
      'Thư này được gửi tự động; xin đừng trả lời thư.',
    ].join('\n'),
};

const honorificOf = (c: Pick<Cadre, 'sex' | 'fullName'>) => `${c.sex === 'female' ? 'Bà' : 'Ông'} ${c.fullName}`;

/**
 * Renders "results are ready" from the result id: the cadre's name and where to go, never the result itself.
 * Null when the result is no longer released (discarded, or superseded by a correction that has its own notice).
 */
export function renderResultReleased(db: Db, ref: NoticeRef): RenderedNotice | null {
  const row = db
    .select({ status: examResults.status, cadre: cadres, clinicName: clinics.name, clinicPhone: clinics.phone })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
    .where(eq(examResults.id, ref.id))
    .get();
  if (!row || row.status !== 'released') return null;
  const who = honorificOf(row.cadre);
  const first = ref.variant === 'corrected' ? resultNoticeText.corrected(who) : resultNoticeText.ready(who);
  const clinic = row.clinicName ? `${row.clinicName}${row.clinicPhone ? ` (điện thoại ${row.clinicPhone})` : ''}` : null;
  return {
    text: `${first}\n${resultNoticeText.how}`,
    buttons: [{ title: resultNoticeText.button, payload: resultNoticeText.button }],
    email: { subject: resultNoticeText.emailSubject, text: resultNoticeText.email(who, clinic) },
    template: { name: 'result_released', data: { name: row.cadre.fullName } },
  };
}

// --- what a Zalo user may see -----------------------------------------------------------------------------

export interface ResultListItem {
  id: number;
  examDate: string;
  clinicName: string | null;
}

export interface ResultView extends ResultListItem {
  cadreId: number;
  version: number;
  healthClass: HealthClass | null;
  conclusions: string;
  diagnoses: string[];
  advice: string;
  followUp: boolean;
  followUpWhere: string;
  signedBy: string;
}

/** Read-only result facts for a dialog turn; every answer is limited to what this Zalo user may see. */
export interface ResultLookups {
  /** The cadre's released results, newest exam first; empty when this user may not see that cadre's results. */
  released(cadreId: number): ResultListItem[];
  /** One released result of that cadre; null when it is not theirs, not released, or not for this user. */
  view(cadreId: number, resultId: number): ResultView | null;
}

/** True when the Zalo user is the cadre's verified account or an approved proxy of an active cadre. */
export function maySeeCadre(db: DbOrTx, zaloUserId: string, cadreId: number): boolean {
  const active = db.select({ id: cadres.id }).from(cadres).where(and(eq(cadres.id, cadreId), eq(cadres.active, true))).get();
  if (!active) return false;
  const own = db.select({ c: zaloLinks.cadreId }).from(zaloLinks).where(and(eq(zaloLinks.zaloUserId, zaloUserId), eq(zaloLinks.cadreId, cadreId))).get();
  if (own) return true;
  return !!db
    .select({ id: proxies.id })
    .from(proxies)
    .where(and(eq(proxies.zaloUserId, zaloUserId), eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved')))
    .get();
}

export function createResultLookups(tx: DbOrTx, zaloUserId: string): ResultLookups {
  const visible = (cadreId: number, extra?: SQL) =>
    and(eq(examResults.cadreId, cadreId), eq(examResults.status, 'released'), extra ?? sql`1 = 1`);
  return {
    released(cadreId) {
      if (!maySeeCadre(tx, zaloUserId, cadreId)) return [];
      return tx
        .select({ id: examResults.id, examDate: examResults.examDate, clinicName: clinics.name })
        .from(examResults)
        .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
        .where(visible(cadreId))
        .orderBy(desc(examResults.examDate), desc(examResults.id))
        .all();
    },
    view(cadreId, resultId) {
      if (!maySeeCadre(tx, zaloUserId, cadreId)) return null;
      const row = tx
        .select({ r: examResults, clinicName: clinics.name })
        .from(examResults)
        .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
        .where(visible(cadreId, eq(examResults.id, resultId)))
        .get();
      if (!row) return null;
      const r = row.r;
      return {
        id: r.id,
        cadreId: r.cadreId,
        version: r.version,
        examDate: r.examDate,
        clinicName: row.clinicName,
        healthClass: r.healthClass,
        conclusions: r.conclusions,
        diagnoses: r.diagnoses,
        advice: r.advice,
        followUp: r.followUp,
        followUpWhere: r.followUpWhere,
        signedBy: r.signedBy,
      };
    },
  };
}

// --- the audit of every view in chat ----------------------------------------------------------------------

export type ResultEffect = { type: 'resultViewed'; cadreId: number; resultIds: number[]; what: 'result' | 'list' };

/**
 * Records, inside the turn's transaction, that a Zalo user saw a cadre's result (or the list of earlier ones):
 * who, when, which, and the cadre they acted for when they are a proxy. Ids only.
 */
export function applyResultEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: ResultEffect): void {
  const own = !!tx
    .select({ c: zaloLinks.cadreId })
    .from(zaloLinks)
    .where(and(eq(zaloLinks.zaloUserId, ctx.zaloUserId), eq(zaloLinks.cadreId, effect.cadreId)))
    .get();
  const actor: AuditActor = { type: 'zalo', id: ctx.zaloUserId, onBehalfOfCadreId: own ? null : effect.cadreId };
  if (effect.what === 'list') {
    recordAudit(tx, actor, { action: 'result.list', entity: 'cadre', entityId: effect.cadreId, detail: { resultIds: effect.resultIds } }, ctx.now);
    return;
  }
  for (const id of effect.resultIds) {
    recordAudit(tx, actor, { action: 'result.view', entity: 'exam_result', entityId: id, detail: { cadreId: effect.cadreId } }, ctx.now);
  }
}

// --- staff lists ------------------------------------------------------------------------------------------

export interface ResultRow {
  result: ExamResult;
  cadre: Pick<Cadre, 'id' | 'code' | 'fullName' | 'unit' | 'clinicId'>;
  clinicName: string | null;
  enteredBy: string | null;
}

const resultSortable = ['updated', 'examDate', 'name', 'code', 'class'] as const;

/** The staff results list: a status, a search by name or code (with or without diacritics), a campaign, a page, an order. */
export const ResultListParams = z.object({
  status: z.enum([...examResultStatuses, 'all']).default('draft'),
  q: z.string().trim().max(100).optional(),
  campaignId: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  cadreId: z.coerce.number().int().positive().optional(),
  ...listParams(resultSortable),
});
export type ResultListParams = z.infer<typeof ResultListParams>;

function resultListFilter(db: DbOrTx, staff: ActingStaff, q: Omit<ResultListParams, 'page' | 'sort' | 'dir'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.status !== 'all') where.push(eq(examResults.status, q.status));
  if (q.cadreId) where.push(eq(examResults.cadreId, q.cadreId));
  if (q.campaignId) where.push(eq(examResults.campaignId, q.campaignId));
  if (staff.role === 'clinic_staff') where.push(eq(cadres.clinicId, staff.clinicId ?? -1));
  const byPerson = personSearch(db, q.q, cadres.fullName, cadres.code);
  if (byPerson) where.push(byPerson);
  return where.length ? and(...where) : undefined;
}

/** One page of the results list and where it sits in the whole: every matching row is reachable, none silently cut. */
export function pageResults(db: DbOrTx, staff: ActingStaff, q: ResultListParams): { items: ResultRow[]; window: PageWindow } {
  const filter = resultListFilter(db, staff, q);
  const total = db.select({ n: sql<number>`count(*)` }).from(examResults).innerJoin(cadres, eq(cadres.id, examResults.cadreId)).where(filter).get()?.n ?? 0;
  const window = pageWindow(total, q.page);
  const items = db
    .select({
      result: examResults,
      cadre: { id: cadres.id, code: cadres.code, fullName: cadres.fullName, unit: cadres.unit, clinicId: cadres.clinicId },
      clinicName: clinics.name,
      enteredBy: staffUsers.fullName,
    })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
    .leftJoin(staffUsers, eq(staffUsers.id, examResults.enteredByStaffId))
    .where(filter)
    .orderBy(
      ...orderFor(
        { updated: examResults.updatedAt, examDate: examResults.examDate, name: sql`vi_fold(${cadres.fullName})`, code: cadres.code, class: examResults.healthClass },
        q,
        // The release queue shows the oldest drafts first; other lists the newest.
        { sort: 'updated', dir: q.status === 'draft' ? 'asc' : 'desc' },
        examResults.id,
      ),
    )
    .limit(window.pageSize)
    .offset(window.offset)
    .all();
  return { items, window };
}

/** The ids of every result matching the list's filter, on all pages: what "select all" releases. */
export function resultIdsMatching(db: DbOrTx, staff: ActingStaff, q: Omit<ResultListParams, 'page' | 'sort' | 'dir'>): number[] {
  return db
    .select({ id: examResults.id })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .where(resultListFilter(db, staff, q))
    .orderBy(asc(examResults.id))
    .all()
    .map((r) => r.id);
}

/** Records that staff read result text (a detail page, the release queue, an API answer): ids only. */
export function auditStaffRead(db: DbOrTx, staff: ActingStaff, resultIds: number[], now: number, where: string): void {
  if (!resultIds.length) return;
  recordAudit(
    db,
    staffActor(staff),
    resultIds.length === 1
      ? { action: 'result.read', entity: 'exam_result', entityId: resultIds[0], detail: { where } }
      : { action: 'result.read', entity: 'exam_result', detail: { where, resultIds: resultIds.slice(0, 500), count: resultIds.length } },
    now,
  );
}

// --- figures ----------------------------------------------------------------------------------------------

export type ClassKey = HealthClass | 'none';
export const classKeys: ClassKey[] = [...healthClasses, 'none'];

/**
 * The columns of a classification mix: the active scheme's classes, then any class of another scheme that
 * results still hold (stored under the scheme of their day), then "not classified".
 */
export function mixColumns(scheme: ClassSchemeId, totals: Record<ClassKey, number>): ClassKey[] {
  const active = classCodes(scheme);
  return [...active, ...healthClasses.filter((k) => !active.includes(k) && totals[k] > 0), 'none'];
}

export interface ClassificationRow {
  campaignId: number | null;
  unit: string;
  total: number;
  counts: Record<ClassKey, number>;
  /** Share of `total`, 0..1, rounded to 4 places. */
  shares: Record<ClassKey, number>;
}

const emptyCounts = (): Record<ClassKey, number> => Object.fromEntries(classKeys.map((k) => [k, 0])) as Record<ClassKey, number>;
function withShares(campaignId: number | null, unit: string, counts: Record<ClassKey, number>): ClassificationRow {
  const total = classKeys.reduce((s, k) => s + counts[k], 0);
  const shares = emptyCounts();
  for (const k of classKeys) shares[k] = total ? Math.round((counts[k] / total) * 10_000) / 10_000 : 0;
  return { campaignId, unit, total, counts, shares };
}

/**
 * The classification mix of released results (one per chain: corrections count once), per campaign and
 * unit, with totals per campaign and overall. Counts only: no names, no texts.
 */
export function classificationMix(
  db: DbOrTx,
  q: { campaignId?: number | null; unit?: string; clinicId?: number | null },
): { rows: ClassificationRow[]; byCampaign: ClassificationRow[]; total: ClassificationRow } {
  const where: SQL[] = [eq(examResults.status, 'released')];
  if (q.campaignId !== undefined) where.push(q.campaignId === null ? isNull(examResults.campaignId) : eq(examResults.campaignId, q.campaignId));
  if (q.unit !== undefined) where.push(eq(cadres.unit, q.unit));
  if (q.clinicId !== undefined && q.clinicId !== null) where.push(eq(cadres.clinicId, q.clinicId));
  const grouped = db
    .select({ campaignId: examResults.campaignId, unit: cadres.unit, healthClass: examResults.healthClass, n: sql<number>`count(*)` })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .where(and(...where))
    .groupBy(examResults.campaignId, cadres.unit, examResults.healthClass)
    .all();
  const cells = new Map<string, { campaignId: number | null; unit: string; counts: Record<ClassKey, number> }>();
  const campaigns = new Map<string, { campaignId: number | null; counts: Record<ClassKey, number> }>();
  const overall = emptyCounts();
  for (const g of grouped) {
    const key: ClassKey = g.healthClass ?? 'none';
    const ck = `${g.campaignId ?? ''}|${g.unit}`;
    const cell = cells.get(ck) ?? { campaignId: g.campaignId, unit: g.unit, counts: emptyCounts() };
    cell.counts[key] += Number(g.n);
    cells.set(ck, cell);
    const camp = campaigns.get(String(g.campaignId ?? '')) ?? { campaignId: g.campaignId, counts: emptyCounts() };
    camp.counts[key] += Number(g.n);
    campaigns.set(String(g.campaignId ?? ''), camp);
    overall[key] += Number(g.n);
  }
  const byCampaignId = (a: { campaignId: number | null }, b: { campaignId: number | null }) => (b.campaignId ?? -1) - (a.campaignId ?? -1);
  return {
    rows: [...cells.values()].sort((a, b) => byCampaignId(a, b) || a.unit.localeCompare(b.unit, 'vi')).map((c) => withShares(c.campaignId, c.unit, c.counts)),
    byCampaign: [...campaigns.values()].sort(byCampaignId).map((c) => withShares(c.campaignId, '', c.counts)),
    total: withShares(null, '', overall),
  };
}

/** Campaign names by id. */
export function campaignNames(db: DbOrTx, ids: (number | null)[]): Map<number, string> {
  const wanted = [...new Set(ids.filter((i): i is number => i !== null))];
  if (!wanted.length) return new Map();
  return new Map(db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(inArray(campaigns.id, wanted)).all().map((c) => [c.id, c.name]));
}

export const formatExamDate = (iso: string) => formatIsoDate(iso);
