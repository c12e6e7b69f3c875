import { describe, expect, it } from 'vitest';
import { ackDeadline, addWorkingTime, defaultRequestPolicy, inWorkingHours, nextEscalation } from './sla';
import { ackKeyFrom, ackLink, AckQuery, verifyAckLink } from './ackLinks';
import { ticketOf } from './labels';

const vn = (local: string) => Date.parse(`${local}+07:00`);
const wh = defaultRequestPolicy.workingHours;

describe('working time (Mon–Fri 7:30–16:30, Vietnam)', () => {
  it.each([
    ['Monday morning', '2026-03-02T09:00:00', '2026-03-02T13:00:00'],
    ['runs over the weekend from Friday afternoon', '2026-03-06T15:00:00', '2026-03-09T10:00:00'],
    ['starts on Monday when sent on Saturday', '2026-03-07T10:00:00', '2026-03-09T11:30:00'],
    ['starts next morning when sent in the evening', '2026-03-03T20:00:00', '2026-03-04T11:30:00'],
    ['starts at 7:30 when sent before it', '2026-03-03T06:00:00', '2026-03-03T11:30:00'],
    ['ends exactly at closing', '2026-03-03T12:30:00', '2026-03-03T16:30:00'],
  ])('%s', (_name, from, to) => {
    expect(addWorkingTime(vn(from), 4 * 3600_000, wh)).toBe(vn(to));
  });

  it('knows working hours', () => {
    expect(inWorkingHours(vn('2026-03-02T07:30:00'), wh)).toBe(true);
    expect(inWorkingHours(vn('2026-03-02T16:30:00'), wh)).toBe(false);
    expect(inWorkingHours(vn('2026-03-07T10:00:00'), wh)).toBe(false);
  });

  it('urgent requests count clock time, normal ones working time; the chain stops after the head for normal ones', () => {
    const t = vn('2026-03-07T22:00:00');
    expect(ackDeadline('urgent', t, defaultRequestPolicy)).toBe(t + 15 * 60_000);
    expect(ackDeadline('normal', t, defaultRequestPolicy)).toBe(vn('2026-03-09T11:30:00'));
    expect(nextEscalation({ urgency: 'urgent', ackDueAt: t + 1 }, 0, t, defaultRequestPolicy)).toEqual({ level: 1, dueAt: t + 1 });
    expect(nextEscalation({ urgency: 'urgent', ackDueAt: t }, 1, t, defaultRequestPolicy)).toEqual({ level: 2, dueAt: t + 15 * 60_000 });
    expect(nextEscalation({ urgency: 'normal', ackDueAt: t }, 1, t, defaultRequestPolicy)).toBeNull();
    expect(nextEscalation({ urgency: 'urgent', ackDueAt: t }, 2, t, defaultRequestPolicy)).toBeNull();
  });
});

describe('acknowledge links and tickets', () => {
  const key = ackKeyFrom('x'.repeat(48));
  const q = (url: string) => AckQuery.parse(Object.fromEntries(new URL(url).searchParams));
  it('verifies, expires and rejects tampering', () => {
    const url = ackLink('https://cc.test', key, { requestId: 12, staffId: 3, expiresAt: 1000 });
    expect(verifyAckLink(key, 12, q(url), 999)).toBe('ok');
    expect(verifyAckLink(key, 12, q(url), 1000)).toBe('expired');
    expect(verifyAckLink(key, 13, q(url), 999)).toBe('forged');
    expect(verifyAckLink(key, 12, { ...q(url), s: 4 }, 999)).toBe('forged');
    expect(verifyAckLink(key, 12, { ...q(url), e: 5000 }, 999)).toBe('forged');
    expect(verifyAckLink(ackKeyFrom('y'.repeat(48)), 12, q(url), 999)).toBe('forged');
  });
  it('formats tickets', () => {
    expect(ticketOf(123)).toBe('YC-000123');
  });
});
