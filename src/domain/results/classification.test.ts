import { describe, expect, it } from 'vitest';
import {
  allowedCodesText,
  classCodes,
  classSchemeIds,
  healthClassCodes,
  healthClassLabel,
  healthClassOf,
  lowestTwoClasses,
  lowestHealthClasses,
  parseHealthClass,
} from './classification';
import { needsFollowUp } from '../aftercare/followUps';

describe('health classification schemes', () => {
  it('keeps the codes of the schemes apart, so a stored code names its own scheme', () => {
    const all = classSchemeIds.flatMap((id) => classCodes(id));
    expect(new Set(all).size).toBe(all.length);
    expect(healthClassCodes).toEqual(all);
    expect(healthClassOf('III')?.scheme).toBe('I-V');
    expect(healthClassOf('B2')?.scheme).toBe('A-D');
  });

  it('labels a stored code in its own scheme whatever the active one is', () => {
    expect(healthClassLabel('III')).toBe('Loại III – Trung bình');
    expect(healthClassLabel('B1')).toBe('Loại B1 – Có bệnh đã ổn định');
    expect(healthClassLabel(null)).toBe('Chưa phân loại');
  });

  it('names the two lowest classes of each scheme, worst last', () => {
    expect(lowestTwoClasses('I-V')).toEqual(['IV', 'V']);
    expect(lowestTwoClasses('A-D')).toEqual(['C', 'D']);
    expect(lowestHealthClasses()).toEqual(['IV', 'V', 'C', 'D']);
  });

  it('opens a follow-up for the two lowest classes of the scheme a result was stored under', () => {
    const lowest = lowestHealthClasses();
    expect(needsFollowUp({ healthClass: 'IV', followUp: false }, lowest)).toBe('class');
    expect(needsFollowUp({ healthClass: 'C', followUp: false }, lowest)).toBe('class');
    expect(needsFollowUp({ healthClass: 'III', followUp: false }, lowest)).toBeNull();
    expect(needsFollowUp({ healthClass: 'B2', followUp: false }, lowest)).toBeNull();
    expect(needsFollowUp({ healthClass: 'B1', followUp: true }, lowest)).toBe('reexam');
  });

  it('reads typed classes in the active scheme only, case and "Loại" ignored', () => {
    expect(parseHealthClass('Loại II', 'I-V')).toBe('II');
    expect(parseHealthClass('loai iv', 'I-V')).toBe('IV');
    expect(parseHealthClass('3', 'I-V')).toBe('III');
    expect(parseHealthClass(' ', 'I-V')).toBeNull();
    expect(parseHealthClass('b1', 'I-V')).toBeUndefined();
    expect(parseHealthClass('b1', 'A-D')).toBe('B1');
    expect(parseHealthClass('Loại b 2', 'A-D')).toBe('B2');
    expect(parseHealthClass('II', 'A-D')).toBeUndefined();
    expect(parseHealthClass('3', 'A-D')).toBeUndefined();
    expect(allowedCodesText('A-D')).toBe('A, B1, B2, C, D');
  });
});
