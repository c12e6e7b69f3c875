import { type BookingInfo } from '../../../domain/booking/lookups';
import type { Subject, TurnContext, TurnResult } from '../../flow';
import { chooseOption, numberedMenu, type MenuOption } from '../../menu';
import type { BookingState } from '../../state';
import { bookingText } from './text';
import { say, join, whoOf, state, toldCadre, type StepInput, type Who } from './common';

const cancelConfirmOptions: MenuOption[] = [
  { label: bookingText.cancelYes },
  { label: bookingText.cancelNo, phrases: ['giu lich'] },
];

const declineConfirmOptions: MenuOption[] = [
  { label: bookingText.declineYes },
  { label: bookingText.cancelNo, phrases: ['giu lich'] },
];

export function askCancelReason(who: Who, b: BookingInfo, lead?: string, declined?: boolean): TurnResult {
  const options = bookingText.cancelReasons.map((r) => ({ label: r }));
  const prompt = declined ? `${bookingText.bookingLine(b)}\n${bookingText.declineAsk(who.title)}` : `${bookingText.optCancel}: ${bookingText.bookingLine(b)}\n${bookingText.cancelAsk}`;
  const m = numberedMenu(prompt, options, bookingText.cancelKeep);
  return say(state(who, { step: 'cancelReason', purpose: 'cancel', bookingId: b.id, campaignId: b.campaign.id, ...(declined ? { declined } : {}) }), join(lead, m.text), m.buttons);
}

/** "3 Không đến được" to the day-before question: why, then a summary; the place is freed only on a yes. */
export const askDeclineReason = (subject: Subject, b: BookingInfo, lead?: string): TurnResult => askCancelReason(whoOf(subject), b, lead, true);

/** The reason for cancelling, then the summary: the place is freed only on a yes. */
export function stepCancelReason(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who, b, command } = at;
  if (command) return null;
  const booking = s.bookingId !== undefined ? b.booking(s.bookingId) : null;
  if (!booking || booking.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
  const options = bookingText.cancelReasons.map((r) => ({ label: r }));
  const i = chooseOption(text, options);
  const reason = i !== null ? bookingText.cancelReasons[i]! : text.trim().replace(/\s+/g, ' ').slice(0, 300);
  if (/^\d+$/.test(reason) || reason.length < 2) return say(s, join(bookingText.pickNumber));
  // Cancelling is shown as a summary first and done only on a yes.
  const summary = (s.declined ? bookingText.declineConfirm : bookingText.cancelConfirm)(who.title, subject.fullName, bookingText.bookingLine(booking), reason);
  const m = numberedMenu(summary, s.declined ? declineConfirmOptions : cancelConfirmOptions, bookingText.backHint);
  return say({ ...s, step: 'cancelConfirm', reason }, m.text, m.buttons);
}

export function stepCancelConfirm(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who, b } = at;
  const booking = s.bookingId !== undefined ? b.booking(s.bookingId) : null;
  if (!booking || booking.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
  const i = chooseOption(text, s.declined ? declineConfirmOptions : cancelConfirmOptions);
  if (i === 1) return say({ flow: 'idle' }, join(bookingText.kept, bookingText.backHint));
  if (i !== 0 || !s.reason) return null;
  return say(
    { flow: 'idle' },
    (s.declined ? bookingText.declined : bookingText.cancelled)(who.title, subject.fullName, bookingText.bookingLine(booking)),
    [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }],
    { type: 'booking.cancel', bookingId: booking.id, reason: s.reason, viaProxy: subject.viaProxy, ...(s.declined ? { declined: true } : {}) },
    ...toldCadre(who, 'cancelled', booking.id),
  );
}
