import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { bookings, examSlots, outbox, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser, stateOf } from './bookingSupport';
import { startSmtpSink, type SmtpSink } from './smtp';
import { get, login, makeStaff } from './staffSupport';

// Monday 02/03/2026, 08:00 local.
const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-10';
let h: Harness | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
  await h?.stop();
  await smtp?.close();
  h = smtp = undefined;
});

const users = { an: '860000000000000011', binh: '860000000000000012', cuong: '860000000000000013', dung: '860000000000000014' };

async function world() {
  smtp = await startSmtpSink();
  const clock = new ManualClock(START);
  h = await startHarness({ clock, env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000', ZALO_BUTTONS: 'true', SMTP_URL: smtp.url, ATTENDANCE_CALL_LIST_HOUR: '15' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'C-1', fullName: 'Nguyễn Văn An', phone: '84912000001' },
      { code: 'C-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84912000002' },
      { code: 'C-3', fullName: 'Lê Văn Cường', phone: '84912000003' },
      { code: 'C-4', fullName: 'Phạm Văn Dũng', phone: '84912000004' },
    ],
    START,
  );
  const [an, binh, cuong, dung] = seeded.cadres as [Cadre, Cadre, Cadre, Cadre];
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-31' });
  const db = h.runtime.store.db;
  const slot8 = db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, Date.parse(`${EXAM_DAY}T01:00:00Z`)))).get()!;
  const slot9 = db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, Date.parse(`${EXAM_DAY}T02:00:00Z`)))).get()!;
  const cadres = { an, binh, cuong, dung };
  const ids: Record<keyof typeof cadres, number> = { an: 0, binh: 0, cuong: 0, dung: 0 };
  for (const [k, cadre] of Object.entries(cadres) as [keyof typeof cadres, Cadre][]) {
    ids[k] = inTransaction(db, (tx) => createBooking(tx, { cadreId: cadre.id, slotId: k === 'an' || k === 'binh' ? slot8.id : slot9.id, zaloUserId: null, viaProxy: false }, START));
  }
  // Linked (and last heard from) a few days later: the day-before reminder falls inside Zalo's 7-day window.
  clock.set(Date.parse('2026-03-06T03:00:00Z'));
  for (const k of Object.keys(cadres) as (keyof typeof cadres)[]) linkUser(h, users[k], cadres[k].id);
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  const { staffUsers } = await import('../src/store/schema');
  db.update(staffUsers).set({ email: 'nhanvien.a@example.test' }).where(eq(staffUsers.username, 'nhanvien.a')).run();
  return { h, clock, db, campaignId: c.id, clinicId: seeded.clinic.id, slot9, ids };
}

/** Moves the clock and lets the reconciler start whatever is due now. */
async function at(w: { h: Harness; clock: ManualClock }, instant: number) {
  w.clock.set(instant);
  await w.h.runtime.relay.flush();
  await w.h.runtime.reconcile();
}

const booking = (w: { db: Harness['runtime']['store']['db'] }, id: number) => w.db.select().from(bookings).where(eq(bookings.id, id)).get()!;

describe('day-before confirmation', () => {
  it('asks 1 Sẽ đến · 2 Đổi lịch · 3 Không đến được; records a yes, starts a move, frees a place only after a yes; staff get the unconfirmed to call', async () => {
    const w = await world();
    const t1 = w.db
      .select()
      .from(outbox)
      .where(eq(outbox.subject, `booking-${w.ids.cuong}`))
      .all()
      .find((r) => (r.payload as { ref: { variant: string } }).ref.variant === 'T-1')!;
    // 09:00 local the day before: every T-1 question is out (08:00 and 09:00 exams).
    await at(w, t1.dueAt);
    for (const u of Object.values(users)) {
      await waitFor(() => w.h!.fake.messagesTo(u).some((m) => (m.text ?? '').includes('3. Không đến được')), `question to ${u}`);
    }
    const question = w.h.fake.messagesTo(users.an).find((m) => (m.text ?? '').includes('Xin trả lời'))!;
    expect(question.text).toMatch(/^Nhắc lịch: ngày mai Ông Nguyễn Văn An có lịch khám/);
    expect(question.text).toContain('1. Sẽ đến\n2. Đổi lịch\n3. Không đến được');
    expect((question.buttons ?? []).map((b) => b.payload)).toEqual(['Sẽ đến', 'Đổi lịch', 'Không đến được']);

    // 1: recorded as confirmed; a second "1" is the main menu again.
    const yes = await chat(w.h, users.an, '1');
    expect(yes.text).toContain('Đã ghi nhận Ông Nguyễn Văn An sẽ đến khám Thứ Ba, 10/03/2026, lúc 8:00');
    expect(booking(w, w.ids.an).confirmation).toBe('confirmed');
    expect((await chat(w.h, users.an, '1')).text).not.toContain('Đã ghi nhận');

    // Typed without diacritics, as the button payload would be.
    expect((await chat(w.h, users.dung, 'toi se di')).text).toContain('Đã ghi nhận Ông Phạm Văn Dũng sẽ đến khám');
    expect(booking(w, w.ids.dung).confirmation).toBe('confirmed');

    // 2: the move flow for that booking; nothing is recorded as an answer yet.
    const move = await chat(w.h, users.binh, '2');
    expect(move.text).toMatch(/Các ngày còn chỗ|Xin chọn/);
    expect(await stateOf(w.h, users.binh)).toMatchObject({ flow: 'booking', purpose: 'move', bookingId: w.ids.binh });
    expect(booking(w, w.ids.binh).confirmation).toBeNull();
    await chat(w.h, users.binh, 'menu');

    // 3: asks why, shows a summary, and the place is freed only on a yes.
    const before = w.db.select().from(examSlots).where(eq(examSlots.id, w.slot9.id)).get()!.booked;
    const why = await chat(w.h, users.cuong, 'ko di dc');
    expect(why.text).toContain('Xin cho biết vì sao Ông không đến được');
    const summary = await chat(w.h, users.cuong, 'Đang ốm, nằm viện');
    expect(summary.text).toContain('Chỗ khám sẽ được nhường cho người khác.');
    expect(booking(w, w.ids.cuong).status).toBe('booked');
    expect(w.db.select().from(examSlots).where(eq(examSlots.id, w.slot9.id)).get()!.booked).toBe(before);
    const freed = await chat(w.h, users.cuong, 'đồng ý');
    expect(freed.text).toContain('chỗ đã được nhường cho người khác');
    expect(booking(w, w.ids.cuong)).toMatchObject({ status: 'cancelled', confirmation: 'declined', cancelReason: 'Đang ốm, nằm viện' });
    expect(w.db.select().from(examSlots).where(eq(examSlots.id, w.slot9.id)).get()!.booked).toBe(before - 1);

    // 15:00 the day before: the clinic's staff get Bình (still unanswered) with her phone, nobody else.
    await at(w, Date.parse('2026-03-09T08:00:00Z'));
    const mail = await waitFor(() => smtp!.mails.find((m) => m.to.includes('nhanvien.a@example.test')), 'call list mail');
    expect(mail.subject).toContain('1 cán bộ chưa xác nhận lịch khám Thứ Ba, 10/03/2026');
    expect(mail.text).toContain('Bà Trần Thị Bình  0912 000 002');
    expect(mail.text).not.toMatch(/Nguyễn Văn An|Phạm Văn Dũng|Lê Văn Cường/);
    expect(mail.text).toContain(`/staff/booking/${w.campaignId}/day?clinicId=${w.clinicId}&date=${EXAM_DAY}`);
    // It points to the call list, where each call's outcome is recorded.
    expect(mail.text).toContain(`/staff/booking/${w.campaignId}/calls?reason=unconfirmed`);

    // The day list shows who confirmed and who has not, with tel: links.
    const s = await login(w.h, 'nhanvien.a');
    const html = await (await get(w.h, `/staff/booking/${w.campaignId}/day?clinicId=${w.clinicId}&date=${EXAM_DAY}`, s)).text();
    const rowOf = (name: string) => html.slice(html.indexOf(name), html.indexOf('</tr>', html.indexOf(name)));
    expect(rowOf('Nguyễn Văn An')).toContain('Sẽ đến');
    expect(rowOf('Trần Thị Bình')).toContain('Chưa xác nhận');
    expect(rowOf('Trần Thị Bình')).toContain('href="tel:+84912000002"');
    expect(html).not.toContain('Lê Văn Cường');
  });
});
