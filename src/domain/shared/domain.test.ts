import { describe, expect, it } from 'vitest';
import { formatVietnamDateTime, formatVietnamDay, parseVietnameseDate } from './dates';
import { formatPhone, normalizePhone } from './phone';
import { isQuietHour, outsideQuietHours, vietnamDate, vietnamInstant } from './quietHours';

describe('normalizePhone', () => {
  it.each([
    ['0912345678', '84912345678'],
    ['0912 345 678', '84912345678'],
    ['84912345678', '84912345678'],
    ['+84 912-345-678', '84912345678'],
    ['(+84) 912.345.678', '84912345678'],
    [841213333111, '841213333111'],
    ['0084912345678', '84912345678'],
    ['02253123456', '842253123456'],
  ])('%s -> %s', (input, out) => expect(normalizePhone(input)).toBe(out));
  it.each(['', 'abc', '12345', '0012', '091234567890123'])('%j is not a phone', (input) => expect(normalizePhone(input)).toBeNull());
  it('formats for display', () => expect(formatPhone('84912345678')).toBe('0912 345 678'));
});

describe('dates', () => {
  it.each([
    ['05/09/1950', '1950-09-05'],
    ['5/9/1950', '1950-09-05'],
    ['05-09-1950', '1950-09-05'],
    ['05.09.1950', '1950-09-05'],
    ['05091950', '1950-09-05'],
    ['ngày 5 tháng 9 năm 1950', '1950-09-05'],
    ['1950-09-05', '1950-09-05'],
  ])('%s -> %s', (input, iso) => expect(parseVietnameseDate(input)).toBe(iso));
  it.each(['31/02/1950', '00/01/1950', '5/13/1950', 'hôm qua', '1950'])('%s is refused', (input) => expect(parseVietnameseDate(input)).toBeNull());
  it('shows dates the Vietnamese way in Vietnam time', () => {
    expect(formatVietnamDay('2026-03-02')).toBe('Thứ Hai, 02/03/2026');
    expect(formatVietnamDateTime(Date.parse('2026-03-02T00:30:00Z'))).toBe('Thứ Hai, 02/03/2026, 7:30');
  });
});

describe('quiet hours (21:00-07:00 Vietnam time)', () => {
  const at = (iso: string, h: number, m = 0) => vietnamInstant(iso, h, m);
  it('knows which hours are quiet', () => {
    expect(isQuietHour(at('2026-03-02', 20, 59))).toBe(false);
    expect(isQuietHour(at('2026-03-02', 21, 0))).toBe(true);
    expect(isQuietHour(at('2026-03-02', 6, 59))).toBe(true);
    expect(isQuietHour(at('2026-03-02', 7, 0))).toBe(false);
  });
  it('moves evening instants to 07:00 the next morning and early ones to 07:00 the same day', () => {
    expect(outsideQuietHours(at('2026-03-02', 22, 15))).toBe(at('2026-03-03', 7));
    expect(outsideQuietHours(at('2026-03-02', 3, 0))).toBe(at('2026-03-02', 7));
    expect(outsideQuietHours(at('2026-03-02', 12, 0))).toBe(at('2026-03-02', 12));
  });
  it('converts between local dates and instants', () => {
    expect(vietnamDate(at('2026-03-02', 0, 5))).toBe('2026-03-02');
    expect(new Date(at('2026-03-02', 7)).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
  it('gives each instant its own local date when asked about neighbouring days in turn', () => {
    const asked: [number, string][] = [
      [at('2026-03-02', 23, 59) + 59_999, '2026-03-02'],
      [at('2026-03-03', 0, 0), '2026-03-03'],
      [at('2026-03-02', 0, 0), '2026-03-02'],
      [at('2026-03-02', 0, 0) - 1, '2026-03-01'],
      [at('2026-03-03', 6, 59), '2026-03-03'],
      [at('2026-12-31', 23, 0), '2026-12-31'],
      [at('2027-01-01', 0, 30), '2027-01-01'],
    ];
    expect(asked.map(([instant]) => vietnamDate(instant))).toEqual(asked.map(([, date]) => date));
    expect(() => vietnamDate(Number.NaN)).toThrow(RangeError);
  });
});
