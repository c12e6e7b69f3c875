import { slotBookable, type SlotInfo } from '../../../domain/booking/lookups';
import { formatVietnamDay } from '../../../domain/shared/dates';
import { timeMatches } from '../../understand/dates';
import type { TurnContext, TurnResult } from '../../flow';
import { chooseOption, type MenuOption } from '../../menu';
import type { BookingState } from '../../state';
import { bookingText, bookingCommand } from './text';
import { say, join, whoOf, wantedIn, dayMonth, timeLabel, dayTimeLabel, minutesOf, subjectOf, type Place, type StepInput } from './common';
import { startNew, campaignOption, startMove, chooseClinic, MORE, moreOption, firstOption, dayStep, chooseDayInWeek, chooseDay, dayChosen, chooseTime, offerAlternatives, waitlistOptions, confirmOptions, confirmSlot } from './choose';
import { askCancelReason, stepCancelReason, stepCancelConfirm } from './cancel';
import { runCommand, manageOptions } from './manage';
import { yesOrNo, confirmed } from './confirm';


function stepManage(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { who } = at;
  const options = s.options[0] === 'show' ? manageOptions(who, ctx).slice(1) : manageOptions(who, ctx);
  const i = chooseOption(text, options);
  if (i !== null) {
    const chosen = options[i]!.label;
    if (chosen === bookingText.optShow) return runCommand(who, 'show', ctx);
    if (chosen === bookingText.optMove) return runCommand(who, 'move', ctx);
    if (chosen === bookingText.optCancel) return runCommand(who, 'cancel', ctx);
    return startNew(who, ctx);
  }
  return null;
}

function stepFrail(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who } = at;
  const i = chooseOption(text, [
    { label: bookingText.frailHome, phrases: ['tai nha', 'kham tai nha'] },
    { label: bookingText.frailClinic, phrases: ['phong kham', 'van dat', 'van den'] },
  ]);
  if (i === 0) return ctx.flows.startHomeVisit(subject, ctx);
  if (i === 1) return startNew(who, ctx);
  return null;
}

function stepPickBooking(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who, b } = at;
  const active = b.activeBookings(subject.id).filter((x) => s.options.includes(x.id));
  const i = chooseOption(text, active.map((x) => ({ line: bookingText.bookingLine(x), label: formatVietnamDay(x.slot.localDate) })));
  if (i !== null) return s.purpose === 'cancel' ? askCancelReason(who, active[i]!) : startMove(who, ctx, active[i]!);
  return null;
}

function stepCampaign(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who, b } = at;
  const campaigns = b.bookableCampaigns(subject.id).filter((c) => s.options.includes(c.id));
  const i = chooseOption(text, campaigns.map(campaignOption));
  if (i !== null) return chooseClinic(who, ctx, campaigns[i]!, 'book', undefined, undefined, s.wanted);
  return null;
}

function stepClinic(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { who, b } = at;
  if (s.campaignId === undefined) return null;
  const clinics = b.clinics(s.campaignId, null).filter((c) => s.options.includes(c.id));
  const ordered = s.options.map((id) => clinics.find((c) => c.id === id)).filter((c) => c !== undefined);
  const i = chooseOption(text, ordered.map((c) => ({ label: c.name })));
  if (i !== null) {
    return dayStep(who, ctx, { campaignId: s.campaignId, clinicId: ordered[i]!.id, purpose: s.purpose === 'move' ? 'move' : 'book', bookingId: s.bookingId }, undefined, s.wanted);
  }
  return null;
}

function stepDay(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { who, command, place } = at;
  if (!place) return null;
  const shown: MenuOption[] = s.options.map((o) =>
    o === MORE ? moreOption : o === 'first' ? firstOption : { label: formatVietnamDay(String(o)) },
  );
  // A named day first ("thứ 5 tuần sau" is a day, not "more days"); a bare number is a choice.
  const wanted = /^\s*\d{1,2}\s*$/.test(text) ? undefined : wantedIn(text, ctx.now);
  if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted);
  if (wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week);
  const i = chooseOption(text, shown);
  if (i === null && chooseOption(text, [moreOption]) === 0) return chooseDay(who, ctx, place, bookingText.noMoreDays);
  if (i !== null) {
    const chosen = s.options[i]!;
    if (chosen === MORE) return chooseDay(who, ctx, place, undefined, s.page + 1);
    if (chosen === 'first') return chooseDay(who, ctx, place);
    return chooseTime(who, ctx, place, String(chosen));
  }
  if (!command) {
    const first = s.options.find((o): o is string => typeof o === 'string' && /^\d{4}-/.test(o));
    return say(s, bookingText.pickDay(first ? dayMonth(first) : '05/03'));
  }
  return null;
}

function stepTime(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { who, b, command, place } = at;
  if (!place) return null;
  const slots = s.options.map((id) => (typeof id === 'number' ? b.slot(id) : null)).filter((x): x is SlotInfo => x !== null);
  const labels = slots.map((x) => ({ label: s.day ? timeLabel(x) : dayTimeLabel(x) }));
  let i = chooseOption(text, labels);
  const wanted = wantedIn(text, ctx.now);
  // Another day named here ("thứ 5", "mai 2 giờ chiều") goes to that day.
  if (i === null && wanted?.date && wanted.date !== s.day) return dayChosen(who, ctx, place, wanted.date, wanted);
  if (i === null && wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week);
  if (i === null && wanted?.minutes != null) {
    const mention = { minutes: wanted.minutes, partOfDay: null, ambiguous: wanted.ambiguous };
    const j = slots.findIndex((x) => timeMatches(mention, minutesOf(x)));
    if (j >= 0) i = j;
    else if (s.day) {
      const asked = `${Math.floor(wanted.minutes / 60)}:${String(wanted.minutes % 60).padStart(2, '0')}`;
      return chooseTime(who, ctx, place, s.day, bookingText.timeNotFree(asked, formatVietnamDay(s.day)));
    }
  }
  if (i !== null) {
    const slot = slots[i]!;
    if (!slotBookable(slot, ctx.now)) return offerAlternatives(who, ctx, place, slot);
    return confirmSlot(who, ctx, place, slot);
  }
  if (!command && slots.length) return say(s, bookingText.pickTime(timeLabel(slots[0]!)));
  return null;
}

function stepConfirm(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { who, place } = at;
  if (!place || s.slotId === undefined) return null;
  const i = chooseOption(text, confirmOptions);
  const answer = i === 0 ? 'yes' : i === 1 ? 'no' : yesOrNo(text);
  if (answer === 'no') return s.day ? chooseTime(who, ctx, place, s.day) : chooseDay(who, ctx, place);
  if (answer === 'yes') return confirmed(who, ctx, place, s.slotId);
  const wanted = wantedIn(text, ctx.now);
  if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted);
  return null;
}

function stepWaitlist(s: BookingState, text: string, ctx: TurnContext, at: StepInput): TurnResult | null {
  const { subject, who, b } = at;
  if (s.campaignId === undefined || s.clinicId === undefined) return null;
  const i = chooseOption(text, waitlistOptions);
  if (i === 1) return say({ flow: 'idle' }, join(bookingText.allFull(ctx.lookups.hotline)));
  if (i !== 0) return null;
  const clinic = b.clinics(s.campaignId, null).find((c) => c.id === s.clinicId);
  const ahead = ctx.lookups.aftercare?.waitingAt(s.campaignId, s.clinicId) ?? 0;
  return say(
    { flow: 'idle' },
    bookingText.waitlistJoined(who.title, subject.fullName, clinic?.name ?? '', ahead),
    undefined,
    { type: 'waitlist.join', cadreId: subject.id, campaignId: s.campaignId, clinicId: s.clinicId, viaProxy: subject.viaProxy },
  );
}

const steps: Record<BookingState['step'], (s: BookingState, text: string, ctx: TurnContext, at: StepInput) => TurnResult | null> = {
  manage: stepManage,
  frail: stepFrail,
  pickBooking: stepPickBooking,
  campaign: stepCampaign,
  clinic: stepClinic,
  day: stepDay,
  time: stepTime,
  confirm: stepConfirm,
  waitlist: stepWaitlist,
  cancelReason: stepCancelReason,
  cancelConfirm: stepCancelConfirm,
};

export function handleBooking(s: BookingState, text: string, ctx: TurnContext): TurnResult {
  const subject = subjectOf(s, ctx);
  if (!subject) return say({ flow: 'idle' }, bookingText.noLongerAllowed);
  const who = whoOf(subject);
  // A step's own choices first (a typed "hủy lịch" at the manage menu is its option 3 anyway).
  const command = bookingCommand(text);
  const place: Place | null =
    s.campaignId !== undefined && s.clinicId !== undefined
      ? { campaignId: s.campaignId, clinicId: s.clinicId, purpose: s.purpose === 'move' ? 'move' : 'book', bookingId: s.bookingId }
      : null;
  const done = steps[s.step](s, text, ctx, { subject, who, b: ctx.lookups.booking, command, place });
  if (done) return done;
  if (command) return runCommand(who, command, ctx);
  return say(s, bookingText.pickNumber);
}
