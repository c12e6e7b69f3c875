import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { cancelBooking, createBooking } from '../src/domain/booking/effects';
import { joinWaitlist } from '../src/domain/aftercare/waitlist';
import { auditLog, bookings, clinics, outbox, waitlistEntries, waitlistOffers } from '../src/store/schema';
import { waitFor } from './harness';
import { aftercareWorld, at, MIN, START, onlySlot, tx, type AftercareWorld } from './aftercareSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * The staff page of a campaign's waitlist: who waits in line order with phones and when they joined, the place
 * offered and until when, and taking a cadre out of the line (confirmed first, audited, the entry kept as left).
 */

let w: AftercareWorld;
let staff: Session;
let url = '';
let anBooking = 0;
let otherClinic = 0;
const entryIds: number[] = [];

beforeAll(async () => {
  w = await aftercareWorld(
    [
      { code: 'WS-1', fullName: 'Nguyễn Văn An', phone: '84914000001' },
      { code: 'WS-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84914000002' },
      { code: 'WS-3', fullName: 'Lê Văn Cường', phone: '84914000003' },
    ],
    1,
    { WAITLIST_OFFER_MINUTES: '30' },
  );
  const [an, binh, cuong] = w.cadres as [AftercareWorld['cadres'][0] & object, AftercareWorld['cadres'][0] & object, AftercareWorld['cadres'][0] & object];
  const slot = onlySlot(w);
  // The only place is taken; Bình, then Cường ten minutes later, join the line.
  anBooking = tx(w, (t) => createBooking(t, { cadreId: an.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, w.clock.now()));
  for (const [i, cadre] of [binh, cuong].entries()) {
    await at(w, w.clock.now() + i * 10 * MIN);
    const { entry } = tx(w, (t) => joinWaitlist(t, { cadreId: cadre.id, campaignId: w.campaign.id, clinicId: w.clinic.id, zaloUserId: w.users[i + 1]! }, { type: 'zalo', id: w.users[i + 1]! }, w.clock.now()));
    entryIds.push(entry.id);
  }
  await makeStaff(w.h, 'nhanvien.a', 'clinic_staff', w.clinic.id);
  await makeStaff(w.h, 'bacsi', 'doctor');
  await makeStaff(w.h, 'xem', 'viewer');
  await makeStaff(w.h, 'dieuphoi', 'coordinator');
  otherClinic = w.db.insert(clinics).values({ code: 'BVKT', name: 'Bệnh viện Kiến An', createdAt: START, updatedAt: START }).returning({ id: clinics.id }).get().id;
  await makeStaff(w.h, 'nhanvien.b', 'clinic_staff', otherClinic);
  staff = await login(w.h, 'nhanvien.a');
  url = `/staff/booking/${w.campaign.id}/waitlist`;
});
afterAll(() => w?.h.stop());

const rowOf = (html: string, entryId: number) => {
  const at = html.indexOf(`data-entry="${entryId}"`);
  return at < 0 ? '' : html.slice(at, html.indexOf('</tr>', at));
};

describe('the waitlist page', () => {
  it('lists who waits in order with code, phone link, clinic and when they joined; a freed place shows its offer and expiry', async () => {
    const [binhEntry, cuongEntry] = entryIds as [number, number];
    let html = await (await get(w.h, url, staff)).text();
    expect(html).toContain('Danh sách chờ');
    const binh = rowOf(html, binhEntry);
    const cuong = rowOf(html, cuongEntry);
    expect(html.indexOf(`data-entry="${binhEntry}"`)).toBeLessThan(html.indexOf(`data-entry="${cuongEntry}"`));
    expect(binh).toContain('Trần Thị Bình');
    expect(binh).toContain('WS-2');
    expect(binh).toContain('href="tel:+84914000002"');
    expect(binh).toContain('Phòng khám A Hải Phòng');
    expect(binh).toContain('02/03/2026 08:00');
    expect(binh).toContain('Chưa mời');
    expect(cuong).toContain('02/03/2026 08:10');
    expect(cuong).toMatch(/data-label="Thứ tự">2</);
    // The menu leads here.
    expect(html).toContain('href="/staff/booking/waitlist"');
    expect((await get(w.h, '/staff/booking/waitlist', staff)).status).toBe(200);

    // An cancels: the place is offered to Bình, with its deadline on the page.
    tx(w, (t) => cancelBooking(t, t.select().from(bookings).where(eq(bookings.id, anBooking)).get()!, 'Bận việc', w.clock.now()));
    await waitFor(() => w.db.select().from(waitlistOffers).all().length === 1, 'offer to Bình');
    const offer = w.db.select().from(waitlistOffers).get()!;
    expect(offer.entryId).toBe(binhEntry);
    html = await (await get(w.h, url, staff)).text();
    expect(rowOf(html, binhEntry)).toContain('Lịch 04/03/2026 07:00');
    expect(rowOf(html, binhEntry)).toContain(`Hết hạn lúc 02/03/2026 08:40`);
    expect(rowOf(html, cuongEntry)).toContain('Chưa mời');
  });

  it('asks before taking a cadre out of the line; once confirmed the entry is kept as left, audited, and gets no offer', async () => {
    const [binhEntry, cuongEntry] = entryIds as [number, number];
    const removeUrl = `${url}/remove`;
    const asked = await postForm(w.h, removeUrl, staff, { entryId: String(cuongEntry) });
    expect(asked.status).toBe(200);
    const question = await asked.text();
    expect(question).toContain('Rút khỏi danh sách chờ?');
    expect(question).toContain('Rút Ông Lê Văn Cường khỏi danh sách chờ');
    expect(w.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, cuongEntry)).get()!.status).toBe('waiting');
    // Bad input and someone not in this campaign's line.
    expect((await postForm(w.h, removeUrl, staff, { entryId: 'abc', confirm: '1' })).status).toBe(400);
    expect((await postForm(w.h, removeUrl, staff, { entryId: '999999', confirm: '1' })).status).toBe(404);

    const done = await postForm(w.h, removeUrl, staff, { entryId: String(cuongEntry), confirm: '1' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${url}?msg=removed`);
    expect(w.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, cuongEntry)).get()!.status).toBe('left');
    const audit = w.db.select().from(auditLog).where(and(eq(auditLog.action, 'waitlist.leave'), eq(auditLog.entityId, String(cuongEntry)))).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorType).toBe('staff');
    // Twice is a conflict, not a second audit row.
    expect((await postForm(w.h, removeUrl, staff, { entryId: String(cuongEntry), confirm: '1' })).status).toBe(409);

    const html = await (await get(w.h, `${url}?msg=removed`, staff)).text();
    expect(html).toContain('Đã rút cán bộ khỏi danh sách chờ.');
    expect(html.slice(html.indexOf('id="waitlist-past"'))).toContain('Đã rút khỏi danh sách');

    // Bình lets her offer lapse: the place passes on, but not to Cường, who left the line.
    const offer = w.db.select().from(waitlistOffers).where(eq(waitlistOffers.entryId, binhEntry)).get()!;
    await at(w, offer.expiresAt);
    await waitFor(() => w.db.select().from(waitlistOffers).where(eq(waitlistOffers.id, offer.id)).get()!.status === 'expired', 'offer lapses');
    // The place went back to the line (a second 'waitlist.offer' job) and that job ran without finding anyone.
    await waitFor(() => {
      const rows = w.db.select().from(outbox).where(eq(outbox.kind, 'waitlist.offer')).all();
      return rows.length === 2 && rows.every((r) => r.status === 'done');
    }, 'the place passed on');
    expect(w.db.select().from(waitlistOffers).all()).toHaveLength(1);
    expect(w.db.select().from(waitlistOffers).where(eq(waitlistOffers.entryId, cuongEntry)).all()).toHaveLength(0);
    expect(rowOf(await (await get(w.h, url, staff)).text(), binhEntry)).toContain('Đã hết hạn');
  });

  it('filters by clinic for the office; clinic staff of another clinic neither see nor remove this line', async () => {
    const coordinator = await login(w.h, 'dieuphoi');
    const own = await (await get(w.h, `${url}?clinicId=${w.clinic.id}`, coordinator)).text();
    expect(rowOf(own, entryIds[0]!)).toContain('Trần Thị Bình');
    const elsewhere = await (await get(w.h, `${url}?clinicId=${otherClinic}`, coordinator)).text();
    expect(rowOf(elsewhere, entryIds[0]!)).toBe('');
    expect(elsewhere).toContain('Không có cán bộ nào đang chờ.');
    expect((await get(w.h, `${url}?clinicId=abc`, coordinator)).status).toBe(400);
    const stranger = await login(w.h, 'nhanvien.b');
    expect(rowOf(await (await get(w.h, `${url}?clinicId=${w.clinic.id}`, stranger)).text(), entryIds[0]!)).toBe('');
    expect((await postForm(w.h, `${url}/remove`, stranger, { entryId: String(entryIds[0]), confirm: '1' })).status).toBe(404);
    expect(w.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, entryIds[0]!)).get()!.status).toBe('waiting');
  });

  it('turns away a role without the permission', async () => {
    expect((await get(w.h, url, await login(w.h, 'xem'))).status).toBe(403);
    // A doctor sees the line but may not take anyone out of it.
    const doctor = await login(w.h, 'bacsi');
    expect((await get(w.h, url, doctor)).status).toBe(200);
    expect((await postForm(w.h, `${url}/remove`, doctor, { entryId: String(entryIds[0]), confirm: '1' })).status).toBe(403);
    expect(w.db.select().from(waitlistEntries).where(eq(waitlistEntries.id, entryIds[0]!)).get()!.status).not.toBe('left');
  });
});
