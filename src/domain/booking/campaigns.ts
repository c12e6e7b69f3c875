import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import { enqueue } from '../../jobs/enqueue';
import { cadreCategories, campaignClinics, campaignStatuses, campaigns, clinics, type Campaign } from '../../store/schema';
import { campaignNudgeSubject, nudgeDueAt } from './nudges';
import { parseVietnameseDate } from '../shared/dates';

/**
 * The staff side of exam campaigns: creating one, opening and closing it, listing them. Its slots
 * (slots.ts), a clinic's day with attendance and exports (dayBookings.ts) and the figures the committee
 * reports (campaignFigures.ts) sit beside it. Every change is audited.
 */

const IsoDate = z.preprocess(
  (v) => (typeof v === 'string' ? (parseVietnameseDate(v.trim()) ?? v) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày theo dạng dd/mm/yyyy.'),
);
const HourMinute = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3])[:hH]([0-5]\d)$/, 'Giờ theo dạng 7:00 (0:00–23:59).')
  .transform((s) => {
    const [h, m] = s.split(/[:hH]/).map(Number) as [number, number];
    return h * 60 + m;
  });
const idList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.coerce.number().int().positive()));

export const CampaignInput = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100),
    round: z.coerce.number().int().min(1, 'Đợt 1 hoặc 2.').max(2, 'Đợt 1 hoặc 2.'),
    name: z.string().trim().min(3, 'Tên đợt khám quá ngắn.').max(200),
    startDate: IsoDate,
    endDate: IsoDate,
    eligibleCategories: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(cadreCategories)).min(1, 'Chọn ít nhất một đối tượng.')),
    clinicIds: idList.pipe(z.array(z.number()).min(1, 'Chọn ít nhất một nơi khám.')),
    instructions: z.string().trim().max(1000).default(''),
    status: z.enum(campaignStatuses).default('open'),
    nudgeAfterDays: z.preprocess((v) => (v === '' ? null : v), z.coerce.number().int().min(0).max(365).nullable().default(null)),
  })
  .refine((c) => c.startDate <= c.endDate, { message: 'Ngày kết thúc phải sau ngày bắt đầu.', path: ['endDate'] });
export type CampaignInput = z.infer<typeof CampaignInput>;

export const SlotsInput = z
  .object({
    clinicIds: idList.pipe(z.array(z.number()).min(1, 'Chọn ít nhất một nơi khám.')),
    fromDate: IsoDate,
    toDate: IsoDate,
    /** ISO weekdays: 1 = Thứ Hai ... 7 = Chủ Nhật. */
    weekdays: z.preprocess((v) => (v === undefined ? [1, 2, 3, 4, 5] : Array.isArray(v) ? v : [v]), z.array(z.coerce.number().int().min(1).max(7)).min(1, 'Chọn ít nhất một thứ trong tuần.')),
    startTime: HourMinute,
    endTime: HourMinute,
    slotMinutes: z.coerce.number().int().min(5, 'Mỗi ca ít nhất 5 phút.').max(480),
    capacity: z.coerce.number().int().min(1, 'Mỗi ca nhận ít nhất 1 người.').max(1000),
  })
  .refine((s) => s.fromDate <= s.toDate, { message: 'Ngày kết thúc phải sau ngày bắt đầu.', path: ['toDate'] })
  .refine((s) => s.endTime - s.startTime >= s.slotMinutes, { message: 'Khung giờ phải dài hơn một ca.', path: ['endTime'] });
export type SlotsInput = z.infer<typeof SlotsInput>;

export const MAX_SLOTS_PER_REQUEST = 5000;

export function campaignOr404(db: DbOrTx, id: number): Campaign {
  const c = db.select().from(campaigns).where(eq(campaigns.id, id)).get();
  if (!c) throw new AppError('not_found', 'Không có đợt khám này.');
  return c;
}

export function scheduleNudge(tx: DbOrTx, c: Campaign, now: number): void {
  cancelOutboxBySubject(tx, campaignNudgeSubject(c.id), now);
  if (c.status !== 'open' || c.nudgeAfterDays === null) return;
  enqueue(tx, 'campaign.nudge', { campaignId: c.id }, { now, dueAt: nudgeDueAt(c), subject: campaignNudgeSubject(c.id) });
}

export function createCampaign(db: Db, actor: AuditActor, input: CampaignInput, staffId: number | null, now: number): Campaign {
  return inTransaction(db, (tx) => {
    const known = tx.select({ id: clinics.id }).from(clinics).where(inArray(clinics.id, input.clinicIds)).all();
    if (known.length !== new Set(input.clinicIds).size) throw new AppError('validation_failed', 'Có nơi khám không tồn tại.');
    if (tx.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.year, input.year), eq(campaigns.round, input.round))).get()) {
      throw new AppError('conflict', `Đã có đợt ${input.round} năm ${input.year}.`);
    }
    const c = tx
      .insert(campaigns)
      .values({
        year: input.year,
        round: input.round,
        name: input.name,
        startDate: input.startDate,
        endDate: input.endDate,
        eligibleCategories: [...new Set(input.eligibleCategories)],
        instructions: input.instructions,
        status: input.status,
        nudgeAfterDays: input.nudgeAfterDays,
        createdByStaffId: staffId,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    for (const clinicId of new Set(input.clinicIds)) tx.insert(campaignClinics).values({ campaignId: c.id, clinicId }).run();
    scheduleNudge(tx, c, now);
    recordAudit(tx, actor, { action: 'campaign.create', entity: 'campaign', entityId: c.id, detail: { year: c.year, round: c.round, clinics: input.clinicIds } }, now);
    return c;
  });
}

export function setCampaignStatus(db: Db, actor: AuditActor, id: number, status: Campaign['status'], now: number): Campaign {
  return inTransaction(db, (tx) => {
    const before = campaignOr404(tx, id);
    const c = tx.update(campaigns).set({ status, updatedAt: now }).where(eq(campaigns.id, id)).returning().get();
    scheduleNudge(tx, c, now);
    recordAudit(tx, actor, { action: 'campaign.status', entity: 'campaign', entityId: id, detail: { from: before.status, to: status } }, now);
    return c;
  });
}

export function listCampaigns(db: DbOrTx) {
  return db.select().from(campaigns).orderBy(sql`${campaigns.year} DESC`, sql`${campaigns.round} DESC`).all();
}

/** The campaign a staff page opens on when none is named: the open one, else the latest. */
export function currentCampaign(db: DbOrTx) {
  const all = listCampaigns(db);
  return all.find((k) => k.status === 'open') ?? all[0];
}

export function campaignClinicList(db: DbOrTx, campaignId: number) {
  return db
    .select({ id: clinics.id, code: clinics.code, name: clinics.name, address: clinics.address })
    .from(campaignClinics)
    .innerJoin(clinics, eq(clinics.id, campaignClinics.clinicId))
    .where(eq(campaignClinics.campaignId, campaignId))
    .orderBy(asc(clinics.name))
    .all();
}

export function getCampaign(db: DbOrTx, id: number) {
  const c = campaignOr404(db, id);
  return { ...c, clinics: campaignClinicList(db, id) };
}
