import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { bookings, examSlots, outbox, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';
import { get, login, makeStaff, postForm } from './staffSupport';

// Monday 02/03/2026, 08:00 local; the exam day is Tuesday 10/03.
const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-10';
const local = (hhmm: string) => Date.parse(`${EXAM_DAY}T${hhmm}:00+07:00`);
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Văn Dũng', 'Hoàng Văn Em', 'Vũ Văn Giang'] as const;
const userOf = (i: number) => `86000000000000010${i}`;

async function world() {
  const clock = new ManualClock(START);
  h = await startHarness({ clock, env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    NAMES.map((fullName, i) => ({ code: `Q-${i}`, fullName, sex: fullName.includes(' Thị ') ? ('female' as const) : ('male' as const) })),
    START,
  );
  const cadres = seeded.cadres as Cadre[];
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-31', capacity: 3 });
  const db = h.runtime.store.db;
  const slotAt = (hhmm: string) => db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, local(hhmm)))).get()!.id;
  const ids = cadres.map((cadre, i) => inTransaction(db, (tx) => createBooking(tx, { cadreId: cadre.id, slotId: slotAt(i < 3 ? '08:00' : '08:30'), zaloUserId: null, viaProxy: false }, START)));
  clock.set(Date.parse('2026-03-07T03:00:00Z'));
  cadres.forEach((cadre, i) => linkUser(h!, userOf(i), cadre.id));
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  return { h, clock, db, campaignId: c.id, clinicId: seeded.clinic.id, ids };
}

async function at(w: { h: Harness; clock: ManualClock }, instant: number) {
  w.clock.set(instant);
  await w.h.runtime.relay.flush();
  await w.h.runtime.reconcile();
}

const textsTo = (h: Harness, user: string) => h.fake.messagesTo(user).map((m) => m.text ?? '');

describe('check-in and the queue on the exam day', () => {
  it('the morning reminder carries a code; "đã đến", the code, or staff give a number with the wait; "sắp đến lượt" at three ahead; the counter calls with initials', async () => {
    const w = await world();
    // 06:30: the morning reminder with each cadre's check-in code.
    await at(w, local('06:30'));
    const codes = await Promise.all(
      NAMES.map(async (_, i) => {
        const text = await waitFor(() => textsTo(w.h, userOf(i)).find((t) => t.startsWith('Hôm nay')), `morning reminder ${i}`);
        expect(text).toContain('nhắn "đã đến"');
        return /Mã đến khám: (\d{4})/.exec(text)![1]!;
      }),
    );
    expect(new Set(codes).size).toBe(6);
    expect(w.db.select().from(bookings).where(eq(bookings.id, w.ids[0]!)).get()!.checkInCode).toBe(codes[0]);

    w.clock.set(local('07:40'));
    // An types "đã đến": number 1, next in line; attendance recorded by the check-in.
    const an = await chat(w.h, userOf(0), 'đã đến');
    expect(an.text).toContain('Đã ghi nhận Ông Nguyễn Văn An đến Phòng khám');
    expect(an.text).toContain('Số thứ tự của Ông: 1.\nÔng là người tiếp theo.');
    expect(w.db.select().from(bookings).where(eq(bookings.id, w.ids[0]!)).get()).toMatchObject({ status: 'attended', queueNumber: 1, checkedInAt: local('07:40') });
    expect((await chat(w.h, userOf(0), 'da den')).text).toContain('Ông đã lấy số rồi.\nSố thứ tự của Ông: 1.');

    // Bình types a wrong code, then hers.
    expect((await chat(w.h, userOf(1), codes[1] === '1000' ? '1001' : '1000')).text).toContain('Mã này không đúng');
    const binh = await chat(w.h, userOf(1), codes[1]!);
    expect(binh.text).toContain('Số thứ tự của Bà: 2.\nTrước Bà còn 1 người, chờ khoảng 8 phút. Sắp đến lượt Bà.');

    // Staff type Cường's code; he is told his number in Zalo.
    const s = await login(w.h, 'nhanvien.a');
    const dayUrl = `/staff/booking/${w.campaignId}/day?clinicId=${w.clinicId}&date=${EXAM_DAY}`;
    const byCode = await postForm(w.h, `/staff/booking/${w.campaignId}/day/checkin?clinicId=${w.clinicId}&date=${EXAM_DAY}`, s, { code: codes[2]! });
    expect(byCode.status).toBe(303);
    expect(byCode.headers.get('location')).toBe(`${dayUrl}&msg=so-3`);
    await w.h.runtime.relay.flush();
    expect(await waitFor(() => textsTo(w.h, userOf(2)).find((t) => t.includes('Số thứ tự')), 'number for Cường')).toContain(
      'Số thứ tự của Ông: 3.\nTrước Ông còn 2 người, chờ khoảng 16 phút. Sắp đến lượt Ông.',
    );
    const wrong = await postForm(w.h, `/staff/booking/${w.campaignId}/day/checkin?clinicId=${w.clinicId}&date=${EXAM_DAY}`, s, { code: '12' });
    expect(wrong.status).toBe(400);

    // Staff tap Dũng's name on the day list.
    const page = await (await get(w.h, `${dayUrl}&msg=so-3`, s)).text();
    expect(page).toContain('Đã nhận số 3');
    expect(page).toContain(`/staff/booking/bookings/${w.ids[3]}/checkin`);
    const tap = await postForm(w.h, `/staff/booking/bookings/${w.ids[3]}/checkin`, s, { back: dayUrl });
    expect(tap.headers.get('location')).toBe(`${dayUrl}&msg=so-4`);
    await w.h.runtime.relay.flush();
    expect(await waitFor(() => textsTo(w.h, userOf(3)).find((t) => t.includes('Số thứ tự')), 'number for Dũng')).toContain('Trước Ông còn 3 người, chờ khoảng 24 phút. Sắp đến lượt Ông.');

    // Em and Giang check in by chat: four and five ahead, no "sắp đến lượt" yet.
    expect((await chat(w.h, userOf(4), 'tôi đến rồi')).text).toContain('Số thứ tự của Ông: 5.\nTrước Ông còn 4 người, chờ khoảng 32 phút.\n');
    expect((await chat(w.h, userOf(5), 'da den')).text).toContain('Số thứ tự của Ông: 6.\nTrước Ông còn 5 người, chờ khoảng 40 phút.\n');

    // The counter calls number 1: Em now has three ahead and is told; Giang (four ahead) is not.
    const next = `/staff/booking/${w.campaignId}/day/counter/next?clinicId=${w.clinicId}&date=${EXAM_DAY}`;
    w.clock.set(local('08:00'));
    expect((await postForm(w.h, next, s)).status).toBe(303);
    await w.h.runtime.relay.flush();
    expect(await waitFor(() => textsTo(w.h, userOf(4)).find((t) => t.startsWith('Sắp đến lượt')), 'near turn for Em')).toBe(
      'Sắp đến lượt Ông (số 5). Trước Ông còn 3 người. Xin Ông chuẩn bị vào phòng khám.',
    );
    expect(textsTo(w.h, userOf(5)).some((t) => t.startsWith('Sắp đến lượt'))).toBe(false);
    // Those told at check-in (Bình, Cường, Dũng) are not told twice.
    for (const i of [1, 2, 3]) expect(textsTo(w.h, userOf(i)).filter((t) => t.startsWith('Sắp đến lượt'))).toHaveLength(0);

    w.clock.set(local('08:06'));
    await postForm(w.h, next, s);
    await w.h.runtime.relay.flush();
    await waitFor(() => textsTo(w.h, userOf(5)).find((t) => t.startsWith('Sắp đến lượt Ông (số 6). Trước Ông còn 3 người.')), 'near turn for Giang');
    expect(
      w.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => (r.payload as { ref?: { kind: string } }).ref?.kind === 'attendance.nearTurn'),
    ).toHaveLength(2);

    // The counter page: the number called, initials only, the next numbers.
    const counter = await (await get(w.h, `/staff/booking/${w.campaignId}/day/counter?clinicId=${w.clinicId}&date=${EXAM_DAY}`, s)).text();
    expect(counter).toContain('Mời số 2');
    expect(counter).toContain('T.T.B.');
    expect(counter).toContain('Gọi số tiếp');
    for (const name of NAMES) expect(counter).not.toContain(name);
    expect(counter).toMatch(/Số tiếp theo:.*3 \(L\.V\.C\.\)/s);
  });
});
