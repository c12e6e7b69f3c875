import { describe, expect, it } from 'vitest';
import { paceOf } from './queue';

const MIN = 60_000;
const settings = { defaultMinutesPerCadre: 7 };
/** A queue row checked in at `inAt` and called at `calledAt` (minutes after 07:00), numbered in order. */
const rows = (...xs: [inAt: number, calledAt: number | null][]) => xs.map(([inAt, calledAt], i) => ({ number: i + 1, checkedInAt: inAt * MIN, calledAt: calledAt === null ? null : calledAt * MIN }));

describe('the counter pace behind the estimated wait', () => {
  it('is the configured default until three numbers were called', () => {
    expect(paceOf([], settings)).toEqual({ minutes: 7, measured: false });
    expect(paceOf(rows([0, 10], [0, 16], [0, null]), settings)).toEqual({ minutes: 7, measured: false });
  });

  it('is the median gap between calls, so one long pause does not distort it', () => {
    // Gaps 5, 5, 40 (a pause), 6 minutes: median of 5, 5, 6, 40 is 5.5, shown as 6.
    expect(paceOf(rows([0, 10], [0, 15], [0, 20], [0, 60], [0, 66], [0, null]), settings)).toEqual({ minutes: 6, measured: true });
  });

  it('does not count time the counter stood idle waiting for someone to check in', () => {
    // Called at 10, then nobody waited until 50 (checked in) and 54; 53 and 57: gaps 4, 3, 3 minutes.
    expect(paceOf(rows([0, 10], [50, 54], [51, 57], [52, 60]), settings)).toEqual({ minutes: 3, measured: true });
  });

  it('looks at the recent calls only', () => {
    const early = rows([0, 0], [0, 20], [0, 40], [0, 60], [0, 80], [0, 100]);
    const later = [102, 104, 106, 108, 110].map((m, i) => ({ number: 7 + i, checkedInAt: 0, calledAt: m * MIN }));
    // Five 20-minute gaps, then a 2-minute gap and four more: the last five are all about 2 minutes.
    expect(paceOf([...early, ...later], settings)).toEqual({ minutes: 2, measured: true });
  });
});
