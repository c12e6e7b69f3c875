import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createBookingLookups } from '../src/domain/booking/lookups';
import { bookForCadre } from '../src/domain/booking/bookingForCadre';
import { auditLog, bookings, campaigns, examSlots, holidays, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, linkUser } from './bookingSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * Days and campaigns changed after cadres booked: a clinic's day closed (the booked cadres told and offered the
 * days with places), empty slots removed, capacity changed (never below what is booked), a campaign's name, dates
 * and instructions edited (cadres with bookings told what changed), previous / next / today on the day list.
 * Every change asks first and says how many cadres will be told.
 */

const START = Date.parse('2026-03-02T01:00:00Z'); // Monday 08:00 in Hà Nội
let h: Harness;
let cadreList: Cadre[];
let clinicId: number;
let campaignId: number;
let admin: Session;
const zaloOf = (i: number) => `7800000000000000${String(i).padStart(3, '0')}`;
const db = () => h.runtime.store.db;
const day = (date: string) => `/staff/booking/${campaignId}/day?clinicId=${clinicId}&date=${date}`;
const slotsOn = (date: string) => db().select().from(examSlots).where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.localDate, date))).all();
const texts = (user: string) => h.fake.messagesTo(user).map((m) => m.text ?? '');

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START) });
  const seeded = seedRegistry(
    db(),
    [1, 2, 3, 4].map((i) => ({ code: `NG-${i}`, fullName: ['Phạm Văn Hải', 'Vũ Thị Lan', 'Đỗ Văn Minh', 'Hoàng Thị Nga'][i - 1]!, sex: i % 2 ? ('male' as const) : ('female' as const) })),
    START,
  );
  cadreList = seeded.cadres;
  clinicId = seeded.clinic.id;
  campaignId = campaignWithSlots(h, { clinicIds: [clinicId] }, { fromDate: '2026-03-09', toDate: '2026-03-13', capacity: 2 }).id;
  cadreList.forEach((c, i) => linkUser(h, zaloOf(i + 1), c.id));
  const staff = await makeStaff(h, 'ngay-admin', 'admin');
  admin = await login(h, 'ngay-admin');
  const slot = (date: string, i: number) => slotsOn(date).sort((a, b) => a.startsAt - b.startsAt)[i]!.id;
  // Two cadres on Tuesday 10/03 (first slot), one on Wednesday 11/03, one on Friday 13/03.
  const now = h.clock.now();
  const actor = { type: 'staff' as const, id: String(staff.id) };
  bookForCadre(db(), actor, staff.id, cadreList[0]!.id, slot('2026-03-10', 0), now);
  bookForCadre(db(), actor, staff.id, cadreList[1]!.id, slot('2026-03-10', 0), now);
  bookForCadre(db(), actor, staff.id, cadreList[2]!.id, slot('2026-03-11', 1), now);
  bookForCadre(db(), actor, staff.id, cadreList[3]!.id, slot('2026-03-13', 2), now);
  for (let i = 1; i <= 4; i++) await waitFor(() => texts(zaloOf(i)).length >= 1, `booking ${i} told`);
});
afterAll(() => h?.stop());

describe('the day list', () => {
  it('moves to the previous and next days with slots, and to today', async () => {
    const html = await (await get(h, day('2026-03-10'), admin)).text();
    expect(html).toContain(`href="${day('2026-03-09').replaceAll('&', '&amp;')}" rel="prev"`);
    expect(html).toContain(`href="${day('2026-03-11').replaceAll('&', '&amp;')}" rel="next"`);
    expect(html).toContain(`href="${day('2026-03-02').replaceAll('&', '&amp;')}"`);
    const first = await (await get(h, day('2026-03-09'), admin)).text();
    expect(first).toContain('← Ngày trước');
    expect(first).not.toContain('rel="prev"');
  });
});

describe('closing a clinic day', () => {
  it('asks first with the number of cadres to be told; on yes cancels, tells with the days that have places, and takes no more bookings', async () => {
    const ask = await (await get(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-10`, admin)).text();
    expect(ask).toContain('Sẽ báo cho 2 cán bộ');
    expect(ask).toContain('Phạm Văn Hải, Vũ Thị Lan');
    // Without the yes (or the reason) nothing happens.
    expect((await postForm(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-10`, admin, { reason: 'Bảo trì máy' })).status).toBe(303);
    expect((await postForm(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-10`, admin, { reason: '', confirm: '1' })).status).toBe(400);
    expect(db().select().from(bookings).where(eq(bookings.status, 'booked')).all()).toHaveLength(4);

    const res = await postForm(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-10`, admin, {
      reason: 'phòng khám bảo trì máy móc',
      asHoliday: 'on',
      confirm: '1',
    });
    expect(res.status).toBe(303);
    const dayBookings = db().select().from(bookings).where(and(eq(bookings.cadreId, cadreList[0]!.id))).all();
    expect(dayBookings.map((b) => b.status)).toEqual(['cancelled']);
    expect(dayBookings[0]!.cancelReason).toBe('Phòng khám nghỉ: phòng khám bảo trì máy móc');
    // Empty slots gone, the held one kept with no place, the day offered to nobody.
    const left = slotsOn('2026-03-10');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ capacity: 0, booked: 0 });
    const look = createBookingLookups(db(), h.clock.now(), '');
    expect(look.freeDays(campaignId, clinicId, 10).map((d) => d.date)).not.toContain('2026-03-10');
    expect(db().select().from(holidays).where(eq(holidays.date, '2026-03-10')).get()).toMatchObject({ name: 'phòng khám bảo trì máy móc' });

    for (const user of [zaloOf(1), zaloOf(2)]) {
      const told = await waitFor(() => texts(user).find((t) => t.includes('nghỉ ngày Thứ Ba, 10/03/2026')), `day closed told to ${user}`);
      expect(told).toContain('Lý do: Phòng khám nghỉ: phòng khám bảo trì máy móc');
      expect(told).toContain('Những ngày còn chỗ tại Phòng khám A Hải Phòng: Thứ Hai, 09/03/2026; Thứ Tư, 11/03/2026; Thứ Năm, 12/03/2026');
      expect(told).toContain('Gõ "đặt lịch" để chọn ngày khác');
    }
    expect(texts(zaloOf(2)).find((t) => t.includes('nghỉ ngày'))).toContain('Kính gửi Bà Vũ Thị Lan');
    expect(texts(zaloOf(3)).some((t) => t.includes('nghỉ ngày'))).toBe(false);
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'day.close')).get()!.detail).toMatchObject({ told: 2, date: '2026-03-10', removedSlots: 7 });
    const page = await (await get(h, `${day('2026-03-10')}&msg=closed`, admin)).text();
    expect(page).toContain('Ngày đã đóng');
    expect(page).not.toContain('Đóng ngày này (nghỉ)');
  });

  it('refuses a day already past', async () => {
    const ask = await (await get(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-01`, admin)).text();
    expect(ask).toContain('Ngày 01/03/2026 đã qua; không đóng được.');
    expect((await postForm(h, `/staff/booking/${campaignId}/day/close?clinicId=${clinicId}&date=2026-03-01`, admin, { reason: 'Nghỉ', confirm: '1' })).status).toBe(409);
  });
});

describe('slots of a day', () => {
  it('capacity never goes below what is booked, explained in Vietnamese; a change is confirmed first', async () => {
    const held = slotsOn('2026-03-11').find((s) => s.booked === 1)!;
    const low = await postForm(h, `/staff/booking/${campaignId}/day/slots/capacity?clinicId=${clinicId}&date=2026-03-11`, admin, { slotId: String(held.id), capacity: '0' });
    expect(low.status).toBe(409);
    expect(await low.text()).toContain('đã có 1 người đặt, nên sức chứa không thể ít hơn 1');
    const ask = await postForm(h, `/staff/booking/${campaignId}/day/slots/capacity?clinicId=${clinicId}&date=2026-03-11`, admin, { slotId: String(held.id), capacity: '5' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Không có cán bộ nào cần báo');
    expect(db().select().from(examSlots).where(eq(examSlots.id, held.id)).get()!.capacity).toBe(2);
    expect((await postForm(h, `/staff/booking/${campaignId}/day/slots/capacity?clinicId=${clinicId}&date=2026-03-11`, admin, { slotId: String(held.id), capacity: '5', confirm: '1' })).status).toBe(303);
    expect(db().select().from(examSlots).where(eq(examSlots.id, held.id)).get()!.capacity).toBe(5);
  });

  it('removes chosen empty slots after confirming; a slot someone holds is refused', async () => {
    const slots = slotsOn('2026-03-11').sort((a, b) => a.startsAt - b.startsAt);
    const empty = slots.filter((s) => s.booked === 0).slice(0, 2);
    const held = slots.find((s) => s.booked > 0)!;
    const url = `/staff/booking/${campaignId}/day/slots/delete?clinicId=${clinicId}&date=2026-03-11`;
    const refused = await postForm(h, url, admin, { slotIds: String(held.id), confirm: '1' });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('chỉ xóa được ca trống');
    const body = new URLSearchParams();
    for (const s of empty) body.append('slotIds', String(s.id));
    const send = (extra: Record<string, string>) => {
      const b = new URLSearchParams(body);
      b.set('_csrf', admin.csrf);
      for (const [k, v] of Object.entries(extra)) b.set(k, v);
      return h.runtime.app.request(url, { method: 'POST', headers: { origin: 'http://localhost', cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: b.toString() });
    };
    const ask = await send({});
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Xóa 2 ca');
    expect(slotsOn('2026-03-11')).toHaveLength(slots.length);
    expect((await send({ confirm: '1' })).status).toBe(303);
    expect(slotsOn('2026-03-11')).toHaveLength(slots.length - 2);
  });
});

describe('editing a campaign', () => {
  it('shows what changes and how many cadres will be told, then tells those holding a booking', async () => {
    const url = `/staff/booking/${campaignId}/edit`;
    const form = { name: 'Khám sức khỏe định kỳ đợt 1 năm 2026 (bổ sung)', startDate: '02/03/2026', endDate: '31/03/2026', instructions: 'Nhịn ăn sáng; mang theo sổ y bạ, thẻ bảo hiểm y tế và kết quả khám cũ.' };
    const narrowed = await postForm(h, url, admin, { ...form, endDate: '12/03/2026' });
    expect(narrowed.status).toBe(409);
    expect(await narrowed.text()).toContain('Còn lịch đã đặt ngoài khoảng ngày mới (ngày 13/03/2026)');

    const ask = await postForm(h, url, admin, form);
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain('Sẽ báo cho 2 cán bộ');
    expect(html).toContain('tên đợt khám, lời dặn trước khi khám');
    expect(db().select().from(campaigns).where(eq(campaigns.id, campaignId)).get()!.name).toBe('Khám sức khỏe định kỳ đợt 1 năm 2026');

    expect((await postForm(h, url, admin, { ...form, confirm: '1' })).status).toBe(303);
    expect(db().select().from(campaigns).where(eq(campaigns.id, campaignId)).get()).toMatchObject({ name: form.name, instructions: form.instructions });
    for (const i of [3, 4]) {
      const told = await waitFor(() => texts(zaloOf(i)).find((t) => t.includes('Ban vừa cập nhật tên đợt khám, lời dặn trước khi khám')), `change told to ${i}`);
      expect(told).toContain(`Đợt khám: ${form.name}`);
      expect(told).toContain('kết quả khám cũ');
    }
    // The cadres whose bookings were cancelled with the closed day are not told.
    expect(texts(zaloOf(1)).some((t) => t.includes('Ban vừa cập nhật'))).toBe(false);
    const audit = db().select().from(auditLog).where(eq(auditLog.action, 'campaign.update')).get()!;
    expect(audit.detail).toMatchObject({ told: 2, changes: [{ field: 'name', from: 'Khám sức khỏe định kỳ đợt 1 năm 2026', to: form.name }, { field: 'instructions' }] });
  });
});

describe('a day off added on a day with bookings', () => {
  it('asks whether to close the clinic days; closing tells the booked cadres, keeping leaves the bookings', async () => {
    const ask = await postForm(h, '/staff/booking/holidays', admin, { date: '13/03/2026', name: 'Nghỉ bù Giỗ Tổ' });
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain('Sẽ báo cho 1 cán bộ');
    expect(html).toContain('vẫn còn ca khám ở 1 nơi khám, với 1 cán bộ đã đặt lịch');
    expect(db().select().from(holidays).where(eq(holidays.date, '2026-03-13')).get()).toBeUndefined();

    expect((await postForm(h, '/staff/booking/holidays', admin, { date: '2026-03-13', name: 'Nghỉ bù Giỗ Tổ', bookings: 'close', confirm: '1' })).status).toBe(303);
    expect(db().select().from(holidays).where(eq(holidays.date, '2026-03-13')).get()).toMatchObject({ name: 'Nghỉ bù Giỗ Tổ' });
    expect(db().select().from(bookings).where(eq(bookings.cadreId, cadreList[3]!.id)).get()).toMatchObject({ status: 'cancelled', cancelReason: 'Phòng khám nghỉ: Nghỉ bù Giỗ Tổ' });
    expect(slotsOn('2026-03-13').every((s) => s.capacity === 0)).toBe(true);
    await waitFor(() => texts(zaloOf(4)).find((t) => t.includes('nghỉ ngày Thứ Sáu, 13/03/2026')), 'holiday told');

    expect((await postForm(h, '/staff/booking/holidays', admin, { date: '2026-03-11', name: 'Ngày riêng của tỉnh', bookings: 'keep', confirm: '1' })).status).toBe(303);
    expect(db().select().from(holidays).where(eq(holidays.date, '2026-03-11')).get()).toMatchObject({ name: 'Ngày riêng của tỉnh' });
    expect(db().select().from(bookings).where(eq(bookings.cadreId, cadreList[2]!.id)).get()!.status).toBe('booked');
  });
});
