import { bookingDetailLines } from '../../../domain/booking/reminders';
import { type BookingInfo } from '../../../domain/booking/lookups';
import { formatVietnamDay } from '../../../domain/shared/dates';
import { requestStateLabels, requestTypeLabels, ticketOf, timeOfDayLabels } from '../../../domain/requests/labels';
import type { Subject, TurnContext, TurnResult } from '../../flow';
import { numberedMenu, type MenuOption } from '../../menu';
import { bookingText, bookingCommand, type Command } from './text';
import { say, join, whoOf, state, wantedIn, type Who } from './common';
import { startNew, startMove } from './choose';
import { askCancelReason } from './cancel';

/** intentStarters.booking: what "Đặt lịch khám" (or a typed "đổi lịch", "hủy lịch", "lịch của tôi") starts. */
export function startBooking(subject: Subject, ctx: TurnContext, lead?: string): TurnResult {
  const who = whoOf(subject);
  const command = ctx.input ? bookingCommand(ctx.input) : null;
  if (command && command !== 'book') return runCommand(who, command, ctx, lead);
  const active = ctx.lookups.booking.activeBookings(subject.id);
  if (active.length) return manageMenu(who, ctx, active, lead);
  if (subject.frail) return frailOffer(who, lead);
  return startNew(who, ctx, lead, wantedIn(ctx.input, ctx.saidAt ?? ctx.now));
}

export function runCommand(who: Who, command: Command, ctx: TurnContext, lead?: string): TurnResult {
  const active = ctx.lookups.booking.activeBookings(who.subject.id);
  if (command === 'book') return active.length ? manageMenu(who, ctx, active, lead) : who.subject.frail ? frailOffer(who, lead) : startNew(who, ctx, lead);
  // No exam booked, but a home visit or another request may be on its way: "Lịch của tôi" shows those too.
  if (!active.length) return startNew(who, ctx, join(lead, bookingText.noBooking(who.title, who.subject.fullName), command === 'show' && otherPlans(who, ctx)));
  if (command === 'show') return showBookings(who, ctx, active, lead);
  if (active.length > 1) {
    const options = active.map((b) => ({ line: bookingText.bookingLine(b), label: formatVietnamDay(b.slot.localDate) }));
    const m = numberedMenu(bookingText.pickBooking, options, bookingText.backHint);
    return say(state(who, { step: 'pickBooking', purpose: command, options: active.map((b) => b.id) }), join(lead, m.text), m.buttons);
  }
  return command === 'move' ? startMove(who, ctx, active[0]!, lead) : askCancelReason(who, active[0]!, lead);
}

export function manageOptions(who: Who, ctx: TurnContext): MenuOption[] {
  const options: MenuOption[] = [
    { label: bookingText.optShow, phrases: ['xem'] },
    { label: bookingText.optMove, phrases: ['doi'] },
    { label: bookingText.optCancel, phrases: ['huy'] },
  ];
  if (ctx.lookups.booking.bookableCampaigns(who.subject.id).length) {
    options.push({ label: bookingText.optOther, phrases: ['dot khac', 'dat them'] });
  }
  return options;
}

export function manageMenu(who: Who, ctx: TurnContext, active: BookingInfo[], lead?: string): TurnResult {
  const lines = active.map((b) => `• ${bookingText.bookingLine(b)}`).join('\n');
  const m = numberedMenu(bookingText.manage, manageOptions(who, ctx), bookingText.backHint);
  return say(
    state(who, { step: 'manage' }),
    join(lead, `${bookingText.hasBooking(who.title, who.subject.fullName)}\n${lines}`, m.text),
    m.buttons,
  );
}

function showBookings(who: Who, ctx: TurnContext, active: BookingInfo[], lead?: string): TurnResult {
  const details = active.map((b) => bookingDetailLines(b).join('\n')).join('\n\n');
  const m = numberedMenu(bookingText.manage, manageOptions(who, ctx).slice(1), bookingText.backHint);
  return say(
    state(who, { step: 'manage', options: ['show'] }),
    join(lead, `${bookingText.hasBooking(who.title, who.subject.fullName)}\n${details}`, otherPlans(who, ctx), m.text),
    m.buttons,
  );
}

/** Scheduled home visits and the other open requests of the cadre, for "Lịch của tôi"; '' when none. */
function otherPlans(who: Who, ctx: TurnContext): string {
  const open = ctx.lookups.requests.openRequests([who.subject.id]).filter((r) => r.cadreId === who.subject.id && r.type !== 'emergency');
  if (!open.length) return '';
  const visits = open.filter((r) => r.state === 'scheduled' && r.scheduledDate);
  const others = open.filter((r) => !visits.includes(r));
  const lines: string[] = [];
  if (visits.length) {
    lines.push(bookingText.visitsTitle);
    for (const r of visits) {
      lines.push(`• ${requestTypeLabels[r.type]}: ${formatVietnamDay(r.scheduledDate!)}, ${timeOfDayLabels[r.scheduledTime ?? 'any']}${r.handlerName ? ` (${r.handlerName})` : ''} – ${ticketOf(r.id)}`);
    }
  }
  if (others.length) {
    if (lines.length) lines.push('');
    lines.push(bookingText.requestsTitle);
    for (const r of others) lines.push(`• ${requestTypeLabels[r.type]} – ${ticketOf(r.id)}: ${requestStateLabels[r.state]}`);
  }
  return lines.join('\n');
}

function frailOffer(who: Who, lead?: string): TurnResult {
  const m = numberedMenu(bookingText.frailOffer(who.title, who.subject.fullName), [
    { label: bookingText.frailHome, phrases: ['tai nha', 'kham tai nha'] },
    { label: bookingText.frailClinic, phrases: ['phong kham', 'van dat', 'van den'] },
  ], bookingText.backHint);
  return say(state(who, { step: 'frail' }), join(lead, m.text), m.buttons);
}

/** "2 Đổi lịch" to the day-before question: the move flow for that booking. */
export const startMoveOf = (subject: Subject, ctx: TurnContext, b: BookingInfo, lead?: string): TurnResult => startMove(whoOf(subject), ctx, b, lead);
