import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { recordAudit, type AuditActor } from '../../store/audit';
import { enqueue } from '../../jobs/enqueue';
import { cancelOutboxBySubject } from '../../store/outbox';
import {
  bookings,
  cadres,
  campaignHoldStatuses,
  campaigns,
  clinics,
  examSlots,
  outbox,
  waitlistEntries,
  waitlistOffers,
  type WaitlistEntry,
  type WaitlistOffer,
} from '../../store/schema';
import { BOOKING_MIN_LEAD_MS, releasePlace, takePlace } from '../booking/places';
import { bookingDetailLines } from '../booking/reminders';
import { createBooking } from '../booking/effects';
import { offerToWaitlist } from './placeFreed';
import { formatVietnamDateTime } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours } from '../shared/quietHours';
import { AppError } from '../../errors';
import { committeeWord } from '../shared/organisation';
import { honorific } from '../shared/vietnamese';

/**
 * The waitlist of a clinic in a campaign. A freed place (a cancel, a move away, a day reopened) becomes a
 * 'waitlist.offer' outbox row; its job offers the place to the first cadre in line who has not had it yet,
 * holding the place meanwhile, and sets a 'waitlist.expire' row for the offer's deadline (a BullMQ delayed
 * job with the row's deterministic id; the reconciler restores it after a Redis wipe). The first yes before
 * the deadline books the place; a no or the deadline gives the place back and passes it on. Every step checks
 * the offer's state in SQLite, so a repeated or late job changes nothing.
 */

const WAITLIST_EXPIRE_JOB = 'waitlist.expire' as const;
export const WAITLIST_OFFER_NOTICE = 'waitlist.offer';
const waitlistOfferSubject = (offerId: number) => `waitlist-offer-${offerId}`;


/** The cadre's live place in line in a campaign, if any. */
function waitingEntryOf(db: DbOrTx, cadreId: number, campaignId: number): WaitlistEntry | undefined {
  return db
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.cadreId, cadreId), eq(waitlistEntries.campaignId, campaignId), inArray(waitlistEntries.status, ['waiting', 'offered'])))
    .get();
}

/** Puts a cadre in line (once per campaign); returns the entry and the number of people ahead of them. */
export function joinWaitlist(
  tx: DbOrTx,
  input: { cadreId: number; campaignId: number; clinicId: number; zaloUserId: string | null },
  actor: AuditActor,
  now: number,
): { entry: WaitlistEntry; ahead: number } {
  let entry = waitingEntryOf(tx, input.cadreId, input.campaignId);
  if (!entry) {
    entry = tx
      .insert(waitlistEntries)
      .values({ campaignId: input.campaignId, clinicId: input.clinicId, cadreId: input.cadreId, joinedByZaloUserId: input.zaloUserId, createdAt: now, updatedAt: now })
      .returning()
      .get();
    recordAudit(tx, actor, { action: 'waitlist.join', entity: 'waitlist_entry', entityId: entry.id, detail: { cadreId: input.cadreId, campaignId: input.campaignId, clinicId: input.clinicId } }, now);
  }
  const ahead = tx
    .select({ n: sql<number>`count(*)` })
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.campaignId, entry.campaignId),
        eq(waitlistEntries.clinicId, entry.clinicId),
        inArray(waitlistEntries.status, ['waiting', 'offered']),
        sql`${waitlistEntries.id} < ${entry.id}`,
      ),
    )
    .get()!.n;
  return { entry, ahead };
}

/** Whether the cadre already holds a booking (booked or attended) in the campaign. */
const holdsBooking = (tx: DbOrTx, cadreId: number, campaignId: number) =>
  tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.cadreId, cadreId), eq(bookings.campaignId, campaignId), inArray(bookings.status, [...campaignHoldStatuses])))
    .get() !== undefined;

/**
 * The 'waitlist.offer' job: offers one free place of the slot to the first cadre in line who has not been
 * offered this slot before. Nothing happens when the place was taken meanwhile, the slot is too near, the
 * campaign closed or nobody waits. Returns the offer, or null.
 */
export function offerFreedPlace(tx: DbOrTx, slotId: number, ttlMs: number, now: number): WaitlistOffer | null {
  const slot = tx.select().from(examSlots).where(eq(examSlots.id, slotId)).get();
  if (!slot || slot.booked >= slot.capacity) return null;
  const campaign = tx.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, slot.campaignId)).get();
  if (campaign?.status !== 'open') return null;
  const offeredAt = outsideQuietHours(now);
  // The answer must come early enough for the booking's own lead time.
  const expiresAt = Math.min(offeredAt + ttlMs, slot.startsAt - BOOKING_MIN_LEAD_MS);
  if (expiresAt <= offeredAt) return null;
  const line = tx
    .select()
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.campaignId, slot.campaignId),
        eq(waitlistEntries.clinicId, slot.clinicId),
        eq(waitlistEntries.status, 'waiting'),
        sql`NOT EXISTS (SELECT 1 FROM waitlist_offers o WHERE o.entry_id = ${waitlistEntries.id} AND o.slot_id = ${slotId})`,
      ),
    )
    .orderBy(asc(waitlistEntries.id))
    .all();
  for (const entry of line) {
    if (holdsBooking(tx, entry.cadreId, entry.campaignId)) {
      // Booked on their own meanwhile: out of the line.
      tx.update(waitlistEntries).set({ status: 'left', updatedAt: now }).where(eq(waitlistEntries.id, entry.id)).run();
      continue;
    }
    takePlace(tx, slotId, now);
    const offer = tx.insert(waitlistOffers).values({ entryId: entry.id, slotId, offeredAt, expiresAt, createdAt: now }).returning().get();
    tx.update(waitlistEntries).set({ status: 'offered', updatedAt: now }).where(eq(waitlistEntries.id, entry.id)).run();
    enqueueNotice(tx, { cadreId: entry.cadreId, ref: { kind: WAITLIST_OFFER_NOTICE, id: offer.id }, dueAt: offeredAt, subject: waitlistOfferSubject(offer.id) }, now);
    enqueue(tx, WAITLIST_EXPIRE_JOB, { offerId: offer.id }, { now, dueAt: expiresAt, subject: waitlistOfferSubject(offer.id) });
    recordAudit(tx, { type: 'system', id: 'waitlist' }, { action: 'waitlist.offer', entity: 'waitlist_offer', entityId: offer.id, detail: { entryId: entry.id, slotId, expiresAt } }, now);
    return offer;
  }
  return null;
}

/** An offer that ended without a booking: the place goes back and on to the next in line. */
function passOn(tx: DbOrTx, offer: WaitlistOffer, status: 'declined' | 'expired' | 'withdrawn', now: number): void {
  tx.update(waitlistOffers).set({ status, answeredAt: now }).where(eq(waitlistOffers.id, offer.id)).run();
  // Still in line for a later place (this one is not offered to them again).
  tx.update(waitlistEntries)
    .set({ status: 'waiting', updatedAt: now })
    .where(and(eq(waitlistEntries.id, offer.entryId), eq(waitlistEntries.status, 'offered')))
    .run();
  // The offer's message if still unsent, and its deadline unless that is what is running now.
  tx.update(outbox)
    .set({ status: 'cancelled', doneAt: now, updatedAt: now })
    .where(and(eq(outbox.subject, waitlistOfferSubject(offer.id)), inArray(outbox.status, ['blocked', 'pending', 'queued']), status === 'expired' ? ne(outbox.kind, WAITLIST_EXPIRE_JOB) : sql`1 = 1`))
    .run();
  releasePlace(tx, offer.slotId, now);
  offerToWaitlist(tx, offer.slotId, now);
}

/** The 'waitlist.expire' job: an offer still open at its deadline lapses. Returns whether it did. */
export function expireOffer(tx: DbOrTx, offerId: number, now: number): 'expired' | 'not_yet' | 'closed' {
  const offer = tx.select().from(waitlistOffers).where(eq(waitlistOffers.id, offerId)).get();
  if (!offer || offer.status !== 'open') return 'closed';
  if (now < offer.expiresAt) return 'not_yet';
  passOn(tx, offer, 'expired', now);
  recordAudit(tx, { type: 'system', id: 'waitlist' }, { action: 'waitlist.expire', entity: 'waitlist_offer', entityId: offer.id, detail: { slotId: offer.slotId } }, now);
  return 'expired';
}

/**
 * A yes or no to an open offer. Yes before the deadline turns the held place into a booking (with its
 * reminders); anything else passes it on. Returns the booking id on a yes that booked.
 */
export function answerOffer(tx: DbOrTx, offerId: number, accept: boolean, actor: AuditActor & { type: 'zalo' }, viaProxy: boolean, now: number): { bookingId: number | null; outcome: 'booked' | 'declined' | 'too_late' } {
  const offer = tx.select().from(waitlistOffers).where(eq(waitlistOffers.id, offerId)).get();
  if (!offer || offer.status !== 'open') return { bookingId: null, outcome: 'too_late' };
  if (now >= offer.expiresAt) {
    passOn(tx, offer, 'expired', now);
    return { bookingId: null, outcome: 'too_late' };
  }
  const entry = tx.select().from(waitlistEntries).where(eq(waitlistEntries.id, offer.entryId)).get()!;
  if (!accept || holdsBooking(tx, entry.cadreId, entry.campaignId)) {
    passOn(tx, offer, 'declined', now);
    recordAudit(tx, actor, { action: 'waitlist.decline', entity: 'waitlist_offer', entityId: offer.id, detail: { cadreId: entry.cadreId } }, now);
    return { bookingId: null, outcome: 'declined' };
  }
  // The held place becomes the booking's place.
  releasePlace(tx, offer.slotId, now);
  const bookingId = createBooking(tx, { cadreId: entry.cadreId, slotId: offer.slotId, zaloUserId: actor.id, viaProxy }, now);
  tx.update(waitlistOffers).set({ status: 'accepted', answeredAt: now }).where(eq(waitlistOffers.id, offer.id)).run();
  tx.update(waitlistEntries).set({ status: 'booked', bookingId, updatedAt: now }).where(eq(waitlistEntries.id, entry.id)).run();
  cancelOutboxBySubject(tx, waitlistOfferSubject(offer.id), now);
  recordAudit(tx, actor, { action: 'booking.create', entity: 'booking', entityId: bookingId, detail: { cadreId: entry.cadreId, slotId: offer.slotId, waitlistOfferId: offer.id, viaProxy } }, now);
  return { bookingId, outcome: 'booked' };
}

/** Staff take a cadre out of the line (e.g. examined elsewhere); an open offer passes on. */
function leaveWaitlist(tx: DbOrTx, entryId: number, actor: AuditActor, now: number): void {
  const open = tx.select().from(waitlistOffers).where(and(eq(waitlistOffers.entryId, entryId), eq(waitlistOffers.status, 'open'))).all();
  for (const offer of open) passOn(tx, offer, 'withdrawn', now);
  tx.update(waitlistEntries).set({ status: 'left', updatedAt: now }).where(and(eq(waitlistEntries.id, entryId), inArray(waitlistEntries.status, ['waiting', 'offered']))).run();
  recordAudit(tx, actor, { action: 'waitlist.leave', entity: 'waitlist_entry', entityId: entryId }, now);
}

/** One entry of a campaign's line as staff may reach it (their clinic's only, for clinic staff), or 404. */
export function waitlistEntryOf(db: DbOrTx, campaignId: number, entryId: number, clinicScope: number | null): { entry: WaitlistEntry; fullName: string; sex: 'male' | 'female' } {
  const row = db
    .select({ entry: waitlistEntries, fullName: cadres.fullName, sex: cadres.sex })
    .from(waitlistEntries)
    .innerJoin(cadres, eq(cadres.id, waitlistEntries.cadreId))
    .where(and(eq(waitlistEntries.id, entryId), eq(waitlistEntries.campaignId, campaignId)))
    .get();
  if (!row || (clinicScope !== null && row.entry.clinicId !== clinicScope)) throw new AppError('not_found', 'Không tìm thấy cán bộ này trong danh sách chờ.');
  return row;
}

/** Staff take a cadre out of the line from the waitlist page; the entry stays, marked as left. */
export function removeFromWaitlist(tx: DbOrTx, campaignId: number, entryId: number, clinicScope: number | null, actor: AuditActor, now: number): void {
  const { entry } = waitlistEntryOf(tx, campaignId, entryId, clinicScope);
  if (entry.status !== 'waiting' && entry.status !== 'offered') throw new AppError('conflict', 'Cán bộ này không còn trong danh sách chờ.');
  leaveWaitlist(tx, entryId, actor, now);
}

export const waitlistOfferText = {
  lead: (title: string, name: string) => `Kính gửi ${title} ${name}, nơi khám ${title} chờ vừa có một chỗ trống:`,
  ask: (until: string) => `${'Xin trả lời trước'} ${until} (gõ số):\n1. Nhận chỗ này\n2. Không nhận`,
  yes: 'Nhận chỗ này',
  no: 'Không nhận',
};

/** 'waitlist.offer' notice: the freed place and the yes/no; null once the offer is no longer open. */
export const renderWaitlistOffer: NoticeRenderer = (db, ref, now) => {
  const offer = db.select().from(waitlistOffers).where(eq(waitlistOffers.id, ref.id)).get();
  if (!offer || offer.status !== 'open' || now >= offer.expiresAt) return null;
  const entry = db.select().from(waitlistEntries).where(eq(waitlistEntries.id, offer.entryId)).get();
  const cadre = entry ? db.select().from(cadres).where(eq(cadres.id, entry.cadreId)).get() : undefined;
  const slot = db.select().from(examSlots).where(eq(examSlots.id, offer.slotId)).get();
  const campaign = slot ? db.select().from(campaigns).where(eq(campaigns.id, slot.campaignId)).get() : undefined;
  const clinic = slot ? db.select().from(clinics).where(eq(clinics.id, slot.clinicId)).get() : undefined;
  if (!cadre || !slot || !campaign || !clinic) return null;
  const title = honorific(cadre.sex);
  const lines = bookingDetailLines({ clinic, slot, campaign });
  const until = formatVietnamDateTime(offer.expiresAt);
  return {
    text: [waitlistOfferText.lead(title, cadre.fullName), ...lines, waitlistOfferText.ask(until)].join('\n'),
    buttons: [
      { title: waitlistOfferText.yes, payload: waitlistOfferText.yes },
      { title: waitlistOfferText.no, payload: waitlistOfferText.no },
    ],
    email: {
      subject: `Có chỗ trống lịch khám: ${lines.find((l) => l.startsWith('Thời gian')) ?? campaign.name}`,
      text: [`Kính gửi ${title} ${cadre.fullName},`, '', waitlistOfferText.lead(title, cadre.fullName), ...lines, '', `Muốn nhận chỗ, xin nhắn Zalo cho ${committeeWord()} hoặc gọi điện thoại cho phòng khám trước ${until}.`].join('\n'),
    },
  };
};

export interface WaitlistRow {
  entryId: number;
  position: number;
  cadreId: number;
  code: string;
  fullName: string;
  phone: string | null;
  clinicId: number;
  clinicName: string;
  status: WaitlistEntry['status'];
  joinedAt: number;
  offer: { id: number; status: WaitlistOffer['status']; expiresAt: number; localDate: string; startsAt: number } | null;
  bookingId: number | null;
}

/** The waitlist of a campaign (one clinic, or every clinic the staff member may see), in line order. */
export function waitlistOf(db: DbOrTx, campaignId: number, clinicId: number | null): WaitlistRow[] {
  const entries = db
    .select({ e: waitlistEntries, code: cadres.code, fullName: cadres.fullName, phone: cadres.phone, clinicName: clinics.name })
    .from(waitlistEntries)
    .innerJoin(cadres, eq(cadres.id, waitlistEntries.cadreId))
    .innerJoin(clinics, eq(clinics.id, waitlistEntries.clinicId))
    .where(and(eq(waitlistEntries.campaignId, campaignId), clinicId === null ? sql`1 = 1` : eq(waitlistEntries.clinicId, clinicId)))
    .orderBy(asc(waitlistEntries.clinicId), asc(waitlistEntries.id))
    .all();
  const positions = new Map<number, number>();
  return entries.map(({ e, ...c }) => {
    const live = e.status === 'waiting' || e.status === 'offered';
    const position = live ? (positions.get(e.clinicId) ?? 0) + 1 : 0;
    if (live) positions.set(e.clinicId, position);
    const last = db
      .select({ id: waitlistOffers.id, status: waitlistOffers.status, expiresAt: waitlistOffers.expiresAt, localDate: examSlots.localDate, startsAt: examSlots.startsAt })
      .from(waitlistOffers)
      .innerJoin(examSlots, eq(examSlots.id, waitlistOffers.slotId))
      .where(eq(waitlistOffers.entryId, e.id))
      .orderBy(sql`${waitlistOffers.id} DESC`)
      .get();
    return {
      entryId: e.id,
      position,
      cadreId: e.cadreId,
      code: c.code,
      fullName: c.fullName,
      phone: c.phone,
      clinicId: e.clinicId,
      clinicName: c.clinicName,
      status: e.status,
      joinedAt: e.createdAt,
      offer: last ?? null,
      bookingId: e.bookingId,
    };
  });
}

