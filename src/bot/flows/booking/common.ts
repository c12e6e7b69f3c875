import { type SlotInfo } from '../../../domain/booking/lookups';
import { formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { parseDateTime, parseWeek } from '../../understand/dates';
import type { Effect } from '../../effects';
import { honorific, reply, textMessage } from '../../reply';
import type { Subject, TurnContext, TurnResult } from '../../flow';
import type { BookingState } from '../../state';
import type { Command } from './text';


export const say = (state: BookingState | { flow: 'idle' }, text: string, buttons?: { title: string; payload: string }[], ...effects: Effect[]): TurnResult => ({
  state,
  effects: [...effects, reply(textMessage(text, buttons))],
});

export const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join('\n\n');

export interface Who {
  subject: Subject;
  title: string;
  base: Pick<BookingState, 'flow' | 'cadreId' | 'viaProxy'>;
}

export const whoOf = (subject: Subject): Who => ({
  subject,
  title: honorific(subject.sex),
  base: { flow: 'booking', cadreId: subject.id, viaProxy: subject.viaProxy },
});

export const state = (
  who: Who,
  s: Omit<BookingState, 'flow' | 'cadreId' | 'viaProxy' | 'options' | 'purpose' | 'page'> & Partial<Pick<BookingState, 'options' | 'purpose' | 'page'>>,
): BookingState => ({
  ...who.base,
  purpose: 'book',
  options: [],
  page: 0,
  ...s,
});

export type Wanted = NonNullable<BookingState['wanted']>;

/** The day and time named in a message ("cho tôi đặt lịch khám ngày mai", "thứ 5 lúc 2 giờ chiều"), if any. */
export function wantedIn(text: string | undefined, now: number): Wanted | undefined {
  if (!text) return undefined;
  const { date, time } = parseDateTime(text, now);
  const week = date ? null : parseWeek(text, now);
  if (!date && !week && time?.minutes == null) return undefined;
  return { date, minutes: time?.minutes ?? null, ambiguous: time?.ambiguous ?? false, ...(week ? { week } : {}) };
}

/** "05/03" for a local date, the form the prompts suggest (and the reader accepts). */
export const dayMonth = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

export const timeLabel = (slot: SlotInfo) => formatVietnamTime(slot.startsAt);
export const dayTimeLabel = (slot: SlotInfo) => `${formatVietnamDay(slot.localDate)}, ${formatVietnamTime(slot.startsAt)}`;

/** Where a booking is being made or moved to. */
export interface Place {
  campaignId: number;
  clinicId: number;
  purpose: 'book' | 'move';
  bookingId?: number;
}

export const minutesOf = (slot: SlotInfo) => {
  const [h, m] = formatVietnamTime(slot.startsAt).split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Rebuilds who the flow acts for, and checks the Zalo user may still act for them (link or approved proxy). */
export function subjectOf(s: BookingState, ctx: TurnContext): Subject | null {
  const cadre = ctx.lookups.booking.actingFor(s.cadreId, s.viaProxy);
  return cadre ? { ...cadre, viaProxy: s.viaProxy } : null;
}

/** A proxy's booking, move or cancel is told to the cadre (after the booking effect, in the same turn). */
export function toldCadre(who: Who, action: 'booked' | 'moved' | 'cancelled', bookingId?: number): Effect[] {
  return who.subject.viaProxy ? [{ type: 'proxyActed', cadreId: who.subject.id, action, ...(bookingId !== undefined ? { bookingId } : {}) }] : [];
}

/** What every step reads: for whom, the lookups, a typed command, and the place chosen so far. */
export interface StepInput {
  subject: Subject;
  who: Who;
  b: TurnContext['lookups']['booking'];
  command: Command | null;
  place: Place | null;
}
