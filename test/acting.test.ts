import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, bookings, cadres, careRequests, examSlots, outbox, zaloLinks, type Cadre } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { addClinic, campaignWithSlots, linkUser } from './bookingSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * Staff acting for a cadre from the cadre's page: booking, moving and cancelling through the chat's own rules
 * with the cadre told in Zalo, a request filed for them, the record edited with its history in the audit log,
 * and a Zalo account linked by choosing it among the OA's recent users.
 */

const START = Date.parse('2026-03-02T01:00:00Z'); // Monday 08:00 in Hà Nội
let h: Harness;
let an: Cadre, binh: Cadre, chi: Cadre;
let clinicId: number;
let campaignId: number;
let coordinator: Session;
let clinicStaffOther: Session;
const AN_ZALO = '7700000000000000001';

const db = () => h.runtime.store.db;
const slotAt = (date: string, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return db()
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.startsAt, Date.parse(`${date}T00:00:00Z`) + (hh - 7) * 3600_000 + mm * 60_000)))
    .get()!;
};
const zaloTexts = (user: string) => h.fake.messagesTo(user).map((m) => m.text ?? '');

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START) });
  const seeded = seedRegistry(
    db(),
    [
      { code: 'AC-1', fullName: 'Nguyễn Văn An', phone: '84912000101' },
      { code: 'AC-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84912000102' },
      { code: 'AC-3', fullName: 'Lê Văn Chí', category: 'duong_chuc' },
    ],
    START,
  );
  [an, binh, chi] = seeded.cadres as [Cadre, Cadre, Cadre];
  clinicId = seeded.clinic.id;
  campaignId = campaignWithSlots(h, { clinicIds: [clinicId], eligibleCategories: ['nguyen_chuc'] }, { fromDate: '2026-03-09', toDate: '2026-03-13', capacity: 1 }).id;
  linkUser(h, AN_ZALO, an.id);
  await makeStaff(h, 'ac-dieuphoi', 'coordinator');
  coordinator = await login(h, 'ac-dieuphoi');
  await makeStaff(h, 'ac-pk-khac', 'clinic_staff', addClinic(h, 'PK-B', 'Phòng khám B'));
  clinicStaffOther = await login(h, 'ac-pk-khac');
});
afterAll(() => h?.stop());

describe('booking for a cadre', () => {
  it('offers what the chat offers, confirms with who will be told, books and tells the cadre in Zalo', async () => {
    const choose = await (await get(h, `/staff/registry/${an.id}/booking?date=2026-03-09`, coordinator)).text();
    expect(choose).toContain('Ngày còn chỗ');
    expect(choose).toContain('Thứ Hai, 09/03/2026');
    const slot = slotAt('2026-03-09', '07:30');
    expect(choose).toContain(`value="${slot.id}"`);

    const confirm = await (await get(h, `/staff/registry/${an.id}/booking/confirm?slotId=${slot.id}`, coordinator)).text();
    expect(confirm).toContain('Sẽ báo cho 1 cán bộ qua Zalo');
    expect(db().select().from(bookings).where(eq(bookings.cadreId, an.id)).all()).toHaveLength(0);

    const res = await postForm(h, `/staff/registry/${an.id}/booking`, coordinator, { slotId: String(slot.id), confirm: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/registry/${an.id}?msg=booked`);
    const b = db().select().from(bookings).where(eq(bookings.cadreId, an.id)).get()!;
    expect(b).toMatchObject({ status: 'booked', slotId: slot.id, bookedByZaloUserId: null });
    expect(b.bookedByStaffId).not.toBeNull();
    expect(db().select().from(examSlots).where(eq(examSlots.id, slot.id)).get()!.booked).toBe(1);
    const audit = db().select().from(auditLog).where(and(eq(auditLog.action, 'booking.create'), eq(auditLog.entityId, String(b.id)))).get()!;
    expect(audit).toMatchObject({ actorType: 'staff', onBehalfOfCadreId: an.id });
    const told = await waitFor(() => zaloTexts(AN_ZALO).find((t) => t.includes('Ban đã đặt lịch khám sức khỏe cho Ông Nguyễn Văn An')), 'booking told in Zalo');
    expect(told).toContain('Thời gian: Thứ Hai, 09/03/2026, lúc 7:30');
    // Reminders are planned as for a booking made in the chat.
    expect(db().select().from(outbox).where(eq(outbox.subject, `booking-${b.id}`)).all().length).toBeGreaterThan(0);
    // The cadre page lists it with move and cancel.
    const cadrePage = await (await get(h, `/staff/registry/${an.id}?msg=booked`, coordinator)).text();
    expect(cadrePage).toContain('Đã đặt lịch khám cho cán bộ');
    expect(cadrePage).toContain(`/staff/registry/${an.id}/booking?move=${b.id}`);
  });

  it('keeps the chat’s rules: a full slot, a second booking in the campaign and an ineligible cadre are refused in Vietnamese', async () => {
    const full = slotAt('2026-03-09', '07:30');
    const res = await postForm(h, `/staff/registry/${binh.id}/booking`, coordinator, { slotId: String(full.id), confirm: '1' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('đã hết chỗ');
    const again = await postForm(h, `/staff/registry/${an.id}/booking`, coordinator, { slotId: String(slotAt('2026-03-10', '08:00').id), confirm: '1' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('không đặt được đợt khám này');
    const ineligible = await postForm(h, `/staff/registry/${chi.id}/booking`, coordinator, { slotId: String(slotAt('2026-03-10', '08:00').id), confirm: '1' });
    expect(ineligible.status).toBe(409);
    const page = await (await get(h, `/staff/registry/${chi.id}/booking`, coordinator)).text();
    expect(page).toContain('Không có đợt khám nào cán bộ đặt được lúc này');
    expect(db().select().from(bookings).where(eq(bookings.cadreId, binh.id)).all()).toHaveLength(0);
  });

  it('moves the booking (the old place freed) and cancels with a reason the cadre receives', async () => {
    const old = db().select().from(bookings).where(and(eq(bookings.cadreId, an.id), eq(bookings.status, 'booked'))).get()!;
    const target = slotAt('2026-03-11', '09:00');
    const confirm = await (await get(h, `/staff/registry/${an.id}/booking/confirm?slotId=${target.id}&move=${old.id}`, coordinator)).text();
    expect(confirm).toContain('Lịch cũ');
    expect(confirm).toContain('Thứ Tư, 11/03/2026, 9:00');
    expect((await postForm(h, `/staff/registry/${an.id}/booking`, coordinator, { slotId: String(target.id), move: String(old.id), confirm: '1' })).status).toBe(303);
    expect(db().select().from(bookings).where(eq(bookings.id, old.id)).get()!.status).toBe('moved');
    expect(db().select().from(examSlots).where(eq(examSlots.id, old.slotId)).get()!.booked).toBe(0);
    await waitFor(() => zaloTexts(AN_ZALO).find((t) => t.includes('Ban đã đổi lịch khám sức khỏe của Ông Nguyễn Văn An sang')), 'move told');

    const current = db().select().from(bookings).where(and(eq(bookings.cadreId, an.id), eq(bookings.status, 'booked'))).get()!;
    const ask = await (await get(h, `/staff/registry/${an.id}/bookings/${current.id}/cancel`, coordinator)).text();
    expect(ask).toContain('Sẽ báo cho 1 cán bộ qua Zalo');
    const noReason = await postForm(h, `/staff/registry/${an.id}/bookings/${current.id}/cancel`, coordinator, { reason: '', confirm: '1' });
    expect(noReason.status).toBe(400);
    expect(db().select().from(bookings).where(eq(bookings.id, current.id)).get()!.status).toBe('booked');
    expect(
      (await postForm(h, `/staff/registry/${an.id}/bookings/${current.id}/cancel`, coordinator, { reason: 'Ông đi công tác, sẽ đặt lại sau', confirm: '1' })).status,
    ).toBe(303);
    expect(db().select().from(bookings).where(eq(bookings.id, current.id)).get()).toMatchObject({ status: 'cancelled', cancelReason: 'Ông đi công tác, sẽ đặt lại sau' });
    const told = await waitFor(() => zaloTexts(AN_ZALO).find((t) => t.includes('Ban đã hủy lịch khám')), 'cancel told');
    expect(told).toContain('Lý do: Ông đi công tác, sẽ đặt lại sau');
  });

  it('a clinic_staff member of another clinic cannot open or act on the cadre', async () => {
    expect((await get(h, `/staff/registry/${binh.id}/booking`, clinicStaffOther)).status).toBe(403);
    expect((await postForm(h, `/staff/registry/${binh.id}/booking`, clinicStaffOther, { slotId: String(slotAt('2026-03-12', '08:00').id), confirm: '1' })).status).toBe(403);
    expect(db().select().from(bookings).where(eq(bookings.cadreId, binh.id)).all()).toHaveLength(0);
  });
});

describe('the record and the Zalo link', () => {
  it('an edit is reviewed (before → after) before it is saved, and its history is in the audit log', async () => {
    const form = { phone: '0987 654 321', email: 'binh.tran@example.vn', clinicId: String(clinicId), unit: 'Hội Cựu chiến binh', category: 'nguyen_chuc', frail: 'yes', status: 'active', leftOn: '' };
    const review = await postForm(h, `/staff/registry/${binh.id}/edit`, coordinator, form);
    expect(review.status).toBe(200);
    const html = await review.text();
    expect(html).toContain('0912 000 102');
    expect(html).toContain('0987 654 321');
    expect(html).toContain('Hội Cựu chiến binh');
    expect(db().select().from(cadres).where(eq(cadres.id, binh.id)).get()!.phone).toBe('84912000102');

    expect((await postForm(h, `/staff/registry/${binh.id}/edit`, coordinator, { ...form, confirm: '1' })).status).toBe(303);
    expect(db().select().from(cadres).where(eq(cadres.id, binh.id)).get()).toMatchObject({ phone: '84987654321', email: 'binh.tran@example.vn', unit: 'Hội Cựu chiến binh', frail: true });
    const row = db().select().from(auditLog).where(and(eq(auditLog.action, 'cadre.update'), eq(auditLog.entityId, String(binh.id)))).get()!;
    const changes = (row.detail as { changes: { label: string; from: string; to: string }[] }).changes;
    expect(changes).toContainEqual({ field: 'phone', label: 'Điện thoại', from: '0912 000 102', to: '0987 654 321' });
    expect(changes).toContainEqual({ field: 'unit', label: 'Đơn vị', from: 'Sở Y tế', to: 'Hội Cựu chiến binh' });
    expect(changes).toContainEqual({ field: 'frail', label: 'Khám tại nhà', from: 'Không', to: 'Có' });

    const bad = await postForm(h, `/staff/registry/${binh.id}/edit`, coordinator, { ...form, phone: '12345', email: 'không-phải-email' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('Số điện thoại chưa đúng');
    expect(text).toContain('Email chưa đúng');
  });

  it('a cadre who died keeps no booking and nobody is messaged about it', async () => {
    const slot = slotAt('2026-03-12', '08:00');
    expect((await postForm(h, `/staff/registry/${binh.id}/booking`, coordinator, { slotId: String(slot.id), confirm: '1' })).status).toBe(303);
    const booking = db().select().from(bookings).where(and(eq(bookings.cadreId, binh.id), eq(bookings.status, 'booked'))).get()!;
    const form = { phone: '0987654321', email: 'binh.tran@example.vn', clinicId: String(clinicId), unit: 'Hội Cựu chiến binh', category: 'nguyen_chuc', frail: 'yes', status: 'died', leftOn: '01/03/2026' };
    const review = await (await postForm(h, `/staff/registry/${binh.id}/edit`, coordinator, form)).text();
    expect(review).toContain('1 lịch khám sắp tới của cán bộ sẽ được hủy');
    expect((await postForm(h, `/staff/registry/${binh.id}/edit`, coordinator, { ...form, confirm: '1' })).status).toBe(303);
    expect(db().select().from(cadres).where(eq(cadres.id, binh.id)).get()).toMatchObject({ active: false, leftReason: 'died', leftOn: '2026-03-01' });
    expect(db().select().from(bookings).where(eq(bookings.id, booking.id)).get()!.status).toBe('cancelled');
    expect(db().select().from(examSlots).where(eq(examSlots.id, slot.id)).get()!.booked).toBe(0);
    const page = await (await get(h, `/staff/registry/${binh.id}`, coordinator)).text();
    expect(page).toContain('Từ trần (từ 01/03/2026)');
    expect(page).not.toContain(`/staff/registry/${binh.id}/booking"`);
  });

  it('links a Zalo account chosen among recent OA users by name, phone and last message, not by a typed id', async () => {
    const now = h.clock.now();
    const tx = db();
    recordZaloUser(tx, { id: '7700000000000000002', displayName: 'Chi Lê', interactedAt: now - 3600_000 }, now);
    recordZaloUser(tx, { id: '7700000000000000003', displayName: 'Người lạ', phone: '84900000003', interactedAt: now - 60_000 }, now);
    recordZaloUser(tx, { id: '7700000000000000004', displayName: 'Lê Văn Chí', phone: '84912000555', interactedAt: now - 2 * 86_400_000 }, now);
    db().update(cadres).set({ phone: '84912000555' }).where(eq(cadres.id, chi.id)).run();

    const detail = await (await get(h, `/staff/registry/${chi.id}`, coordinator)).text();
    expect(detail).not.toContain('name="zaloUserId"');
    expect(detail).toContain(`/staff/registry/${chi.id}/link`);
    const list = await (await get(h, `/staff/registry/${chi.id}/link`, coordinator)).text();
    // The one who shared the record's phone first, then the most recent; the already linked account not at all.
    const order = ['Lê Văn Chí', 'Người lạ', 'Chi Lê'].map((n) => list.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(list).toContain('Trùng số trong hồ sơ');
    expect(list).toContain('ĐT đã chia sẻ: 0912 000 555');
    expect(list).toContain('Chưa chia sẻ số điện thoại');
    expect(list).not.toContain(AN_ZALO);
    // Searching without diacritics.
    const found = await (await get(h, `/staff/registry/${chi.id}/link?q=chi le`, coordinator)).text();
    expect(found).toContain('Chi Lê');
    expect(found).not.toContain('Người lạ');

    expect((await postForm(h, `/staff/registry/${chi.id}/link`, coordinator, { zaloUserId: '7700000000000000004' })).status).toBe(303);
    expect(db().select().from(zaloLinks).where(eq(zaloLinks.cadreId, chi.id)).get()).toMatchObject({ zaloUserId: '7700000000000000004', method: 'staff' });
  });

  it('files a request for the cadre into the clinic’s inbox, with its deadline and escalation', async () => {
    const empty = await postForm(h, `/staff/registry/${an.id}/request`, coordinator, { type: 'home_visit', details: '' });
    expect(empty.status).toBe(400);
    const noAddress = await postForm(h, `/staff/registry/${an.id}/request`, coordinator, { type: 'home_visit', details: 'Ông đau khớp, không đi lại được' });
    expect(noAddress.status).toBe(400);
    const res = await postForm(h, `/staff/registry/${an.id}/request`, coordinator, {
      type: 'home_visit',
      urgency: 'normal',
      details: 'Ông đau khớp, không đi lại được',
      address: 'Số 5 Điện Biên Phủ',
      preferredDate: '05/03/2026',
      preferredTime: 'morning',
    });
    expect(res.status).toBe(303);
    const req = db().select().from(careRequests).where(eq(careRequests.cadreId, an.id)).get()!;
    expect(res.headers.get('location')).toBe(`/staff/requests/${req.id}`);
    expect(req).toMatchObject({ type: 'home_visit', clinicId, state: 'new', preferredDate: '2026-03-05', address: 'Số 5 Điện Biên Phủ' });
    expect(req.ackDueAt).toBeGreaterThan(START);
    expect(db().select().from(auditLog).where(and(eq(auditLog.action, 'request.create'), eq(auditLog.entityId, String(req.id)))).get()).toMatchObject({ actorType: 'staff', onBehalfOfCadreId: an.id });
    expect(db().select().from(outbox).where(eq(outbox.subject, `request-${req.id}`)).all().length).toBeGreaterThan(0);
  });
});
