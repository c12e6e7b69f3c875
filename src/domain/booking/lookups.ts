import { maskEmail, type CadreSummary } from '../registry/cadreSummary';
import type { DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import type { Booking, CadreCategory } from '../../store/schema';
import { vietnamDate } from '../shared/quietHours';
import { BOOKING_MIN_LEAD_MS } from './places';

/** What the booking chat flow may read: BookingLookups, synchronous reads inside the turn's transaction. */

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
type ActingFor = CadreSummary;

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
  const r = rowsOf<BookingRow>(db, `${BOOKING} WHERE b.id = ?`).get(id);
  return r ? toBookingInfo(r) : null;
}

const ACTING = `SELECT c.id AS id, c.code AS code, c.full_name AS fullName, c.sex AS sex, c.clinic_id AS clinicId, c.frail AS frail, c.email AS email
  FROM cadres c`;

export function createBookingLookups(tx: DbOrTx, now: number, zaloUserId: string): BookingLookups {
  const today = vietnamDate(now);
  const bookableAfter = now + BOOKING_MIN_LEAD_MS;
  const q = <Row>(sqlText: string) => rowsOf<Row>(tx, sqlText);

  return {
    bookableCampaigns(cadreId) {
      const cadre = q<{ category: CadreCategory }>('SELECT category FROM cadres WHERE id = ?').get(cadreId);
      if (!cadre) return [];
      const held = new Set(
        (q<{ id: number }>(`SELECT campaign_id AS id FROM bookings WHERE cadre_id = ? AND status IN ('booked', 'attended')`).all(cadreId)).map((r) => r.id),
      );
      const open = q<CampaignInfo & { eligible: string }>(
        `SELECT ${CAMPAIGN}, c.eligible_categories AS eligible FROM campaigns c WHERE c.status = 'open' AND c.end_date >= ? ORDER BY c.start_date, c.id`,
      ).all(today);
      return open
        .filter((c) => (JSON.parse(c.eligible) as CadreCategory[]).includes(cadre.category) && !held.has(c.id))
        .map(({ eligible: _eligible, ...c }) => c);
    },
    activeBookings(cadreId) {
      return (q<BookingRow>(`${BOOKING} WHERE b.cadre_id = ? AND b.status = 'booked' AND s.ends_at > ? ORDER BY s.starts_at`).all(cadreId, now)).map(toBookingInfo);
    },
    booking: (id) => findBooking(tx, id),
    campaign(id) {
      return (q<CampaignInfo>(`SELECT ${CAMPAIGN} FROM campaigns c WHERE c.id = ?`).get(id)) ?? null;
    },
    clinics(campaignId, preferClinicId) {
      const list = q<ClinicInfo>(
        'SELECT k.id AS id, k.name AS name, k.address AS address, k.phone AS phone FROM campaign_clinics cc JOIN clinics k ON k.id = cc.clinic_id WHERE cc.campaign_id = ? ORDER BY k.name',
      ).all(campaignId);
      return [...list.filter((c) => c.id === preferClinicId), ...list.filter((c) => c.id !== preferClinicId)];
    },
    freeDays(campaignId, clinicId, limit) {
      return q<{ date: string; free: number }>(
        `SELECT s.local_date AS date, sum(s.capacity - s.booked) AS free FROM exam_slots s
         WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.starts_at > ? AND s.booked < s.capacity AND ${OPEN}
         GROUP BY s.local_date ORDER BY s.local_date LIMIT ?`,
      ).all(campaignId, clinicId, bookableAfter, limit);
    },
    freeSlots(campaignId, clinicId, date) {
      return q<SlotInfo>(
        `SELECT ${SLOT} FROM exam_slots s WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.local_date = ? AND s.starts_at > ? AND s.booked < s.capacity AND ${OPEN}
         ORDER BY s.starts_at`,
      ).all(campaignId, clinicId, date, bookableAfter);
    },
    slot(id) {
      // A slot of a campaign that closed meanwhile shows no free place, so it cannot be confirmed.
      return (q<SlotInfo>(`SELECT ${SLOT.replace('s.capacity - s.booked AS free', `CASE WHEN ${OPEN} THEN s.capacity - s.booked ELSE 0 END AS free`)} FROM exam_slots s WHERE s.id = ?`).get(id)) ?? null;
    },
    nearestFree(campaignId, clinicId, around, limit, excludeSlotId) {
      return (
        q<SlotInfo>(
          `SELECT ${SLOT} FROM exam_slots s WHERE s.campaign_id = ? AND s.clinic_id = ? AND s.starts_at > ? AND s.booked < s.capacity AND s.id <> ? AND ${OPEN}
           ORDER BY abs(s.starts_at - ?), s.starts_at LIMIT ?`,
        ).all(campaignId, clinicId, bookableAfter, excludeSlotId ?? -1, around, limit)
      ).sort((a, b) => a.startsAt - b.startsAt);
    },
    actingFor(cadreId, viaProxy) {
      type ActingRow = Omit<ActingFor, 'frail' | 'maskedEmail'> & { frail: number; email: string | null };
      const r = (
        viaProxy
          ? q<ActingRow>(`${ACTING} JOIN proxies p ON p.cadre_id = c.id WHERE p.zalo_user_id = ? AND c.id = ? AND p.status = 'approved' AND c.active = 1`)
          : q<ActingRow>(`${ACTING} JOIN zalo_links l ON l.cadre_id = c.id WHERE l.zalo_user_id = ? AND c.id = ? AND c.active = 1`)
      ).get(zaloUserId, cadreId);
      if (!r) return null;
      const { email, ...rest } = r;
      return { ...rest, frail: r.frail === 1, maskedEmail: maskEmail(email) };
    },
  };
}

/** A slot is open for booking now: in the future beyond the lead time and not full. */
export const slotBookable = (slot: SlotInfo | null, now: number): slot is SlotInfo =>
  !!slot && slot.free > 0 && slot.startsAt > now + BOOKING_MIN_LEAD_MS;
