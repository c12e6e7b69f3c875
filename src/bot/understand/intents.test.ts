import { describe, expect, it } from 'vitest';
import { decide, understand } from '.';
import { OA_MENU, oaMenuItemOf, typedFormOf } from './intents';

describe("the OA's persistent menu payloads", () => {
  it('are read in any case, with or without the #, and name the intent of their item', () => {
    expect(OA_MENU.map((i) => [i.payload, i.intent])).toEqual([
      ['#datlich', 'booking'],
      ['#ketqua', 'results'],
      ['#lichcuatoi', 'myBookings'],
      ['#gapnhanvien', 'staff'],
      ['#yeucau', 'otherRequest'],
    ]);
    for (const item of OA_MENU) {
      for (const form of [item.payload, item.payload.toUpperCase(), item.payload.slice(1), ` # ${item.payload.slice(1)}\n`]) {
        expect(oaMenuItemOf(form)?.payload, form).toBe(item.payload);
        const meaning = understand(form);
        expect(meaning.intent, form).toMatchObject({ id: item.intent, fuzzy: false, strong: true });
        expect(decide(meaning, 'idle'), form).toEqual({ kind: 'intent', id: item.intent });
        expect(decide(meaning, 'field'), form).toEqual({ kind: 'confirmIntent', id: item.intent });
      }
    }
  });

  it('leave other text alone', () => {
    for (const text of ['#datlichkham', 'datlich ngay', '#4', 'đặt lịch', '']) {
      expect(oaMenuItemOf(text), text).toBeNull();
      expect(typedFormOf(text)).toBe(text);
    }
  });
});
