import { bookingDetailLines } from '../../../domain/booking/reminders';
import { slotBookable } from '../../../domain/booking/lookups';
import type { TurnContext, TurnResult } from '../../flow';
import { understand } from '../../understand';
import { bookingText } from './text';
import { say, join, toldCadre, type Who, type Place } from './common';
import { offerAlternatives } from './choose';
import { manageMenu } from './manage';

/**
 * A plain yes or no at the confirm step, as the understanding step reads it (bot/understand): diacritics count
 * when typed ("dừng" is not "đúng"), and any no-word or retraction wins, so "không, thôi" never commits. The
 * turn reads yes/no before the flow too; this keeps the step safe when called on its own.
 */
export function yesOrNo(input: string): 'yes' | 'no' | null {
  const m = understand(input);
  if (m.answer === 'no' || m.retraction) return 'no';
  return m.answer;
}

export function confirmed(who: Who, ctx: TurnContext, place: Place, slotId: number): TurnResult {
  const b = ctx.lookups.booking;
  const slot = b.slot(slotId);
  if (!slotBookable(slot, ctx.now)) return offerAlternatives(who, ctx, place, slot);
  const campaign = b.campaign(place.campaignId);
  const clinic = b.clinics(place.campaignId, null).find((c) => c.id === slot.clinicId);
  if (!campaign || !clinic) return say({ flow: 'idle' }, bookingText.allFull(ctx.lookups.hotline));
  const details = bookingDetailLines({ clinic, slot, campaign }).join('\n');
  const tail = [bookingText.remindersNote, bookingText.changeHint].join('\n');
  const buttons = [
    { title: bookingText.optMove, payload: bookingText.optMove },
    { title: bookingText.optCancel, payload: bookingText.optCancel },
  ];

  if (place.purpose === 'move') {
    const moving = place.bookingId !== undefined ? b.booking(place.bookingId) : null;
    if (!moving || moving.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
    if (moving.slot.id === slot.id) return say({ flow: 'idle' }, join(bookingText.unchanged, details, bookingText.changeHint));
    return say({ flow: 'idle' }, join(bookingText.moved(who.title, who.subject.fullName), details, tail), buttons, {
      type: 'booking.move',
      bookingId: moving.id,
      slotId: slot.id,
      viaProxy: who.subject.viaProxy,
    }, ...toldCadre(who, 'moved'));
  }
  // Someone else (the cadre, or another proxy) may have booked this campaign meanwhile.
  if (!b.bookableCampaigns(who.subject.id).some((c) => c.id === place.campaignId)) {
    const active = b.activeBookings(who.subject.id);
    return active.length ? manageMenu(who, ctx, active, bookingText.alreadyBooked) : say({ flow: 'idle' }, bookingText.alreadyBooked);
  }
  return say({ flow: 'idle' }, join(bookingText.booked(who.title, who.subject.fullName), details, tail), buttons, {
    type: 'booking.create',
    cadreId: who.subject.id,
    slotId: slot.id,
    viaProxy: who.subject.viaProxy,
  }, ...toldCadre(who, 'booked'));
}
