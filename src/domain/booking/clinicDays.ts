import { and, asc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { honorific } from '../shared/vietnamese';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { bookings, cadres, campaigns, examSlots, holidays, type Campaign } from '../../store/schema';
import { bookingDetailLines } from './reminders';
import { cancelBooking } from './effects';
import { findBooking } from './lookups';
import { tellDayClosed } from './bookingForCadre';
import { scheduleNudge } from './campaigns';
import { formatIsoDate, formatVietnamDay, vietnameseDateField } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate } from '../shared/quietHours';
import { committeeWord } from '../shared/organisation';

/**
 * Changing days and campaigns once cadres have booked: closing a clinic's day (the booked cadres are told and
 * offered the days that still have places), removing empty slots, and editing a campaign's name, dates and
 * instructions (cadres holding a booking are told what changed). Each has a preview that says how many cadres
 * will be told, shown before staff confirm.
 */

// --- closing a clinic's day -----------------------------------------------------------------------------------

export const CloseDayInput = z.object({
  reason: z.string().trim().min(3, 'Ghi lý do nghỉ (cán bộ sẽ nhận được lý do này).').max(200, 'Lý do tối đa 200 ký tự.'),
  /** Also a day off for everyone (the holiday calendar): no slots, reminders or nudges that day. */
  asHoliday: z.preprocess((v) => v === 'on' || v === 'yes' || v === true, z.boolean()).default(false),
});
export type CloseDayInput = z.infer<typeof CloseDayInput>;

const daySlotFilter = (campaignId: number, clinicId: number, date: string) =>
  and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date));

/** Who a closing would reach: the active bookings of the day, and whether anyone was already examined. */
export function closeDayPreview(db: DbOrTx, campaignId: number, clinicId: number, date: string, now: number) {
  const rows = db
    .select({ id: bookings.id, status: bookings.status, cadreId: bookings.cadreId, fullName: cadres.fullName })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .innerJoin(cadres, eq(cadres.id, bookings.cadreId))
    .where(and(daySlotFilter(campaignId, clinicId, date), inArray(bookings.status, ['booked', 'attended', 'no_show'])))
    .orderBy(asc(examSlots.startsAt))
    .all();
  const slots = db.select().from(examSlots).where(daySlotFilter(campaignId, clinicId, date)).all();
  return {
    booked: rows.filter((r) => r.status === 'booked'),
    examined: rows.filter((r) => r.status !== 'booked').length,
    slots: slots.length,
    closed: slots.length > 0 && slots.every((s) => s.capacity === 0),
    past: date < vietnamDate(now),
  };
}

/**
 * Closes one clinic's day of a campaign: every active booking is cancelled with the reason and its cadre told
 * (with the days that still have places), empty slots go and the rest keep no place (their booking rows stay
 * for the record). A day in the past, or one where someone was already examined, cannot be closed.
 */
export function closeClinicDay(db: Db, actor: AuditActor, staffId: number, campaignId: number, clinicId: number, date: string, input: CloseDayInput, now: number) {
  return inTransaction(db, (tx) => closeClinicDayIn(tx, actor, staffId, campaignId, clinicId, date, input, now));
}

/** The clinic days (campaign, clinic) that have open slots on a date, with how many cadres hold a booking there. */
export function clinicDaysOn(db: DbOrTx, date: string) {
  return db
    .select({ campaignId: examSlots.campaignId, clinicId: examSlots.clinicId, booked: sql<number>`count(${bookings.id})` })
    .from(examSlots)
    .leftJoin(bookings, and(eq(bookings.slotId, examSlots.id), eq(bookings.status, 'booked')))
    .where(eq(examSlots.localDate, date))
    .groupBy(examSlots.campaignId, examSlots.clinicId)
    .having(sql`max(${examSlots.capacity}) > 0`)
    .all();
}

/**
 * A day off for everyone, added when cadres have already booked that day: every clinic day of the date is closed
 * as above (each booked cadre told and offered another day) and the date goes into the holiday calendar.
 */
export function closeDateEverywhere(db: Db, actor: AuditActor, staffId: number, date: string, reason: string, now: number) {
  return inTransaction(db, (tx) => {
    let told = 0;
    const outboxIds: number[] = [];
    for (const d of clinicDaysOn(tx, date)) {
      const r = closeClinicDayIn(tx, actor, staffId, d.campaignId, d.clinicId, date, { reason, asHoliday: true }, now);
      told += r.told;
      outboxIds.push(...r.outboxIds);
    }
    tx.insert(holidays).values({ date, name: reason, createdByStaffId: staffId, createdAt: now }).onConflictDoUpdate({ target: holidays.date, set: { name: reason } }).run();
    recordAudit(tx, actor, { action: 'holiday.add', entity: 'holiday', entityId: date, detail: { name: reason, closedClinicDays: true, told } }, now);
    return { told, outboxIds };
  });
}

function closeClinicDayIn(tx: DbOrTx, actor: AuditActor, staffId: number, campaignId: number, clinicId: number, date: string, input: CloseDayInput, now: number) {
  const p = closeDayPreview(tx, campaignId, clinicId, date, now);
  if (p.past) throw new AppError('conflict', `Ngày ${formatIsoDate(date)} đã qua; không đóng được.`);
  if (p.examined) throw new AppError('conflict', `Ngày ${formatIsoDate(date)} đã có ${p.examined} người được ghi nhận khám hoặc vắng; không đóng được.`);
  if (!p.slots) throw new AppError('not_found', 'Ngày này không có ca khám.');
  const outboxIds: number[] = [];
  for (const r of p.booked) {
    const b = tx.select().from(bookings).where(eq(bookings.id, r.id)).get()!;
    cancelBooking(tx, b, `Phòng khám nghỉ: ${input.reason}`, now);
    outboxIds.push(tellDayClosed(tx, r.cadreId, r.id, now));
  }
  const referenced = sql`EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = ${examSlots.id})`;
  const removed = tx.delete(examSlots).where(and(daySlotFilter(campaignId, clinicId, date), sql`NOT ${referenced}`)).run().changes;
  tx.update(examSlots).set({ capacity: 0, updatedAt: now }).where(daySlotFilter(campaignId, clinicId, date)).run();
  if (input.asHoliday) {
    tx.insert(holidays).values({ date, name: input.reason, createdByStaffId: staffId, createdAt: now }).onConflictDoNothing().run();
  }
  recordAudit(
    tx,
    actor,
    { action: 'day.close', entity: 'campaign', entityId: campaignId, detail: { clinicId, date, reason: input.reason, told: p.booked.length, removedSlots: removed, asHoliday: input.asHoliday } },
    now,
  );
  return { told: p.booked.length, outboxIds };
}

// --- empty slots ---------------------------------------------------------------------------------------------

export const SlotIdsInput = z.object({
  slotIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.coerce.number().int().positive()).min(1, 'Chọn ít nhất một ca trống.')),
});

/**
 * Removes chosen slots of a clinic's day that nobody holds. A slot some booking once pointed at (cancelled,
 * moved) stays for the record with no places. A slot with a place taken is refused, with its time.
 */
export function deleteEmptySlots(db: Db, actor: AuditActor, campaignId: number, clinicId: number, date: string, slotIds: number[], now: number): { removed: number; closed: number } {
  return inTransaction(db, (tx) => {
    const chosen = tx
      .select()
      .from(examSlots)
      .where(and(daySlotFilter(campaignId, clinicId, date), inArray(examSlots.id, slotIds)))
      .all();
    if (chosen.length !== new Set(slotIds).size) throw new AppError('not_found', 'Có ca không thuộc ngày này.');
    const taken = chosen.filter((s) => s.booked > 0);
    if (taken.length) {
      const times = taken.map((s) => new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false }).format(s.startsAt));
      throw new AppError('conflict', `Ca ${times.join(', ')} đã có người đặt; chỉ xóa được ca trống. Hãy đổi hoặc hủy các lịch đó trước.`);
    }
    let removed = 0;
    let closed = 0;
    for (const s of chosen) {
      const used = tx.select({ id: bookings.id }).from(bookings).where(eq(bookings.slotId, s.id)).get();
      if (used) {
        tx.update(examSlots).set({ capacity: 0, updatedAt: now }).where(and(eq(examSlots.id, s.id), eq(examSlots.booked, 0))).run();
        closed += 1;
      } else {
        removed += tx.delete(examSlots).where(and(eq(examSlots.id, s.id), eq(examSlots.booked, 0))).run().changes;
      }
    }
    recordAudit(tx, actor, { action: 'slots.delete', entity: 'campaign', entityId: campaignId, detail: { clinicId, date, slotIds, removed, closed } }, now);
    return { removed, closed };
  });
}

// --- editing a campaign ----------------------------------------------------------------------------------------

export const CampaignEditInput = z
  .object({
    name: z.string().trim().min(3, 'Tên đợt khám quá ngắn.').max(200, 'Tên đợt khám tối đa 200 ký tự.'),
    startDate: vietnameseDateField,
    endDate: vietnameseDateField,
    instructions: z.string().trim().max(1000, 'Lời dặn tối đa 1000 ký tự.').default(''),
  })
  .refine((c) => c.startDate <= c.endDate, { message: 'Ngày kết thúc phải sau ngày bắt đầu.', path: ['endDate'] });
export type CampaignEditInput = z.infer<typeof CampaignEditInput>;

export const CAMPAIGN_CHANGED_NOTICE = 'campaign.changed';
const changeWords: Record<string, string> = { name: 'tên đợt khám', dates: 'thời gian đợt khám', instructions: 'lời dặn trước khi khám' };

/** Active future bookings of a campaign: who is told of a change. */
function heldBookings(db: DbOrTx, campaignId: number, now: number) {
  return db
    .select({ id: bookings.id, cadreId: bookings.cadreId })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(eq(bookings.campaignId, campaignId), eq(bookings.status, 'booked'), gt(examSlots.startsAt, now)))
    .orderBy(asc(bookings.id))
    .all();
}

/** What an edit changes, who would be told, which empty slots fall outside the new dates, and what blocks it. */
export function campaignEditPreview(db: DbOrTx, c: Campaign, input: CampaignEditInput, now: number) {
  const changed = [
    input.name !== c.name ? 'name' : null,
    input.startDate !== c.startDate || input.endDate !== c.endDate ? 'dates' : null,
    input.instructions !== c.instructions ? 'instructions' : null,
  ].filter((x): x is string => x !== null);
  const outside = or(lt(examSlots.localDate, input.startDate), gt(examSlots.localDate, input.endDate));
  const outsideSlots = db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), outside)).all();
  const blocking = outsideSlots.filter((s) => s.booked > 0);
  return {
    changed,
    told: changed.length ? heldBookings(db, c.id, now) : [],
    emptyOutside: outsideSlots.length - blocking.length,
    blocking: [...new Set(blocking.map((s) => s.localDate))].sort(),
  };
}

export const changedWords = (changed: string[]) => changed.map((k) => changeWords[k] ?? k).join(', ');

/**
 * Saves a campaign's name, dates and instructions. Dates that would leave a booked slot outside are refused;
 * empty slots outside go. The nudge follows the new start. Every cadre holding a booking is told what changed.
 */
export function updateCampaignDetails(db: Db, actor: AuditActor, id: number, input: CampaignEditInput, now: number) {
  return inTransaction(db, (tx) => {
    const c = tx.select().from(campaigns).where(eq(campaigns.id, id)).get();
    if (!c) throw new AppError('not_found', 'Không có đợt khám này.');
    const p = campaignEditPreview(tx, c, input, now);
    if (p.blocking.length) {
      throw new AppError(
        'conflict',
        `Còn lịch đã đặt ngoài khoảng ngày mới (ngày ${p.blocking.map(formatIsoDate).join(', ')}); hãy đổi hoặc hủy các lịch đó trước khi thu hẹp thời gian.`,
      );
    }
    if (!p.changed.length) return { changed: p.changed, told: 0, outboxIds: [] as number[] };
    let removedSlots = 0;
    if (p.emptyOutside) {
      const outside = or(lt(examSlots.localDate, input.startDate), gt(examSlots.localDate, input.endDate));
      const referenced = sql`EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = ${examSlots.id})`;
      removedSlots = tx.delete(examSlots).where(and(eq(examSlots.campaignId, id), outside, eq(examSlots.booked, 0), sql`NOT ${referenced}`)).run().changes;
      tx.update(examSlots).set({ capacity: 0, updatedAt: now }).where(and(eq(examSlots.campaignId, id), outside, eq(examSlots.booked, 0))).run();
    }
    const updated = tx
      .update(campaigns)
      .set({ name: input.name, startDate: input.startDate, endDate: input.endDate, instructions: input.instructions, updatedAt: now })
      .where(eq(campaigns.id, id))
      .returning()
      .get();
    if (updated.startDate !== c.startDate) scheduleNudge(tx, updated, now);
    const variant = p.changed.join(',');
    const dueAt = outsideQuietHours(now);
    const outboxIds = p.told.map((b) => enqueueNotice(tx, { cadreId: b.cadreId, ref: { kind: CAMPAIGN_CHANGED_NOTICE, id: b.id, variant }, dueAt }, now));
    recordAudit(
      tx,
      actor,
      {
        action: 'campaign.update',
        entity: 'campaign',
        entityId: id,
        detail: {
          changes: [
            ...(p.changed.includes('name') ? [{ field: 'name', label: 'Tên', from: c.name, to: input.name }] : []),
            ...(p.changed.includes('dates')
              ? [{ field: 'dates', label: 'Thời gian', from: `${formatIsoDate(c.startDate)} – ${formatIsoDate(c.endDate)}`, to: `${formatIsoDate(input.startDate)} – ${formatIsoDate(input.endDate)}` }]
              : []),
            ...(p.changed.includes('instructions') ? [{ field: 'instructions', label: 'Lời dặn', from: c.instructions, to: input.instructions }] : []),
          ],
          told: p.told.length,
          removedSlots,
        },
      },
      now,
    );
    return { changed: p.changed, told: p.told.length, outboxIds };
  });
}

/** 'campaign.changed' (ref.id = booking, variant = changed parts): the booking as it stands, with what changed. */
export const renderCampaignChanged: NoticeRenderer = (db, ref, now) => {
  const info = findBooking(db, ref.id);
  if (!info || info.status !== 'booked' || now >= info.slot.startsAt) return null;
  const cadre = db.select({ fullName: cadres.fullName, sex: cadres.sex, active: cadres.active }).from(cadres).where(eq(cadres.id, info.cadreId)).get();
  if (!cadre?.active) return null;
  const who = `${honorific(cadre.sex)} ${cadre.fullName}`;
  const what = changedWords((ref.variant ?? '').split(',').filter(Boolean)) || 'thông tin đợt khám';
  const lines = [
    `Kính gửi ${who},`,
    `${committeeWord()} vừa cập nhật ${what}. Lịch khám của ${honorific(cadre.sex)} vẫn giữ nguyên ngày giờ:`,
    ...bookingDetailLines(info),
    `Đợt khám nhận đăng ký từ ${formatVietnamDay(info.campaign.startDate)} đến ${formatVietnamDay(info.campaign.endDate)}.`,
  ];
  return {
    text: lines.join('\n'),
    buttons: [
      { title: 'Đổi lịch', payload: 'Đổi lịch' },
      { title: 'Hủy lịch', payload: 'Hủy lịch' },
    ],
    email: { subject: `Cập nhật ${info.campaign.name}`, text: lines.join('\n') },
  };
};

// --- moving between days ---------------------------------------------------------------------------------------

/** The clinic's days with slots before and after `date` in the campaign, for previous / next on the day list. */
export function adjacentDays(db: DbOrTx, campaignId: number, clinicId: number, date: string): { previous: string | null; next: string | null } {
  const day = (cmp: 'prev' | 'next') =>
    db
      .select({ d: examSlots.localDate })
      .from(examSlots)
      .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), cmp === 'prev' ? lt(examSlots.localDate, date) : gt(examSlots.localDate, date)))
      .orderBy(cmp === 'prev' ? sql`${examSlots.localDate} DESC` : asc(examSlots.localDate))
      .limit(1)
      .get()?.d ?? null;
  return { previous: day('prev'), next: day('next') };
}
