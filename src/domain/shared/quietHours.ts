/**
 * Quiet hours: no reminder or broadcast lands between 21:00 and 07:00 in Vietnam (UTC+7, no daylight
 * saving), unless it is urgent. An instant inside them moves to 07:00 the next morning.
 */
import { VN_OFFSET_MS } from './dates';

const QUIET_START_HOUR = 21;
export const QUIET_END_HOUR = 7;

/** The local (Vietnam) hour and the UTC instant of that day's local midnight. */
function localDay(instant: number): { hour: number; midnight: number } {
  const local = instant + VN_OFFSET_MS;
  const midnightLocal = Math.floor(local / 86_400_000) * 86_400_000;
  return { hour: Math.floor((local - midnightLocal) / 3_600_000), midnight: midnightLocal - VN_OFFSET_MS };
}

export function isQuietHour(instant: number): boolean {
  const { hour } = localDay(instant);
  return hour >= QUIET_START_HOUR || hour < QUIET_END_HOUR;
}

/** The first instant at or after `instant` outside quiet hours. */
export function outsideQuietHours(instant: number): number {
  const { hour, midnight } = localDay(instant);
  if (hour < QUIET_END_HOUR) return midnight + QUIET_END_HOUR * 3_600_000;
  if (hour >= QUIET_START_HOUR) return midnight + 86_400_000 + QUIET_END_HOUR * 3_600_000;
  return instant;
}

/** The UTC instant of a local Vietnam wall-clock time on a local date (YYYY-MM-DD). */
export function vietnamInstant(isoDate: string, hour: number, minute = 0): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hour, minute) - VN_OFFSET_MS;
}

/** The local day vietnamDate last answered for, as [from, to) in local milliseconds (empty until the first call). */
let lastDayFrom = 0;
let lastDayTo = 0;
let lastDate = '';

/**
 * The local Vietnam date (YYYY-MM-DD) of an instant. A turn asks for it many times, nearly always for the same
 * day: that day's answer is kept instead of formatting a Date each time.
 */
export function vietnamDate(instant: number): string {
  const local = instant + VN_OFFSET_MS;
  if (local >= lastDayFrom && local < lastDayTo) return lastDate;
  const date = new Date(local).toISOString().slice(0, 10);
  if (local >= 0) {
    lastDayFrom = Math.floor(local / 86_400_000) * 86_400_000;
    lastDayTo = lastDayFrom + 86_400_000;
    lastDate = date;
  }
  return date;
}
