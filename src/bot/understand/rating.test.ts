import { describe, expect, it } from 'vitest';
import { readRating } from './rating';

describe('reading a rating 1–5', () => {
  it('numbers alone, with "sao"/"điểm", number words before "sao", and a comment after the number', () => {
    expect(readRating('5')).toEqual({ score: 5, comment: '' });
    expect(readRating('4 sao')).toEqual({ score: 4, comment: '' });
    expect(readRating('cho 5 sao')).toEqual({ score: 5, comment: '' });
    expect(readRating('5/5')).toEqual({ score: 5, comment: '' });
    expect(readRating('năm sao')).toEqual({ score: 5, comment: '' });
    expect(readRating('chấm 3 điểm, chờ hơi lâu')).toEqual({ score: 3, comment: 'chờ hơi lâu' });
    expect(readRating('4 bác sĩ tận tình')).toEqual({ score: 4, comment: 'bác sĩ tận tình' });
  });

  it('words with or without diacritics; negated praise is low', () => {
    expect(readRating('tốt')?.score).toBe(4);
    expect(readRating('tot')?.score).toBe(4);
    expect(readRating('rat tot')?.score).toBe(5);
    expect(readRating('bình thường')?.score).toBe(3);
    expect(readRating('không tốt lắm')?.score).toBe(2);
    expect(readRating('rất tệ')?.score).toBe(1);
    expect(readRating('Rất hài lòng, bác sĩ khám kỹ')).toEqual({ score: 5, comment: 'Rất hài lòng, bác sĩ khám kỹ' });
  });

  it('no rating: out of range numbers and other messages are read as usual', () => {
    for (const text of ['0', '6', '10', 'đặt lịch khám', 'xem kết quả', 'cảm ơn']) expect(readRating(text)).toBeNull();
  });
});
