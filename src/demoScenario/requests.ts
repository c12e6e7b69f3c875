import { addDays } from '../domain/shared/dates';
import { acknowledgeRequest, scheduleRequest } from '../domain/requests/staffActions';
import { staffActor } from '../domain/staff/actor';
import { ackDeadline } from '../domain/requests/sla';
import { createRequest, type NewRequest } from '../domain/requests/creation';
import type { DemoCadre } from '../store/demoSeed';
import { DAY, workingDaysFrom, type Story } from './story';

/**
 * Requests of every kind in the inbox: a home visit scheduled, one new inside its deadline, medicine, a record
 * book acknowledged by the clinic, a question, and an urgent one past its deadline.
 */
export function inboxRequests(s: Story): void {
  const { tx, now, today, clinicIds, coordinator } = s;
  const { requestPolicy } = s.opts;
  const request = (c: DemoCadre, r: Omit<NewRequest, 'cadreId' | 'clinicId' | 'viaProxy' | 'ackDueAt'>, createdAt: number) =>
    createRequest(
      tx,
      null,
      { ...r, cadreId: s.idOf(c), clinicId: clinicIds.get(c.clinicCode)!, viaProxy: false, ackDueAt: ackDeadline(r.urgency, createdAt, requestPolicy) },
      createdAt,
    ).id;
  const a1 = (c: DemoCadre) => c.clinicCode === 'PK-A1';
  const [visitNew] = s.take(1, (c) => c.frail && a1(c));
  const [visitScheduled] = s.take(1, (c) => c.frail);
  const [medicine] = s.take(1, (c) => a1(c) && c.category !== 'duong_chuc');
  const [recordBook] = s.take(1, (c) => a1(c));
  const [question] = s.take(1, (c) => c.clinicCode !== 'PK-A1');
  const [emergency] = s.take(1, (c) => a1(c) && c.category !== 'duong_chuc');
  const street = (n: number) => `Số ${n} ngõ ${n + 40} đường Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng`;

  // A home visit asked for three days ago, acknowledged, then given a date.
  const scheduledId = request(
    visitScheduled!,
    { type: 'home_visit', urgency: 'normal', details: 'Đi lại khó khăn sau mổ khớp háng, xin bác sĩ đến khám định kỳ tại nhà.', address: street(14), preferredTime: 'morning' },
    now - 3 * DAY,
  );
  scheduleRequest(tx, scheduledId, coordinator, null, { date: workingDaysFrom(addDays(today, 2), 1)[0]!, time: 'morning' }, now - 2 * DAY);
  // New, inside their deadline.
  request(
    visitNew!,
    { type: 'home_visit', urgency: 'normal', details: 'Mấy hôm nay mệt, ăn kém, huyết áp lúc cao lúc thấp. Nhờ bác sĩ đến nhà khám.', address: street(27), preferredDate: addDays(today, 3), preferredTime: 'any' },
    now - 25 * 60_000,
  );
  request(medicine!, { type: 'medicine', urgency: 'normal', details: 'Sắp hết thuốc huyết áp (Amlodipin 5mg) và tiểu đường, xin cấp thuốc tháng tới tại nhà.', address: street(8) }, now - 40 * 60_000);
  const recordBookId = request(recordBook!, { type: 'record_book', urgency: 'normal', details: 'Sổ y bạ đã hết trang, xin đổi sổ mới.' }, now - 50 * 60_000);
  const clinicStaff = s.who('nhanvien.a1');
  acknowledgeRequest(tx, recordBookId, staffActor(clinicStaff), clinicIds.get('PK-A1')!, now - 20 * 60_000);
  request(question!, { type: 'question', urgency: 'normal', details: 'Cho tôi hỏi kết quả xét nghiệm máu đợt trước có cần khám lại không?' }, now - 15 * 60_000);
  // Urgent and past its deadline: nobody has acknowledged it, so the escalation runs as soon as the demo starts.
  request(emergency!, { type: 'emergency', urgency: 'urgent', details: 'Bố tôi đau ngực, khó thở từ sáng.' }, now - requestPolicy.urgentAckMs - 25 * 60_000);
}
