import { offerToWaitlist } from '../aftercare/placeFreed';
import { afterExamAttended } from '../aftercare/serviceDone';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { cancelOutboxBySubject } from '../../store/outbox';
import { enqueue } from '../../jobs/enqueue';
import {
  bookings,
  cadreCategories,
  cadres,
  campaignClinics,
  campaignStatuses,
  campaigns,
  clinics,
  examSlots,
  type Booking,
  type Campaign,
} from '../../store/schema';
import { campaignNudgeSubject, nudgeDueAt } from './nudges';
import { addDays, formatIsoDate, formatVietnamTime, parseVietnameseDate } from '../shared/dates';
import { storedHolidayCalendar } from '../shared/holidays';
import { cohortFigures, groupCohort, NO_CLINIC, shareOf } from '../reports/examined';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';

/**
 * The staff side of exam campaigns: creating a campaign and its slots, the bookings of a clinic's day,
 * attendance, exports and the figures the committee reports (share examined). Every change is audited.
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

function campaignOr404(db: DbOrTx, id: number): Campaign {
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

const isoWeekday = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
};

/**
 * Creates the slots of a grid: every chosen weekday in [from, to], from startTime to endTime local in
 * `slotMinutes` steps, `capacity` places each, for each chosen clinic. Slots that exist already (same
 * clinic and start) are left as they are and counted as skipped.
 */
export function createSlots(db: Db, actor: AuditActor, campaignId: number, input: SlotsInput, now: number): { created: number; skipped: number } {
  return inTransaction(db, (tx) => {
    const c = campaignOr404(tx, campaignId);
    if (input.fromDate < c.startDate || input.toDate > c.endDate) {
      throw new AppError('validation_failed', `Các ngày phải nằm trong đợt khám (${c.startDate} – ${c.endDate}).`);
    }
    const taking = new Set(tx.select({ id: campaignClinics.clinicId }).from(campaignClinics).where(eq(campaignClinics.campaignId, campaignId)).all().map((r) => r.id));
    const outside = input.clinicIds.filter((id) => !taking.has(id));
    if (outside.length) throw new AppError('validation_failed', 'Nơi khám đã chọn không tham gia đợt khám này.');
    const starts: { date: string; start: number; end: number }[] = [];
    const calendar = storedHolidayCalendar(tx);
    for (let day = input.fromDate; day <= input.toDate; day = addDays(day, 1)) {
      if (!input.weekdays.includes(isoWeekday(day))) continue;
      if (calendar.holidayOn(day)) continue; // no exams on public holidays or the days staff marked off
      for (let m = input.startTime; m + input.slotMinutes <= input.endTime; m += input.slotMinutes) {
        starts.push({ date: day, start: vietnamInstant(day, 0, m), end: vietnamInstant(day, 0, m + input.slotMinutes) });
      }
    }
    const total = starts.length * new Set(input.clinicIds).size;
    if (total === 0) throw new AppError('validation_failed', 'Không có ngày nào khớp với các thứ đã chọn.');
    if (total > MAX_SLOTS_PER_REQUEST) throw new AppError('validation_failed', `Quá nhiều ca (${total}); tối đa ${MAX_SLOTS_PER_REQUEST} mỗi lần.`);
    let created = 0;
    for (const clinicId of new Set(input.clinicIds)) {
      for (const s of starts) {
        created += tx
          .insert(examSlots)
          .values({ campaignId, clinicId, localDate: s.date, startsAt: s.start, endsAt: s.end, capacity: input.capacity, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .run().changes;
      }
    }
    recordAudit(
      tx,
      actor,
      { action: 'slots.create', entity: 'campaign', entityId: campaignId, detail: { clinics: input.clinicIds, from: input.fromDate, to: input.toDate, created, skipped: total - created } },
      now,
    );
    return { created, skipped: total - created };
  });
}

/** Why a slot cannot take this capacity (fewer places than people already booked), in staff words; null when it can. */
export function capacityRefusal(slot: { booked: number; startsAt: number }, capacity: number): string | null {
  if (capacity >= slot.booked) return null;
  return `Ca ${formatVietnamTime(slot.startsAt)} đã có ${slot.booked} người đặt, nên sức chứa không thể ít hơn ${slot.booked}. Muốn giảm xuống ${capacity}, hãy đổi hoặc hủy bớt lịch đã đặt trước.`;
}

/** Changes a slot's capacity; never below the places already taken. */
export function setSlotCapacity(db: Db, actor: AuditActor, slotId: number, capacity: number, clinicScope: number | null, now: number): void {
  inTransaction(db, (tx) => {
    const slot = tx.select().from(examSlots).where(eq(examSlots.id, slotId)).get();
    if (!slot || (clinicScope !== null && slot.clinicId !== clinicScope)) throw new AppError('not_found', 'Không có ca khám này.');
    const refusal = capacityRefusal(slot, capacity);
    if (refusal) throw new AppError('conflict', refusal);
    tx.update(examSlots).set({ capacity, updatedAt: now }).where(eq(examSlots.id, slotId)).run();
    recordAudit(tx, actor, { action: 'slot.capacity', entity: 'slot', entityId: slotId, detail: { from: slot.capacity, to: capacity } }, now);
    // Places added to a full day go to the waitlist first, one offer each.
    for (let i = slot.capacity; i < capacity; i++) offerToWaitlist(tx, slotId, now);
  });
}

export function listCampaigns(db: DbOrTx) {
  return db.select().from(campaigns).orderBy(sql`${campaigns.year} DESC`, sql`${campaigns.round} DESC`).all();
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

/** Per clinic and day: slots, places, places taken. */
export function campaignDays(db: DbOrTx, campaignId: number, clinicScope: number | null) {
  return db
    .select({
      clinicId: examSlots.clinicId,
      date: examSlots.localDate,
      slots: count(),
      capacity: sql<number>`sum(${examSlots.capacity})`,
      booked: sql<number>`sum(${examSlots.booked})`,
    })
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), clinicScope === null ? undefined : eq(examSlots.clinicId, clinicScope)))
    .groupBy(examSlots.clinicId, examSlots.localDate)
    .orderBy(asc(examSlots.localDate), asc(examSlots.clinicId))
    .all();
}

export interface DayBookingRow {
  bookingId: number;
  slotId: number;
  startsAt: number;
  status: Booking['status'];
  cadreId: number;
  code: string;
  fullName: string;
  birthDate: string;
  phone: string | null;
  unit: string;
  viaProxy: boolean;
  bookedBy: 'zalo' | 'proxy' | 'staff';
  attendanceAt: number | null;
  /** Answer to the day-before question (null: none yet). */
  confirmation: Booking['confirmation'];
  queueNumber: number | null;
  checkInCode: string | null;
}

/** The bookings of one clinic's day (active, attended, no-show), by time then name. */
export function dayBookings(db: DbOrTx, campaignId: number, clinicId: number, date: string): DayBookingRow[] {
  return db
    .select({
      bookingId: bookings.id,
      slotId: examSlots.id,
      startsAt: examSlots.startsAt,
      status: bookings.status,
      cadreId: cadres.id,
      code: cadres.code,
      fullName: cadres.fullName,
      birthDate: cadres.birthDate,
      phone: cadres.phone,
      unit: cadres.unit,
      viaProxy: bookings.viaProxy,
      staffId: bookings.bookedByStaffId,
      attendanceAt: bookings.attendanceAt,
      confirmation: bookings.confirmation,
      queueNumber: bookings.queueNumber,
      checkInCode: bookings.checkInCode,
    })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .innerJoin(cadres, eq(cadres.id, bookings.cadreId))
    .where(
      and(
        eq(bookings.campaignId, campaignId),
        eq(examSlots.clinicId, clinicId),
        eq(examSlots.localDate, date),
        inArray(bookings.status, ['booked', 'attended', 'no_show']),
      ),
    )
    .orderBy(asc(examSlots.startsAt), asc(cadres.fullName))
    .all()
    .map(({ staffId, ...r }) => ({ ...r, bookedBy: staffId ? 'staff' : r.viaProxy ? 'proxy' : 'zalo' }));
}

/** Slots of a clinic's day with their places. */
export function daySlots(db: DbOrTx, campaignId: number, clinicId: number, date: string) {
  return db
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date)))
    .orderBy(asc(examSlots.startsAt))
    .all();
}

export const AttendanceInput = z.object({ status: z.enum(['attended', 'no_show', 'booked']) });

/** Marks a booking attended or no-show (or back to booked, to undo), within the staff member's clinic. */
export function markAttendance(db: Db, actor: AuditActor, staffId: number, bookingId: number, status: 'attended' | 'no_show' | 'booked', clinicScope: number | null, now: number): Booking {
  return inTransaction(db, (tx) => {
    const row = tx
      .select({ b: bookings, clinicId: examSlots.clinicId, slotDate: examSlots.localDate })
      .from(bookings)
      .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
      .where(eq(bookings.id, bookingId))
      .get();
    if (!row || (clinicScope !== null && row.clinicId !== clinicScope)) throw new AppError('not_found', 'Không có lịch khám này.');
    if (!['booked', 'attended', 'no_show'].includes(row.b.status)) {
      throw new AppError('conflict', 'Lịch khám đã hủy hoặc đã đổi; không ghi nhận được.');
    }
    // Attendance is a fact about a day that has come: recording it ahead would inflate the share examined.
    if (status !== 'booked' && row.slotDate > vietnamDate(now)) {
      throw new AppError('validation_failed', `Lịch khám ngày ${formatIsoDate(row.slotDate)} chưa đến; chỉ ghi nhận đã khám hoặc vắng từ ngày khám trở đi.`);
    }
    const updated = tx
      .update(bookings)
      .set({ status, attendanceByStaffId: status === 'booked' ? null : staffId, attendanceAt: status === 'booked' ? null : now, updatedAt: now })
      .where(eq(bookings.id, bookingId))
      .returning()
      .get();
    recordAudit(tx, actor, { action: 'booking.attendance', entity: 'booking', entityId: bookingId, detail: { cadreId: row.b.cadreId, from: row.b.status, to: status } }, now);
    if (status === 'attended' && row.b.status !== 'attended') afterExamAttended(tx, { id: bookingId, cadreId: row.b.cadreId, clinicId: row.clinicId }, now);
    return updated;
  });
}

export const statusLabels: Record<Booking['status'], string> = {
  booked: 'Đã đặt',
  moved: 'Đã đổi',
  cancelled: 'Đã hủy',
  attended: 'Đã khám',
  no_show: 'Vắng',
};
const bookedByLabels = { zalo: 'Zalo (cán bộ)', proxy: 'Zalo (người nhà)', staff: 'Nhân viên' } as const;

export const exportHeaders = ['Giờ', 'Mã cán bộ', 'Họ và tên', 'Ngày sinh', 'Điện thoại', 'Đơn vị', 'Trạng thái', 'Đặt qua'];

export function exportRows(rows: DayBookingRow[], time: (ms: number) => string): string[][] {
  return rows.map((r) => [
    time(r.startsAt),
    r.code,
    r.fullName,
    `${r.birthDate.slice(8, 10)}/${r.birthDate.slice(5, 7)}/${r.birthDate.slice(0, 4)}`,
    r.phone ? `0${r.phone.slice(2)}` : '',
    r.unit,
    statusLabels[r.status],
    bookedByLabels[r.bookedBy],
  ]);
}

export { toCsv } from '../shared/csv';

export async function toXlsx(title: string, header: string[], rows: string[][]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(title.slice(0, 31));
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((col, i) => (col.width = Math.min(40, Math.max(10, header[i]!.length + 2, ...rows.map((r) => (r[i] ?? '').length + 2)))));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ClinicFigures {
  clinicId: number | null;
  clinicName: string;
  /** Eligible cadres registered at this clinic (and, below, how many of them booked, were examined, were absent). */
  eligible: number;
  booked: number;
  examined: number;
  noShow: number;
  shareExamined: number | null;
  /** Places in this clinic's slots of the campaign (0 for a clinic not taking part). */
  capacity: number;
  placesTaken: number;
}

export interface CampaignFigures {
  campaignId: number;
  /** The local date the figures were computed for (attendance counts up to it). */
  today: string;
  eligible: number;
  booked: number;
  examined: number;
  /** Examined cadres counted through attendance, through a released result (a cadre may be in both). */
  examinedByAttendance: number;
  examinedByResult: number;
  noShow: number;
  homeExams: number;
  /** examined / eligible, 0..1; null when nobody is eligible. */
  shareExamined: number | null;
  shareBooked: number | null;
  clinics: ClinicFigures[];
}

/** What the committee reports for a campaign, by the one definition in `examined.ts`, per registered clinic. */
export function campaignFigures(db: DbOrTx, campaignId: number, now: number): CampaignFigures {
  const c = campaignOr404(db, campaignId);
  const cohort = cohortFigures(db, c, now);
  const names = new Map(db.select({ id: clinics.id, name: clinics.name }).from(clinics).all().map((x) => [x.id, x.name]));
  const places = new Map(
    db
      .select({ clinicId: examSlots.clinicId, capacity: sql<number>`coalesce(sum(${examSlots.capacity}), 0)`, taken: sql<number>`coalesce(sum(${examSlots.booked}), 0)` })
      .from(examSlots)
      .where(eq(examSlots.campaignId, campaignId))
      .groupBy(examSlots.clinicId)
      .all()
      .map((p) => [p.clinicId, p]),
  );
  const groups = new Map(groupCohort(cohort, (x) => String(x.clinicId ?? '')).map((g) => [g.key, g]));
  const clinicIds = new Set<number | null>([...campaignClinicList(db, campaignId).map((x) => x.id), ...cohort.cells.map((x) => x.clinicId)]);
  const perClinic = [...clinicIds]
    .map((id): ClinicFigures => {
      const g = groups.get(String(id ?? ''));
      const p = id === null ? undefined : places.get(id);
      return {
        clinicId: id,
        clinicName: id === null ? NO_CLINIC : (names.get(id) ?? `#${id}`),
        eligible: g?.eligible ?? 0,
        booked: g?.booked ?? 0,
        examined: g?.examined ?? 0,
        noShow: g?.noShow ?? 0,
        shareExamined: g?.share ?? null,
        capacity: p?.capacity ?? 0,
        placesTaken: p?.taken ?? 0,
      };
    })
    .sort((a, b) => a.clinicName.localeCompare(b.clinicName, 'vi'));
  const t = cohort.total;
  return {
    campaignId,
    today: cohort.today,
    ...t,
    shareExamined: shareOf(t.examined, t.eligible),
    shareBooked: shareOf(t.booked, t.eligible),
    clinics: perClinic,
  };
}
