import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, bookings, cadres, careRequests, faqEntries, handoffMessages, handoffs, outbox, type Cadre, type Clinic } from '../src/store/schema';
import { createSlots } from '../src/domain/booking/slots';
import { SlotsInput } from '../src/domain/booking/campaigns';
import { createRequest } from '../src/domain/requests/creation';
import { inTransaction } from '../src/store/db';
import { userLane } from '../src/jobs/enqueue';
import { ZALO_BUTTON_TITLE_LIMIT } from '../src/conversation/messages';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { addClinic, campaignWithSlots, chat, linkUser } from './bookingSupport';
import { draft, release, staffRow } from './resultsSupport';
import type { ActingStaff } from '../src/domain/staff/actor';
import { get, login, makeStaff, postForm } from './staffSupport';

/** End-to-end chats through the signed webhook for the everyday flows: results, delivery, booking, linking, ... */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let clinic: Clinic;
let doctor: ActingStaff;
let nurse: ActingStaff;
const cadreList: Cadre[] = [];
let nextCadre = 0;
let nextUser = 860_000_000_000_000_000n;
const newUser = () => String(nextUser++);
const nextCadreOf = () => cadreList[nextCadre++]!;
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    db(),
    Array.from({ length: 30 }, (_, i) => ({
      code: `CB${String(700 + i).padStart(4, '0')}`,
      fullName: `Nguyễn Văn Số ${i}`,
      sex: i % 2 ? ('female' as const) : ('male' as const),
      email: i === 29 ? null : `so${i}@example.test`,
    })),
    START,
  );
  clinic = seeded.clinic;
  cadreList.push(...seeded.cadres);
  doctor = staffRow(db(), 'doctor', null, START);
  nurse = staffRow(db(), 'clinic_staff', clinic.id, START);
});
afterAll(() => h?.stop());
beforeEach(() => clock.advance(60_000));

/** The "results are ready" notices settle before an account is linked, so they do not interleave with a chat. */
async function settleNotices() {
  h.runtime.relay.kick();
  await waitFor(() => db().select().from(outbox).where(eq(outbox.kind, 'notice.cadre')).all().every((r) => r.status === 'done' || r.status === 'failed' || r.dueAt > clock.now()), 'notices settled');
}

const sendsTo = (user: string) => h.fake.calls.filter((c) => c.route === 'send' && c.userId === user);

describe('earlier results and Zalo limits', () => {
  it('"1" at "Các lần khám trước" answers, with a long clinic name in the list, and every button fits', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    const longClinic = addClinic(h, 'BVDKQT', 'Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray', '');
    for (const [examDate, conclusions] of [
      ['2024-09-10', 'Kết luận năm 2024'],
      ['2025-03-10', 'Kết luận đợt 1 năm 2025'],
      ['2026-02-20', 'Kết luận mới nhất'],
    ] as const) {
      const d = draft(db(), nurse, cadre.id, { examDate, clinicId: longClinic, healthClass: 'II', conclusions }, clock.now());
      release(db(), doctor, [d.id], clock.now());
    }
    await settleNotices();
    linkUser(h, user, cadre.id);
    const latest = await chat(h, user, 'xem kết quả');
    expect(latest.text).toContain('Kết luận mới nhất');
    expect(latest.text).toContain('1. Các lần khám trước');

    const list = await chat(h, user, '1');
    expect(list.text).toContain('1. Khám ngày 10/03/2025 – Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray');
    expect(list.text).toContain('2. Khám ngày 10/09/2024');
    const earlier = await chat(h, user, '2');
    expect(earlier.text).toContain('Kết luận năm 2024');

    const sent = h.fake.messagesTo(user);
    for (const m of sent) for (const b of m.buttons) expect(b.title.length).toBeLessThanOrEqual(ZALO_BUTTON_TITLE_LIMIT);
    // The full label still travels as the payload, so a tap chooses the same item as typing it.
    expect(sent.flatMap((m) => m.buttons.map((b) => String(b.payload)))).toContain('Khám ngày 10/03/2025 – Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray');
    expect(sendsTo(user).every((c) => c.outcome === 0)).toBe(true);
  });

  it('a reply Zalo refuses for good fails at once and the user’s next reply goes out right after', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    h.fake.inject({ route: 'send', userId: user, error: -213, times: 1 });
    const started = Date.now();
    expect((await h.say(user, 'menu')).status).toBe(200);
    const next = await chat(h, user, 'xem kết quả');
    const waited = Date.now() - started;
    await h.settled(user);
    expect(next.text).toContain('chưa có kết quả khám nào');
    // One try only for the refused reply (no retries holding the lane), and it is recorded as failed.
    expect(sendsTo(user).map((c) => c.outcome)).toEqual([-213, 0]);
    // Zalo has the second reply; the worker marks its row done right after: wait for that, whatever the load.
    const laneRows = () => db().select().from(outbox).where(and(eq(outbox.lane, userLane(user)))).orderBy(outbox.id).all();
    await waitFor(() => laneRows().at(-1)?.status === 'done', 'second reply marked done');
    const rows = laneRows();
    expect(rows.map((r) => r.status)).toEqual(['failed', 'done']);
    expect(rows[0]!.attempts).toBeLessThanOrEqual(1);
    expect(waited).toBeLessThan(5_000);
  });

  it('a stored reply that no longer fits the send schema fails at once instead of retrying', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    const now = clock.now();
    db()
      .insert(outbox)
      .values({ kind: 'zalo.message', lane: userLane(user), payload: { userId: user, messages: [{ type: 'text', text: '' }] }, dueAt: now, status: 'pending', createdAt: now, updatedAt: now })
      .run();
    h.runtime.relay.kick();
    const next = await chat(h, user, 'menu');
    expect(next.text).toContain('cần gì ạ?');
    const rows = db().select().from(outbox).where(eq(outbox.lane, userLane(user))).orderBy(outbox.id).all();
    expect(rows[0]).toMatchObject({ status: 'failed' });
    expect(rows[0]!.lastError).toContain('malformed');
  });
});

describe('booking: every open day, typed days and times, plain yes', () => {
  let campaignId = 0;
  beforeAll(() => {
    const c = campaignWithSlots(h, { clinicIds: [clinic.id] }, { fromDate: '2026-03-03', toDate: '2026-03-31', startTime: 7 * 60, endTime: 9 * 60, slotMinutes: 60 });
    campaignId = c.id;
    createSlots(db(), { type: 'system', id: 'test' }, c.id, SlotsInput.parse({ clinicIds: [clinic.id], fromDate: '2026-03-03', toDate: '2026-03-31', startTime: '14:00', endTime: '15:00', slotMinutes: 60, capacity: 2 }), clock.now());
  });
  const bookingsOf = (cadreId: number) => db().select().from(bookings).where(eq(bookings.cadreId, cadreId)).all();

  it('keeps the day given in the first sentence: "cho tôi đặt lịch khám ngày mai"', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    const times = await chat(h, user, 'cho tôi đặt lịch khám ngày mai');
    expect(times.text).toContain('Các giờ còn chỗ Thứ Ba, 03/03/2026');
    expect(times.text).toContain('14:00');
    const confirm = await chat(h, user, '2 giờ chiều');
    expect(confirm.text).toContain('Thứ Ba, 03/03/2026, lúc 14:00');
    const done = await chat(h, user, 'vâng');
    expect(done.text).toContain('Đã đặt lịch khám cho');
    // An afternoon exam is not told to skip breakfast.
    expect(done.text).not.toContain('Nhịn ăn sáng');
    expect(done.text).toContain('Khám buổi chiều');
    expect(done.text).toContain('Mang theo sổ y bạ');
    expect(bookingsOf(cadre.id)).toHaveLength(1);
    expect(campaignId).toBeGreaterThan(0);
  });

  it('offers every open day, seven at a time, and more on request; the example in the prompt is accepted', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    const days = await chat(h, user, 'đặt lịch khám');
    expect(days.text).toContain('1. Thứ Ba, 03/03/2026');
    expect(days.text).toContain('7. Thứ Tư, 11/03/2026');
    expect(days.text).toContain('8. Xem thêm ngày');
    expect(days.text).toContain('gõ ngày như 03/03');
    expect(days.buttons).toContain('Xem thêm ngày');
    const more = await chat(h, user, '8');
    expect(more.text).toContain('1. Thứ Năm, 12/03/2026');
    expect(more.text).toContain('8. Xem thêm ngày');
    const last = await chat(h, user, 'xem thêm ngày');
    expect(last.text).toContain('1. Thứ Hai, 23/03/2026');
    expect(last.text).toContain('7. Thứ Ba, 31/03/2026');
    expect(last.text).toContain('8. Về các ngày đầu');
    const noMore = await chat(h, user, 'xem them ngay');
    expect(noMore.text).toContain('Đó là tất cả các ngày còn chỗ.');
    // A day far down the list, typed as the prompt's example shows.
    const times = await chat(h, user, '05/03');
    expect(times.text).toContain('Các giờ còn chỗ Thứ Năm, 05/03/2026');
    const confirm = await chat(h, user, '7h');
    expect(confirm.text).toContain('Thứ Năm, 05/03/2026, lúc 7:00');
    const done = await chat(h, user, 'được');
    expect(done.text).toContain('Đã đặt lịch khám cho');
    expect(done.text).toContain('Nhịn ăn sáng'); // a morning exam keeps the advice
  });

  it('typed dates, weekdays and "mai" at the day step; days outside the campaign or full are explained', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    await chat(h, user, 'đặt lịch');
    const outside = await chat(h, user, '15/12');
    expect(outside.text).toContain('Thứ Ba, 15/12/2026 không có lịch khám của đợt này (đợt khám từ 02/03/2026 đến 31/03/2026).');
    expect(outside.text).toContain('1. Thứ Ba, 03/03/2026');
    const sunday = await chat(h, user, 'chủ nhật');
    expect(sunday.text).toContain('Chủ Nhật, 08/03/2026 không còn chỗ.');
    const weekday = await chat(h, user, 'thứ 5 tuần sau');
    expect(weekday.text).toContain('Các giờ còn chỗ Thứ Năm, 12/03/2026');
    const tomorrow = await chat(h, user, 'mai');
    expect(tomorrow.text).toContain('Các giờ còn chỗ Thứ Ba, 03/03/2026');
    const confirm = await chat(h, user, '14:00');
    expect(confirm.text).toContain('lúc 14:00');
    // "dung" may be "dừng" (stop) as well as "đúng" (right): it is a no, nothing is booked, the times come back.
    const stop = await chat(h, user, 'dung');
    expect(stop.text).not.toContain('Đã đặt lịch');
    expect(stop.text).toContain('Các giờ còn chỗ Thứ Ba, 03/03/2026');
    await chat(h, user, '14h');
    const back = await chat(h, user, 'thôi');
    expect(back.text).toContain('Các giờ còn chỗ Thứ Ba, 03/03/2026');
    await chat(h, user, '14h');
    expect((await chat(h, user, 'vâng, nhưng thôi không đặt nữa')).text).not.toContain('Đã đặt lịch');
    expect(bookingsOf(cadre.id)).toHaveLength(0);
  });

  it('a day typed before linking is kept: "đặt lịch khám thứ năm tuần sau", then linking by phone, goes on to that Thursday', async () => {
    const cadre = nextCadreOf();
    db().update(cadres).set({ phone: '84987001133' }).where(eq(cadres.id, cadre.id)).run();
    const user = newUser();
    const asked = await chat(h, user, 'dat lich kham thu nam tuan sau');
    expect(asked.text).toContain('xác minh');
    // Linking takes a while; the Thursday meant is the one of the week after the message was typed.
    clock.advance(10 * 60_000);
    const before = h.fake.messagesTo(user).length;
    expect((await h.deliver(events.submitInfoEvent(ids, user, { phone: '0987001133' }, clock.now()))).status).toBe(200);
    const replies = await waitFor(() => (h.fake.messagesTo(user).length >= before + 2 ? h.fake.messagesTo(user).slice(before) : null), 'greeting and times');
    const text = replies.map((m) => m.text).join('\n---\n');
    expect(text).toContain('Xác minh thành công');
    expect(text).toContain('Các giờ còn chỗ Thứ Năm, 12/03/2026');
    const confirm = await chat(h, user, '7h');
    expect(confirm.text).toContain('Thứ Năm, 12/03/2026, lúc 7:00');
    expect((await chat(h, user, 'vâng')).text).toContain('Đã đặt lịch khám cho');
    expect(bookingsOf(cadre.id)).toHaveLength(1);
  });

  it('"tuần sau" alone offers the open days of next week, at the day step and in the first sentence', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    await chat(h, user, 'đặt lịch');
    const week = await chat(h, user, 'tuần sau');
    expect(week.text).toContain('Các ngày còn chỗ từ 09/03/2026 đến 15/03/2026');
    expect(week.text).toContain('1. Thứ Hai, 09/03/2026');
    expect(week.text).toContain('5. Thứ Sáu, 13/03/2026');
    expect(week.text).not.toContain('Thứ Ba, 03/03/2026');
    expect(week.text).toContain('6. Về các ngày đầu');
    const times = await chat(h, user, '2');
    expect(times.text).toContain('Các giờ còn chỗ Thứ Ba, 10/03/2026');

    const other = nextCadreOf();
    const second = newUser();
    linkUser(h, second, other.id);
    const first = await chat(h, second, 'dat lich kham tuan toi nhe');
    expect(first.text).toContain('Các ngày còn chỗ từ 09/03/2026 đến 15/03/2026');
    expect((await chat(h, second, '6')).text).toContain('1. Thứ Ba, 03/03/2026');
  });
});

describe('the goal given before linking', () => {
  it('"xem kết quả" before linking shows the cadre’s released results right after linking by phone', async () => {
    const cadre = nextCadreOf();
    db().update(cadres).set({ phone: '84987001122' }).where(eq(cadres.id, cadre.id)).run();
    for (const [examDate, conclusions] of [
      ['2025-03-10', 'Kết luận cũ (GOAL-1)'],
      ['2026-02-20', 'Kết luận mới (GOAL-2)'],
    ] as const) {
      const d = draft(db(), nurse, cadre.id, { examDate, healthClass: 'II', conclusions }, clock.now());
      release(db(), doctor, [d.id], clock.now());
    }
    await settleNotices();
    const user = newUser();
    const asked = await chat(h, user, 'xem kết quả');
    expect(asked.text).toContain('xác minh');
    const before = h.fake.messagesTo(user).length;
    expect((await h.deliver(events.submitInfoEvent(ids, user, { phone: '0987001122' }, clock.now()))).status).toBe(200);
    const replies = await waitFor(() => (h.fake.messagesTo(user).length >= before + 2 ? h.fake.messagesTo(user).slice(before) : null), 'greeting and results');
    const text = replies.map((m) => m.text).join('\n---\n');
    expect(text).toContain('Xác minh thành công');
    expect(text).not.toContain('chưa có kết quả');
    expect(text).toContain('GOAL-2');
    expect(text).toContain('1. Các lần khám trước');
  });
});

describe('linking without dead ends', () => {
  it('"tôi không nhớ mã" gets help with an example in the registry’s own format, and a typed code carries on', async () => {
    const user = newUser();
    const ask = await chat(h, user, 'xem kết quả');
    expect(ask.text).toContain('2. Nhập mã cán bộ');
    const code = await chat(h, user, '2');
    expect(code.text).toContain('ví dụ: CB0123');
    expect(code.text).not.toContain('HP-00123');
    const help = await chat(h, user, 'tôi không nhớ mã');
    expect(help.text).toContain('Mã cán bộ in ở trang đầu sổ y bạ hoặc trên thẻ khám sức khỏe, có dạng CB0123.');
    expect(help.text).toContain('1. Gửi số điện thoại');
    expect(help.text).toContain('2. Nhờ nhân viên xác minh');
    // Asking again does not loop on the same question.
    const again = await chat(h, user, 'khong nho');
    expect(again.text).toContain('2. Nhờ nhân viên xác minh');
    const share = await chat(h, user, '1');
    expect(share.text).toContain('[request_user_info]');
    await h.settled(user);
    const cadre = nextCadreOf();
    const typed = await chat(h, user, '2');
    expect(typed.text).toContain('Xin gõ mã cán bộ');
    expect((await chat(h, user, cadre.code)).text).toContain('ngày sinh');
  });

  it('no email on record: staff are offered and verify in chat; not just "call us"', async () => {
    const noEmail = cadreList[29]!;
    const user = newUser();
    await chat(h, user, 'liên kết');
    await chat(h, user, '2');
    await chat(h, user, noEmail.code);
    const reply = await chat(h, user, '05/09/1950');
    expect(reply.text).toContain('Hồ sơ chưa có email để nhận mã xác minh.');
    expect(reply.text).toContain('2. Nhờ nhân viên xác minh');
    expect(reply.text).toContain('Hoặc gọi');
    const opened = await chat(h, user, '2');
    expect(opened.text).toContain('Đã chuyển tin nhắn của Ông/Bà tới nhân viên.');
    expect(db().select().from(handoffs).where(eq(handoffs.zaloUserId, user)).get()?.status).toBe('open');
    const topic = db().select().from(handoffMessages).where(and(eq(handoffMessages.zaloUserId, user), eq(handoffMessages.direction, 'in'))).all().map((m) => m.text).join('\n');
    expect(topic).toContain('hồ sơ chưa có email');
  });
});

describe('answers to simple questions (FAQ managed by staff)', () => {
  it.each([
    ['phòng khám ở đâu', ['Địa chỉ nơi khám:', '• Phòng khám A Hải Phòng: 12 Lê Đại Hành, Hồng Bàng, Hải Phòng', 'https://www.google.com/maps/search/?api=1&query=']],
    ['số điện thoại phòng khám', ['• Phòng khám A Hải Phòng: 0225 3 700 700', 'Nếu nguy cấp, xin gọi ngay 115.']],
    ['giờ làm việc', ['Giờ làm việc:', 'Thứ Hai – Thứ Sáu, 7:00–16:30']],
    ['gio lam viec the nao a', ['Thứ Hai – Thứ Sáu, 7:00–16:30']],
    ['phong kham o dau vay chau', ['Địa chỉ nơi khám:']],
    ['so dien thaoi phong kham', ['0225 3 700 700']],
    ['đi khám cần mang theo gì', ['thẻ bảo hiểm y tế']],
    ['có phải nhịn ăn không', ['Khám buổi chiều']],
  ])('"%s" gets the answer', async (question, expected) => {
    const user = newUser();
    const reply = await chat(h, user, question);
    for (const e of expected) expect(reply.text).toContain(e);
    expect(reply.text).not.toContain('chưa hiểu');
  });

  it.each(['tôi muốn đổi phòng khám', 'xyz abc', 'con mèo nhà tôi'])('"%s" matches nothing well: staff are offered', async (text) => {
    const reply = await chat(h, newUser(), text);
    expect(reply.text).toContain('chưa hiểu');
    expect(reply.text).toContain('gặp nhân viên');
    expect(reply.text).not.toContain('Địa chỉ nơi khám');
  });

  it('staff add, edit and remove an entry on /staff/faq; the assistant answers with it at once', async () => {
    await makeStaff(h, 'faq-admin', 'admin');
    await makeStaff(h, 'faq-viewer', 'viewer');
    const s = await login(h, 'faq-admin');
    const list = await (await get(h, '/staff/faq', s)).text();
    expect(list).toContain('Phòng khám ở đâu?');
    expect(list).toContain('Câu hỏi thường gặp');
    expect((await get(h, '/staff/faq', await login(h, 'faq-viewer'))).status).toBe(403);

    const bad = await postForm(h, '/staff/faq', s, { question: 'x', answer: '' });
    expect(bad.status).toBe(400);
    const created = await postForm(h, '/staff/faq', s, {
      question: 'Có chỗ gửi xe không?',
      phrasings: 'chỗ để xe\ngửi xe ở đâu\nbãi đỗ ô tô',
      answer: 'Có bãi gửi xe miễn phí ngay cổng phụ (PARK-77).',
      active: 'on',
      sortOrder: '70',
    });
    expect(created.status).toBe(303);
    const user = newUser();
    expect((await chat(h, user, 'gửi xe ở đâu')).text).toContain('PARK-77');
    expect((await chat(h, user, 'cho hoi cho de xe')).text).toContain('PARK-77');

    const row = db().select().from(faqEntries).where(eq(faqEntries.question, 'Có chỗ gửi xe không?')).get()!;
    await postForm(h, `/staff/faq/${row.id}`, s, { question: row.question, phrasings: row.phrasings, answer: 'Bãi gửi xe ở cổng sau (PARK-88).', active: 'on', sortOrder: '70' });
    expect((await chat(h, user, 'gửi xe ở đâu')).text).toContain('PARK-88');
    expect((await postForm(h, `/staff/faq/${row.id}/delete`, s, { confirm: '1' })).status).toBe(303);
    expect((await chat(h, user, 'gửi xe ở đâu')).text).not.toContain('PARK-');
    expect(db().select().from(auditLog).where(eq(auditLog.entity, 'faq_entry')).all().map((a) => a.action)).toEqual(['faq.create', 'faq.update', 'faq.delete']);
  });
});

describe('"Lịch của tôi"', () => {
  const request = (cadreId: number, type: 'home_visit' | 'medicine', user: string) =>
    inTransaction(db(), (tx) =>
      createRequest(tx, user, {
        type,
        cadreId,
        clinicId: clinic.id,
        viaProxy: false,
        urgency: 'normal',
        details: 'Đau khớp gối',
        address: '12 Lê Lợi',
        latitude: null,
        longitude: null,
        preferredDate: null,
        preferredTime: 'any',
        ackDueAt: clock.now() + 3_600_000,
      }, clock.now()),
    ).id;

  it('shows a scheduled home visit and open requests even with no exam booked, and next to a booked exam', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    const visit = request(cadre.id, 'home_visit', user);
    db().update(careRequests).set({ state: 'scheduled', scheduledDate: '2026-03-10', scheduledTime: 'morning' }).where(eq(careRequests.id, visit)).run();
    const medicine = request(cadre.id, 'medicine', user);
    const mine = await chat(h, user, 'lịch của tôi');
    expect(mine.text).toContain('chưa có lịch khám nào');
    expect(mine.text).toContain('Lịch hẹn tại nhà:');
    expect(mine.text).toContain(`• Khám tại nhà: Thứ Ba, 10/03/2026, buổi sáng – YC-${String(visit).padStart(6, '0')}`);
    expect(mine.text).toContain(`• Nhận thuốc tại nhà – YC-${String(medicine).padStart(6, '0')}: Mới, chờ tiếp nhận`);

    await chat(h, user, 'menu');
    await chat(h, user, 'cho tôi đặt lịch khám ngày mai');
    await chat(h, user, '7h');
    expect((await chat(h, user, 'vâng')).text).toContain('Đã đặt lịch khám');
    const both = await chat(h, user, 'lịch của tôi');
    expect(both.text).toContain('đã có lịch khám');
    expect(both.text).toContain('Lịch hẹn tại nhà:');
    expect(both.text).toContain('Thứ Ba, 10/03/2026, buổi sáng');
  });
});

describe('the known title after linking', () => {
  it('a linked cadre is addressed as Bà (or Ông) in every reply, never "Ông/Bà"', async () => {
    const cadre = cadreList.find((c, i) => i >= nextCadre && c.sex === 'female')!;
    nextCadre = cadreList.indexOf(cadre) + 1;
    const user = newUser();
    linkUser(h, user, cadre.id);
    const replies = [await chat(h, user, 'menu'), await chat(h, user, 'xyz abc'), await chat(h, user, 'yêu cầu khác'), await chat(h, user, '0')];
    for (const r of replies) expect(r.text).not.toContain('Ông/Bà');
    expect(replies[0]!.text).toContain('Bà cần gì ạ?');
    expect(replies[1]!.text).toContain('chưa hiểu ý Bà');
    // Someone not linked is still "Ông/Bà".
    expect((await chat(h, newUser(), 'menu')).text).toContain('Ông/Bà cần gì ạ?');
  });
});

export { campaignWithSlots, waitFor };
