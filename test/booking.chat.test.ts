import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { inTransaction } from '../src/store/db';
import { auditLog, bookings, examSlots, outbox, proxies, type Cadre } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { addClinic, campaignWithSlots, chat, linkUser, stateOf } from './bookingSupport';

// Monday 02/03/2026, 08:00 in Hà Nội / Hải Phòng.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let an: Cadre, binh: Cadre, cuong: Cadre, dung: Cadre, em: Cadre;
let clinicB: number;
let nextUser = 830_000_000_000_000_000n;
const newUser = () => String(nextUser++);

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START), env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'HP-0101', fullName: 'Nguyễn Văn An' },
      { code: 'HP-0102', fullName: 'Trần Thị Bình', sex: 'female' },
      { code: 'HP-0103', fullName: 'Lê Văn Cường', frail: true },
      { code: 'HP-0104', fullName: 'Phạm Văn Dũng' },
      { code: 'HP-0105', fullName: 'Hoàng Văn Em', category: 'duong_chuc' },
    ],
    START,
  );
  [an, binh, cuong, dung, em] = seeded.cadres as [Cadre, Cadre, Cadre, Cadre, Cadre];
  clinicB = addClinic(h, 'BVKA', 'Bệnh viện Kiến An', '45 Trần Thành Ngọ, Kiến An');
  campaignWithSlots(
    h,
    { clinicIds: [seeded.clinic.id, clinicB], eligibleCategories: ['nguyen_chuc', 'nguoi_co_cong'] },
    { fromDate: '2026-03-04', toDate: '2026-03-06' },
  );
});
afterAll(() => h?.stop());

const db = () => h.runtime.store.db;
const bookingsOf = (cadreId: number) => db().select().from(bookings).where(eq(bookings.cadreId, cadreId)).orderBy(bookings.id).all();
const slot = (id: number) => db().select().from(examSlots).where(eq(examSlots.id, id)).get()!;
const openReminders = (bookingId: number) =>
  db()
    .select()
    .from(outbox)
    .where(and(eq(outbox.subject, `booking-${bookingId}`)))
    .all()
    .filter((r) => r.status === 'pending' || r.status === 'queued');

describe('booking an exam in Zalo chat', () => {
  it('with button payloads: clinic (registered first), day, time, confirm, then a summary', async () => {
    const user = newUser();
    linkUser(h, user, an.id);
    const clinics = await chat(h, user, 'Đặt lịch khám');
    expect(clinics.text).toContain('Khám sức khỏe định kỳ đợt 1 năm 2026');
    expect(clinics.text).toContain('1. Phòng khám A Hải Phòng (nơi đăng ký)');
    expect(clinics.text).toContain('2. Bệnh viện Kiến An');
    expect(clinics.buttons).toEqual(['Phòng khám A Hải Phòng', 'Bệnh viện Kiến An']);

    const days = await chat(h, user, clinics.buttons[0]!);
    expect(days.text).toContain('1. Thứ Tư, 04/03/2026 (còn 16 chỗ)');
    expect(days.text).toContain('3. Thứ Sáu, 06/03/2026 (còn 16 chỗ)');
    expect(days.buttons[0]).toBe('Thứ Tư, 04/03/2026');

    const times = await chat(h, user, days.buttons[0]!);
    expect(times.text).toContain('Các giờ còn chỗ Thứ Tư, 04/03/2026');
    expect(times.text).toContain('1. 7:00 (còn 2 chỗ)');
    expect(times.text).toContain('8. 10:30 (còn 2 chỗ)');
    expect(times.buttons.slice(0, 2)).toEqual(['7:00', '7:30']);

    const confirm = await chat(h, user, '7:30');
    expect(confirm.text).toContain('Xin xác nhận lịch khám của Ông Nguyễn Văn An');
    expect(confirm.text).toContain('Thứ Tư, 04/03/2026, lúc 7:30');
    expect(bookingsOf(an.id)).toHaveLength(0);

    const done = await chat(h, user, confirm.buttons[0]!);
    expect(done.text).toContain('Đã đặt lịch khám cho Ông Nguyễn Văn An.');
    expect(done.text).toContain('Nơi khám: Phòng khám A Hải Phòng');
    expect(done.text).toContain('Địa chỉ: 12 Lê Đại Hành, Hồng Bàng, Hải Phòng');
    expect(done.text).toContain('Thời gian: Thứ Tư, 04/03/2026, lúc 7:30');
    expect(done.text).toContain('Lưu ý: Nhịn ăn sáng, mang theo sổ y bạ');
    expect(done.buttons).toEqual(['Đổi lịch', 'Hủy lịch']);

    const [b] = bookingsOf(an.id);
    expect(b).toMatchObject({ status: 'booked', bookedByZaloUserId: user, viaProxy: false });
    expect(slot(b!.slotId).booked).toBe(1);
    expect(slot(b!.slotId).startsAt).toBe(Date.parse('2026-03-04T00:30:00Z'));
    // Booked on Monday for Wednesday: T-3 is past; T-1 and the 06:30 morning-of remain.
    expect(openReminders(b!.id).map((r) => r.dueAt)).toEqual([Date.parse('2026-03-03T00:30:00Z'), Date.parse('2026-03-03T23:30:00Z')]);
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'booking.create')).all().some((a) => a.entityId === String(b!.id))).toBe(true);
    expect((await stateOf(h, user))?.flow).toBe('idle');

    // Choosing "Đặt lịch khám" again offers: see / move / cancel.
    const again = await chat(h, user, 'Đặt lịch khám');
    expect(again.text).toContain('Ông Nguyễn Văn An đã có lịch khám:');
    expect(again.text).toContain('Thứ Tư, 04/03/2026, lúc 7:30 tại Phòng khám A Hải Phòng');
    expect(again.text).toMatch(/1\. Xem lịch của tôi\n2\. Đổi lịch\n3\. Hủy lịch/);
    const seen = await chat(h, user, 'Xem lịch của tôi');
    expect(seen.text).toContain('Địa chỉ: 12 Lê Đại Hành');
  });

  it('typed without diacritics: "dat lich", then "doi lich", "lich cua toi", "huy lich" from idle', async () => {
    const user = newUser();
    linkUser(h, user, binh.id);
    expect((await chat(h, user, 'dat lich')).text).toContain('1. Phòng khám A Hải Phòng (nơi đăng ký)');
    expect((await chat(h, user, '2')).text).toContain('Các ngày còn chỗ tại Bệnh viện Kiến An');
    expect((await chat(h, user, '05/03')).text).toContain('Các giờ còn chỗ Thứ Năm, 05/03/2026');
    expect((await chat(h, user, '8h')).text).toContain('Thứ Năm, 05/03/2026, lúc 8:00');
    expect((await chat(h, user, 'dong y')).text).toContain('Đã đặt lịch khám cho Bà Trần Thị Bình.');
    const [first] = bookingsOf(binh.id);
    expect(openReminders(first!.id)).toHaveLength(2);

    // Move, typed from idle.
    const move = await chat(h, user, 'doi lich');
    // The booked clinic comes first when moving.
    expect(move.text).toContain('1. Bệnh viện Kiến An\n2. Phòng khám A Hải Phòng (nơi đăng ký)');
    expect((await chat(h, user, 'phong kham a hai phong')).text).toContain('Các ngày còn chỗ tại Phòng khám A Hải Phòng');
    expect((await chat(h, user, '3')).text).toContain('Thứ Sáu, 06/03/2026');
    expect((await chat(h, user, '10 gio 30')).text).toContain('Xin xác nhận đổi lịch khám của Bà Trần Thị Bình sang:');
    const moved = await chat(h, user, 'xac nhan');
    expect(moved.text).toContain('Đã đổi lịch khám cho Bà Trần Thị Bình.');
    expect(moved.text).toContain('Thời gian: Thứ Sáu, 06/03/2026, lúc 10:30');
    const [old, current] = bookingsOf(binh.id);
    expect(old).toMatchObject({ status: 'moved', replacedById: current!.id });
    expect(current).toMatchObject({ status: 'booked', movedFromId: old!.id });
    expect(slot(old!.slotId).booked).toBe(0);
    expect(slot(current!.slotId).booked).toBe(1);
    expect(openReminders(old!.id)).toHaveLength(0);
    expect(openReminders(current!.id).map((r) => r.dueAt)).toEqual([
      Date.parse('2026-03-03T03:30:00Z'), // T-3: Tuesday 10:30
      Date.parse('2026-03-05T03:30:00Z'), // T-1: Thursday 10:30
      Date.parse('2026-03-05T23:30:00Z'), // the day, 06:30
    ]);

    const mine = await chat(h, user, 'lich cua toi');
    expect(mine.text).toContain('Thời gian: Thứ Sáu, 06/03/2026, lúc 10:30');

    const cancel = await chat(h, user, 'huy lich');
    expect(cancel.text).toContain('Xin cho biết lý do hủy lịch');
    const summary = await chat(h, user, 'ban viec');
    expect(summary.text).toContain('Xin xác nhận hủy lịch khám của Bà Trần Thị Bình');
    expect(summary.text).toContain('Lý do: Bận việc');
    expect(bookingsOf(binh.id).at(-1)).toMatchObject({ status: 'booked' });
    const cancelled = await chat(h, user, 'dong y');
    expect(cancelled.text).toContain('Đã hủy lịch khám của Bà Trần Thị Bình (Thứ Sáu, 06/03/2026, lúc 10:30 tại Phòng khám A Hải Phòng)');
    expect(bookingsOf(binh.id).at(-1)).toMatchObject({ status: 'cancelled', cancelReason: 'Bận việc' });
    expect(slot(current!.slotId).booked).toBe(0);
    expect(openReminders(current!.id)).toHaveLength(0);
    expect((await chat(h, user, 'lich cua toi')).text).toContain('Bà Trần Thị Bình chưa có lịch khám nào.');
  });

  it('a typed reason is kept as written; "0" keeps the booking', async () => {
    const user = newUser();
    linkUser(h, user, dung.id);
    await chat(h, user, 'dat lich');
    await chat(h, user, '1');
    await chat(h, user, '1');
    await chat(h, user, '1');
    await chat(h, user, '1');
    expect(bookingsOf(dung.id)).toHaveLength(1);
    await chat(h, user, 'HỦY LỊCH');
    expect((await chat(h, user, '0')).text).toContain('Ông cần gì ạ?');
    expect(bookingsOf(dung.id)[0]!.status).toBe('booked');
    await chat(h, user, 'huy lich');
    await chat(h, user, 'con tôi đi công tác, không ai đưa đi');
    expect(bookingsOf(dung.id)[0]!.status).toBe('booked');
    await chat(h, user, 'vâng');
    expect(bookingsOf(dung.id)[0]).toMatchObject({ status: 'cancelled', cancelReason: 'con tôi đi công tác, không ai đưa đi' });
  });

  it('an unknown answer gets a polite hint and changes nothing', async () => {
    const user = newUser();
    linkUser(h, user, dung.id);
    await chat(h, user, 'dat lich');
    const before = await stateOf(h, user);
    expect((await chat(h, user, '9')).text).toContain('Xin gõ một số trong danh sách');
    expect((await chat(h, user, 'abc xyz')).text).toContain('Xin gõ một số trong danh sách');
    expect(await stateOf(h, user)).toEqual(before);
  });

  it('a frail cadre is offered a home visit, which routes to the home-visit flow', async () => {
    const user = newUser();
    linkUser(h, user, cuong.id);
    const offer = await chat(h, user, 'dat lich kham');
    expect(offer.text).toContain('Ông Lê Văn Cường có thể đề nghị bác sĩ đến khám tại nhà');
    expect(offer.buttons).toEqual(['Yêu cầu khám tại nhà', 'Vẫn đến phòng khám']);
    const home = await chat(h, user, 'Yêu cầu khám tại nhà');
    expect(home.text).not.toContain('Các ngày còn chỗ');
    expect((await stateOf(h, user))?.flow).not.toBe('booking');
    expect(bookingsOf(cuong.id)).toHaveLength(0);

    await chat(h, user, 'menu');
    await chat(h, user, 'dat lich');
    expect((await chat(h, user, '2')).text).toContain('1. Phòng khám A Hải Phòng (nơi đăng ký)');
  });

  it('a cadre of a category the campaign does not cover is told so', async () => {
    const user = newUser();
    linkUser(h, user, em.id);
    const r = await chat(h, user, 'dat lich');
    expect(r.text).toContain('Hiện chưa có đợt khám định kỳ nào đang nhận đăng ký');
    expect((await stateOf(h, user))?.flow).toBe('idle');
  });

  it('a proxy books for the cadre: both ids recorded and audited', async () => {
    const proxyUser = newUser();
    const { cadres: [giang] } = seedRegistry(db(), [{ code: 'HP-0106', fullName: 'Đỗ Thị Giang', sex: 'female' }], START);
    const now = h.clock.now();
    inTransaction(db(), (tx) => {
      recordZaloUser(tx, { id: proxyUser, followed: true, interactedAt: now }, now);
      tx.insert(proxies).values({ zaloUserId: proxyUser, cadreId: giang!.id, relation: 'con trai', proxyName: 'Đỗ Văn Hùng', status: 'approved', requestedAt: now, decidedAt: now }).run();
    });
    expect((await chat(h, proxyUser, 'dat lich')).text).toContain('Phòng khám A Hải Phòng (nơi đăng ký)');
    await chat(h, proxyUser, '1');
    await chat(h, proxyUser, '1');
    expect((await chat(h, proxyUser, '1')).text).toContain('Xin xác nhận lịch khám của Bà Đỗ Thị Giang');
    expect((await chat(h, proxyUser, '1')).text).toContain('Đã đặt lịch khám cho Bà Đỗ Thị Giang.');
    const [b] = bookingsOf(giang!.id);
    expect(b).toMatchObject({ bookedByZaloUserId: proxyUser, viaProxy: true, cadreId: giang!.id });
    const audit = db().select().from(auditLog).where(and(eq(auditLog.action, 'booking.create'), eq(auditLog.entityId, String(b!.id)))).get();
    expect(audit).toMatchObject({ actorType: 'zalo', actorId: proxyUser, onBehalfOfCadreId: giang!.id });

    // Approval revoked mid-flow: the next step refuses politely and books nothing more.
    await chat(h, proxyUser, 'doi lich');
    db().update(proxies).set({ status: 'revoked' }).where(eq(proxies.zaloUserId, proxyUser)).run();
    expect((await chat(h, proxyUser, '1')).text).toContain('không còn được làm việc cho hồ sơ đó');
    expect(bookingsOf(giang!.id)).toHaveLength(1);
  });

  it('the last place taken while confirming: the nearest free times are offered instead', async () => {
    const [u1, u2] = [newUser(), newUser()];
    const { cadres: [hai, khanh] } = seedRegistry(db(), [{ code: 'HP-0107', fullName: 'Vũ Văn Hải' }, { code: 'HP-0108', fullName: 'Mai Văn Khánh' }], START);
    linkUser(h, u1, hai!.id);
    linkUser(h, u2, khanh!.id);
    for (const u of [u1, u2]) {
      await chat(h, u, 'dat lich');
      await chat(h, u, '2'); // Bệnh viện Kiến An
      await chat(h, u, '1'); // Wednesday
    }
    // Both pick 7:00 at Kiến An, which still has 2 places; a third booking elsewhere fills it meanwhile.
    await chat(h, u1, '7:00');
    await chat(h, u2, '7:00');
    const target = db().select().from(examSlots).where(and(eq(examSlots.clinicId, clinicB), eq(examSlots.startsAt, Date.parse('2026-03-04T00:00:00Z')))).get()!;
    db().update(examSlots).set({ capacity: 1 }).where(eq(examSlots.id, target.id)).run();
    expect((await chat(h, u1, '1')).text).toContain('Đã đặt lịch khám');
    const full = await chat(h, u2, '1');
    expect(full.text).toContain('Rất tiếc, giờ này vừa hết chỗ. Các giờ gần nhất còn chỗ');
    expect(full.text).toContain('1. Thứ Tư, 04/03/2026, 7:30 (còn 2 chỗ)');
    expect(slot(target.id).booked).toBe(1);
    expect((await chat(h, u2, '1')).text).toContain('Thứ Tư, 04/03/2026, lúc 7:30');
    expect((await chat(h, u2, '1')).text).toContain('Đã đặt lịch khám cho Ông Mai Văn Khánh.');
  });
});

describe('a campaign closed while someone is choosing', () => {
  it('offers nothing more and books nothing', async () => {
    const user = newUser();
    const { cadres: [lan] } = seedRegistry(db(), [{ code: 'HP-0109', fullName: 'Lê Thị Lan', sex: 'female' }], START);
    linkUser(h, user, lan!.id);
    await chat(h, user, 'dat lich');
    await chat(h, user, '1');
    await chat(h, user, '1');
    await chat(h, user, '1');
    db().run(`UPDATE campaigns SET status = 'closed'` as never);
    try {
      const r = await chat(h, user, '1');
      expect(r.text).not.toContain('Đã đặt lịch khám');
      expect(bookingsOf(lan!.id)).toHaveLength(0);
      expect((await chat(h, user, 'dat lich')).text).toContain('Hiện chưa có đợt khám định kỳ nào đang nhận đăng ký');
    } finally {
      db().run(`UPDATE campaigns SET status = 'open'` as never);
    }
  });
});
