import { and, eq } from 'drizzle-orm';
import { honorific } from '../shared/vietnamese';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { zaloAccountsOfCadre } from '../../store/zaloUsers';
import { bookings, cadres, type Cadre } from '../../store/schema';
import { activeBooking, cancelBooking, createBooking, moveBooking } from './effects';
import { bookingDetailLines } from './reminders';
import { createBookingLookups, findBooking, slotBookable, type BookingInfo, type CampaignInfo, type ClinicInfo, type SlotInfo } from './lookups';
import { formatVietnamDay, formatVietnamTime } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours } from '../shared/quietHours';
import { committeeWord } from '../shared/organisation';

/**
 * Staff acting for a cadre who phoned or walked in: booking, moving and cancelling an exam through the very
 * functions the chat uses (the same lookups decide what is bookable, the same guarded counter takes the place),
 * each audited as the staff member on behalf of the cadre, and each told to the cadre by a notice (Zalo,
 * else the fallback channel), rendered when it is sent.
 */

export const STAFF_BOOKING_NOTICE = 'booking.by_staff';
type StaffBookingVariant = 'booked' | 'moved' | 'cancelled' | 'day_closed';


/** How the cadre will hear of it: a linked Zalo account (own or a proxy's), else email, else nobody. */
export type TellChannel = 'zalo' | 'email' | 'none';
export function tellChannelOf(db: DbOrTx, cadre: Pick<Cadre, 'id' | 'email'>): TellChannel {
  if (zaloAccountsOfCadre(db, cadre.id).length) return 'zalo';
  return cadre.email ? 'email' : 'none';
}
export const tellChannelLabels: Record<TellChannel, string> = {
  zalo: 'qua Zalo',
  email: 'qua email (chưa liên kết Zalo)',
  none: 'không có kênh nào (chưa liên kết Zalo, chưa có email): hãy gọi điện báo cho cán bộ',
};

function activeCadre(tx: DbOrTx, cadreId: number): Cadre {
  const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  if (!cadre.active) throw new AppError('conflict', 'Cán bộ đã thôi quản lý (chuyển đi hoặc từ trần); không đặt lịch được.');
  return cadre;
}

/** What staff may book for the cadre now: the same lookups the chat reads. */
export interface BookingChoices {
  active: BookingInfo[];
  campaigns: CampaignInfo[];
  clinics: ClinicInfo[];
  days: { date: string; free: number }[];
  slots: SlotInfo[];
}

/**
 * The choices for one cadre: active bookings, bookable campaigns (or the campaign of the booking being
 * moved), clinics (the cadre's first), free days and free slots of the chosen ones.
 */
export function bookingChoices(
  db: DbOrTx,
  cadre: Pick<Cadre, 'id' | 'clinicId'>,
  pick: { campaignId?: number; clinicId?: number; date?: string; moving?: BookingInfo },
  now: number,
): BookingChoices {
  const look = createBookingLookups(db, now, '');
  const active = look.activeBookings(cadre.id);
  const moving = pick.moving;
  const campaigns = moving ? [moving.campaign] : look.bookableCampaigns(cadre.id);
  const campaignId = campaigns.find((c) => c.id === pick.campaignId)?.id ?? campaigns[0]?.id;
  if (campaignId === undefined) return { active, campaigns, clinics: [], days: [], slots: [] };
  const clinics = look.clinics(campaignId, moving?.clinic.id ?? cadre.clinicId);
  const clinicId = clinics.find((c) => c.id === pick.clinicId)?.id ?? clinics[0]?.id;
  if (clinicId === undefined) return { active, campaigns, clinics, days: [], slots: [] };
  const days = look.freeDays(campaignId, clinicId, 60);
  const slots = pick.date ? look.freeSlots(campaignId, clinicId, pick.date).filter((s) => s.id !== moving?.slot.id) : [];
  return { active, campaigns, clinics, days, slots };
}

/** The cadre's coming exams (booked, not yet over), soonest first: what the chat calls "lịch của tôi". */
export const upcomingBookingsOf = (db: DbOrTx, cadreId: number, now: number): BookingInfo[] => createBookingLookups(db, now, '').activeBookings(cadreId);

/** One booking of this cadre, for a move or cancel page. */
export function cadreBooking(db: DbOrTx, cadreId: number, bookingId: number): BookingInfo {
  const b = findBooking(db, bookingId);
  if (!b || b.cadreId !== cadreId) throw new AppError('not_found', 'Không có lịch khám này.');
  return b;
}

/** A slot with its campaign and clinic, as a confirm page shows it (the commit checks the rules again). */
export function slotSummary(db: DbOrTx, slotId: number, now: number): Pick<BookingInfo, 'campaign' | 'clinic' | 'slot'> {
  const look = createBookingLookups(db, now, '');
  const slot = look.slot(slotId);
  const campaign = slot ? look.campaign(slot.campaignId) : null;
  const clinic = slot ? look.clinics(slot.campaignId, null).find((k) => k.id === slot.clinicId) : undefined;
  if (!slot || !campaign || !clinic) throw new AppError('not_found', 'Không có ca khám này.');
  return { campaign, clinic, slot };
}

/** The chat's rules for a new place: the slot bookable now, in a campaign the cadre may book (or the one being moved). */
function checkSlot(tx: DbOrTx, cadreId: number, slotId: number, now: number, movingCampaignId?: number): SlotInfo {
  const look = createBookingLookups(tx, now, '');
  const slot = look.slot(slotId);
  if (!slot) throw new AppError('not_found', 'Không có ca khám này.');
  if (movingCampaignId !== undefined ? slot.campaignId !== movingCampaignId : !look.bookableCampaigns(cadreId).some((c) => c.id === slot.campaignId)) {
    throw new AppError('conflict', 'Cán bộ không đặt được đợt khám này (không thuộc diện, đợt đã đóng, hoặc đã có lịch trong đợt).');
  }
  if (!slotBookable(slot, now)) throw new AppError('conflict', 'Ca khám này đã hết chỗ hoặc sắp bắt đầu; xin chọn ca khác.');
  return slot;
}

const onBehalf = (actor: AuditActor, cadreId: number): AuditActor => ({ ...actor, onBehalfOfCadreId: cadreId });

function tell(tx: DbOrTx, cadreId: number, bookingId: number, variant: StaffBookingVariant, now: number): number {
  return enqueueNotice(tx, { cadreId, ref: { kind: STAFF_BOOKING_NOTICE, id: bookingId, variant }, dueAt: outsideQuietHours(now) }, now);
}

export interface ActingResult {
  bookingId: number;
  outboxIds: number[];
}

/** Books a slot for the cadre as staff; the cadre is told. */
export function bookForCadre(db: Db, actor: AuditActor, staffId: number, cadreId: number, slotId: number, now: number): ActingResult {
  return inTransaction(db, (tx) => {
    activeCadre(tx, cadreId);
    checkSlot(tx, cadreId, slotId, now);
    const id = createBooking(tx, { cadreId, slotId, zaloUserId: null, viaProxy: false, staffId }, now);
    recordAudit(tx, onBehalf(actor, cadreId), { action: 'booking.create', entity: 'booking', entityId: id, detail: { cadreId, slotId, byStaff: staffId } }, now);
    return { bookingId: id, outboxIds: [tell(tx, cadreId, id, 'booked', now)] };
  });
}

/** Moves the cadre's booking to another slot of its campaign as staff; the cadre is told. */
export function moveForCadre(db: Db, actor: AuditActor, staffId: number, cadreId: number, bookingId: number, slotId: number, now: number): ActingResult {
  return inTransaction(db, (tx) => {
    activeCadre(tx, cadreId);
    const old = activeBooking(tx, bookingId);
    if (old.cadreId !== cadreId) throw new AppError('not_found', 'Không có lịch khám này.');
    checkSlot(tx, cadreId, slotId, now, old.campaignId);
    const moved = moveBooking(tx, { bookingId, slotId, zaloUserId: null, viaProxy: false, staffId }, now);
    recordAudit(
      tx,
      onBehalf(actor, cadreId),
      { action: 'booking.move', entity: 'booking', entityId: moved.id, detail: { cadreId, fromBookingId: old.id, fromSlotId: old.slotId, slotId, byStaff: staffId } },
      now,
    );
    return { bookingId: moved.id, outboxIds: [tell(tx, cadreId, moved.id, 'moved', now)] };
  });
}

/** Cancels the cadre's booking as staff, with the reason the cadre receives. */
export function cancelForCadre(db: Db, actor: AuditActor, staffId: number, cadreId: number, bookingId: number, reason: string, now: number): ActingResult {
  return inTransaction(db, (tx) => {
    const b = activeBooking(tx, bookingId);
    if (b.cadreId !== cadreId) throw new AppError('not_found', 'Không có lịch khám này.');
    cancelBooking(tx, b, reason, now);
    recordAudit(tx, onBehalf(actor, cadreId), { action: 'booking.cancel', entity: 'booking', entityId: b.id, detail: { cadreId, slotId: b.slotId, byStaff: staffId } }, now);
    return { bookingId: b.id, outboxIds: [tell(tx, cadreId, b.id, 'cancelled', now)] };
  });
}

/** Schedules the same notice for a booking cancelled by a closed day (used by the day closing). */
export const tellDayClosed = (tx: DbOrTx, cadreId: number, bookingId: number, now: number) => tell(tx, cadreId, bookingId, 'day_closed', now);

/**
 * 'booking.by_staff': what staff did to the cadre's booking, from the rows as they are when it is sent; null
 * when the booking has changed again since (a later notice tells that).
 */
export const renderStaffBookingNotice: NoticeRenderer = (db, ref, now) => {
  const info = findBooking(db, ref.id);
  const variant = ref.variant as StaffBookingVariant | undefined;
  if (!info || !variant) return null;
  const cadre = db.select({ fullName: cadres.fullName, sex: cadres.sex, active: cadres.active }).from(cadres).where(eq(cadres.id, info.cadreId)).get();
  if (!cadre || !cadre.active) return null;
  const who = `${honorific(cadre.sex)} ${cadre.fullName}`;
  const when = `${formatVietnamDay(info.slot.localDate)}, lúc ${formatVietnamTime(info.slot.startsAt)}`;
  const expected = variant === 'booked' || variant === 'moved' ? 'booked' : 'cancelled';
  if (info.status !== expected) return null;
  let lines: string[];
  let subject: string;
  let buttons: { title: string; payload: string }[];
  if (variant === 'booked' || variant === 'moved') {
    if (now >= info.slot.startsAt) return null;
    const lead = variant === 'booked' ? `${committeeWord()} đã đặt lịch khám sức khỏe cho ${who}:` : `${committeeWord()} đã đổi lịch khám sức khỏe của ${who} sang:`;
    lines = [`Kính gửi ${who},`, lead, ...bookingDetailLines(info), 'Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.'];
    subject = `${variant === 'booked' ? 'Lịch khám đã đặt' : 'Lịch khám đã đổi'}: ${formatVietnamDay(info.slot.localDate)}, ${formatVietnamTime(info.slot.startsAt)}`;
    buttons = [
      { title: 'Đổi lịch', payload: 'Đổi lịch' },
      { title: 'Hủy lịch', payload: 'Hủy lịch' },
    ];
  } else {
    const reason = db.select({ reason: bookings.cancelReason }).from(bookings).where(and(eq(bookings.id, info.id))).get()?.reason ?? '';
    const offer = createBookingLookups(db, now, '').freeDays(info.campaign.id, info.clinic.id, 3);
    lines = [
      `Kính gửi ${who},`,
      variant === 'day_closed'
        ? `${info.clinic.name} nghỉ ngày ${formatVietnamDay(info.slot.localDate)}, nên lịch khám của ${honorific(cadre.sex)} (${formatVietnamTime(info.slot.startsAt)}) đã được hủy. ${committeeWord()} xin lỗi ${honorific(cadre.sex)}.`
        : `${committeeWord()} đã hủy lịch khám của ${who} ngày ${when}.`,
      reason ? `Lý do: ${reason}` : '',
      offer.length
        ? `Những ngày còn chỗ tại ${info.clinic.name}: ${offer.map((d) => formatVietnamDay(d.date)).join('; ')}. Gõ "đặt lịch" để chọn ngày khác.`
        : 'Gõ "đặt lịch" để chọn ngày khác, hoặc gọi điện cho phòng khám.',
    ].filter(Boolean);
    subject = `Lịch khám ngày ${formatVietnamDay(info.slot.localDate)} đã hủy`;
    buttons = [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }];
  }
  return {
    text: lines.join('\n'),
    buttons,
    email: { subject, text: [...lines.map((l) => l.replace(/Gõ "([^"]+)"/, `Nhắn "$1" cho Zalo của ${committeeWord()}`))].join('\n') },
  };
};
