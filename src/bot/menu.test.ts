import { describe, expect, it } from 'vitest';
import { parseMenuChoice } from './menu';
import { foldVietnamese } from './text';

describe('foldVietnamese', () => {
  it('folds diacritics, đ, case, punctuation and spaces', () => {
    expect(foldVietnamese('  ĐẶT  LỊCH KHÁM!! ')).toBe('dat lich kham');
    expect(foldVietnamese('Yêu cầu khám tại nhà')).toBe('yeu cau kham tai nha');
    expect(foldVietnamese('Đ đ')).toBe('d d');
  });
  it('treats precomposed and combining forms alike', () => {
    expect(foldVietnamese('Kha\u0301m')).toBe(foldVietnamese('Khám'));
  });
});

describe('parseMenuChoice', () => {
  const cases: [string, string][] = [
    ['1', 'booking'],
    ['Đặt lịch khám', 'booking'],
    ['dat lich kham', 'booking'],
    ['DAT LICH', 'booking'],
    ['tôi muốn đặt lịch khám', 'booking'],
    ['2', 'results'],
    ['Xem kết quả khám', 'results'],
    ['xem ket qua', 'results'],
    ['3', 'homeVisit'],
    ['kham tai nha', 'homeVisit'],
    ['Yêu cầu khám tại nhà', 'homeVisit'],
    ['4', 'staff'],
    ['gặp nhân viên', 'staff'],
    ['so 4', 'staff'],
  ];
  it.each(cases)('%s -> %s', (input, id) => {
    expect(parseMenuChoice(input)).toMatchObject({ kind: 'item', id });
  });

  it('"khám tại nhà" is not read as booking', () => {
    expect(parseMenuChoice('lich kham tai nha')).toMatchObject({ id: 'homeVisit' });
  });

  it.each(['menu', 'Menu', '0', 'xin chào', 'chào bạn'])('%s shows the menu', (input) => {
    expect(parseMenuChoice(input)).toEqual({ kind: 'showMenu' });
  });

  it.each(['', '   ', '5', '99', 'thời tiết hôm nay', '😀'])('%j is not understood', (input) => {
    expect(parseMenuChoice(input)).toEqual({ kind: 'unknown' });
  });
});
