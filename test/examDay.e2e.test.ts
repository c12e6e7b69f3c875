import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { callList } from '../src/domain/aftercare/callList';
import { waitlistOf } from '../src/domain/aftercare/waitlist';
import { buildReport } from '../src/domain/reports/reports';
import { lowestHealthClasses } from '../src/domain/results/classification';
import { bookings, careRequests, followUps, outbox, type Cadre, type Campaign } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';
import { draft, release } from './resultsSupport';

/**
 * One exam round of one clinic from the nudge to the figures, through the real webhook, outbox, workers and staff
 * pages, on a controlled clock. The campaign opens on Monday 02/03/2026; its only exam day is Thursday 05/03
 * (07:00–08:00, 8 places). Who does what:
 * - An, Bình, Em, Giang, Hà answer the day-before question "1 Sẽ đến"; Cường answers "3" and frees his place;
 *   Dũng and Khoa do not answer; Lan, on the waitlist, gets Cường's place;
 * - on the day An, Bình, Giang, Hà, Khoa and Lan check in; Dũng and Em do not come;
 * - Minh, Nga, Phúc and Quang never book, even after the nudge.
 */

const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-05';
const local = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+07:00`);

const PEOPLE = [
  { key: 'an', fullName: 'Nguyễn Văn An', birthDate: '1944-01-10' },
  { key: 'binh', fullName: 'Trần Thị Bình', sex: 'female', birthDate: '1946-02-11' },
  { key: 'cuong', fullName: 'Lê Văn Cường', birthDate: '1947-03-12' },
  { key: 'dung', fullName: 'Phạm Văn Dũng', birthDate: '1945-04-13' },
  { key: 'em', fullName: 'Hoàng Văn Em', birthDate: '1950-05-14' },
  { key: 'giang', fullName: 'Vũ Thị Giang', sex: 'female', birthDate: '1949-06-15' },
  { key: 'ha', fullName: 'Đỗ Thị Hà', sex: 'female', birthDate: '1951-07-16' },
  { key: 'khoa', fullName: 'Bùi Văn Khoa', birthDate: '1948-08-17' },
  { key: 'lan', fullName: 'Ngô Thị Lan', sex: 'female', birthDate: '1952-09-18' },
  { key: 'minh', fullName: 'Đặng Văn Minh', birthDate: '1936-10-19' },
  { key: 'nga', fullName: 'Lý Thị Nga', sex: 'female', birthDate: '1941-11-20', frail: true },
  { key: 'phuc', fullName: 'Trịnh Văn Phúc', birthDate: '1941-05-21', healthClass: 'IV' },
  { key: 'quang', fullName: 'Mai Văn Quang', birthDate: '1941-03-22', healthClass: 'II' },
] as const;
type Key = (typeof PEOPLE)[number]['key'];

let h: Harness;
let clock: ManualClock;
let campaign: Campaign;
let clinicId: number;
/** The clinic's staff member, logged in on the exam day. */
let staff: Session;
const cadre = {} as Record<Key, Cadre>;
const user = {} as Record<Key, string>;
const booking = {} as Record<Key, number>;
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000', WAITLIST_OFFER_MINUTES: '60', ATTENDANCE_DEFAULT_MINUTES_PER_CADRE: '10' } });
  const seeded = seedRegistry(
    db(),
    PEOPLE.map((p, i) => ({ code: `E-${i + 1}`, phone: `8491300000${String(i).padStart(2, '0')}`, sex: 'male' as const, ...p, key: undefined })),
    START,
  );
  clinicId = seeded.clinic.id;
  campaign = campaignWithSlots(h, { clinicIds: [clinicId], nudgeAfterDays: 1 }, { fromDate: EXAM_DAY, toDate: EXAM_DAY, startTime: 7 * 60, endTime: 8 * 60, capacity: 4 });
  PEOPLE.forEach((p, i) => {
    cadre[p.key] = seeded.cadres[i]!;
    user[p.key] = `87100000000000${String(100 + i)}`;
    linkUser(h, user[p.key], cadre[p.key].id);
  });
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', clinicId);
  await makeStaff(h, 'dieuphoi', 'coordinator');
});
afterAll(() => h?.stop());

/** Moves the clock and lets the relay and the reconciler start whatever is due now. */
async function at(instant: number) {
  clock.set(instant);
  await h.runtime.relay.flush();
  await h.runtime.reconcile();
}
const textsTo = (k: Key) => h.fake.messagesTo(user[k]).map((m) => m.text ?? '');
const bookingOf = (k: Key) => db().select().from(bookings).where(eq(bookings.id, booking[k])).get()!;

/** Books through the webhook the way a cadre does: the menu, the clinic, the day, the time, then "đồng ý". */
async function bookByChat(k: Key, time: string): Promise<string> {
  let r = await chat(h, user[k], 'đặt lịch khám');
  if (r.text.includes('1. Phòng khám A Hải Phòng')) r = await chat(h, user[k], '1');
  if (r.text.includes('Các ngày còn chỗ')) r = await chat(h, user[k], '1');
  if (r.text.includes('Các giờ còn chỗ')) r = await chat(h, user[k], time);
  if (r.text.includes('Xin xác nhận')) r = await chat(h, user[k], 'đồng ý');
  return r.text;
}

const dayUrl = () => `/staff/booking/${campaign.id}/day?clinicId=${clinicId}&date=${EXAM_DAY}`;
const counterNext = () => `/staff/booking/${campaign.id}/day/counter/next?clinicId=${clinicId}&date=${EXAM_DAY}`;
const callOrder = (rows: { fullName: string; reason: string }[]) => rows.map((r) => [r.fullName, r.reason]);

describe('an exam day from booking to the figures', () => {
  it('booking, nudges, the day-before question, the waitlist, check-in and queue, no-shows, the reports and the call list; then ratings, follow-ups on worrying results and their escalation', async () => {
    // Monday: eight cadres book through the webhook; the day is full.
    const times: [Key, string][] = [
      ['an', '7:00'],
      ['binh', '7:00'],
      ['cuong', '7:00'],
      ['dung', '7:00'],
      ['em', '7:30'],
      ['giang', '7:30'],
      ['ha', '7:30'],
      ['khoa', '7:30'],
    ];
    for (const [k, time] of times) {
      expect(await bookByChat(k, time)).toContain(`Đã đặt lịch khám cho`);
      booking[k] = db().select().from(bookings).where(eq(bookings.cadreId, cadre[k].id)).get()!.id;
    }
    // Lan finds the clinic full and joins its waitlist.
    const full = await chat(h, user.lan, 'đặt lịch khám');
    expect(full.text).toContain('đã hết chỗ trong đợt khám này');
    expect((await chat(h, user.lan, '1')).text).toContain('Đã ghi tên Bà Ngô Thị Lan vào danh sách chờ tại Phòng khám A Hải Phòng');

    // Tuesday 09:00: the nudge reaches the four who have not booked, nobody else.
    await at(local('2026-03-03', '09:00'));
    for (const k of ['minh', 'nga', 'phuc', 'quang'] as const) {
      await waitFor(() => textsTo(k).find((t) => t.includes('chưa đặt lịch khám')), `nudge to ${k}`);
    }
    expect(textsTo('an').some((t) => t.includes('chưa đặt lịch khám'))).toBe(false);

    // Wednesday 07:00 and 07:30: the day-before question.
    await at(local('2026-03-04', '07:00'));
    await at(local('2026-03-04', '07:30'));
    for (const [k] of times) await waitFor(() => textsTo(k).find((t) => t.includes('3. Không đến được')), `question to ${k}`);
    clock.set(local('2026-03-04', '07:40'));
    for (const k of ['an', 'em', 'giang', 'ha'] as const) expect((await chat(h, user[k], '1')).text).toContain('sẽ đến khám Thứ Năm, 05/03/2026');
    expect((await chat(h, user.binh, 'se den')).text).toContain('Đã ghi nhận Bà Trần Thị Bình sẽ đến khám');
    // Cường answers 3: asked why, shown a summary, the place freed on his yes.
    expect((await chat(h, user.cuong, '3')).text).toContain('Xin cho biết vì sao Ông không đến được');
    expect((await chat(h, user.cuong, 'Phải đi viện')).text).toContain('Chỗ khám sẽ được nhường cho người khác.');
    expect((await chat(h, user.cuong, 'đồng ý')).text).toContain('chỗ đã được nhường cho người khác');
    expect(bookingOf('cuong')).toMatchObject({ status: 'cancelled', confirmation: 'declined' });

    // The freed place goes to Lan, first (and only) in line; she takes it.
    await h.runtime.relay.flush();
    const offer = await waitFor(() => textsTo('lan').find((t) => t.includes('vừa có một chỗ trống')), 'waitlist offer to Lan');
    expect(offer).toContain('Thứ Năm, 05/03/2026, lúc 7:00');
    expect(waitlistOf(db(), campaign.id, null).map((r) => [r.fullName, r.status, r.offer?.status])).toEqual([['Ngô Thị Lan', 'offered', 'open']]);
    clock.set(local('2026-03-04', '07:50'));
    expect((await chat(h, user.lan, '1')).text).toContain('Đã đặt lịch khám cho Bà Ngô Thị Lan');
    booking.lan = db().select().from(bookings).where(and(eq(bookings.cadreId, cadre.lan.id), eq(bookings.status, 'booked'))).get()!.id;
    expect(waitlistOf(db(), campaign.id, null).map((r) => [r.fullName, r.status])).toEqual([['Ngô Thị Lan', 'booked']]);

    // Wednesday afternoon: the call list has the four who never booked, Cường, and the two who did not answer, oldest first,
    // the frail before others of the same age, then the worse health class.
    clock.set(local('2026-03-04', '15:00'));
    const dayBefore = callList(db(), campaign.id, null, clock.now());
    expect(callOrder(dayBefore.pending)).toEqual([
      ['Đặng Văn Minh', 'not_booked'],
      ['Lý Thị Nga', 'not_booked'],
      ['Trịnh Văn Phúc', 'not_booked'],
      ['Mai Văn Quang', 'not_booked'],
      ['Phạm Văn Dũng', 'unconfirmed'],
      // Cường gave his place up: still to be examined, so still to be called.
      ['Lê Văn Cường', 'not_booked'],
      ['Bùi Văn Khoa', 'unconfirmed'],
    ]);

    // Thursday 06:30: the morning reminder carries each cadre's check-in code (Lan's too).
    await at(local(EXAM_DAY, '06:30'));
    const codeOf = async (k: Key) => {
      const text = await waitFor(() => textsTo(k).find((t) => t.startsWith('Hôm nay')), `morning reminder to ${k}`);
      expect(text).toContain('nhắn "đã đến"');
      return /Mã đến khám: (\d{4})/.exec(text)![1]!;
    };
    const codes = { binh: await codeOf('binh'), giang: await codeOf('giang'), lan: await codeOf('lan') };
    expect(bookingOf('lan').checkInCode).toBe(codes.lan);

    // Check-in: by chat, by the code typed in chat, by staff typing the code, by staff tapping the name. The wait
    // is the configured 10 minutes per person until the counter has a pace of its own.
    clock.set(local(EXAM_DAY, '06:50'));
    expect((await chat(h, user.an, 'đã đến')).text).toContain('Số thứ tự của Ông: 1.\nÔng là người tiếp theo.');
    clock.set(local(EXAM_DAY, '06:52'));
    expect((await chat(h, user.binh, codes.binh)).text).toContain('Số thứ tự của Bà: 2.\nTrước Bà còn 1 người, chờ khoảng 10 phút. Sắp đến lượt Bà.');
    clock.set(local(EXAM_DAY, '06:54'));
    staff = await login(h, 'nhanvien.a');
    const byCode = await postForm(h, `/staff/booking/${campaign.id}/day/checkin?clinicId=${clinicId}&date=${EXAM_DAY}`, staff, { code: codes.giang });
    expect(byCode.headers.get('location')).toBe(`${dayUrl()}&msg=so-3`);
    clock.set(local(EXAM_DAY, '06:56'));
    expect((await postForm(h, `/staff/booking/bookings/${booking.ha}/checkin`, staff, { back: dayUrl() })).headers.get('location')).toBe(`${dayUrl()}&msg=so-4`);
    await h.runtime.relay.flush();
    expect(await waitFor(() => textsTo('giang').find((t) => t.includes('Số thứ tự')), 'number for Giang')).toContain('Trước Bà còn 2 người, chờ khoảng 20 phút. Sắp đến lượt Bà.');
    expect(await waitFor(() => textsTo('ha').find((t) => t.includes('Số thứ tự')), 'number for Hà')).toContain('Trước Bà còn 3 người, chờ khoảng 30 phút. Sắp đến lượt Bà.');
    clock.set(local(EXAM_DAY, '06:58'));
    expect((await chat(h, user.khoa, 'da den')).text).toContain('Số thứ tự của Ông: 5.\nTrước Ông còn 4 người, chờ khoảng 40 phút.\n');

    // The counter calls: number 1 leaves Khoa three ahead, and he is told "sắp đến lượt".
    clock.set(local(EXAM_DAY, '07:00'));
    expect((await postForm(h, counterNext(), staff)).status).toBe(303);
    await h.runtime.relay.flush();
    expect(await waitFor(() => textsTo('khoa').find((t) => t.startsWith('Sắp đến lượt')), 'near turn for Khoa')).toBe(
      'Sắp đến lượt Ông (số 5). Trước Ông còn 3 người. Xin Ông chuẩn bị vào phòng khám.',
    );
    for (const hhmm of ['07:06', '07:12']) {
      clock.set(local(EXAM_DAY, hhmm));
      expect((await postForm(h, counterNext(), staff)).status).toBe(303);
    }
    // Three calls six minutes apart: the wait now follows the counter's pace.
    clock.set(local(EXAM_DAY, '07:13'));
    const lan = await chat(h, user.lan, 'đã đến');
    expect(lan.text).toContain('Số thứ tự của Bà: 6.\nTrước Bà còn 2 người, chờ khoảng 12 phút. Sắp đến lượt Bà.');
    const counter = await (await get(h, `/staff/booking/${campaign.id}/day/counter?clinicId=${clinicId}&date=${EXAM_DAY}`, staff)).text();
    expect(counter).toContain('Mời số 3');
    expect(counter).toContain('V.T.G.');
    expect(counter).toContain('Khoảng 6 phút mỗi người (theo nhịp gọi hôm nay)');
    for (const p of PEOPLE) expect(counter).not.toContain(p.fullName);
    for (const hhmm of ['07:18', '07:24', '07:30']) {
      clock.set(local(EXAM_DAY, hhmm));
      await postForm(h, counterNext(), staff);
    }
    expect(db().select().from(bookings).all().filter((b) => b.calledAt !== null)).toHaveLength(6);

    // Dũng and Em never came: staff mark them absent at the end of the morning.
    clock.set(local(EXAM_DAY, '11:30'));
    for (const k of ['dung', 'em'] as const) {
      expect((await postForm(h, `/staff/booking/bookings/${booking[k]}/attendance`, staff, { status: 'no_show', back: dayUrl() })).status).toBe(303);
    }
    expect(times.map(([k]) => [k, bookingOf(k).status])).toEqual([
      ['an', 'attended'],
      ['binh', 'attended'],
      ['cuong', 'cancelled'],
      ['dung', 'no_show'],
      ['em', 'no_show'],
      ['giang', 'attended'],
      ['ha', 'attended'],
      ['khoa', 'attended'],
    ]);

    // Friday: the figures. Confirmed: An, Bình, Em, Giang, Hà (Em absent); not confirmed: Dũng, Khoa, Lan (Dũng absent).
    await at(local('2026-03-06', '09:00'));
    const report = buildReport(db(), { campaign: campaign.id }, clock.now());
    const noShows = report.tables.find((t) => t.key === 'noShows')!;
    expect(noShows.rows).toEqual([[campaign.name, 'Phòng khám A Hải Phòng', 5, 1, 0.2, 3, 1, 0.3333, 8, 2, 0.25]]);
    const boss = await login(h, 'dieuphoi');
    const html = await (await get(h, `/staff/reports?campaign=${campaign.id}`, boss)).text();
    const section = html.slice(html.indexOf('data-table="noShows"'), html.indexOf('</section>', html.indexOf('data-table="noShows"')));
    for (const figure of ['20,0 %', '33,3 %', '25,0 %']) expect(section).toContain(figure);

    // The call list after the day: those who never booked and the two who did not come; Khoa came and is off it.
    const after = callList(db(), campaign.id, null, clock.now());
    expect(callOrder(after.pending)).toEqual([
      ['Đặng Văn Minh', 'not_booked'],
      ['Lý Thị Nga', 'not_booked'],
      ['Trịnh Văn Phúc', 'not_booked'],
      ['Mai Văn Quang', 'not_booked'],
      ['Phạm Văn Dũng', 'no_show'],
      ['Lê Văn Cường', 'not_booked'],
      ['Hoàng Văn Em', 'no_show'],
    ]);
    // Nothing went to anyone twice: one "sắp đến lượt" per cadre at most.
    const nearTurns = db().select().from(outbox).all().filter((r) => (r.payload as { ref?: { kind: string } }).ref?.kind === 'attendance.nearTurn');
    expect(new Set(nearTurns.map((r) => r.subject)).size).toBe(nearTurns.length);
    console.log(
      `exam day figures: no-shows confirmed ${String(noShows.rows[0]![3])}/${String(noShows.rows[0]![2])} (${String(noShows.rows[0]![4])}), ` +
        `not confirmed ${String(noShows.rows[0]![6])}/${String(noShows.rows[0]![5])} (${String(noShows.rows[0]![7])}), all ${String(noShows.rows[0]![9])}/${String(noShows.rows[0]![8])} (${String(noShows.rows[0]![10])}); ` +
        `waits at check-in 0/10/20/30/40 min at the default pace, 12 min (2 ahead) at the measured 6 min pace; call list after the day: ${after.pending.length}`,
    );

    // After the day, one rating question per cadre who came (none for those absent or who gave their place up).
    const QUESTION = 'Xin chấm từ 1 (chưa hài lòng) đến 5 (rất hài lòng)';
    const came = ['an', 'binh', 'giang', 'ha', 'khoa', 'lan'] as const;
    for (const k of came) await waitFor(() => textsTo(k).find((t) => t.includes(QUESTION)), `rating question to ${k}`);
    for (const k of PEOPLE.map((p) => p.key)) expect(textsTo(k).filter((t) => t.includes(QUESTION))).toHaveLength((came as readonly Key[]).includes(k) ? 1 : 0);
    clock.set(local('2026-03-06', '09:30'));
    expect((await chat(h, user.an, '5 sao')).text).toContain('Cảm ơn Ông đã đánh giá');
    expect((await chat(h, user.binh, 'tot lam')).text).toContain('Cảm ơn Bà đã đánh giá');
    expect((await chat(h, user.khoa, 'cũng được')).text).toContain('Cảm ơn Ông đã đánh giá');
    expect((await chat(h, user.lan, '2 cho lau qua')).text).toContain('Trưởng phòng khám sẽ xem xét và liên hệ lại với Bà');
    const complaint = db().select().from(careRequests).where(and(eq(careRequests.cadreId, cadre.lan.id), eq(careRequests.type, 'feedback'))).get()!;
    expect(complaint.details).toContain('Góp ý: cho lau qua');

    // Results: Khoa in the lowest class of the scheme, An marked for re-examination. Each opens a follow-up,
    // offered in Zalo two hours after the "results ready" notice.
    const doctor = await makeStaff(h, 'bacsi', 'doctor');
    const asDoctor = { id: doctor.id, role: doctor.role, clinicId: null };
    const result = { examDate: EXAM_DAY, campaignId: campaign.id, clinicId };
    const lowest = lowestHealthClasses().at(-1)!;
    const drafts = [
      draft(db(), asDoctor, cadre.khoa.id, { ...result, healthClass: lowest }, clock.now()),
      draft(db(), asDoctor, cadre.an.id, { ...result, healthClass: 'III', followUp: true, followUpWhere: 'Khoa Tim mạch' }, clock.now()),
      draft(db(), asDoctor, cadre.binh.id, { ...result, healthClass: 'II' }, clock.now()),
    ];
    release(db(), asDoctor, drafts.map((d) => d.id), clock.now());
    expect(db().select().from(followUps).all().map((f) => [f.cadreId, f.reason]).sort()).toEqual([
      [cadre.an.id, 'reexam'],
      [cadre.khoa.id, 'class'],
    ].sort());
    await at(local('2026-03-06', '11:30'));
    const OFFER = 'khám lại để theo dõi sức khỏe';
    for (const k of ['khoa', 'an'] as const) await waitFor(() => textsTo(k).find((t) => t.includes(OFFER)), `follow-up offer to ${k}`);
    expect(textsTo('binh').some((t) => t.includes(OFFER))).toBe(false);
    // An answers with words: a re-examination request; the clinic does it the next week and the follow-up is done.
    expect((await chat(h, user.an, 'hen kham lai')).text).toContain('Đã gửi đề nghị hẹn khám lại (mã YC-');
    const fAn = db().select().from(followUps).where(eq(followUps.cadreId, cadre.an.id)).get()!;
    expect(fAn.choice).toBe('clinic');
    clock.set(local('2026-03-10', '10:00'));
    expect((await postForm(h, `/staff/requests/${fAn.requestId}/done`, await login(h, 'nhanvien.a'), { note: 'Đã khám lại' })).status).toBe(303);
    expect(db().select().from(followUps).where(eq(followUps.id, fAn.id)).get()!.status).toBe('done');

    // Khoa never answers: the morning after the due date (14 days after release) his follow-up escalates as a request.
    const fKhoa = db().select().from(followUps).where(eq(followUps.cadreId, cadre.khoa.id)).get()!;
    expect(fKhoa.dueDate).toBe('2026-03-20');
    await at(local('2026-03-21', '08:00'));
    const escalated = await waitFor(() => db().select().from(followUps).where(eq(followUps.id, fKhoa.id)).get()!.escalationRequestId, 'overdue follow-up escalated');
    expect(db().select().from(careRequests).where(eq(careRequests.id, escalated)).get()).toMatchObject({ type: 'follow_up', cadreId: cadre.khoa.id, clinicId });
    const overdue = await (await get(h, '/staff/follow-ups?status=overdue', await login(h, 'nhanvien.a'))).text();
    expect(overdue).toContain('Bùi Văn Khoa');
    expect(overdue).not.toContain('Nguyễn Văn An');

    // The report: follow-ups 2 opened, 1 done, 1 overdue (50%); ratings at the clinic in March: 4 answers, average 3.75.
    const final = buildReport(db(), { campaign: campaign.id }, clock.now());
    const followUpRow = final.tables.find((t) => t.key === 'followUps')!.rows;
    const ratingRow = final.tables.find((t) => t.key === 'ratings')!.rows;
    expect(followUpRow).toEqual([[campaign.name, 2, 1, 0, 1, 1, 0.5]]);
    expect(ratingRow).toEqual([['Phòng khám A Hải Phòng', '03/2026', 4, 3.75, 1]]);
    const reportPage = await (await get(h, `/staff/reports?campaign=${campaign.id}`, await login(h, 'dieuphoi'))).text();
    const ratingSection = reportPage.slice(reportPage.indexOf('data-table="ratings"'), reportPage.indexOf('</section>', reportPage.indexOf('data-table="ratings"')));
    expect(ratingSection).toContain('3,75');
    console.log(`after the exam day: follow-ups ${String(followUpRow[0]![1])} opened, ${String(followUpRow[0]![2])} done, ${String(followUpRow[0]![5])} overdue (completion ${String(followUpRow[0]![6])}); ratings ${String(ratingRow[0]![2])} answers, average ${String(ratingRow[0]![3])}, ${String(ratingRow[0]![4])} low`);
  });
});
