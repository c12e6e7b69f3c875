import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { recordConfirmation } from '../src/domain/attendance/attendanceTurn';
import { checkIn } from '../src/domain/attendance/queue';
import { zaloActor } from '../src/domain/staff/actor';
import { createBooking } from '../src/domain/booking/effects';
import { markAttendance } from '../src/domain/booking/dayBookings';
import { buildReport } from '../src/domain/reports/reports';
import { inTransaction } from '../src/store/db';
import { examSlots, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { addClinic, campaignWithSlots } from './bookingSupport';
import { get, login, makeStaff } from './staffSupport';

// Monday 02/03/2026, 08:00 local; exams on Wednesday 04/03; figures read on Thursday 05/03.
const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-04';
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type Outcome = 'came' | 'checkedIn' | 'absent';
/** Clinic, whether the cadre answered "Sẽ đến" the day before, and what happened on the day. */
const PLAN: { clinic: 'A' | 'B'; confirmed: boolean; outcome: Outcome }[] = [
  { clinic: 'A', confirmed: true, outcome: 'checkedIn' },
  { clinic: 'A', confirmed: true, outcome: 'came' },
  { clinic: 'A', confirmed: true, outcome: 'came' },
  { clinic: 'A', confirmed: true, outcome: 'absent' },
  { clinic: 'A', confirmed: false, outcome: 'absent' },
  { clinic: 'A', confirmed: false, outcome: 'absent' },
  { clinic: 'B', confirmed: true, outcome: 'checkedIn' },
  { clinic: 'B', confirmed: true, outcome: 'came' },
  { clinic: 'B', confirmed: false, outcome: 'came' },
  { clinic: 'B', confirmed: false, outcome: 'absent' },
];

describe('no-show figures', () => {
  it('per campaign and clinic, with and without a confirmation, on the reports page', async () => {
    const clock = new ManualClock(START);
    h = await startHarness({ clock });
    const db = h.runtime.store.db;
    const seeded = seedRegistry(
      db,
      PLAN.map((_, i) => ({ code: `N-${i}`, fullName: `Cán Bộ Số ${i}` })),
      START,
    );
    const clinicB = addClinic(h, 'PK-B', 'Bệnh viện Kiến An');
    const ids = { A: seeded.clinic.id, B: clinicB };
    const c = campaignWithSlots(h, { clinicIds: [ids.A, ids.B] }, { fromDate: EXAM_DAY, toDate: EXAM_DAY, capacity: 1 });
    const slots = (clinicId: number) => db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.clinicId, clinicId))).orderBy(examSlots.startsAt).all();
    const free = { A: slots(ids.A), B: slots(ids.B) };
    const staff = await makeStaff(h, 'dieuphoi', 'coordinator');
    const actor = { type: 'staff' as const, id: String(staff.id) };
    const cadres = seeded.cadres as Cadre[];
    const bookingIds = PLAN.map((p, i) => inTransaction(db, (tx) => createBooking(tx, { cadreId: cadres[i]!.id, slotId: free[p.clinic].shift()!.id, zaloUserId: null, viaProxy: false }, START)));
    // The day before: some answered "Sẽ đến".
    clock.set(Date.parse('2026-03-03T02:00:00Z'));
    PLAN.forEach((p, i) => p.confirmed && inTransaction(db, (tx) => recordConfirmation(tx, bookingIds[i]!, clock.now())));
    // The exam day: check-in at the clinic, staff marking the others.
    clock.set(Date.parse(`${EXAM_DAY}T04:00:00Z`));
    PLAN.forEach((p, i) => {
      if (p.outcome === 'checkedIn') inTransaction(db, (tx) => checkIn(tx, bookingIds[i]!, zaloActor('cadre-at-the-door'), clock.now()));
      else markAttendance(db, actor, staff.id, bookingIds[i]!, p.outcome === 'came' ? 'attended' : 'no_show', null, clock.now());
    });
    clock.set(Date.parse('2026-03-05T02:00:00Z'));

    const report = buildReport(db, { campaign: c.id }, clock.now());
    const table = report.tables.find((t) => t.key === 'noShows')!;
    const share = (x: number) => Math.round(x * 10_000) / 10_000;
    expect(table.rows).toEqual([
      [c.name, 'Phòng khám A Hải Phòng', 4, 1, share(1 / 4), 2, 2, 1, 6, 3, share(3 / 6)],
      [c.name, 'Bệnh viện Kiến An', 2, 0, 0, 2, 1, share(1 / 2), 4, 1, share(1 / 4)],
    ]);
    console.log(
      `no-show figures (${c.name}):\n` +
        table.rows.map((r) => `  ${r[1]}: confirmed ${r[3]}/${r[2]} absent (${String(r[4])}), unconfirmed ${r[6]}/${r[5]} (${String(r[7])}), all ${r[9]}/${r[8]} (${String(r[10])})`).join('\n'),
    );
    // The same cohort as the share examined: 6 of the 10 examined (every cadre is registered at clinic A).
    const clinicsTable = report.tables.find((t) => t.key === 'clinics')!;
    expect(clinicsTable.rows.map((r) => [r[1], r[2], r[3]])).toEqual([['Phòng khám A Hải Phòng', 10, 6]]);

    const s = await login(h, 'dieuphoi');
    const html = await (await get(h, `/staff/reports?campaign=${c.id}`, s)).text();
    const section = html.slice(html.indexOf('data-table="noShows"'), html.indexOf('</section>', html.indexOf('data-table="noShows"')));
    expect(section).toContain('Vắng mặt theo nơi khám, có và không xác nhận trước');
    expect(section).toContain('25,0 %');
    expect(section).toContain('100,0 %');
    expect(section).toContain('Đã xác nhận: đã trả lời &quot;Sẽ đến&quot;');
  });
});
