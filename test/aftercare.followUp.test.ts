import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildReport } from '../src/domain/reports/reports';
import { lowestHealthClasses } from '../src/domain/results/classification';
import { startCorrection } from '../src/domain/results/results';
import { inTransaction } from '../src/store/db';
import { careRequests, examResults, followUps, outbox, staffUsers } from '../src/store/schema';
import { waitFor } from './harness';
import { chat } from './bookingSupport';
import { aftercareWorld, at, MIN, START, type AftercareWorld } from './aftercareSupport';
import { draft, release } from './resultsSupport';
import { api, get, login, makeStaff, postForm, tokenFor } from './staffSupport';
import { startSmtpSink, type SmtpSink } from './smtp';
import { createStaffUser } from '../src/domain/staff/staff';

let w: AftercareWorld | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
  await w?.h.stop();
  await smtp?.close();
  w = undefined;
  smtp = undefined;
});

const HOUR = 60 * MIN;
const OFFER = 'khám lại để theo dõi sức khỏe';
const offersTo = (user: string) => w!.h.fake.messagesTo(user).filter((m) => (m.text ?? '').includes(OFFER));
const ticket = (id: number) => `YC-${String(id).padStart(6, '0')}`;

describe('follow-up after a worrying result', () => {
  it('release opens one follow-up per result in the two lowest classes or marked for re-examination; the offer in chat files a home visit; an unanswered one escalates when overdue; the report shows completion', async () => {
    smtp = await startSmtpSink();
    w = await aftercareWorld(
      [
        { code: 'TD-1', fullName: 'Nguyễn Văn An' },
        { code: 'TD-2', fullName: 'Trần Thị Bình', sex: 'female' },
        { code: 'TD-3', fullName: 'Lê Văn Cường' },
        { code: 'TD-4', fullName: 'Phạm Thị Dung', sex: 'female' },
      ],
      4,
      { SMTP_URL: smtp.url, ZALO_BUTTONS: 'true' },
    );
    const { h, db } = w;
    const [an, binh, cuong, dung] = w.cadres as [(typeof w.cadres)[0], (typeof w.cadres)[0], (typeof w.cadres)[0], (typeof w.cadres)[0]];
    const [userAn, userBinh, userCuong] = w.users as [string, string, string];
    const clinicId = w.clinic.id;
    const doctor = await makeStaff(h, 'bacsi', 'doctor');
    await createStaffUser(db, { username: 'hoa', fullName: 'Nguyễn Thị Hoa', role: 'clinic_staff', password: 'mat-khau-thu-nghiem-1', clinicId, email: 'hoa@example.test' }, START);
    const head = await createStaffUser(db, { username: 'truong', fullName: 'BS. Trưởng Phòng', role: 'clinic_staff', password: 'mat-khau-thu-nghiem-1', clinicId, email: 'truong@example.test' }, START);
    db.update(staffUsers).set({ isClinicHead: true }).where(eq(staffUsers.id, head.id)).run();
    await makeStaff(h, 'xem', 'viewer');

    // The scheme's two lowest classes, asked of the one helper (not written here).
    const [low, lowest] = lowestHealthClasses() as [string, string];
    const staffRow = { id: doctor.id, role: doctor.role, clinicId: null };
    const base = { examDate: '2026-03-02', campaignId: w.campaign.id, clinicId };
    const rAn = draft(db, staffRow, an.id, { ...base, healthClass: lowest as 'V' }, START);
    draft(db, staffRow, binh.id, { ...base, healthClass: 'III', followUp: true, followUpWhere: 'Khoa Tim mạch' }, START);
    draft(db, staffRow, cuong.id, { ...base, healthClass: 'II' }, START);

    // "Release all" on the staff page, confirmed with the count.
    const s = await login(h, 'bacsi');
    const released = await postForm(h, '/staff/results/release', s, { scope: 'all', confirm: '1', expected: '3', q: '', campaignId: '' });
    expect(await released.text()).toContain('Đã công bố <b>3</b> kết quả');
    // A single release through the API (Dung, the other low class).
    const rDung = draft(db, staffRow, dung.id, { ...base, healthClass: low as 'IV' }, START);
    const one = await api(h, '/api/results/release', tokenFor(h, doctor.id), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [rDung.id] }) });
    expect(one.status).toBe(200);
    h.runtime.relay.kick();

    const opened = db.select().from(followUps).all();
    expect(opened.map((f) => [f.cadreId, f.reason, f.dueDate, f.campaignId, f.clinicId]).sort()).toEqual(
      [
        [an.id, 'class', '2026-03-16', w.campaign.id, clinicId],
        [binh.id, 'reexam', '2026-03-16', w.campaign.id, clinicId],
        [dung.id, 'class', '2026-03-16', w.campaign.id, clinicId],
      ].sort(),
    );
    // The "results ready" notice first; the offer a while after, once the cadre could read the result.
    await waitFor(() => h.fake.messagesTo(userAn).some((m) => m.text?.includes('đã có')), 'results ready to An');
    expect(offersTo(userAn)).toHaveLength(0);
    await at(w, START + 2 * HOUR);
    const offer = await waitFor(() => offersTo(userAn)[0], 'offer to An');
    expect(offer.text).toBe(
      ['Ban muốn hẹn Ông Nguyễn Văn An khám lại để theo dõi sức khỏe. Ông chọn (gõ số):', '1. Hẹn khám lại tại phòng khám', '2. Đề nghị bác sĩ khám tại nhà'].join('\n'),
    );
    expect(offer.buttons.map((b) => b.title)).toEqual(['Hẹn khám lại tại phòng khám', 'Đề nghị bác sĩ khám tại nhà']);
    expect(offer.text).not.toContain(`Loại ${lowest}`);
    await waitFor(() => offersTo(userBinh)[0], 'offer to Bình');
    expect(offersTo(userCuong)).toHaveLength(0);

    // An answers with the number alone: a home-visit request for the clinic, linked to the follow-up.
    const chose = await chat(h, userAn, '2');
    expect(chose.text).toMatch(/^Đã gửi đề nghị khám tại nhà \(mã YC-\d{6}\)\. Phòng khám sẽ liên hệ để hẹn ngày bác sĩ đến\.$/);
    const fAn = db.select().from(followUps).where(eq(followUps.cadreId, an.id)).get()!;
    expect(fAn.choice).toBe('home');
    const homeVisit = db.select().from(careRequests).where(eq(careRequests.id, fAn.requestId!)).get()!;
    expect(homeVisit).toMatchObject({ type: 'home_visit', cadreId: an.id, clinicId, zaloUserId: userAn });
    expect(chose.text).toContain(ticket(homeVisit.id));
    // A second "2" is no longer an answer to the offer (no second request).
    await chat(h, userAn, '2');
    expect(db.select().from(careRequests).where(eq(careRequests.cadreId, an.id)).all()).toHaveLength(1);
    // Bình declines for now: nothing is filed, the clinic will call.
    expect((await chat(h, userBinh, 'thôi khỏi')).text).toContain('Phòng khám sẽ gọi điện cho Bà để hẹn khám lại');
    expect(db.select().from(followUps).where(eq(followUps.cadreId, binh.id)).get()!.choice).toBeNull();

    // A correction of An's result, released again, keeps the one follow-up.
    const correction = inTransaction(db, (tx) => startCorrection(tx, staffRow, rAn.id, w!.clock.now()));
    release(db, staffRow, [correction.id], w.clock.now());
    expect(db.select().from(followUps).where(eq(followUps.resultChainId, rAn.chainId)).all()).toHaveLength(1);
    expect(db.select().from(examResults).where(eq(examResults.id, correction.id)).get()!.status).toBe('released');

    // Staff see open follow-ups with due dates; the viewer role may not.
    const staffPage = await (await get(h, '/staff/follow-ups', await login(h, 'hoa'))).text();
    for (const text of ['Nguyễn Văn An', 'Trần Thị Bình', 'Phạm Thị Dung', '16/03/2026', 'Khám tại nhà', ticket(homeVisit.id), 'Bác sĩ đề nghị khám lại', '1–3 trên 3']) expect(staffPage).toContain(text);
    expect(staffPage).not.toContain('Lê Văn Cường');
    expect((await get(h, '/staff/follow-ups', await login(h, 'xem'))).status).toBe(403);

    // The home visit is done: An's follow-up is complete. Dung's is closed by staff as not needed (a reason is required).
    const hoaSession = await login(h, 'hoa');
    expect((await postForm(h, `/staff/requests/${homeVisit.id}/done`, hoaSession, { note: 'Đã khám tại nhà' })).status).toBe(303);
    expect(db.select().from(followUps).where(eq(followUps.id, fAn.id)).get()!.status).toBe('done');
    const fDung = db.select().from(followUps).where(eq(followUps.cadreId, dung.id)).get()!;
    expect((await postForm(h, `/staff/follow-ups/${fDung.id}/close`, hoaSession, { outcome: 'cancelled', note: '' })).status).toBe(400);
    expect((await postForm(h, `/staff/follow-ups/${fDung.id}/close`, hoaSession, { outcome: 'cancelled', note: 'Đang điều trị nội trú' })).status).toBe(303);
    expect(db.select().from(outbox).where(eq(outbox.subject, `follow-up-${fDung.id}`)).all().every((r) => r.status === 'cancelled' || r.status === 'done')).toBe(true);

    // Bình's is still open the evening of the due date; the morning after it escalates as a request: the clinic
    // staff first, the clinic head at the request's deadline.
    const fBinh = db.select().from(followUps).where(eq(followUps.cadreId, binh.id)).get()!;
    expect(fBinh.dueAt).toBe(Date.parse('2026-03-17T01:00:00Z'));
    await at(w, fBinh.dueAt - MIN);
    expect(db.select().from(followUps).where(eq(followUps.id, fBinh.id)).get()!.escalationRequestId).toBeNull();
    await at(w, fBinh.dueAt);
    const escalated = await waitFor(() => db.select().from(followUps).where(eq(followUps.id, fBinh.id)).get()!.escalationRequestId, 'overdue escalation');
    const alert = db.select().from(careRequests).where(eq(careRequests.id, escalated)).get()!;
    expect(alert).toMatchObject({ type: 'follow_up', cadreId: binh.id, clinicId, zaloUserId: null });
    expect(alert.details).toContain('Theo dõi sau khám quá hạn (hạn 16/03/2026): bác sĩ đề nghị khám lại; cán bộ chưa trả lời.');
    await waitFor(() => smtp!.mails.find((m) => m.subject.includes(ticket(escalated)) && m.to.includes('hoa@example.test')), 'escalation mail to clinic staff');
    await at(w, alert.ackDueAt);
    await waitFor(() => smtp!.mails.find((m) => m.subject.includes(ticket(escalated)) && m.to.includes('truong@example.test')), 'escalation mail to the clinic head');
    // An's job at the same time found it done: no escalation.
    expect(db.select().from(followUps).where(eq(followUps.id, fAn.id)).get()!.escalationRequestId).toBeNull();
    const overduePage = await (await get(h, '/staff/follow-ups?status=overdue', await login(h, 'hoa'))).text();
    expect(overduePage).toContain('Trần Thị Bình');
    expect(overduePage).toContain(`Báo quá hạn: <a href="/staff/requests/${escalated}">${ticket(escalated)}</a>`);
    expect(overduePage).not.toContain('Nguyễn Văn An');

    // The report: 3 opened, 1 done, 1 not needed, 1 open and overdue; completion 1 / (3 − 1) = 50%.
    const report = buildReport(db, { campaign: w.campaign.id }, w.clock.now());
    expect(report.tables.find((t) => t.key === 'followUps')!.rows).toEqual([[w.campaign.name, 3, 1, 1, 1, 1, 0.5]]);
    const page = await (await get(h, `/staff/reports?campaign=${w.campaign.id}`, await login(h, 'xem'))).text();
    const section = /<section[^>]*data-table="followUps"[^>]*>([\s\S]*?)<\/section>/.exec(page)![1]!;
    expect(section).toContain('Tỷ lệ hoàn thành');
    expect(section).toContain('50,0 %');
    void userCuong;
  });
});
