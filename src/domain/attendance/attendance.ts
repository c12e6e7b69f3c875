import { DEFAULT_MINUTES_PER_CADRE } from '../../config';

/**
 * Around the exam day: the day-before confirmation ("1 Sẽ đến · 2 Đổi lịch · 3 Không đến được"), check-in at
 * the clinic with a short code, and the clinic's queue of the day (numbers, estimated wait, "sắp đến lượt",
 * the counter calling the next number). Check-in records attendance.
 */

/** "sắp đến lượt" goes to the cadre with this many (or fewer) waiting before them. */
export const NEAR_TURN_AHEAD = 3;

/** How the estimated wait is worked out (from config; see ATTENDANCE_DEFAULT_MINUTES_PER_CADRE). */
export interface QueueSettings {
  /** Minutes per cadre ahead until the counter has called enough numbers today to measure its own pace. */
  defaultMinutesPerCadre: number;
}

/** Where no configuration is passed (a turn tested on its own): the configuration's own default. */
export const defaultQueueSettings: QueueSettings = { defaultMinutesPerCadre: DEFAULT_MINUTES_PER_CADRE };

/** Service gaps the pace needs before it replaces the default, and how many recent ones it looks at. */
export const PACE_MIN_GAPS = 2;
export const PACE_RECENT_GAPS = 5;
