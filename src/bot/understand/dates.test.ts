import { describe, expect, it } from 'vitest';
import { parseDateTime, parseDay, parseTime, parseWeek, timeMatches } from './dates';

// Wednesday 04/03/2026, 23:30 UTC = Thursday 05/03/2026, 06:30 in Vietnam: "today" is the local day.
const NOW = Date.parse('2026-03-04T23:30:00Z');
const day = (s: string) => parseDay(s, NOW);
const at = (s: string) => parseTime(s)?.minutes ?? null;

describe('parseWeek: a week named without a day', () => {
  it.each([
    ['tuần sau', { from: '2026-03-09', to: '2026-03-15' }],
    ['tuan sau', { from: '2026-03-09', to: '2026-03-15' }],
    ['tuần tới ạ', { from: '2026-03-09', to: '2026-03-15' }],
    ['cho toi dat lich kham tuan toi', { from: '2026-03-09', to: '2026-03-15' }],
    ['trong tuần này', { from: '2026-03-05', to: '2026-03-08' }],
    ['thứ 5 tuần sau', null],
    ['mai', null],
    ['đặt lịch khám', null],
  ])('%s', (input, expected) => expect(parseWeek(input, NOW)).toEqual(expected));
});

describe('parseDay, relative to a fixed now in Asia/Ho_Chi_Minh', () => {
  it.each([
    ['hôm nay', '2026-03-05'],
    ['hom nay', '2026-03-05'],
    ['mai', '2026-03-06'],
    ['ngày mai', '2026-03-06'],
    ['cho tôi đặt lịch khám ngày mai', '2026-03-06'],
    ['sang mai', '2026-03-06'],
    ['ngày kia', '2026-03-07'],
    ['ngay mot', '2026-03-07'],
  ])('%s -> %s', (input, expected) => expect(day(input)).toBe(expected));

  it.each([
    ['thứ hai', '2026-03-09'],
    ['thu 2', '2026-03-09'],
    ['thứ năm', '2026-03-05'], // today is a Thursday: today counts
    ['thứ sáu', '2026-03-06'],
    ['thu bay', '2026-03-07'],
    ['chủ nhật', '2026-03-08'],
    ['CN', '2026-03-08'],
    ['thứ 5 tuần sau', '2026-03-12'],
    ['thứ hai tuần sau', '2026-03-09'],
    ['chủ nhật tuần tới', '2026-03-15'],
    ['t4 tuan sau', '2026-03-11'],
  ])('weekday %s -> %s', (input, expected) => expect(day(input)).toBe(expected));

  it.each([
    ['15/12', '2026-12-15'],
    ['05/03', '2026-03-05'],
    ['5-3', '2026-03-05'],
    ['04/03', '2027-03-04'], // yesterday: the next one
    ['15.12.2026', '2026-12-15'],
    ['15 tháng 12', '2026-12-15'],
    ['ngày 15 tháng 12 năm 2027', '2027-12-15'],
    ['15 thang 12', '2026-12-15'],
    ['ngày 20', '2026-03-20'],
    ['mùng 2', '2026-04-02'],
  ])('calendar %s -> %s', (input, expected) => expect(day(input)).toBe(expected));

  it.each(['31/02', 'tôi muốn đặt lịch', '7:30', '2 giờ chiều', 'sáng'])('names no day: %s', (input) => expect(day(input)).toBeNull());

  it('uses the Vietnamese day, not the UTC one, just after local midnight', () => {
    expect(parseDay('hôm nay', Date.parse('2026-03-04T17:05:00Z'))).toBe('2026-03-05');
    expect(parseDay('hôm nay', Date.parse('2026-03-04T16:55:00Z'))).toBe('2026-03-04');
  });
});

describe('parseTime', () => {
  it.each([
    ['2 giờ chiều', 14 * 60],
    ['2 gio chieu', 14 * 60],
    ['14h', 14 * 60],
    ['14h30', 14 * 60 + 30],
    ['14:30', 14 * 60 + 30],
    ['7 rưỡi', 7 * 60 + 30],
    ['7 giờ rưỡi sáng', 7 * 60 + 30],
    ['7:30', 7 * 60 + 30],
    ['7h30', 7 * 60 + 30],
    ['8 giờ 15 phút', 8 * 60 + 15],
    ['3 giờ chiều mai', 15 * 60],
    ['12 giờ trưa', 12 * 60],
    ['8 gio toi', 20 * 60],
    ['9g sáng', 9 * 60],
  ])('%s -> %d minutes', (input, minutes) => expect(at(input)).toBe(minutes));

  it('an hour without sáng/chiều is read both ways', () => {
    const t = parseTime('2 giờ')!;
    expect(t).toMatchObject({ minutes: 120, ambiguous: true });
    expect(timeMatches(t, 14 * 60)).toBe(true);
    expect(timeMatches(parseTime('2 giờ chiều')!, 2 * 60)).toBe(false);
    expect(parseTime('14h')!.ambiguous).toBe(false);
  });

  it('the part of day alone', () => {
    expect(parseTime('buổi sáng')).toEqual({ minutes: null, partOfDay: 'morning', ambiguous: false });
    expect(parseTime('chiều')).toMatchObject({ partOfDay: 'afternoon' });
    expect(parseTime('chieu thu 5')).toMatchObject({ partOfDay: 'afternoon' });
  });

  it('diacritics carry meaning: "tôi" is not "tối", "đổi sang" is not "sáng"', () => {
    expect(parseTime('tôi muốn đặt lịch')).toBeNull();
    expect(parseTime('toi muon dat lich')).toBeNull();
    expect(parseTime('đổi sang thứ 5')).toBeNull();
    expect(parseTime('doi sang ngay khac')).toBeNull();
    expect(parseTime('doi sang thu 5')).toBeNull();
    expect(parseTime('sang thu 5')).toMatchObject({ partOfDay: 'morning' });
    expect(parseTime('tôi muốn 8 giờ tối')!.minutes).toBe(20 * 60);
  });

  it.each(['25:00', '7:75', '15/12', 'hôm nay'])('no time in %s', (input) => expect(at(input)).toBeNull());
});

describe('parseDateTime', () => {
  it('reads both from one sentence', () => {
    expect(parseDateTime('2 giờ chiều thứ 5 tuần sau', NOW)).toEqual({
      date: '2026-03-12',
      time: { minutes: 14 * 60, partOfDay: 'afternoon', ambiguous: false },
    });
    expect(parseDateTime('sáng mai lúc 7 rưỡi', NOW)).toMatchObject({ date: '2026-03-06', time: { minutes: 450, partOfDay: 'morning' } });
  });
});
