import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { auditLog, bookings, campaigns, examSlots, outbox, type Cadre, type StaffRole } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { addClinic } from './bookingSupport';
import { api, get, login, makeStaff, postForm, tokenFor, type Session } from './staffSupport';

const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clinicA: number, clinicB: number;
let an: Cadre, binh: Cadre, chi: Cadre;
const roles = ['admin', 'coordinator', 'doctor', 'clinic_staff', 'viewer'] as const satisfies readonly StaffRole[];
const tokens = {} as Record<StaffRole | 'clinicB', string>;
const sessions = {} as Record<StaffRole, Session>;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START), env: { ROLES: 'web' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'S-1', fullName: 'Nguyễn Văn An', phone: '84912000001' },
      { code: 'S-2', fullName: 'Trần Thị Bình', sex: 'female' },
      { code: 'S-3', fullName: 'Lê Văn Chí', category: 'duong_chuc' },
    ],
    START,
  );
  [an, binh, chi] = seeded.cadres as [Cadre, Cadre, Cadre];
  clinicA = seeded.clinic.id;
  clinicB = addClinic(h, 'BVKA', 'Bệnh viện Kiến An');
  for (const role of roles) {
    const user = await makeStaff(h, `b-${role}`.replace('_', '-'), role, role === 'clinic_staff' ? clinicA : null);
    tokens[role] = tokenFor(h, user.id);
    sessions[role] = await login(h, user.username);
  }
  const other = await makeStaff(h, 'b-clinic-b', 'clinic_staff', clinicB);
  tokens.clinicB = tokenFor(h, other.id);
});
afterAll(() => h?.stop());

const json = (method: string, path: string, token: string | null, body: unknown) =>
  api(h, path, token, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const campaignBody = (round: number, over: Record<string, unknown> = {}) => ({
  year: 2026,
  round,
  name: `Khám sức khỏe định kỳ đợt ${round} năm 2026`,
  startDate: round === 1 ? '02/03/2026' : '01/09/2026',
  endDate: round === 1 ? '31/03/2026' : '30/09/2026',
  eligibleCategories: ['nguyen_chuc'],
  clinicIds: [clinicA, clinicB],
  instructions: 'Nhịn ăn sáng.',
  nudgeAfterDays: 5,
  ...over,
});
const slotsBody = (clinicIds: number[], over: Record<string, unknown> = {}) => ({
  clinicIds,
  fromDate: '2026-03-09',
  toDate: '2026-03-13',
  weekdays: [1, 3, 5],
  startTime: '7:00',
  endTime: '9:00',
  slotMinutes: 30,
  capacity: 3,
  ...over,
});

describe('campaign and slot API', () => {
  let campaignId: number;

  it('only admins and coordinators create campaigns; bad input is a 400 that stores nothing', async () => {
    expect((await json('POST', '/api/campaigns', null, campaignBody(1))).status).toBe(401);
    for (const role of ['doctor', 'clinic_staff', 'viewer'] as const) {
      const res = await json('POST', '/api/campaigns', tokens[role], campaignBody(1));
      expect(res.status, role).toBe(403);
    }
    const bad = await json('POST', '/api/campaigns', tokens.admin, campaignBody(1, { endDate: '01/02/2026', clinicIds: [] }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect(h.runtime.store.db.select({ n: count() }).from(campaigns).get()!.n).toBe(0);

    const res = await json('POST', '/api/campaigns', tokens.coordinator, campaignBody(1));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { campaign: { id: number; startDate: string; clinics: { id: number }[] } };
    campaignId = body.campaign.id;
    expect(body.campaign.startDate).toBe('2026-03-02');
    expect(body.campaign.clinics.map((c) => c.id).sort()).toEqual([clinicA, clinicB].sort());
    // The nudge is a timed outbox row: 5 days in, 09:00 local.
    const nudge = h.runtime.store.db.select().from(outbox).where(eq(outbox.subject, `campaign-${campaignId}-nudge`)).get()!;
    expect(new Date(nudge.dueAt).toISOString()).toBe('2026-03-07T02:00:00.000Z');

    const dup = await json('POST', '/api/campaigns', tokens.admin, campaignBody(1));
    expect(dup.status).toBe(409);
  });

  it('bulk slots: weekdays 7:00–9:00 in 30-minute slots; clinic staff only for their clinic', async () => {
    expect((await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.viewer, slotsBody([clinicA]))).status).toBe(403);
    expect((await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.clinic_staff, slotsBody([clinicB]))).status).toBe(403);
    const bad = await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.admin, slotsBody([clinicA], { endTime: '6:00' }));
    expect(bad.status).toBe(400);
    const outside = await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.admin, slotsBody([clinicA], { toDate: '2026-04-30' }));
    expect(outside.status).toBe(400);
    expect(h.runtime.store.db.select({ n: count() }).from(examSlots).get()!.n).toBe(0);

    const res = await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.clinic_staff, slotsBody([clinicA]));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 12, skipped: 0 }); // Mon, Wed, Fri x 4 slots
    const again = await json('POST', `/api/campaigns/${campaignId}/slots`, tokens.admin, slotsBody([clinicA, clinicB]));
    expect(await again.json()).toEqual({ created: 12, skipped: 12 });
    const first = h.runtime.store.db.select().from(examSlots).orderBy(examSlots.startsAt).get()!;
    expect(new Date(first.startsAt).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(new Date(first.endsAt).toISOString()).toBe('2026-03-09T00:30:00.000Z');
  });

  it('bookings of a day, attendance, exports, figures, with clinic scope', async () => {
    const slotA = h.runtime.store.db.select().from(examSlots).where(eq(examSlots.clinicId, clinicA)).orderBy(examSlots.startsAt).get()!;
    const now = h.clock.now();
    const [b1, b2] = inTransaction(h.runtime.store.db, (tx) => [
      createBooking(tx, { cadreId: an.id, slotId: slotA.id, zaloUserId: '870000000000000001', viaProxy: false }, now),
      createBooking(tx, { cadreId: binh.id, slotId: slotA.id, zaloUserId: '870000000000000002', viaProxy: true }, now),
    ]) as [number, number];
    const dayUrl = `/api/campaigns/${campaignId}/bookings?clinicId=${clinicA}&date=2026-03-09`;

    expect((await api(h, dayUrl, tokens.clinicB)).status).toBe(403);
    // A day list names people: a viewer sees figures only.
    expect((await api(h, dayUrl, tokens.viewer)).status).toBe(403);
    const day = await api(h, dayUrl, tokens.coordinator);
    expect(day.status).toBe(200);
    const list = (await day.json()) as { items: { fullName: string; bookedBy: string }[] };
    expect(list.items.map((i) => [i.fullName, i.bookedBy])).toEqual([
      ['Nguyễn Văn An', 'zalo'],
      ['Trần Thị Bình', 'proxy'],
    ]);

    // Attendance is recorded on the day of the slot, not before.
    expect((await json('POST', `/api/bookings/${b1}/attendance`, tokens.clinic_staff, { status: 'attended' })).status).toBe(400);
    (h.clock as ManualClock).set(Date.parse('2026-03-09T03:00:00Z'));
    expect((await json('POST', `/api/bookings/${b1}/attendance`, tokens.viewer, { status: 'attended' })).status).toBe(403);
    expect((await json('POST', `/api/bookings/${b1}/attendance`, tokens.clinicB, { status: 'attended' })).status).toBe(404);
    expect((await json('POST', `/api/bookings/${b1}/attendance`, tokens.clinic_staff, { status: 'maybe' })).status).toBe(400);
    const ok = await json('POST', `/api/bookings/${b1}/attendance`, tokens.clinic_staff, { status: 'attended' });
    expect(ok.status).toBe(200);
    expect((await json('POST', `/api/bookings/${b2}/attendance`, tokens.doctor, { status: 'no_show' })).status).toBe(200);
    expect(h.runtime.store.db.select().from(bookings).where(eq(bookings.id, b1)).get()!.status).toBe('attended');

    const csv = await api(h, `/api/campaigns/${campaignId}/bookings/export?clinicId=${clinicA}&date=2026-03-09&format=csv`, tokens.clinic_staff);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('Giờ,Mã cán bộ,Họ và tên,Ngày sinh,Điện thoại,Đơn vị,Trạng thái,Đặt qua');
    expect(text).toContain('7:00,S-1,Nguyễn Văn An,05/09/1950,0912000001,Sở Y tế,Đã khám,Zalo (cán bộ)');
    expect(text).toContain('Trần Thị Bình,05/09/1950,,Sở Y tế,Vắng,Zalo (người nhà)');
    expect((await api(h, `/api/campaigns/${campaignId}/bookings/export?clinicId=${clinicA}&date=2026-03-09`, tokens.viewer)).status).toBe(403);

    const xlsx = await api(h, `/api/campaigns/${campaignId}/bookings/export?clinicId=${clinicA}&date=2026-03-09&format=xlsx`, tokens.admin);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(2).getCell(3).value).toBe('Nguyễn Văn An');
    expect(ws.rowCount).toBe(3);
    expect(h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'booking.export')).all()).toHaveLength(2);

    expect((await api(h, `/api/campaigns/${campaignId}/figures`, tokens.clinic_staff)).status).toBe(403);
    const figures = await api(h, `/api/campaigns/${campaignId}/figures`, tokens.viewer);
    expect(await figures.json()).toMatchObject({
      eligible: 2, // Chí is đương chức: not in this campaign
      booked: 2,
      examined: 1,
      noShow: 1,
      shareExamined: 0.5,
      clinics: [
        { clinicName: 'Bệnh viện Kiến An', eligible: 0, booked: 0, examined: 0, shareExamined: null, capacity: 36, placesTaken: 0 },
        { clinicName: 'Phòng khám A Hải Phòng', eligible: 2, booked: 2, examined: 1, capacity: 36, placesTaken: 2 },
      ],
    });
    (h.clock as ManualClock).set(START);
    void chi;
    expect((await api(h, `/api/campaigns/999/figures`, tokens.admin)).status).toBe(404);
  });
});

describe('staff pages', () => {
  it('a coordinator creates a campaign and slots with the forms, then marks attendance on the day page', async () => {
    const s = sessions.coordinator;
    const list = await get(h, '/staff/booking', s);
    const html = await list.text();
    expect(html).toContain('href="/staff/booking"');
    expect(html).toContain('Tạo đợt khám mới');

    const noCsrf = await postForm(h, '/staff/booking', s, { name: 'x' }, { csrf: null });
    expect(noCsrf.status).toBe(403);
    const created = await postForm(h, '/staff/booking', s, {
      name: 'Khám sức khỏe định kỳ đợt 2 năm 2026',
      year: '2026',
      round: '2',
      startDate: '01/09/2026',
      endDate: '30/09/2026',
      nudgeAfterDays: '',
      status: 'open',
      eligibleCategories: 'nguyen_chuc',
      clinicIds: String(clinicB),
      instructions: 'Mang sổ y bạ.',
    });
    expect(created.status).toBe(303);
    const where = created.headers.get('location')!;
    expect(where).toMatch(/^\/staff\/booking\/\d+\?msg=created$/);
    const id = Number(/(\d+)/.exec(where)![1]);

    const slots = await postForm(h, `/staff/booking/${id}/slots`, s, {
      clinicIds: String(clinicB),
      fromDate: '07/09/2026',
      toDate: '08/09/2026',
      startTime: '7:00',
      endTime: '8:00',
      slotMinutes: '30',
      capacity: '5',
    });
    expect(slots.status).toBe(303);
    expect(slots.headers.get('location')).toBe(`/staff/booking/${id}?msg=slots-4-0`);
    const detail = await (await get(h, `/staff/booking/${id}?msg=slots-4-0`, s)).text();
    expect(detail).toContain('Đã tạo 4 ca khám.');
    expect(detail).toContain('Thứ Hai, 07/09/2026');

    const slot = h.runtime.store.db.select().from(examSlots).where(eq(examSlots.campaignId, id)).orderBy(examSlots.startsAt).get()!;
    const bid = inTransaction(h.runtime.store.db, (tx) => createBooking(tx, { cadreId: chi.id, slotId: slot.id, zaloUserId: null, viaProxy: false, staffId: 1 }, h.clock.now()));
    const dayPath = `/staff/booking/${id}/day?clinicId=${clinicB}&date=2026-09-07`;
    const dayHtml = await (await get(h, dayPath, s)).text();
    expect(dayHtml).toContain('Lê Văn Chí');
    expect(dayHtml).toContain('Tải Excel');
    (h.clock as ManualClock).set(Date.parse('2026-09-07T01:00:00Z'));
    const onTheDay = await login(h, 'b-coordinator');
    const marked = await postForm(h, `/staff/booking/bookings/${bid}/attendance`, onTheDay, { status: 'attended', back: dayPath });
    (h.clock as ManualClock).set(START);
    expect(marked.status).toBe(303);
    expect(marked.headers.get('location')).toBe(`${dayPath}&msg=attended`);
    expect(h.runtime.store.db.select().from(bookings).where(eq(bookings.id, bid)).get()!.status).toBe('attended');

    const figures = await (await get(h, `/staff/booking/${id}/figures`, s)).text();
    expect(figures).toContain('tỷ lệ đã khám');
  });

  it('roles: a viewer reads but cannot create; clinic staff of another clinic cannot open a day; no login -> login page', async () => {
    const viewerList = await (await get(h, '/staff/booking', sessions.viewer)).text();
    expect(viewerList).not.toContain('Tạo đợt khám mới');
    expect((await postForm(h, '/staff/booking', sessions.viewer, { name: 'x' })).status).toBe(403);
    const id = h.runtime.store.db.select().from(campaigns).orderBy(campaigns.id).get()!.id;
    expect((await get(h, `/staff/booking/${id}/day?clinicId=${clinicB}&date=2026-03-09`, sessions.clinic_staff)).status).toBe(403);
    expect((await get(h, `/staff/booking/${id}/figures`, sessions.clinic_staff)).status).toBe(403);
    expect((await get(h, '/staff/booking')).status).toBe(401);
    const bad = await postForm(h, `/staff/booking/${id}/slots`, sessions.admin, { clinicIds: String(clinicA), fromDate: 'hôm qua', toDate: '13/03/2026', startTime: '7:00', endTime: '9:00', slotMinutes: '30', capacity: '3' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Dữ liệu nhập chưa hợp lệ');
  });
});
