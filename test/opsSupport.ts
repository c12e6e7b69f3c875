import { eq } from 'drizzle-orm';
import { vietnamInstant } from '../src/domain/shared/quietHours';
import { recordAudit } from '../src/store/audit';
import type { Db } from '../src/store/db';
import { bookings, broadcastRecipients, broadcasts, cadres, campaigns, careRequests, clinics, examResults, examSlots, zaloUsers } from '../src/store/schema';

/**
 * A small committee with figures worked out by hand (the numbers the dashboard, the report page and the
 * xlsx must show). Today is Tuesday 10/03/2026, 10:00 in Vietnam.
 *
 * 20 eligible cadres: clinic A a0-a11 (a0-a5 "Sở Y tế", a6-a11 "Sở Tài chính"), clinic B b0-b7 ("Thành ủy").
 * Campaign "Khám định kỳ đợt 1 năm 2026", 02/03-31/03, open.
 * Bookings: today at A a0 a1 a2 attended, a3 a4 booked; 05/03 at A a6 a7 attended; today at B b0 b1 attended, b2 no-show.
 * Results: released a0 I, a1 II, a6 II, a7 III, b0 IV; drafts a2 (A) and b3 (B, no booking: a draft does not count).
 *   examined = {a0 a1 a2 a6 a7 b0 b1} = 7 of 20 (35 %); Sở Y tế 3/6, Sở Tài chính 2/6, Thành ủy 2/8; A 5/12, B 2/8.
 * Requests today: home visit urgent overdue (breached), home visit met, medicine due in 30 min, question due in
 *   3 h, question done (met), emergency acknowledged late (breached).
 * Broadcasts: one running today (a0 Zalo, a1 email, a2 opted out, a3 pending), one done on 03/03 (template, failed);
 *   one "dừng nhận tin" today.
 */
export const OPS_NOW = Date.parse('2026-03-10T03:00:00Z');
const TODAY = '2026-03-10';

export const expected = {
  campaignName: 'Khám định kỳ đợt 1 năm 2026',
  eligible: 20,
  bookedOrExamined: 10,
  examined: 7,
  share: 0.35,
  units: [
    ['Sở Tài chính', 6, 2, 0.3333],
    ['Sở Y tế', 6, 3, 0.5],
    ['Thành ủy', 8, 2, 0.25],
  ],
  clinics: [
    ['Bệnh viện Kiến An', 8, 2, 0.25],
    ['Phòng khám A Hải Phòng', 12, 5, 0.4167],
  ],
  classes: [
    ['Loại I – Rất khỏe', 1, 0.2],
    ['Loại II – Khỏe', 2, 0.4],
    ['Loại III – Trung bình', 1, 0.2],
    ['Loại IV – Yếu', 1, 0.2],
    ['Loại V – Rất yếu', 0, 0],
    ['Chưa phân loại', 0, 0],
  ],
  requests: {
    home_visit: [2, 1, 1, 1, 0, 0.5],
    medicine: [1, 0, 0, 0, 1, null],
    record_book: [0, 0, 0, 0, 0, null],
    question: [2, 0, 1, 0, 1, 1],
    emergency: [1, 1, 0, 1, 0, 0],
    total: [6, 2, 2, 2, 2, 0.5],
  },
  broadcasts: [
    // recipients, zalo, template, email, opted out, other skipped, failed
    ['Nhắc lịch khám đợt 1', 2, 0, 1, 0, 0, 0, 1],
    ['Mời khám định kỳ', 4, 1, 0, 1, 1, 0, 0],
  ],
  optOuts: 1,
  todayBookings: { a: 5, aAttended: 3, b: 3, bAttended: 2 },
};

export function seedOps(db: Db): { campaignId: number; clinicA: number; clinicB: number } {
  const now = OPS_NOW;
  const t = { createdAt: now, updatedAt: now };
  const clinicA = db.insert(clinics).values({ code: 'PKA', name: 'Phòng khám A Hải Phòng', ...t }).returning().get().id;
  const clinicB = db.insert(clinics).values({ code: 'BVKA', name: 'Bệnh viện Kiến An', ...t }).returning().get().id;
  const cadre = (code: string, unit: string, clinicId: number) =>
    db.insert(cadres).values({ code, fullName: `Cán bộ ${code}`, birthDate: '1950-01-01', sex: 'male', category: 'nguyen_chuc', unit, clinicId, ...t }).returning().get().id;
  const a = Array.from({ length: 12 }, (_, i) => cadre(`A${String(i).padStart(2, '0')}`, i < 6 ? 'Sở Y tế' : 'Sở Tài chính', clinicA));
  const b = Array.from({ length: 8 }, (_, i) => cadre(`B${String(i).padStart(2, '0')}`, 'Thành ủy', clinicB));
  // Not eligible: inactive.
  db.update(cadres).set({ active: false }).where(eq(cadres.id, cadre('X00', 'Sở Y tế', clinicA))).run();

  const campaignId = db
    .insert(campaigns)
    .values({ year: 2026, round: 1, name: expected.campaignName, startDate: '2026-03-02', endDate: '2026-03-31', status: 'open', ...t })
    .returning()
    .get().id;
  const slot = (clinicId: number, date: string, booked: number) =>
    db
      .insert(examSlots)
      .values({ campaignId, clinicId, localDate: date, startsAt: vietnamInstant(date, 8), endsAt: vietnamInstant(date, 9), capacity: 10, booked, ...t })
      .returning()
      .get().id;
  const aToday = slot(clinicA, TODAY, 5);
  const aEarlier = slot(clinicA, '2026-03-05', 2);
  const bToday = slot(clinicB, TODAY, 3);
  const book = (slotId: number, cadreId: number, status: 'booked' | 'attended' | 'no_show') => db.insert(bookings).values({ campaignId, slotId, cadreId, status, ...t }).run();
  book(aToday, a[0]!, 'attended');
  book(aToday, a[1]!, 'attended');
  book(aToday, a[2]!, 'attended');
  book(aToday, a[3]!, 'booked');
  book(aToday, a[4]!, 'booked');
  book(aEarlier, a[6]!, 'attended');
  book(aEarlier, a[7]!, 'attended');
  book(bToday, b[0]!, 'attended');
  book(bToday, b[1]!, 'attended');
  book(bToday, b[2]!, 'no_show');

  let chain = 9000;
  const result = (cadreId: number, clinicId: number, healthClass: 'I' | 'II' | 'III' | 'IV' | null, status: 'draft' | 'released') => {
    const id = db
      .insert(examResults)
      .values({ chainId: chain++, cadreId, campaignId, clinicId, examDate: TODAY, healthClass, status, releasedAt: status === 'released' ? now : null, ...t })
      .returning()
      .get().id;
    db.update(examResults).set({ chainId: id }).where(eq(examResults.id, id)).run();
  };
  result(a[0]!, clinicA, 'I', 'released');
  result(a[1]!, clinicA, 'II', 'released');
  result(a[6]!, clinicA, 'II', 'released');
  result(a[7]!, clinicA, 'III', 'released');
  result(b[0]!, clinicB, 'IV', 'released');
  result(a[2]!, clinicA, null, 'draft');
  result(b[3]!, clinicB, null, 'draft');

  const H = 3600_000;
  const request = (v: Partial<typeof careRequests.$inferInsert> & Pick<typeof careRequests.$inferInsert, 'type' | 'urgency' | 'ackDueAt'>) =>
    db.insert(careRequests).values({ clinicId: clinicA, createdAt: now - 2 * H, updatedAt: now, ...v }).run();
  request({ type: 'home_visit', urgency: 'urgent', cadreId: a[5], state: 'new', sla: 'breached', ackDueAt: now - H });
  request({ type: 'home_visit', urgency: 'normal', cadreId: a[8], state: 'acknowledged', sla: 'met', ackDueAt: now + H, acknowledgedAt: now - H });
  request({ type: 'medicine', urgency: 'normal', cadreId: a[9], state: 'new', sla: 'pending', ackDueAt: now + 30 * 60_000 });
  request({ type: 'question', urgency: 'normal', cadreId: b[4], clinicId: clinicB, state: 'new', sla: 'pending', ackDueAt: now + 3 * H });
  request({ type: 'question', urgency: 'normal', cadreId: b[5], clinicId: clinicB, state: 'done', sla: 'met', ackDueAt: now, closedAt: now - H });
  request({ type: 'emergency', urgency: 'urgent', cadreId: b[6], clinicId: clinicB, state: 'acknowledged', sla: 'breached', ackDueAt: now - H, acknowledgedAt: now - 30 * 60_000 });

  const broadcast = (title: string, status: 'running' | 'done', startAt: number, total: number) =>
    db
      .insert(broadcasts)
      .values({ title, text: `${title}.`, segment: { categories: [] }, status, requestedAt: startAt, startAt, startedAt: startAt, fanoutDone: true, total, statusChangedAt: startAt, ...t })
      .returning()
      .get().id;
  const running = broadcast('Mời khám định kỳ', 'running', now - H, 4);
  const done = broadcast('Nhắc lịch khám đợt 1', 'done', vietnamInstant('2026-03-03', 9), 2);
  const recipient = (broadcastId: number, cadreId: number, status: 'sent' | 'skipped' | 'failed' | 'pending', channel: 'zalo' | 'zalo_template' | 'email' | null, reason: string | null = null) =>
    db.insert(broadcastRecipients).values({ broadcastId, cadreId, status, channel, reason, sentAt: status === 'sent' ? now : null, ...t }).run();
  recipient(running, a[0]!, 'sent', 'zalo');
  recipient(running, a[1]!, 'sent', 'email');
  recipient(running, a[2]!, 'skipped', null, 'opted_out');
  recipient(running, a[3]!, 'pending', null);
  recipient(done, a[4]!, 'sent', 'zalo_template');
  recipient(done, a[5]!, 'failed', 'zalo_template', '-201');

  db.insert(zaloUsers).values({ id: '7700000000000000001', followed: true, broadcastOptOut: true, ...t }).run();
  recordAudit(db, { type: 'zalo', id: '7700000000000000001' }, { action: 'broadcast.opt_out', entity: 'zalo_user', entityId: '7700000000000000001' }, now - H);
  return { campaignId, clinicA, clinicB };
}
