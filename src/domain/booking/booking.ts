import { foldVietnamese, honorific } from '../shared/vietnamese';
import { maskEmail, type CadreSummary } from '../registry/cadreSummary';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { cancelOutboxBySubject } from '../../store/outbox';
import { statement } from '../../store/prepared';
import {
  bookings,
  cadres,
  campaignHoldStatuses,
  campaigns,
  examSlots,
  type Booking,
  type Campaign,
  type CadreCategory,
} from '../../store/schema';
import { addDays, formatVietnamDay, formatVietnamTime, VN_OFFSET_MS } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate, vietnamInstant } from '../shared/quietHours';
import { outsideDaysOff } from '../shared/holidays';
import { CONFIRM_CHOICES, CONFIRM_QUESTION, checkInLines, ensureCheckInCode, newCheckInCode } from '../attendance/checkIn';
import { offerToWaitlist } from '../aftercare/placeFreed';

/**
 * Booking periodic exams: what the chat flow may read (BookingLookups, synchronous reads inside the turn's
 * transaction), what it may write (BookingEffect appliers, inside the same transaction), the reminders
 * each booking carries, and their renderers. Capacity is exact: a place is taken only by a guarded counter
 * update (`booked < capacity`, checked by `changes`) that the table's CHECK backs up.
 */

const DAY_MS = 24 * 3600_000;
/** A slot can be booked until this long before it starts. */
export const BOOKING_MIN_LEAD_MS = 60 * 60_000;

export class BookingConflict extends Error {
  constructor(
    public readonly reason: 'slot_full' | 'not_active' | 'already_booked' | 'slot_gone',
    message: string,
  ) {
    super(message);
    this.name = 'BookingConflict';
  }
}

// --- what a turn can read ---------------------------------------------------------------------------------

export interface CampaignInfo {
  id: number;
  name: string;
  year: number;
  round: number;
  startDate: string;
  endDate: string;
  instructions: string;
}

export interface ClinicInfo {
  id: number;
  name: string;
  address: string;
  phone: string;
}

export interface SlotInfo {
  id: number;
  campaignId: number;
  clinicId: number;
  localDate: string;
  startsAt: number;
  endsAt: number;
  free: number;
}

export interface BookingInfo {
  id: number;
  cadreId: number;
  status: Booking['status'];
  campaign: CampaignInfo;
  clinic: ClinicInfo;
  slot: SlotInfo;
}

export interface BookingLookups {
  /** Open campaigns the cadre may book: eligible category, not ended, no booking (or attendance) in it yet. */
  bookableCampaigns(cadreId: number): CampaignInfo[];
  /** The cadre's active (booked, not yet over) bookings, soonest first. */
  activeBookings(cadreId: number): BookingInfo[];
  booking(id: number): BookingInfo | null;
  campaign(id: number): CampaignInfo | null;
  /** Clinics taking part, the cadre's registered clinic first. */
  clinics(campaignId: number, preferClinicId: number | null): ClinicInfo[];
  /** The next local days with free places, soonest first. */
  freeDays(campaignId: number, clinicId: number, limit: number): { date: string; free: number }[];
  /** Bookable slots with free places on a local day. */
  freeSlots(campaignId: number, clinicId: number, date: string): SlotInfo[];
  slot(id: number): SlotInfo | null;
  /** Bookable slots with free places at the same clinic, nearest in time to `around` first. */
  nearestFree(campaignId: number, clinicId: number, around: number, limit: number, excludeSlotId?: number): SlotInfo[];
  /** The cadre, when this Zalo user may still act for them: as their linked account, or as an approved proxy. */
  actingFor(cadreId: number, viaProxy: boolean): ActingFor | null;
}

/** What the flow needs to know about the cadre it acts for (no health data). */
export type ActingFor = CadreSummary;

const SLOT = `s.id AS id, s.campaign_id AS campaignId, s.clinic_id AS clinicId, s.local_date AS localDate, s.starts_at AS startsAt,
  s.ends_at AS endsAt, s.capacity - s.booked AS free`;
/** Only slots of campaigns that take bookings now are offered. */
const OPEN = `EXISTS (SELECT 1 FROM campaigns oc WHERE oc.id = s.campaign_id AND oc.status = 'open')`;
const CAMPAIGN = `c.id AS id, c.name AS name, c.year AS year, c.round AS round, c.start_date AS startDate, c.end_date AS endDate,
  c.instructions AS instructions`;
const BOOKING = `SELECT b.id AS bookingId, b.cadre_id AS cadreId, b.status AS status, ${CAMPAIGN}, k.id AS clinicId_, k.name AS clinicName,
  k.address AS clinicAddress, k.phone AS clinicPhone, s.id AS slotId, s.local_date AS localDate, s.starts_at AS startsAt,
  s.ends_at AS endsAt, s.capacity - s.booked AS free
  FROM bookings b JOIN campaigns c ON c.id = b.campaign_id JOIN exam_slots s ON s.id = b.slot_id JOIN clinics k ON k.id = s.clinic_id`;

interface BookingRow extends CampaignInfo {
  bookingId: number;
  cadreId: number;
  status: Booking['status'];
  clinicId_: number;
  clinicName: string;
  clinicAddress: string;
  clinicPhone: string;
  slotId: number;
  localDate: string;
  startsAt: number;
  endsAt: number;
  free: number;
}

const toBookingInfo = (r: BookingRow): BookingInfo => ({
  id: r.bookingId,
  cadreId: r.cadreId,
  status: r.status,
  campaign: { id: r.id, name: r.name, year: r.year, round: r.round, startDate: r.startDate, endDate: r.endDate, instructions: r.instructions },
  clinic: { id: r.clinicId_, name: r.clinicName, address: r.clinicAddress, phone: r.clinicPhone },
  slot: { id: r.slotId, campaignId: r.id, clinicId: r.clinicId_, localDate: r.localDate, startsAt: r.startsAt, endsAt: r.endsAt, free: r.free },
});

/**
 * The booking lookups run on every turn of the flow (and 500 confirmations may arrive at once), so they are
 * plain SQL statements prepared once per connection.
 */
/** One booking with its campaign, clinic and slot, whatever its status. */
export function findBooking(db: DbOrTx, id: number): BookingInfo | null {
  const r = statement(db, `${BOOKING} WHERE b.id = ?`).get(id) as BookingRow | undefined;
  return r ? toBookingInfo(r) : null;
}

const ACTING = `SELECT c.id AS id, c.code AS code, c.full_name AS fullName, c.sex AS sex, c.clinic_id AS clinicId, c.frail AS frail, c.email AS email
  FROM cadres c`;

export function createBookingLookups(tx: DbOrTx, now: number, zaloUserId: string): BookingLookups {
  const today = vietnamDate(now);
  const bookableAfter = now + BOOKING_MIN_LEAD_MS;
  const q = (sqlText: string) => statement(tx, sqlText);

  return {
    bookableCampaigns(cadreId) {
      const cadre = q('SELECT category FROM cadres WHERE id = ?').get(cadreId) as { category: CadreCategory } | undefined;
      if (!cadre) return [];
      const held = new Set(
        (q(`SELECT campaign_id AS id FROM bookings WHERE cadre_id = ? AND status IN ('booked', 'attended')`).all(cadreId) as { id: number }[]).map((r) => r.id),
      );
      const open = q(`SELECT ${CAMPAIGN}, c.eligible_categories AS eligible FROM campaigns c WHERE c.status = 'open' AND c.end_date >= ? ORDER BY c.start_date, c.id`).all(
        today,
      ) as (CampaignInfo & { eligible: string })[];
      return open
        .filter((c) => (JSON.parse(c.eligible) as CadreCategory[]).includes(cadre.category) && !held.has(c.id))
        .map(({ eligible: _eligible, ...c }) => c);
    },
    activeBookings(cadreId) {
      return (q(`${BOOKING} WHERE b.cadre_id = ? AND b.status = 'booked' AND s.ends_at > ? ORDER BY s.starts_at`).all(cadreId, now) as BookingRow[]).map(toBookingInfo);
    },
    booking: (id) => findBooking(tx, id),
    campaign(id) {
      return (q(`SELECT ${CAMPAIGN} FROM campaigns c WHERE c.id = ?`).get(id) as CampaignInfo | undefined) ?? null;
    },
    clinics(campaignId, preferClinicId) {
      const list = q(
        'SELECT k.id AS id, k.name AS name, k.address AS address, k.phone AS phone FROM campaign_clinics cc JOIN clinics k ON k.id = cc.clinic_id WHERE cc.campaign_id = ? ORDER BY k.name',
      ).all(campaignId) as ClinicInfo[];
      return [...list.filter((c) => c.id === preferClinicId), ...list.filter((c) => c.id !== preferClinicId)];
    },
    freeDays(campaignId, clinicId, limit) {
      return q(
        `SELECT s.local_date AS date, sum(s.capacity - s.booked) AS free FROM exam_slots s
         WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.starts_at > ? AND s.booked < s.capacity AND ${OPEN}
         GROUP BY s.local_date ORDER BY s.local_date LIMIT ?`,
      ).all(campaignId, clinicId, bookableAfter, limit) as { date: string; free: number }[];
    },
    freeSlots(campaignId, clinicId, date) {
      return q(
        `SELECT ${SLOT} FROM exam_slots s WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.local_date = ? AND s.starts_at > ? AND s.booked < s.capacity AND ${OPEN}
         ORDER BY s.starts_at`,
      ).all(campaignId, clinicId, date, bookableAfter) as SlotInfo[];
    },
    slot(id) {
      // A slot of a campaign that closed meanwhile shows no free place, so it cannot be confirmed.
      return (q(`SELECT ${SLOT.replace('s.capacity - s.booked AS free', `CASE WHEN ${OPEN} THEN s.capacity - s.booked ELSE 0 END AS free`)} FROM exam_slots s WHERE s.id = ?`).get(id) as SlotInfo | undefined) ?? null;
    },
    nearestFree(campaignId, clinicId, around, limit, excludeSlotId) {
      return (
        q(
          `SELECT ${SLOT} FROM exam_slots s WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.starts_at > ? AND s.booked < s.capacity AND s.id <> ? AND ${OPEN}
           ORDER BY abs(s.starts_at - ?), s.starts_at LIMIT ?`,
        ).all(campaignId, clinicId, bookableAfter, excludeSlotId ?? -1, around, limit) as SlotInfo[]
      ).sort((a, b) => a.startsAt - b.startsAt);
    },
    actingFor(cadreId, viaProxy) {
      const r = (
        viaProxy
          ? q(`${ACTING} JOIN proxies p ON p.cadre_id = c.id WHERE p.zalo_user_id = ? AND c.id = ? AND p.status = 'approved' AND c.active = 1`)
          : q(`${ACTING} JOIN zalo_links l ON l.cadre_id = c.id WHERE l.zalo_user_id = ? AND c.id = ? AND c.active = 1`)
      ).get(zaloUserId, cadreId) as (Omit<ActingFor, 'frail' | 'maskedEmail'> & { frail: number; email: string | null }) | undefined;
      if (!r) return null;
      const { email, ...rest } = r;
      return { ...rest, frail: r.frail === 1, maskedEmail: maskEmail(email) };
    },
  };
}

/** A slot is open for booking now: in the future beyond the lead time and not full. */
export const slotBookable = (slot: SlotInfo | null, now: number): slot is SlotInfo =>
  !!slot && slot.free > 0 && slot.startsAt > now + BOOKING_MIN_LEAD_MS;

// --- what a turn can write --------------------------------------------------------------------------------

export type BookingEffect =
  | { type: 'booking.create'; cadreId: number; slotId: number; viaProxy: boolean }
  | { type: 'booking.move'; bookingId: number; slotId: number; viaProxy: boolean }
  /** `declined`: the cadre answered "không đến được" to the day-before confirmation. */
  | { type: 'booking.cancel'; bookingId: number; reason: string; viaProxy: boolean; declined?: boolean };

export interface BookingActorContext {
  zaloUserId: string;
  now: number;
}

const zaloActor = (ctx: BookingActorContext, cadreId: number, viaProxy: boolean): AuditActor => ({
  type: 'zalo',
  id: ctx.zaloUserId,
  onBehalfOfCadreId: viaProxy ? cadreId : null,
});

/** Takes one place in a slot, or throws: the guarded update is the capacity rule, whatever the caller checked. */
export function takePlace(tx: DbOrTx, slotId: number, now: number): void {
  const res = statement(tx, 'UPDATE exam_slots SET booked = booked + 1, updated_at = ? WHERE id = ? AND booked < capacity').run(now, slotId);
  if (res.changes !== 1) throw new BookingConflict('slot_full', `slot ${slotId} is full`);
}

/** Why a place in a slot became free again. */
export type PlaceFreedCause = 'cancelled' | 'moved' | 'declined';

/**
 * A place in a slot became free again (a cancel, a move away, "không đến được" to the day-before question).
 * The one point every path that frees a place passes through, inside its transaction: what a freed place
 * sets off (offering it to the waitlist) hangs here.
 */
export function placeFreed(tx: DbOrTx, freed: { slotId: number; bookingId: number; cause: PlaceFreedCause }, now: number): void {
  offerToWaitlist(tx, freed.slotId, now);
}

export function releasePlace(tx: DbOrTx, slotId: number, now: number, freedBy?: { bookingId: number; cause: PlaceFreedCause }): void {
  const res = tx
    .update(examSlots)
    .set({ booked: sql`${examSlots.booked} - 1`, updatedAt: now })
    .where(and(eq(examSlots.id, slotId), gt(examSlots.booked, 0)))
    .run();
  if (res.changes === 1 && freedBy) placeFreed(tx, { slotId, ...freedBy }, now);
}

function slotRow(tx: DbOrTx, slotId: number) {
  const slot = tx.select().from(examSlots).where(eq(examSlots.id, slotId)).get();
  if (!slot) throw new BookingConflict('slot_gone', `slot ${slotId} does not exist`);
  return slot;
}

export function activeBooking(tx: DbOrTx, bookingId: number): Booking {
  const b = tx.select().from(bookings).where(eq(bookings.id, bookingId)).get();
  if (!b || b.status !== 'booked') throw new BookingConflict('not_active', `booking ${bookingId} is not active`);
  return b;
}

/** Books a place for a cadre: guarded counter, the booking row, its reminders and an audit row. Returns the id. */
export function createBooking(
  tx: DbOrTx,
  input: { cadreId: number; slotId: number; zaloUserId: string | null; viaProxy: boolean; staffId?: number; movedFromId?: number },
  now: number,
): number {
  const slot = slotRow(tx, input.slotId);
  const held = tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.campaignId, slot.campaignId), eq(bookings.cadreId, input.cadreId), inArray(bookings.status, [...campaignHoldStatuses])))
    .get();
  if (held) throw new BookingConflict('already_booked', `cadre ${input.cadreId} already holds booking ${held.id}`);
  takePlace(tx, slot.id, now);
  const { id } = tx
    .insert(bookings)
    .values({
      campaignId: slot.campaignId,
      slotId: slot.id,
      cadreId: input.cadreId,
      status: 'booked',
      bookedByZaloUserId: input.zaloUserId,
      viaProxy: input.viaProxy,
      bookedByStaffId: input.staffId ?? null,
      movedFromId: input.movedFromId ?? null,
      checkInCode: newCheckInCode(tx, slot.clinicId, slot.localDate),
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: bookings.id })
    .get();
  scheduleReminders(tx, { id, cadreId: input.cadreId, startsAt: slot.startsAt }, now);
  return id;
}

/**
 * Moves an active booking to another slot of its campaign: the old one is marked moved, its place and reminders
 * released, a new booking takes the place (guarded like any booking). Returns both and the target slot.
 */
export function moveBooking(
  tx: DbOrTx,
  input: { bookingId: number; slotId: number; zaloUserId: string | null; viaProxy: boolean; staffId?: number },
  now: number,
): { old: Booking; id: number; target: typeof examSlots.$inferSelect } {
  const old = activeBooking(tx, input.bookingId);
  const target = slotRow(tx, input.slotId);
  if (target.campaignId !== old.campaignId) throw new BookingConflict('slot_gone', 'a booking moves within its campaign');
  tx.update(bookings).set({ status: 'moved', updatedAt: now }).where(eq(bookings.id, old.id)).run();
  releasePlace(tx, old.slotId, now, { bookingId: old.id, cause: 'moved' });
  cancelOutboxBySubject(tx, bookingSubject(old.id), now);
  const id = createBooking(
    tx,
    { cadreId: old.cadreId, slotId: target.id, zaloUserId: input.zaloUserId, viaProxy: input.viaProxy, staffId: input.staffId, movedFromId: old.id },
    now,
  );
  tx.update(bookings).set({ replacedById: id }).where(eq(bookings.id, old.id)).run();
  return { old, id, target };
}

/** Applies a booking effect of a dialog turn, inside the turn's transaction. */
export function applyBookingEffect(tx: DbOrTx, ctx: BookingActorContext, effect: BookingEffect): void {
  const { now } = ctx;
  switch (effect.type) {
    case 'booking.create': {
      const id = createBooking(tx, { cadreId: effect.cadreId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy }, now);
      recordAudit(
        tx,
        zaloActor(ctx, effect.cadreId, effect.viaProxy),
        { action: 'booking.create', entity: 'booking', entityId: id, detail: { cadreId: effect.cadreId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy } },
        now,
      );
      return;
    }
    case 'booking.move': {
      const { old, id, target } = moveBooking(tx, { bookingId: effect.bookingId, slotId: effect.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy }, now);
      recordAudit(
        tx,
        zaloActor(ctx, old.cadreId, effect.viaProxy),
        { action: 'booking.move', entity: 'booking', entityId: id, detail: { cadreId: old.cadreId, fromBookingId: old.id, fromSlotId: old.slotId, slotId: target.id, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy } },
        now,
      );
      return;
    }
    case 'booking.cancel': {
      const b = activeBooking(tx, effect.bookingId);
      if (effect.declined) tx.update(bookings).set({ confirmation: 'declined', confirmedAt: now }).where(eq(bookings.id, b.id)).run();
      cancelBooking(tx, b, effect.reason, now, effect.declined ? 'declined' : 'cancelled');
      recordAudit(
        tx,
        zaloActor(ctx, b.cadreId, effect.viaProxy),
        {
          action: effect.declined ? 'booking.decline' : 'booking.cancel',
          entity: 'booking',
          entityId: b.id,
          detail: { cadreId: b.cadreId, slotId: b.slotId, zaloUserId: ctx.zaloUserId, viaProxy: effect.viaProxy },
        },
        now,
      );
      return;
    }
  }
}

export function cancelBooking(tx: DbOrTx, b: Booking, reason: string, now: number, cause: 'cancelled' | 'declined' = 'cancelled'): void {
  tx.update(bookings)
    .set({ status: 'cancelled', cancelReason: reason.slice(0, 300), cancelledAt: now, updatedAt: now })
    .where(eq(bookings.id, b.id))
    .run();
  releasePlace(tx, b.slotId, now, { bookingId: b.id, cause });
  cancelOutboxBySubject(tx, bookingSubject(b.id), now);
}

// --- reminders --------------------------------------------------------------------------------------------

export const bookingSubject = (bookingId: number) => `booking-${bookingId}`;
export const REMINDER_KIND = 'booking.reminder';
export type ReminderVariant = 'T-3' | 'T-1' | 'day';

/**
 * When a booking's reminders are due: three days and one day before (moved out of quiet hours to 07:00),
 * and 06:30 local on the day (the one reminder allowed before 07:00). Reminders already past are skipped,
 * and a shifted one that would land after the morning-of reminder is dropped.
 */
export function reminderPlan(startsAt: number, now: number): { variant: ReminderVariant; dueAt: number }[] {
  const morning = vietnamInstant(vietnamDate(startsAt), 6, 30);
  const plan: { variant: ReminderVariant; dueAt: number }[] = [];
  for (const [variant, before] of [
    ['T-3', 3 * DAY_MS],
    ['T-1', DAY_MS],
  ] as const) {
    // Not on a public holiday: moved to the next normal morning (and dropped if that is the exam day).
    const dueAt = outsideDaysOff(outsideQuietHours(startsAt - before));
    if (dueAt > now && dueAt < morning && dueAt < startsAt) plan.push({ variant, dueAt });
  }
  if (morning > now && morning < startsAt) plan.push({ variant: 'day', dueAt: morning });
  return plan;
}

export function scheduleReminders(tx: DbOrTx, booking: { id: number; cadreId: number; startsAt: number }, now: number): number[] {
  return reminderPlan(booking.startsAt, now).map(({ variant, dueAt }) =>
    enqueueNotice(tx, { cadreId: booking.cadreId, ref: { kind: REMINDER_KIND, id: booking.id, variant }, dueAt, subject: bookingSubject(booking.id) }, now),
  );
}


/** Clinic, address, date and time, and what to bring: the lines every booking message shares. */
/** Said instead of "nhịn ăn sáng" when the exam is in the afternoon. */
export const AFTERNOON_FASTING = 'Khám buổi chiều: có thể ăn sáng nhẹ trước 7 giờ, sau đó nhịn ăn đến giờ khám (được uống nước lọc)';

/**
 * The campaign's instructions for one exam time: "nhịn ăn sáng" (fast before breakfast) fits a morning exam only,
 * so for an exam from 11:00 on that clause gives way to the afternoon advice.
 */
export function instructionsFor(instructions: string, startsAt: number): string {
  const local = new Date(startsAt + VN_OFFSET_MS);
  if (!instructions || local.getUTCHours() < 11) return instructions;
  const clauses = instructions.split(/(?<=[,.;])\s*/u).filter(Boolean);
  const morningOnly = (c: string) => /nhin an sang|nhin doi|khong an sang/.test(foldVietnamese(c));
  if (!clauses.some(morningOnly)) return instructions;
  const rest = clauses.filter((c) => !morningOnly(c)).join(' ').trim().replace(/^[,;]\s*/, '');
  const capital = rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : '';
  return [`${AFTERNOON_FASTING}.`, capital].filter(Boolean).join(' ');
}

export function bookingDetailLines(b: { clinic: ClinicInfo; slot: { startsAt: number; localDate: string }; campaign: { name: string; instructions: string } }): string[] {
  return [
    `Đợt khám: ${b.campaign.name}`,
    `Nơi khám: ${b.clinic.name}`,
    b.clinic.address ? `Địa chỉ: ${b.clinic.address}` : '',
    `Thời gian: ${formatVietnamDay(b.slot.localDate)}, lúc ${formatVietnamTime(b.slot.startsAt)}`,
    instructionsFor(b.campaign.instructions, b.slot.startsAt) ? `Lưu ý: ${instructionsFor(b.campaign.instructions, b.slot.startsAt)}` : '',
    b.clinic.phone ? `Điện thoại phòng khám: ${b.clinic.phone}` : '',
  ].filter(Boolean);
}

const reminderLead: Record<ReminderVariant, (title: string, name: string) => string> = {
  'T-3': (title, name) => `Nhắc lịch: còn 3 ngày nữa là lịch khám sức khỏe định kỳ của ${title} ${name}.`,
  'T-1': (title, name) => `Nhắc lịch: ngày mai ${title} ${name} có lịch khám sức khỏe định kỳ.`,
  day: (title, name) => `Hôm nay ${title} ${name} có lịch khám sức khỏe định kỳ.`,
};

/** 'booking.reminder': null once the booking is no longer active (moved, cancelled, attended) or has begun. */
export const renderBookingReminder: NoticeRenderer = (db, ref, now) => {
  const info = findBooking(db, ref.id);
  if (!info || info.status !== 'booked' || now >= info.slot.startsAt) return null;
  const cadre = db.select({ fullName: cadres.fullName, sex: cadres.sex }).from(cadres).where(eq(cadres.id, info.cadreId)).get();
  if (!cadre) return null;
  const title = honorific(cadre.sex);
  const variant = (['T-3', 'T-1', 'day'] as const).find((v) => v === ref.variant) ?? 'T-1';
  const lines = bookingDetailLines(info);
  // The day before asks for an answer (1 Sẽ đến · 2 Đổi lịch · 3 Không đến được); the morning of carries the check-in code.
  const ask = variant === 'T-1';
  const code = variant === 'day' ? ensureCheckInCode(db, { id: info.id, clinicId: info.clinic.id, localDate: info.slot.localDate }) : null;
  const tail = ask ? [CONFIRM_QUESTION] : code ? [...checkInLines(title, code), 'Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.'] : ['Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.'];
  const text = [reminderLead[variant](title, cadre.fullName), ...lines, ...tail].join('\n');
  return {
    text,
    buttons: ask
      ? CONFIRM_CHOICES.map((c) => ({ title: c, payload: c }))
      : [
          { title: 'Đổi lịch', payload: 'Đổi lịch' },
          { title: 'Hủy lịch', payload: 'Hủy lịch' },
        ],
    email: {
      subject: `Nhắc lịch khám sức khỏe: ${formatVietnamDay(info.slot.localDate)}, ${formatVietnamTime(info.slot.startsAt)}`,
      text: [
        `Kính gửi ${title} ${cadre.fullName},`,
        '',
        reminderLead[variant](title, cadre.fullName),
        '',
        ...lines,
        ...(code ? ['', ...checkInLines(title, code)] : []),
        '',
        'Muốn đổi hoặc hủy lịch, xin nhắn Zalo cho Ban hoặc gọi điện thoại cho phòng khám.',
      ].join('\n'),
    },
    template: {
      name: 'booking_reminder',
      data: {
        name: cadre.fullName,
        date: formatVietnamDay(info.slot.localDate),
        time: formatVietnamTime(info.slot.startsAt),
        clinic: info.clinic.name,
      },
    },
  };
};

// --- nudges to eligible cadres without a booking ----------------------------------------------------------

export const NUDGE_KIND = 'booking.nudge';
export const campaignNudgeSubject = (campaignId: number) => `campaign-${campaignId}-nudge`;
export const cadreNudgeSubject = (campaignId: number, cadreId: number) => `campaign-${campaignId}-nudge-cadre-${cadreId}`;


/** The nudge of a campaign goes out at 09:00 local, `nudgeAfterDays` after its start. */
export const nudgeDueAt = (c: Pick<Campaign, 'startDate' | 'nudgeAfterDays'>) =>
  outsideDaysOff(outsideQuietHours(vietnamInstant(addDays(c.startDate, c.nudgeAfterDays ?? 0), 9, 0)));

/** Eligible active cadres with no booking that counts in the campaign, who have not opted out of broadcasts. */
export function unbookedEligible(db: DbOrTx, c: Campaign): { id: number }[] {
  if (!c.eligibleCategories.length) return [];
  return db
    .select({ id: cadres.id })
    .from(cadres)
    .where(
      and(
        eq(cadres.active, true),
        eq(cadres.broadcastOptOut, false),
        inArray(cadres.category, c.eligibleCategories),
        sql`NOT EXISTS (SELECT 1 FROM bookings b WHERE b.cadre_id = ${cadres.id} AND b.campaign_id = ${c.id} AND b.status IN ('booked', 'attended'))`,
      ),
    )
    .orderBy(asc(cadres.id))
    .all();
}

/** 'booking.nudge' (ref.id = campaign, variant = 'cadre-<id>'): null once the cadre booked or the campaign is not open. */
export const renderBookingNudge: NoticeRenderer = (db, ref, now) => {
  const cadreId = Number(/^cadre-(\d+)$/.exec(ref.variant ?? '')?.[1]);
  const c = db.select().from(campaigns).where(eq(campaigns.id, ref.id)).get();
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!c || !cadre || c.status !== 'open' || c.endDate < vietnamDate(now) || !cadre.active) return null;
  const held = db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.campaignId, c.id), eq(bookings.cadreId, cadreId), inArray(bookings.status, [...campaignHoldStatuses])))
    .get();
  if (held) return null;
  const title = honorific(cadre.sex);
  const until = formatVietnamDay(c.endDate);
  const how = cadre.frail
    ? 'Gõ "đặt lịch" để chọn ngày giờ khám, hoặc "khám tại nhà" để đề nghị bác sĩ đến nhà.'
    : 'Gõ "đặt lịch" để chọn ngày giờ khám ngay trên Zalo.';
  const text = [`Kính gửi ${title} ${cadre.fullName},`, `${c.name} đang nhận đăng ký đến ${until}. ${title} chưa đặt lịch khám.`, how].join('\n');
  return {
    text,
    buttons: [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }],
    email: {
      subject: `Mời đăng ký ${c.name}`,
      text: [`Kính gửi ${title} ${cadre.fullName},`, '', `${c.name} đang nhận đăng ký đến ${until}. ${title} chưa đặt lịch khám.`, 'Xin nhắn "đặt lịch" cho Zalo của Ban, hoặc gọi điện thoại cho Ban để được giúp.'].join('\n'),
    },
    template: { name: 'booking_nudge', data: { name: cadre.fullName, campaign: c.name, until } },
  };
};

/**
 * The campaign's nudge job: one notice per eligible cadre without a booking. Each notice has a subject
 * naming campaign and cadre, and a cadre who already has one is skipped, so running it again (a retry,
 * the reconciler) sends nobody a second nudge. Returns how many notices it scheduled.
 */
export function fanOutNudges(tx: DbOrTx, campaignId: number, now: number): number {
  const c = tx.select().from(campaigns).where(eq(campaigns.id, campaignId)).get();
  if (!c || c.status !== 'open' || c.endDate < vietnamDate(now)) return 0;
  let scheduled = 0;
  const dueAt = outsideQuietHours(now);
  const exists = (subject: string) => tx.get<{ one: number }>(sql`SELECT 1 AS one FROM outbox WHERE subject = ${subject} LIMIT 1`);
  for (const cadre of unbookedEligible(tx, c)) {
    const subject = cadreNudgeSubject(c.id, cadre.id);
    if (exists(subject)) continue;
    enqueueNotice(tx, { cadreId: cadre.id, ref: { kind: NUDGE_KIND, id: c.id, variant: `cadre-${cadre.id}` }, dueAt, subject }, now);
    scheduled += 1;
  }
  return scheduled;
}

