import { type BookingInfo, type CampaignInfo, type SlotInfo } from '../../../domain/booking/lookups';
import { formatIsoDate, formatVietnamDay } from '../../../domain/shared/dates';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { timeMatches } from '../../understand/dates';
import type { TurnContext, TurnResult } from '../../flow';
import { numberedMenu, type MenuOption } from '../../menu';
import { bookingText } from './text';
import { say, join, state, dayMonth, timeLabel, dayTimeLabel, minutesOf, type Who, type Wanted, type Place } from './common';

export function startNew(who: Who, ctx: TurnContext, lead?: string, wanted?: Wanted): TurnResult {
  const campaigns = ctx.lookups.booking.bookableCampaigns(who.subject.id);
  if (!campaigns.length) return say({ flow: 'idle' }, join(lead, bookingText.noCampaign(ctx.lookups.hotline)));
  if (campaigns.length === 1) return chooseClinic(who, ctx, campaigns[0]!, 'book', undefined, lead, wanted);
  const m = numberedMenu(bookingText.chooseCampaign, campaigns.map(campaignOption), bookingText.backHint);
  return say(state(who, { step: 'campaign', options: campaigns.map((c) => c.id), wanted }), join(lead, m.text), m.buttons);
}

export const campaignOption = (c: CampaignInfo): MenuOption => ({
  line: `${c.name} (${formatVietnamDay(c.startDate).split(', ')[1]} – ${formatVietnamDay(c.endDate).split(', ')[1]})`,
  label: c.name,
});

export function startMove(who: Who, ctx: TurnContext, b: BookingInfo, lead?: string): TurnResult {
  return chooseClinic(who, ctx, b.campaign, 'move', b, lead);
}

export function chooseClinic(who: Who, ctx: TurnContext, campaign: CampaignInfo, purpose: 'book' | 'move', moving: BookingInfo | undefined, lead?: string, wanted?: Wanted): TurnResult {
  const prefer = moving?.clinic.id ?? who.subject.clinicId;
  const clinics = ctx.lookups.booking
    .clinics(campaign.id, prefer)
    .filter((c) => ctx.lookups.booking.freeDays(campaign.id, c.id, 1).length > 0);
  const bookingId = moving?.id;
  if (!clinics.length && purpose === 'book' && ctx.lookups.aftercare) return offerWaitlist(who, ctx, campaign, prefer, lead);
  if (!clinics.length) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  if (clinics.length === 1) return dayStep(who, ctx, { campaignId: campaign.id, clinicId: clinics[0]!.id, purpose, bookingId }, lead, wanted);
  const options = clinics.map((c) => ({
    line: c.id === who.subject.clinicId ? `${c.name} (${bookingText.registeredClinic})` : c.name,
    label: c.name,
  }));
  const m = numberedMenu(bookingText.chooseClinic, options, bookingText.backHint);
  return say(state(who, { step: 'clinic', campaignId: campaign.id, purpose, bookingId, options: clinics.map((c) => c.id), wanted }), join(lead, campaign.name, m.text), m.buttons);
}

const DAYS_PER_PAGE = 7;
export const MORE = 'more';
export const moreOption: MenuOption = { label: bookingText.moreDays, phrases: ['them ngay', 'xem them', 'ngay khac', 'ngay sau', 'ngay tiep', 'con ngay nao'] };
export const firstOption: MenuOption = { label: bookingText.firstDays, phrases: ['ngay dau', 'quay lai ngay dau'] };

/** The day step, going straight on when the user already named a day (and maybe a time). */
export function dayStep(who: Who, ctx: TurnContext, place: Place, lead?: string, wanted?: Wanted): TurnResult {
  if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted, lead);
  if (wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week, lead);
  return chooseDay(who, ctx, place, lead);
}

/** How many open days to read when looking for those of one week: a campaign's whole span. */
const DAYS_LOOKED_AHEAD = 400;

/** "tuần sau": the open days of that week, or why none and the first open days. */
export function chooseDayInWeek(who: Who, ctx: TurnContext, place: Place, week: { from: string; to: string }, lead?: string): TurnResult {
  const today = vietnamDate(ctx.now);
  const days = ctx.lookups.booking
    .freeDays(place.campaignId, place.clinicId, DAYS_LOOKED_AHEAD)
    .filter((d) => d.date >= week.from && d.date <= week.to && d.date >= today);
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === place.clinicId);
  const [from, to] = [formatIsoDate(week.from), formatIsoDate(week.to)];
  if (!days.length || !clinic) return chooseDay(who, ctx, place, join(lead, bookingText.weekNoPlace(from, to)));
  const shown = days.slice(0, DAYS_PER_PAGE);
  const options: MenuOption[] = shown.map((d) => ({ line: `${formatVietnamDay(d.date)} (${bookingText.placesLeft(d.free)})`, label: formatVietnamDay(d.date) }));
  // The first open days of the whole campaign stay one choice away.
  const m = numberedMenu(bookingText.chooseWeekDays(from, to, clinic.name), [...options, firstOption], bookingText.backHint);
  const buttons = m.buttons.length === 5 ? [...m.buttons.slice(0, 4), { title: firstOption.label, payload: firstOption.label }] : m.buttons;
  return say(state(who, { step: 'day', ...place, options: [...shown.map((d) => d.date), 'first'] }), join(lead, m.text), buttons);
}

/** Every open day, seven at a time: "Xem thêm ngày" shows the next ones. */
export function chooseDay(who: Who, ctx: TurnContext, place: Place, lead?: string, page = 0): TurnResult {
  const all = ctx.lookups.booking.freeDays(place.campaignId, place.clinicId, (page + 1) * DAYS_PER_PAGE + 1);
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === place.clinicId);
  if (!all.length || !clinic) return say({ flow: 'idle' }, join(lead, bookingText.noFreeDays, bookingText.backHint));
  const shown = all.slice(page * DAYS_PER_PAGE, (page + 1) * DAYS_PER_PAGE);
  if (!shown.length) return chooseDay(who, ctx, place, lead, 0);
  const more = all.length > (page + 1) * DAYS_PER_PAGE;
  const options: MenuOption[] = shown.map((d) => ({ line: `${formatVietnamDay(d.date)} (${bookingText.placesLeft(d.free)})`, label: formatVietnamDay(d.date) }));
  const values: string[] = shown.map((d) => d.date);
  if (more) options.push(moreOption), values.push(MORE);
  else if (page > 0) options.push(firstOption), values.push('first');
  const example = dayMonth(shown[0]!.date);
  const prompt = page ? bookingText.chooseDayMore(clinic.name, example) : bookingText.chooseDay(clinic.name, example);
  const m = numberedMenu(prompt, options, bookingText.backHint);
  // Buttons: the first days, and "more" always among them.
  const buttons = more && m.buttons.length === 5 ? [...m.buttons.slice(0, 4), { title: moreOption.label, payload: moreOption.label }] : m.buttons;
  return say(state(who, { step: 'day', ...place, options: values, page }), join(lead, m.text), buttons);
}

/** A day the user typed or named: its free times, or why not and the days that are open. */
export function dayChosen(who: Who, ctx: TurnContext, place: Place, day: string, wanted: Wanted | undefined, lead?: string): TurnResult {
  const b = ctx.lookups.booking;
  const label = formatVietnamDay(day);
  const campaign = b.campaign(place.campaignId);
  const today = vietnamDate(ctx.now);
  if (day < today) return chooseDay(who, ctx, place, join(lead, bookingText.dayPast(label)));
  if (campaign && (day < campaign.startDate || day > campaign.endDate)) {
    return chooseDay(who, ctx, place, join(lead, bookingText.dayNotInCampaign(label, formatIsoDate(campaign.startDate), formatIsoDate(campaign.endDate))));
  }
  const slots = b.freeSlots(place.campaignId, place.clinicId, day);
  if (!slots.length) return chooseDay(who, ctx, place, join(lead, bookingText.dayNoPlace(label)));
  if (wanted?.minutes != null) {
    const mention = { minutes: wanted.minutes, partOfDay: null, ambiguous: wanted.ambiguous };
    const slot = slots.find((x) => timeMatches(mention, minutesOf(x)));
    if (slot) return confirmSlot(who, ctx, place, slot, lead);
    const asked = `${Math.floor(wanted.minutes / 60)}:${String(wanted.minutes % 60).padStart(2, '0')}`;
    return chooseTime(who, ctx, place, day, join(lead, bookingText.timeNotFree(asked, label)));
  }
  return chooseTime(who, ctx, place, day, lead);
}

export function chooseTime(who: Who, ctx: TurnContext, place: Place, day: string, lead?: string): TurnResult {
  const slots = ctx.lookups.booking.freeSlots(place.campaignId, place.clinicId, day);
  if (!slots.length) return chooseDay(who, ctx, place, join(lead, bookingText.dayFull));
  const options = slots.map((s) => ({ line: `${timeLabel(s)} (${bookingText.placesLeft(s.free)})`, label: timeLabel(s) }));
  const m = numberedMenu(bookingText.chooseTime(formatVietnamDay(day), timeLabel(slots[Math.min(1, slots.length - 1)]!)), options, bookingText.backHint);
  return say(state(who, { step: 'time', ...place, day, options: slots.map((s) => s.id) }), join(lead, m.text), m.buttons);
}

/** The nearest free times at the same clinic, when the chosen one filled up. */
export function offerAlternatives(who: Who, ctx: TurnContext, place: Place, wanted: SlotInfo | null, lead?: string): TurnResult {
  const around = wanted?.startsAt ?? ctx.now;
  const alternatives = ctx.lookups.booking.nearestFree(place.campaignId, place.clinicId, around, 5, wanted?.id);
  if (!alternatives.length) return chooseClinicAgain(who, ctx, place, lead);
  const options = alternatives.map((s) => ({ line: `${dayTimeLabel(s)} (${bookingText.placesLeft(s.free)})`, label: dayTimeLabel(s) }));
  const m = numberedMenu(bookingText.slotTaken, options, bookingText.backHint);
  return say(state(who, { step: 'time', ...place, options: alternatives.map((s) => s.id) }), join(lead, m.text), m.buttons);
}

function chooseClinicAgain(who: Who, ctx: TurnContext, place: Place, lead?: string): TurnResult {
  const campaign = ctx.lookups.booking.campaign(place.campaignId);
  const moving = place.bookingId ? (ctx.lookups.booking.booking(place.bookingId) ?? undefined) : undefined;
  if (!campaign) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  return chooseClinic(who, ctx, campaign, place.purpose, moving, lead);
}

export const waitlistOptions: MenuOption[] = [
  { label: bookingText.waitlistYes, phrases: ['ghi ten', 'cho cho', 'danh sach cho'] },
  { label: bookingText.waitlistNo },
];

/** Every day full: the waitlist of the cadre's clinic (or the first taking part) is offered, yes/no. */
function offerWaitlist(who: Who, ctx: TurnContext, campaign: CampaignInfo, prefer: number | null, lead?: string): TurnResult {
  const aftercare = ctx.lookups.aftercare!;
  const already = aftercare.waitlisted(who.subject.id, campaign.id);
  if (already) return say({ flow: 'idle' }, join(lead, bookingText.waitlistAlready(who.title, who.subject.fullName, already.clinicName, already.ahead)));
  const clinic = ctx.lookups.booking.clinics(campaign.id, prefer)[0];
  if (!clinic) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  const m = numberedMenu(bookingText.waitlistAsk(clinic.name, aftercare.waitingAt(campaign.id, clinic.id)), waitlistOptions, bookingText.backHint);
  return say(state(who, { step: 'waitlist', campaignId: campaign.id, clinicId: clinic.id }), join(lead, m.text), m.buttons);
}

export const confirmOptions: MenuOption[] = [
  { label: bookingText.confirmYes },
  { label: bookingText.confirmOther, phrases: ['gio khac', 'chon lai', 'ngay khac'] },
];

export function confirmSlot(who: Who, ctx: TurnContext, place: Place, slot: SlotInfo, lead?: string): TurnResult {
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === slot.clinicId);
  const head = place.purpose === 'move' ? bookingText.confirmMove(who.title, who.subject.fullName) : bookingText.confirm(who.title, who.subject.fullName);
  const m = numberedMenu(`${head}\n${clinic?.name ?? ''}\n${formatVietnamDay(slot.localDate)}, lúc ${timeLabel(slot)}\n`, confirmOptions, bookingText.backHint);
  return say(state(who, { step: 'confirm', ...place, day: slot.localDate, slotId: slot.id }), join(lead, m.text), m.buttons);
}
