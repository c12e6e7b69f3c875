import { eq } from 'drizzle-orm';
import { vietnamInstant } from '../src/domain/shared/quietHours';
import type { Db } from '../src/store/db';
import { bookings, cadres, campaignClinics, campaigns, careRequests, clinics, examResults, examSlots, type CadreCategory } from '../src/store/schema';

/**
 * A campaign with every edge of "đã khám", worked out by hand. Today is Tuesday 10/03/2026, 10:00 in Vietnam;
 * the campaign "Khám định kỳ đợt 1 năm 2026" runs 02/03–31/03 for nguyên chức and người có công.
 *
 * Clinic A (PKA), unit "Sở Y tế": E1 attended today · E2 booked by a proxy, attended 05/03 · E3 attendance
 *   recorded for a slot on 12/03 (future: not examined, but booked) · E4 draft result 06/03 only · E5 released
 *   result dated 20/02 (before the campaign) tagged to it.
 * Clinic A, unit "Sở Tài chính": E6 released result 04/03 with no campaign (counts) · E7 no-show today ·
 *   E8 booked for 15/03 · E9 nothing but a home visit request on 03/03 · L2 died 05/03 (after the start: eligible).
 * Clinic B (BVKA), unit "Thành ủy": E10 released result 09/03 of the campaign and attended today.
 * Not eligible: L1 left 15/02 (attended today), M1 managed from 20/03, D1 đương chức (attended today),
 *   X1 inactive with no leaving date.
 *
 * eligible 11 · booked 7 (E1 E2 E3 E6 E7 E8 E10) · examined 4 (E1 E2 E6 E10; by attendance 3, by result 2) ·
 * share 4/11 = 36,4 % · no-show 1 · home exams 1 · clinic A 3/10 (30,0 %), B 1/1 (100,0 %) ·
 * Sở Y tế 2/5 (40,0 %), Sở Tài chính 1/5 (20,0 %), Thành ủy 1/1.
 */
export const EDGE_NOW = Date.parse('2026-03-10T03:00:00Z');
const EDGE_TODAY = '2026-03-10';

export const edgeExpected = {
  name: 'Khám định kỳ đợt 1 năm 2026',
  eligible: 11,
  booked: 7,
  examined: 4,
  examinedByAttendance: 3,
  examinedByResult: 2,
  share: 0.3636,
  shareText: '36,4 %',
  noShow: 1,
  homeExams: 1,
  clinics: [
    ['Bệnh viện Kiến An', 1, 1, 1],
    ['Phòng khám A Hải Phòng', 10, 3, 0.3],
  ],
  units: [
    ['Sở Tài chính', 5, 1, 0.2],
    ['Sở Y tế', 5, 2, 0.4],
    ['Thành ủy', 1, 1, 1],
  ],
  /** Released results that count (E6 no class, E10 Loại II). */
  classes: { II: 1, none: 1 },
};

export function seedEdgeCampaign(db: Db): { campaignId: number; clinicA: number; clinicB: number; ids: Record<string, number>; futureBookingId: number } {
  const now = EDGE_NOW;
  const t = { createdAt: now, updatedAt: now };
  const clinicA = db.insert(clinics).values({ code: 'PKA', name: 'Phòng khám A Hải Phòng', ...t }).returning().get().id;
  const clinicB = db.insert(clinics).values({ code: 'BVKA', name: 'Bệnh viện Kiến An', ...t }).returning().get().id;
  const ids: Record<string, number> = {};
  const cadre = (code: string, unit: string, clinicId: number, extra: Partial<typeof cadres.$inferInsert> = {}, category: CadreCategory = 'nguyen_chuc') =>
    (ids[code] = db
      .insert(cadres)
      .values({ code, fullName: `Cán bộ ${code}`, birthDate: '1945-05-05', sex: 'male', category, unit, clinicId, ...extra, ...t })
      .returning()
      .get().id);
  for (const c of ['E1', 'E2', 'E3', 'E4', 'E5']) cadre(c, 'Sở Y tế', clinicA, {}, c === 'E2' ? 'nguoi_co_cong' : 'nguyen_chuc');
  for (const c of ['E6', 'E7', 'E8', 'E9']) cadre(c, 'Sở Tài chính', clinicA);
  cadre('L2', 'Sở Tài chính', clinicA, { active: false, leftOn: '2026-03-05', leftReason: 'died' });
  cadre('E10', 'Thành ủy', clinicB);
  cadre('L1', 'Sở Y tế', clinicA, { active: false, leftOn: '2026-02-15', leftReason: 'left' });
  cadre('M1', 'Sở Y tế', clinicA, { managedFrom: '2026-03-20' });
  cadre('D1', 'Sở Y tế', clinicA, {}, 'duong_chuc');
  cadre('X1', 'Sở Y tế', clinicA, { active: false });

  const campaignId = db
    .insert(campaigns)
    .values({ year: 2026, round: 1, name: edgeExpected.name, startDate: '2026-03-02', endDate: '2026-03-31', eligibleCategories: ['nguyen_chuc', 'nguoi_co_cong'], status: 'open', ...t })
    .returning()
    .get().id;
  db.insert(campaignClinics).values([{ campaignId, clinicId: clinicA }, { campaignId, clinicId: clinicB }]).run();
  const slot = (clinicId: number, date: string) =>
    db
      .insert(examSlots)
      .values({ campaignId, clinicId, localDate: date, startsAt: vietnamInstant(date, 8), endsAt: vietnamInstant(date, 9), capacity: 10, ...t })
      .returning()
      .get().id;
  const aToday = slot(clinicA, EDGE_TODAY);
  const a0503 = slot(clinicA, '2026-03-05');
  const a1203 = slot(clinicA, '2026-03-12');
  const a1503 = slot(clinicA, '2026-03-15');
  const bToday = slot(clinicB, EDGE_TODAY);
  const book = (slotId: number, code: string, status: 'booked' | 'attended' | 'no_show', viaProxy = false) => {
    db.update(examSlots).set({ booked: db.select().from(examSlots).where(eq(examSlots.id, slotId)).get()!.booked + 1 }).where(eq(examSlots.id, slotId)).run();
    return db
      .insert(bookings)
      .values({ campaignId, slotId, cadreId: ids[code]!, status, viaProxy, bookedByZaloUserId: viaProxy ? '7711000000000000001' : null, attendanceAt: status === 'booked' ? null : now, ...t })
      .returning()
      .get().id;
  };
  book(aToday, 'E1', 'attended');
  book(a0503, 'E2', 'attended', true);
  const futureBookingId = book(a1203, 'E3', 'attended'); // recorded before the fact (as the old code allowed)
  book(aToday, 'E7', 'no_show');
  book(a1503, 'E8', 'booked');
  book(bToday, 'E10', 'attended');
  book(aToday, 'L1', 'attended');
  book(aToday, 'D1', 'attended');

  const result = (code: string, examDate: string, status: 'draft' | 'released', campaign: number | null, healthClass: 'II' | null, clinicId: number) => {
    const id = db
      .insert(examResults)
      .values({ chainId: 0, cadreId: ids[code]!, campaignId: campaign, clinicId, examDate, healthClass, conclusions: 'Ổn định.', status, releasedAt: status === 'released' ? now : null, ...t })
      .returning()
      .get().id;
    db.update(examResults).set({ chainId: id }).where(eq(examResults.id, id)).run();
  };
  result('E4', '2026-03-06', 'draft', campaignId, 'II', clinicA);
  result('E5', '2026-02-20', 'released', campaignId, 'II', clinicA);
  result('E6', '2026-03-04', 'released', null, null, clinicA);
  result('E10', '2026-03-09', 'released', campaignId, 'II', clinicB);

  db.insert(careRequests)
    .values({ type: 'home_visit', urgency: 'normal', cadreId: ids.E9!, clinicId: clinicA, state: 'acknowledged', sla: 'met', ackDueAt: vietnamInstant('2026-03-03', 15), createdAt: vietnamInstant('2026-03-03', 9), updatedAt: now })
    .run();
  return { campaignId, clinicA, clinicB, ids, futureBookingId };
}
