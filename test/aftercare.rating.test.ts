import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createBooking } from '../src/domain/booking/effects';
import { markAttendance } from '../src/domain/booking/dayBookings';
import { createRequest } from '../src/domain/requests/creation';
import { buildReport } from '../src/domain/reports/reports';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { createStaffUser } from '../src/domain/staff/staff';
import { careRequests, ratings, staffUsers } from '../src/store/schema';
import { waitFor } from './harness';
import { chat } from './bookingSupport';
import { aftercareWorld, at, MIN, onlySlot, tx, type AftercareWorld } from './aftercareSupport';
import { get, login, makeStaff, postForm } from './staffSupport';
import { startSmtpSink, type SmtpSink } from './smtp';

let w: AftercareWorld | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
  await w?.h.stop();
  await smtp?.close();
  w = undefined;
  smtp = undefined;
});

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Wednesday 04/03/2026, 07:05 in Vietnam: the exam day. */
const EXAM_MORNING = Date.parse('2026-03-04T00:05:00Z');
const QUESTION = 'Xin chấm từ 1 (chưa hài lòng) đến 5 (rất hài lòng)';
const questionsTo = (user: string) => w!.h.fake.messagesTo(user).filter((m) => (m.text ?? '').includes(QUESTION));
const ticket = (id: number) => `YC-${String(id).padStart(6, '0')}`;

describe('rating after a service', () => {
  it('asked once after check-in or attendance, answered with a number or words; a low score opens a request for the clinic head; at most one question a week; averages by clinic and month in the report and its xlsx', async () => {
    smtp = await startSmtpSink();
    w = await aftercareWorld(
      [
        { code: 'DG-1', fullName: 'Nguyễn Văn An' },
        { code: 'DG-2', fullName: 'Trần Thị Bình', sex: 'female' },
      ],
      2,
      { SMTP_URL: smtp.url, ZALO_BUTTONS: 'true' },
    );
    const { h, db } = w;
    const [an, binh] = w.cadres as [(typeof w.cadres)[0], (typeof w.cadres)[0]];
    const [userAn, userBinh] = w.users as [string, string];
    const clinicId = w.clinic.id;
    const password = 'mat-khau-thu-nghiem-1';
    const hoa = await createStaffUser(db, { username: 'hoa', fullName: 'Nguyễn Thị Hoa', role: 'clinic_staff', password, clinicId, email: 'hoa@example.test' }, w.clock.now());
    const head = await createStaffUser(db, { username: 'truong', fullName: 'BS. Trưởng Phòng', role: 'clinic_staff', password, clinicId, email: 'truong@example.test' }, w.clock.now());
    db.update(staffUsers).set({ isClinicHead: true }).where(eq(staffUsers.id, head.id)).run();
    await makeStaff(h, 'xem', 'viewer');
    const slot = onlySlot(w);
    const bookingAn = tx(w, (t) => createBooking(t, { cadreId: an.id, slotId: slot.id, zaloUserId: userAn, viaProxy: false }, w!.clock.now()));
    const bookingBinh = tx(w, (t) => createBooking(t, { cadreId: binh.id, slotId: slot.id, zaloUserId: userBinh, viaProxy: false }, w!.clock.now()));

    // Exam day: An checks in himself in Zalo; staff record Bình as attended from the day list.
    await at(w, EXAM_MORNING);
    expect((await chat(h, userAn, 'đã đến')).text).toContain('số');
    await at(w, EXAM_MORNING + 25 * MIN);
    markAttendance(db, { type: 'staff', id: String(hoa.id) }, hoa.id, bookingBinh, 'attended', clinicId, w.clock.now());
    // Recording An as attended again after the check-in asks nothing more.
    markAttendance(db, { type: 'staff', id: String(hoa.id) }, hoa.id, bookingAn, 'attended', clinicId, w.clock.now());
    expect(questionsTo(userAn)).toHaveLength(0);

    // Two hours after the service, one question each, with buttons for 5 to 1.
    await at(w, EXAM_MORNING + 2 * HOUR);
    const asked = await waitFor(() => questionsTo(userAn)[0], 'rating question to An');
    expect(asked.text).toBe(`Ông thấy buổi khám sức khỏe tại ${w.clinic.name} thế nào? ${QUESTION}, gõ một số. Có thể viết thêm góp ý sau số, ví dụ: "5 bác sĩ tận tình".`);
    expect(asked.buttons.map((b) => [b.title, b.payload])).toEqual([
      ['5 sao', '5'],
      ['4 sao', '4'],
      ['3 sao', '3'],
      ['2 sao', '2'],
      ['1 sao', '1'],
    ]);
    await at(w, EXAM_MORNING + 2 * HOUR + 30 * MIN);
    await waitFor(() => questionsTo(userBinh)[0], 'rating question to Bình');

    // A topic switch in the middle is read as usual and leaves the question open.
    expect((await chat(h, userAn, 'à mà xem kết quả')).text).not.toContain('Cảm ơn Ông đã đánh giá');
    expect(db.select().from(ratings).where(eq(ratings.cadreId, an.id)).get()!.answeredAt).toBeNull();
    // The button sends its number; words after it are kept as the comment. (Answered after the switch: the
    // question is still the last thing asked of him once he answers with a rating.)
    const thanked = await chat(h, userAn, '5 sao, bác sĩ tận tình lắm');
    expect(thanked.text).toBe('Cảm ơn Ông đã đánh giá. Ý kiến của Ông giúp Ban phục vụ tốt hơn.');
    expect(db.select().from(ratings).where(eq(ratings.cadreId, an.id)).get()).toMatchObject({ subject: 'exam', subjectId: bookingAn, clinicId, score: 5, comment: 'bác sĩ tận tình lắm' });

    // Bình is not pleased: a request for the clinic head with her comment, mailed to the head at once.
    const low = await chat(h, userBinh, '2 phai cho lau qua');
    expect(low.text).toBe('Cảm ơn Bà đã cho biết. Trưởng phòng khám sẽ xem xét và liên hệ lại với Bà.');
    const rBinh = db.select().from(ratings).where(eq(ratings.cadreId, binh.id)).get()!;
    expect(rBinh).toMatchObject({ score: 2, comment: 'phai cho lau qua' });
    const complaint = db.select().from(careRequests).where(eq(careRequests.id, rBinh.requestId!)).get()!;
    expect(complaint).toMatchObject({ type: 'feedback', cadreId: binh.id, clinicId });
    expect(complaint.details).toBe(`Cán bộ chấm 2/5 cho buổi khám (lịch #${bookingBinh}).\nGóp ý: phai cho lau qua`);
    await waitFor(() => smtp!.mails.find((m) => m.subject.includes(ticket(complaint.id)) && m.to.includes('truong@example.test')), 'low rating mailed to the clinic head');

    // A request of An's finished two days later: no second question within the week.
    const medicine = () =>
      tx(w!, (t) =>
        createRequest(t, userAn, { type: 'medicine', cadreId: an.id, clinicId, viaProxy: false, urgency: 'normal', details: 'Xin cấp thuốc huyết áp tháng này', ackDueAt: w!.clock.now() + DAY }, w!.clock.now()),
      ).id;
    await at(w, EXAM_MORNING + 2 * DAY);
    const first = medicine();
    expect((await postForm(h, `/staff/requests/${first}/done`, await login(h, 'hoa'), { note: 'Đã cấp thuốc' })).status).toBe(303);
    await at(w, EXAM_MORNING + 2 * DAY + 3 * HOUR);
    expect(db.select().from(ratings).where(eq(ratings.cadreId, an.id)).all()).toHaveLength(1);
    expect(questionsTo(userAn)).toHaveLength(1);

    // Eight days after the first question another finished request is rated: "cũng được" is a 3.
    await at(w, EXAM_MORNING + 8 * DAY + 3 * HOUR);
    // (He wrote this morning, so Zalo's 7-day window is open for the question.)
    await chat(h, userAn, 'cam on');
    const second = medicine();
    expect((await postForm(h, `/staff/requests/${second}/done`, await login(h, 'hoa'), { note: 'Đã cấp thuốc' })).status).toBe(303);
    await at(w, w.clock.now() + 2 * HOUR);
    const again = await waitFor(() => questionsTo(userAn)[1], 'second rating question to An');
    expect(again.text).toContain('Ông thấy việc Ban hỗ trợ vừa rồi thế nào?');
    expect((await chat(h, userAn, 'cung duoc')).text).toContain('Cảm ơn Ông đã đánh giá');
    expect(db.select().from(ratings).where(and(eq(ratings.cadreId, an.id), eq(ratings.subject, 'request'))).get()).toMatchObject({ subjectId: second, score: 3 });
    expect(questionsTo(userAn)).toHaveLength(2);
    expect(questionsTo(userBinh)).toHaveLength(1);

    // The report for March: 3 answers at clinic A, average (5 + 2 + 3) / 3 = 3.33, one low score.
    const report = buildReport(db, { from: '2026-03-01', to: '2026-03-31' }, w.clock.now());
    const rows = [[w.clinic.name, '03/2026', 3, 3.33, 1]];
    expect(report.tables.find((t) => t.key === 'ratings')!.rows).toEqual(rows);
    const s = await login(h, 'xem');
    const page = await (await get(h, '/staff/reports?from=01/03/2026&to=31/03/2026', s)).text();
    const section = /<section[^>]*data-table="ratings"[^>]*>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(section).toContain('<td data-label="Điểm trung bình" class="num">3,33</td>');
    const file = await get(h, '/staff/reports/xlsx?from=01/03/2026&to=31/03/2026', s);
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await file.arrayBuffer());
    const ws = wb.getWorksheet(sheetNameOf('ratings'))!;
    expect((ws.getRow(XLSX_HEADER_ROW).values as unknown[]).slice(1)).toEqual(['Phòng khám', 'Tháng', 'Số lượt đánh giá', 'Điểm trung bình', 'Số lượt 1–2 điểm']);
    expect((ws.getRow(XLSX_HEADER_ROW + 1).values as unknown[]).slice(1)).toEqual(rows[0]);
  });
});
