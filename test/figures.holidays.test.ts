import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderPlan } from '../src/domain/booking/reminders';
import { createSlots } from '../src/domain/booking/slots';
import { holidayCalendar, publicHolidays, storedHolidayCalendar } from '../src/domain/shared/holidays';
import { ackDeadline, defaultRequestPolicy } from '../src/domain/requests/sla';
import { campaignClinics, campaigns, examSlots } from '../src/store/schema';
import { eq } from 'drizzle-orm';
import { ManualClock, startHarness, type Harness } from './harness';
import { get, login, makeStaff, postForm, seedClinics, type Session } from './staffSupport';

const NOW = Date.parse('2026-04-20T03:00:00Z');
let h: Harness;
let admin: Session;
let clinicA: number;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(NOW), env: { ROLES: 'web' } });
  clinicA = seedClinics(h).a;
  await makeStaff(h, 'quantri', 'admin');
  admin = await login(h, 'quantri');
});
afterAll(() => h?.stop());

const vn = (local: string) => Date.parse(`${local}+07:00`);

describe('Vietnamese holidays', () => {
  it('knows the lunar holidays: Tết and Giỗ Tổ Hùng Vương move with the moon', () => {
    const y2026 = publicHolidays(2026);
    expect([...y2026.keys()].filter((d) => y2026.get(d)!.startsWith('Tết Nguyên đán'))).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    expect(y2026.get('2026-04-26')).toBe('Giỗ Tổ Hùng Vương');
    expect(publicHolidays(2025).get('2025-04-07')).toBe('Giỗ Tổ Hùng Vương');
    expect(publicHolidays(2025).get('2025-01-29')).toBe('Tết Nguyên đán (mùng 1)');
    expect(y2026.get('2026-09-02')).toBe('Quốc khánh');
  });

  it('a holiday moves an SLA deadline: 30/4 and 1/5 are skipped like a weekend', () => {
    const created = vn('2026-04-29T15:30:00'); // Wednesday, 1 h of working time left that day
    const noHolidays = { ...defaultRequestPolicy, holidays: { holidayOn: () => null } };
    expect(ackDeadline('normal', created, noHolidays)).toBe(vn('2026-04-30T10:30:00'));
    expect(ackDeadline('normal', created, defaultRequestPolicy)).toBe(vn('2026-05-04T10:30:00')); // Monday
    // A day staff add counts the same way.
    const withAdded = { ...defaultRequestPolicy, holidays: holidayCalendar([{ date: '2026-05-04', name: 'Nghỉ bù' }]) };
    expect(ackDeadline('normal', created, withAdded)).toBe(vn('2026-05-05T10:30:00'));
    // Urgent requests keep their 15 minutes, holiday or not.
    expect(ackDeadline('urgent', vn('2026-04-30T10:00:00'), defaultRequestPolicy)).toBe(vn('2026-04-30T10:15:00'));
  });

  it('reminders skip a holiday; slot generation skips public and staff-added days off', async () => {
    // An exam on Monday 04/05 at 8:00: T-1 would be Sunday, fine; T-3 falls on Friday 01/05, moved to Saturday 7:00.
    const plan = reminderPlan(vn('2026-05-04T08:00:00'), NOW);
    expect(plan.map((p) => [p.variant, new Date(p.dueAt).toISOString()])).toEqual([
      ['T-3', new Date(vn('2026-05-02T07:00:00')).toISOString()],
      ['T-1', new Date(vn('2026-05-03T08:00:00')).toISOString()],
      ['day', new Date(vn('2026-05-04T06:30:00')).toISOString()],
    ]);

    const add = await postForm(h, '/staff/booking/holidays', admin, { date: '05/05/2026', name: 'Ngày nghỉ riêng của tỉnh' });
    expect(add.status).toBe(303);
    expect(storedHolidayCalendar(h.runtime.store.db).holidayOn('2026-05-05')).toBe('Ngày nghỉ riêng của tỉnh');
    const page = await (await get(h, '/staff/booking/holidays?year=2026', admin)).text();
    expect(page).toContain('Giỗ Tổ Hùng Vương');
    expect(page).toContain('Ngày nghỉ riêng của tỉnh');

    const db = h.runtime.store.db;
    const c = db.insert(campaigns).values({ year: 2026, round: 1, name: 'Đợt 1 năm 2026', startDate: '2026-04-01', endDate: '2026-05-31', status: 'open', createdAt: NOW, updatedAt: NOW }).returning().get();
    db.insert(campaignClinics).values({ campaignId: c.id, clinicId: clinicA }).run();
    createSlots(db, { type: 'staff', id: '1' }, c.id, { clinicIds: [clinicA], fromDate: '2026-04-27', toDate: '2026-05-08', weekdays: [1, 2, 3, 4, 5], startTime: 480, endTime: 540, slotMinutes: 60, capacity: 5 }, NOW);
    const days = db.select({ d: examSlots.localDate }).from(examSlots).where(eq(examSlots.campaignId, c.id)).all().map((r) => r.d);
    expect(days).toEqual(['2026-04-27', '2026-04-28', '2026-04-29', '2026-05-04', '2026-05-06', '2026-05-07', '2026-05-08']);
  });
});
