import { and, eq, isNull } from 'drizzle-orm';
import { honorific } from '../shared/vietnamese';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { statement } from '../../store/prepared';
import { enqueue } from '../../jobs/enqueue';
import { bookings, cadres, clinics, staffUsers, type Booking } from '../../store/schema';
import { AppError } from '../../errors';
import { DEFAULT_MINUTES_PER_CADRE } from '../../config';
import { bookingSubject } from '../booking/reminders';
import { findBooking, type BookingInfo } from '../booking/lookups';
import { addDays, formatVietnamDay, formatVietnamTime } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';
import { formatPhone, telHref } from '../shared/phone';
import { afterExamAttended } from '../aftercare/serviceDone';

export { CONFIRM_CHOICES, CONFIRM_QUESTION, checkInLines, ensureCheckInCode } from './checkIn';

/**
 * Around the exam day: the day-before confirmation ("1 Sẽ đến · 2 Đổi lịch · 3 Không đến được"), check-in at
 * the clinic with a short code, and the clinic's queue of the day (numbers, estimated wait, "sắp đến lượt",
 * the counter calling the next number). Check-in records attendance.
 */

/** "sắp đến lượt" goes to the cadre with this many (or fewer) waiting before them. */
export const NEAR_TURN_AHEAD = 3;

/** How the estimated wait is worked out (from config; see ATTENDANCE_DEFAULT_MINUTES_PER_CADRE). */
export interface QueueSettings {
  /** Minutes per cadre ahead until the counter has called enough numbers today to measure its own pace. */
  defaultMinutesPerCadre: number;
}

/** Where no configuration is passed (a turn tested on its own): the configuration's own default. */
export const defaultQueueSettings: QueueSettings = { defaultMinutesPerCadre: DEFAULT_MINUTES_PER_CADRE };

/** Service gaps the pace needs before it replaces the default, and how many recent ones it looks at. */
const PACE_MIN_GAPS = 2;
const PACE_RECENT_GAPS = 5;

// --- the clinic's queue of the day ----------------------------------------------------------------------

const QUEUE = `SELECT b.id AS bookingId, b.queue_number AS number, b.called_at AS calledAt, b.checked_in_at AS checkedInAt,
  b.near_turn_at AS nearTurnAt, b.cadre_id AS cadreId, c.full_name AS fullName
  FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN cadres c ON c.id = b.cadre_id
  WHERE s.clinic_id = ? AND s.local_date = ? AND b.queue_number IS NOT NULL ORDER BY b.queue_number`;

interface QueueRow {
  bookingId: number;
  number: number;
  calledAt: number | null;
  checkedInAt: number | null;
  nearTurnAt: number | null;
  cadreId: number;
  fullName: string;
}

/** "Nguyễn Văn An" -> "N.V.A.": the counter page never shows a full name. */
export const initialsOf = (fullName: string) =>
  fullName
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w.charAt(0).toLocaleUpperCase('vi')}.`)
    .join('');

export interface QueueView {
  clinicId: number;
  date: string;
  /** The number called last, with initials; null before the first call. */
  current: { number: number; initials: string; calledAt: number } | null;
  waiting: { number: number; initials: string }[];
  calledCount: number;
  minutesPerCadre: number;
  /** Whether minutesPerCadre is the counter's measured pace today (else the configured default). */
  measured: boolean;
}

const queueRows = (db: DbOrTx, clinicId: number, date: string) => statement(db, QUEUE).all(clinicId, date) as QueueRow[];

/**
 * The counter's pace today, in minutes per cadre: the median of its recent service gaps, where a gap runs from
 * the previous call (or the called cadre's check-in, if later: the counter was idle meanwhile) to the call. A
 * median, so a long pause or a double tap does not distort the estimate. Until the counter has called enough
 * numbers to measure, the configured default.
 */
export function paceOf(rows: readonly Pick<QueueRow, 'calledAt' | 'checkedInAt' | 'number'>[], settings: QueueSettings): { minutes: number; measured: boolean } {
  const called = rows.filter((r) => r.calledAt !== null).sort((a, b) => a.calledAt! - b.calledAt! || a.number - b.number);
  const gaps: number[] = [];
  for (let i = 1; i < called.length; i += 1) {
    const from = Math.max(called[i - 1]!.calledAt!, called[i]!.checkedInAt ?? 0);
    const gap = called[i]!.calledAt! - from;
    if (gap > 0) gaps.push(gap);
  }
  const recent = gaps.slice(-PACE_RECENT_GAPS).sort((a, b) => a - b);
  if (recent.length < PACE_MIN_GAPS) return { minutes: settings.defaultMinutesPerCadre, measured: false };
  const mid = recent.length >> 1;
  const median = recent.length % 2 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2;
  return { minutes: Math.min(60, Math.max(1, Math.round(median / 60_000))), measured: true };
}

export function queueView(db: DbOrTx, clinicId: number, date: string, settings: QueueSettings): QueueView {
  const rows = queueRows(db, clinicId, date);
  const called = rows.filter((r) => r.calledAt !== null).sort((a, b) => a.calledAt! - b.calledAt! || a.number - b.number);
  const last = called[called.length - 1];
  const pace = paceOf(rows, settings);
  return {
    clinicId,
    date,
    current: last ? { number: last.number, initials: initialsOf(last.fullName), calledAt: last.calledAt! } : null,
    waiting: rows.filter((r) => r.calledAt === null).map((r) => ({ number: r.number, initials: initialsOf(r.fullName) })),
    calledCount: called.length,
    minutesPerCadre: pace.minutes,
    measured: pace.measured,
  };
}

/** A checked-in cadre's place in the queue. */
export interface QueuePosition {
  number: number;
  /** Checked-in cadres not yet called with a smaller number. */
  ahead: number;
  called: boolean;
}

export interface QueuePlace extends QueuePosition {
  waitMinutes: number;
}

function positionIn(rows: QueueRow[], bookingId: number): QueuePosition | null {
  const mine = rows.find((r) => r.bookingId === bookingId);
  if (!mine) return null;
  const ahead = rows.filter((r) => r.calledAt === null && r.number < mine.number).length;
  return { number: mine.number, ahead, called: mine.calledAt !== null };
}

function queueRowsOf(db: DbOrTx, bookingId: number): QueueRow[] | null {
  const b = findBooking(db, bookingId);
  return b ? queueRows(db, b.clinic.id, b.slot.localDate) : null;
}

export function queuePositionOf(db: DbOrTx, bookingId: number): QueuePosition | null {
  const rows = queueRowsOf(db, bookingId);
  return rows && positionIn(rows, bookingId);
}

export function queuePlaceOf(db: DbOrTx, bookingId: number, settings: QueueSettings): QueuePlace | null {
  const rows = queueRowsOf(db, bookingId);
  const position = rows && positionIn(rows, bookingId);
  return rows && position ? { ...position, waitMinutes: position.ahead * paceOf(rows, settings).minutes } : null;
}

export type CheckInBy = { type: 'zalo' } | { type: 'staff'; staffId: number };

/**
 * Checks a cadre in at the clinic on the exam day: the next number of that clinic's queue, attendance recorded.
 * Checking in again keeps the number already given. Throws AppError when the booking is not for today.
 */
export function checkIn(tx: DbOrTx, bookingId: number, by: CheckInBy, now: number): { place: QueuePosition; fresh: boolean } {
  const info = findBooking(tx, bookingId);
  if (!info || !['booked', 'attended'].includes(info.status)) throw new AppError('conflict', 'Lịch khám đã hủy hoặc đã đổi; không nhận số được.');
  if (info.slot.localDate !== vietnamDate(now)) throw new AppError('validation_failed', `Lịch khám này vào ${formatVietnamDay(info.slot.localDate)}, không phải hôm nay.`);
  const row = tx.select().from(bookings).where(eq(bookings.id, bookingId)).get()!;
  if (row.queueNumber !== null) return { place: queuePositionOf(tx, bookingId)!, fresh: false };
  const next =
    (
      statement(
        tx,
        `SELECT coalesce(max(b.queue_number), 0) + 1 AS n FROM bookings b JOIN exam_slots s ON s.id = b.slot_id WHERE s.clinic_id = ? AND s.local_date = ?`,
      ).get(info.clinic.id, info.slot.localDate) as { n: number }
    ).n;
  tx.update(bookings)
    .set({
      status: 'attended',
      queueNumber: next,
      checkedInAt: now,
      attendanceAt: row.attendanceAt ?? now,
      attendanceByStaffId: by.type === 'staff' ? by.staffId : row.attendanceByStaffId,
      updatedAt: now,
    })
    .where(eq(bookings.id, bookingId))
    .run();
  // Checking in records attendance: the exam is followed by one rating question (unless recorded before).
  if (row.status !== 'attended') afterExamAttended(tx, { id: bookingId, cadreId: row.cadreId, clinicId: info.clinic.id }, now);
  const place = queuePositionOf(tx, bookingId)!;
  // Told at check-in already: no separate "sắp đến lượt" later.
  if (place.ahead <= NEAR_TURN_AHEAD) tx.update(bookings).set({ nearTurnAt: now }).where(eq(bookings.id, bookingId)).run();
  return { place, fresh: true };
}

export const QUEUE_NOTICE = 'attendance.queue';
export const NEAR_TURN_NOTICE = 'attendance.nearTurn';

/** Staff checked the cadre in (code typed or name tapped): the cadre gets the number in Zalo. */
export function checkInByStaff(db: Db, actor: AuditActor, staffId: number, bookingId: number, clinicScope: number | null, now: number): QueuePosition {
  return inTransaction(db, (tx) => {
    const info = findBooking(tx, bookingId);
    if (!info || (clinicScope !== null && info.clinic.id !== clinicScope)) throw new AppError('not_found', 'Không có lịch khám này.');
    const { place, fresh } = checkIn(tx, bookingId, { type: 'staff', staffId }, now);
    if (fresh) {
      enqueueNotice(tx, { cadreId: info.cadreId, ref: { kind: QUEUE_NOTICE, id: bookingId }, dueAt: now, subject: `${bookingSubject(bookingId)}-queue` }, now);
      recordAudit(tx, actor, { action: 'booking.checkIn', entity: 'booking', entityId: bookingId, detail: { cadreId: info.cadreId, queueNumber: place.number } }, now);
    }
    return place;
  });
}

/** The booking a check-in code names at a clinic on a day, if any (active or already checked in). */
export function bookingByCheckInCode(db: DbOrTx, clinicId: number, date: string, code: string): number | null {
  const r = statement(
    db,
    `SELECT b.id AS id FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
     WHERE s.clinic_id = ? AND s.local_date = ? AND b.check_in_code = ? AND b.status IN ('booked', 'attended')`,
  ).get(clinicId, date, code.trim()) as { id: number } | undefined;
  return r?.id ?? null;
}

/**
 * The counter calls the next number: the smallest checked-in number not yet called. Whoever now has three or
 * fewer before them and has not been told gets "sắp đến lượt". Returns the number called, or null when nobody waits.
 */
export function callNext(db: Db, actor: AuditActor, clinicId: number, date: string, now: number): { number: number; initials: string } | null {
  return inTransaction(db, (tx) => {
    const rows = queueRows(tx, clinicId, date);
    const next = rows.find((r) => r.calledAt === null);
    if (!next) return null;
    tx.update(bookings).set({ calledAt: now, updatedAt: now }).where(eq(bookings.id, next.bookingId)).run();
    const waiting = rows.filter((r) => r.calledAt === null && r.bookingId !== next.bookingId);
    waiting.forEach((r, ahead) => {
      if (ahead > NEAR_TURN_AHEAD || r.nearTurnAt !== null) return;
      tx.update(bookings).set({ nearTurnAt: now }).where(and(eq(bookings.id, r.bookingId), isNull(bookings.nearTurnAt))).run();
      enqueueNotice(tx, { cadreId: r.cadreId, ref: { kind: NEAR_TURN_NOTICE, id: r.bookingId }, dueAt: now, subject: `${bookingSubject(r.bookingId)}-near` }, now);
    });
    recordAudit(tx, actor, { action: 'queue.call', entity: 'booking', entityId: next.bookingId, detail: { clinicId, date, number: next.number } }, now);
    return { number: next.number, initials: initialsOf(next.fullName) };
  });
}

// --- what the cadre is told -----------------------------------------------------------------------------


/** "Số thứ tự của Ông: 12. Trước Ông còn 4 người, chờ khoảng 32 phút." */
export function queueLines(title: string, place: QueuePlace): string[] {
  if (place.called) return [`Số thứ tự của ${title}: ${place.number}. Đã đến lượt ${title}, xin mời vào phòng khám.`];
  const wait =
    place.ahead === 0
      ? `${title} là người tiếp theo.`
      : `Trước ${title} còn ${place.ahead} người, chờ khoảng ${place.waitMinutes} phút.`;
  const near = place.ahead > 0 && place.ahead <= NEAR_TURN_AHEAD ? ` Sắp đến lượt ${title}.` : '';
  return [`Số thứ tự của ${title}: ${place.number}.`, `${wait}${near}`, 'Khi đến lượt, màn hình tại quầy sẽ gọi số này.'];
}

function cadreTitle(db: DbOrTx, cadreId: number) {
  const c = db.select({ fullName: cadres.fullName, sex: cadres.sex }).from(cadres).where(eq(cadres.id, cadreId)).get();
  return c ? { title: honorific(c.sex), name: c.fullName } : null;
}

/** The notices of the queue: the number staff gave at check-in, and "sắp đến lượt". */
export function queueNoticeRenderers(settings: QueueSettings): Record<typeof QUEUE_NOTICE | typeof NEAR_TURN_NOTICE, NoticeRenderer> {
  return {
    // 'attendance.queue': the number staff gave at check-in, with the wait as it stands when it is sent.
    [QUEUE_NOTICE]: (db, ref) => {
      const info = findBooking(db, ref.id);
      const place = queuePlaceOf(db, ref.id, settings);
      const who = info && cadreTitle(db, info.cadreId);
      if (!info || !place || !who || place.called) return null;
      return { text: [`Đã ghi nhận ${who.title} ${who.name} đến ${info.clinic.name}.`, ...queueLines(who.title, place)].join('\n') };
    },
    // 'attendance.nearTurn': three or fewer before the cadre now.
    [NEAR_TURN_NOTICE]: (db, ref) => {
      const info = findBooking(db, ref.id);
      const place = queuePositionOf(db, ref.id);
      const who = info && cadreTitle(db, info.cadreId);
      if (!info || !place || !who || place.called) return null;
      const before = place.ahead === 0 ? `${who.title} là người tiếp theo.` : `Trước ${who.title} còn ${place.ahead} người.`;
      return { text: `Sắp đến lượt ${who.title} (số ${place.number}). ${before} Xin ${who.title} chuẩn bị vào phòng khám.` };
    },
  };
}

// --- the day-before confirmation ------------------------------------------------------------------------

/** "1 Sẽ đến": recorded once; a later answer does not change an earlier one. */
export function recordConfirmation(tx: DbOrTx, bookingId: number, now: number): Booking | undefined {
  return tx
    .update(bookings)
    .set({ confirmation: 'confirmed', confirmedAt: now, updatedAt: now })
    .where(and(eq(bookings.id, bookingId), eq(bookings.status, 'booked')))
    .returning()
    .get();
}

// --- what a turn can read and write ---------------------------------------------------------------------

export interface AttendanceBooking {
  booking: BookingInfo;
  /** Acting for the cadre as an approved proxy rather than as their own account. */
  viaProxy: boolean;
  code: string | null;
  /** The place in the queue once checked in. */
  place: QueuePlace | null;
}

export interface AttendanceLookups {
  /** A booking whose day-before question reached the user and has no answer yet (the soonest). */
  awaitingAnswer(): AttendanceBooking | null;
  /** Today's bookings (active or checked in) of the cadres this user acts for. */
  today(): AttendanceBooking[];
  /** The place a booking would take if checked in now. */
  placeIfCheckedIn(bookingId: number): QueuePlace | null;
}

const ACTS_FOR = `SELECT cadre_id AS cadreId, 0 AS viaProxy FROM zalo_links WHERE zalo_user_id = ?
  UNION SELECT cadre_id AS cadreId, 1 AS viaProxy FROM proxies WHERE zalo_user_id = ? AND status = 'approved'`;

export function createAttendanceLookups(tx: DbOrTx, now: number, zaloUserId: string, settings: QueueSettings): AttendanceLookups {
  const actsFor = () => statement(tx, ACTS_FOR).all(zaloUserId, zaloUserId) as { cadreId: number; viaProxy: number }[];
  const asAttendance = (id: number, viaProxy: boolean, code: string | null): AttendanceBooking | null => {
    const booking = findBooking(tx, id);
    return booking ? { booking, viaProxy, code, place: queuePlaceOf(tx, id, settings) } : null;
  };
  return {
    awaitingAnswer() {
      for (const who of actsFor()) {
        const r = statement(
          tx,
          `SELECT b.id AS id, b.check_in_code AS code FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
           WHERE b.cadre_id = ? AND b.status = 'booked' AND b.confirmation IS NULL AND s.starts_at > ?
             AND EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'booking-' || b.id AND o.status = 'done' AND o.channel <> 'none'
                         AND json_extract(o.payload, '$.ref.variant') = 'T-1')
           ORDER BY s.starts_at LIMIT 1`,
        ).get(who.cadreId, now) as { id: number; code: string | null } | undefined;
        if (r) return asAttendance(r.id, who.viaProxy === 1, r.code);
      }
      return null;
    },
    today() {
      const date = vietnamDate(now);
      return actsFor().flatMap((who) =>
        (
          statement(
            tx,
            `SELECT b.id AS id, b.check_in_code AS code FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
             WHERE b.cadre_id = ? AND s.local_date = ? AND b.status IN ('booked', 'attended') ORDER BY s.starts_at`,
          ).all(who.cadreId, date) as { id: number; code: string | null }[]
        ).flatMap((r) => asAttendance(r.id, who.viaProxy === 1, r.code) ?? []),
      );
    },
    placeIfCheckedIn(bookingId) {
      const b = findBooking(tx, bookingId);
      if (!b) return null;
      const existing = queuePlaceOf(tx, bookingId, settings);
      if (existing) return existing;
      const rows = queueRows(tx, b.clinic.id, b.slot.localDate);
      const ahead = rows.filter((r) => r.calledAt === null).length;
      const number = rows.reduce((m, r) => Math.max(m, r.number), 0) + 1;
      return { number, ahead, waitMinutes: ahead * paceOf(rows, settings).minutes, called: false };
    },
  };
}

export type AttendanceEffect =
  | { type: 'attendance.confirm'; bookingId: number; viaProxy: boolean }
  | { type: 'attendance.checkIn'; bookingId: number; viaProxy: boolean };

/** Applies an attendance effect of a dialog turn, inside the turn's transaction. */
export function applyAttendanceEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: AttendanceEffect): void {
  const b = tx.select().from(bookings).where(eq(bookings.id, effect.bookingId)).get();
  if (!b) return;
  const actor: AuditActor = { type: 'zalo', id: ctx.zaloUserId, onBehalfOfCadreId: effect.viaProxy ? b.cadreId : null };
  if (effect.type === 'attendance.confirm') {
    if (recordConfirmation(tx, b.id, ctx.now)) {
      recordAudit(tx, actor, { action: 'booking.confirm', entity: 'booking', entityId: b.id, detail: { cadreId: b.cadreId } }, ctx.now);
    }
    return;
  }
  const { place, fresh } = checkIn(tx, b.id, { type: 'zalo' }, ctx.now);
  if (fresh) recordAudit(tx, actor, { action: 'booking.checkIn', entity: 'booking', entityId: b.id, detail: { cadreId: b.cadreId, queueNumber: place.number } }, ctx.now);
}

// --- the call list: who has not answered the day-before question ---------------------------------------

export const callListSubject = (examDate: string) => `call-list-${examDate}`;

export interface UnconfirmedRow {
  bookingId: number;
  campaignId: number;
  clinicId: number;
  clinicName: string;
  startsAt: number;
  fullName: string;
  sex: 'male' | 'female';
  phone: string | null;
}

/** Active bookings of a local day whose cadre has not answered the day-before question, by clinic and time. */
export function unconfirmedOn(db: DbOrTx, date: string, clinicId?: number): UnconfirmedRow[] {
  return statement(
    db,
    `SELECT b.id AS bookingId, b.campaign_id AS campaignId, s.clinic_id AS clinicId, k.name AS clinicName, s.starts_at AS startsAt,
       c.full_name AS fullName, c.sex AS sex, c.phone AS phone
     FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN cadres c ON c.id = b.cadre_id JOIN clinics k ON k.id = s.clinic_id
     WHERE s.local_date = ? AND b.status = 'booked' AND b.confirmation IS NULL AND (? IS NULL OR s.clinic_id = ?)
     ORDER BY k.name, s.starts_at, c.full_name`,
  ).all(date, clinicId ?? null, clinicId ?? null) as UnconfirmedRow[];
}

/** When the call list for an exam day goes out: the day before, at the configured local hour. */
export const callListDueAt = (examDate: string, hour: number) => vietnamInstant(addDays(examDate, -1), hour);

/**
 * Makes sure the next call list is scheduled (an outbox row per exam day, found by its subject): for tomorrow
 * while today's hour has not come, else for the day after. Safe to run again at any time.
 */
export function scheduleNextCallList(tx: DbOrTx, hour: number, now: number): void {
  const today = vietnamDate(now);
  const examDate = now < vietnamInstant(today, hour) ? addDays(today, 1) : addDays(today, 2);
  const subject = callListSubject(examDate);
  if (statement(tx, 'SELECT 1 AS one FROM outbox WHERE subject = ? LIMIT 1').get(subject)) return;
  enqueue(tx, 'attendance.callList', { examDate }, { now, dueAt: callListDueAt(examDate, hour), subject });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The call list of an exam day: one mail per clinic with cadres who have not answered, to the clinic's staff
 * (or the clinic's address when no staff member has one), phones as tel: links, and a link to the day list.
 * Returns how many mails it queued.
 */
export function queueCallListMails(tx: DbOrTx, examDate: string, publicBaseUrl: string, now: number): number {
  const rows = unconfirmedOn(tx, examDate);
  const byClinic = new Map<number, UnconfirmedRow[]>();
  for (const r of rows) byClinic.set(r.clinicId, [...(byClinic.get(r.clinicId) ?? []), r]);
  let mails = 0;
  for (const [clinicId, list] of byClinic) {
    const staff = tx
      .select({ email: staffUsers.email })
      .from(staffUsers)
      .where(and(eq(staffUsers.clinicId, clinicId), eq(staffUsers.active, true)))
      .all()
      .flatMap((s) => (s.email ? [s.email] : []));
    const clinicEmail = tx.select({ email: clinics.email }).from(clinics).where(eq(clinics.id, clinicId)).get()?.email;
    const to = staff.length ? staff : clinicEmail ? [clinicEmail] : [];
    const day = formatVietnamDay(examDate);
    const links = [...new Set(list.map((r) => r.campaignId))].map((c) => `${publicBaseUrl}/staff/booking/${c}/day?clinicId=${clinicId}&date=${examDate}`);
    const line = (r: UnconfirmedRow) => `${formatVietnamTime(r.startsAt)}  ${honorific(r.sex)} ${r.fullName}  ${r.phone ? formatPhone(r.phone) : '(chưa có số điện thoại)'}`;
    const subject = `Cần gọi điện: ${list.length} cán bộ chưa xác nhận lịch khám ${day} – ${list[0]!.clinicName}`;
    const intro = `Các cán bộ sau có lịch khám tại ${list[0]!.clinicName} ngày ${day} nhưng chưa trả lời tin nhắc lịch. Xin gọi điện hỏi có đến khám không:`;
    const text = [intro, '', ...list.map(line), '', 'Danh sách trong ngày:', ...links].join('\n');
    const html = [
      `<p>${escapeHtml(intro)}</p><ul>`,
      ...list.map(
        (r) =>
          `<li>${formatVietnamTime(r.startsAt)} – ${escapeHtml(`${honorific(r.sex)} ${r.fullName}`)} – ${r.phone ? `<a href="${telHref(r.phone)}">${formatPhone(r.phone)}</a>` : '(chưa có số điện thoại)'}</li>`,
      ),
      `</ul><p>${links.map((l) => `<a href="${escapeHtml(l)}">Danh sách trong ngày</a>`).join('<br>')}</p>`,
    ].join('');
    for (const address of to) {
      enqueue(tx, 'email.message', { to: address, subject, text, html }, { now });
      mails += 1;
    }
  }
  return mails;
}
