import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { bookings, examSlots, noticeSends, outbox, zaloUsers, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * The day-before reminder outside the 7-day window goes as the template that asks "1 Sẽ đến · 2 Đổi lịch ·
 * 3 Không đến được". Zalo's template buttons open a link, a call or the OA chat and send no text back, so its
 * one button opens the chat and its body says to type the number; the answer typed there is recorded.
 */

// Monday 02/03/2026, 08:00 local.
const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-10';
const CONFIRM_ID = '990001';
const REMINDER_ID = '990002';
const AN_USER = '860000000000000031';
let h: Harness;
let clock: ManualClock;
let staff: Session;
let an: Cadre;
let binh: Cadre;
const bookingOf: Record<string, number> = {};

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({
    clock,
    env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000', ZALO_TEMPLATES: JSON.stringify({ booking_confirm: CONFIRM_ID, booking_reminder: REMINDER_ID }) },
  });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'TN-1', fullName: 'Nguyễn Văn An', phone: '84912000031' },
      { code: 'TN-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84912000032' },
    ],
    START,
  );
  [an, binh] = seeded.cadres as [Cadre, Cadre];
  const db = h.runtime.store.db;
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-31' });
  const slot = db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, Date.parse(`${EXAM_DAY}T01:00:00Z`)))).get()!;
  for (const cadre of [an, binh]) {
    bookingOf[cadre.code] = inTransaction(db, (tx) => createBooking(tx, { cadreId: cadre.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, START));
  }
  // An linked an account but last wrote 12 days before the exam: outside the 7-day window, inside the year.
  linkUser(h, AN_USER, an.id);
  const lastHeard = Date.parse('2026-02-26T03:00:00Z');
  db.update(zaloUsers).set({ lastInteractionAt: lastHeard }).where(eq(zaloUsers.id, AN_USER)).run();
  h.fake.upsertUser({ userId: AN_USER, lastInteractionAt: lastHeard });
  // Bình never wrote to the OA: only her registry phone reaches her.
  await makeStaff(h, 'dieu-phoi', 'coordinator');
  staff = await login(h, 'dieu-phoi');
});
afterAll(() => h?.stop());

const t1Row = (bookingId: number) =>
  h.runtime.store.db
    .select()
    .from(outbox)
    .where(eq(outbox.subject, `booking-${bookingId}`))
    .all()
    .find((r) => (r.payload as { ref: { variant?: string } }).ref.variant === 'T-1')!;

describe('the day-before reminder as a template', () => {
  it('goes as the confirmation template by user id and by phone, and "1" typed in the chat afterwards is recorded', async () => {
    const anRow = t1Row(bookingOf['TN-1']!);
    clock.set(anRow.dueAt);
    await h.runtime.relay.flush();
    await h.runtime.reconcile();
    // The T-3 reminders went too (they were due earlier); the T-1 ones are the question.
    const t1Ids = [t1Row(bookingOf['TN-1']!).id, t1Row(bookingOf['TN-2']!).id];
    const sends = await waitFor(() => {
      const all = h.runtime.store.db.select().from(noticeSends).all().filter((s) => t1Ids.includes(s.outboxId));
      return all.length === 2 ? all : null;
    }, 'both day-before reminders sent');
    const byCadre = new Map(sends.map((s) => [s.cadreId, s]));
    expect(byCadre.get(an.id)).toMatchObject({ channel: 'zalo_template', templateId: CONFIRM_ID, zaloUserId: AN_USER });
    expect(byCadre.get(binh.id)).toMatchObject({ channel: 'zalo_phone', templateId: CONFIRM_ID, phone: '84912000032' });
    const toAn = h.fake.messagesTo(AN_USER).find((m) => m.kind === 'template' && (m.body as { template_id: string }).template_id === CONFIRM_ID)!;
    expect(toAn.body).toMatchObject({ template_id: CONFIRM_ID, template_data: { name: 'Nguyễn Văn An', date: expect.stringContaining('10/03/2026') } });
    const toBinh = h.fake.messagesTo('84912000032').find((m) => (m.body as { template_id: string }).template_id === CONFIRM_ID)!;
    expect(toBinh.body).toMatchObject({ template_id: CONFIRM_ID, tracking_id: `outbox-${t1Row(bookingOf['TN-2']!).id}-phone` });

    // An taps the template's button (the chat opens: an interaction, Zalo's window opens) and types the number.
    h.fake.touch(AN_USER);
    const reply = await chat(h, AN_USER, '1');
    expect(reply.text).toContain('Đã ghi nhận Ông Nguyễn Văn An sẽ đến khám');
    expect(h.runtime.store.db.select().from(bookings).where(eq(bookings.id, bookingOf['TN-1']!)).get()!.confirmation).toBe('confirmed');
  });

  it('without an approved confirmation template the plain reminder template carries it, and the record says so', async () => {
    const db = h.runtime.store.db;
    staff = await login(h, 'dieu-phoi');
    // Saved on the templates page as not approved: the plain reminder template is used instead.
    const res = await postForm(h, '/staff/outreach/templates/booking_confirm', staff, { templateId: CONFIRM_ID, status: 'disabled', approvedOn: '', body: '', params: '' });
    expect(res.status).toBe(303);
    const extra = seedRegistry(db, [{ code: 'TN-3', fullName: 'Lê Văn Cường', phone: '84912000033' }], clock.now()).cadres[0]!;
    const slot = db.select().from(examSlots).where(eq(examSlots.startsAt, Date.parse('2026-03-12T01:00:00Z'))).get()!;
    const id = inTransaction(db, (tx) => createBooking(tx, { cadreId: extra.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, clock.now()));
    clock.set(t1Row(id).dueAt);
    await h.runtime.relay.flush();
    await h.runtime.reconcile();
    const sent = await waitFor(() => db.select().from(noticeSends).where(eq(noticeSends.outboxId, t1Row(id).id)).get(), 'reminder sent');
    expect(sent).toMatchObject({ channel: 'zalo_phone', templateId: REMINDER_ID });
    expect(sent.reason).toContain('no approved template "booking_confirm"; "booking_reminder" used');
  });
});

describe('the templates page', () => {
  it('shows the button to register and previews it; warns when the body does not say to type 1, 2 or 3', async () => {
    staff = await login(h, 'dieu-phoi');
    const without = await postForm(h, '/staff/outreach/templates/booking_confirm', staff, {
      templateId: CONFIRM_ID,
      status: 'approved',
      approvedOn: '15/12/2025',
      body: 'Kính gửi <ten>, ngày mai <ngay> lúc <gio> Quý khách có lịch khám tại <phong_kham>.',
      params: 'ten = name\nngay = date\ngio = time\nphong_kham = clinic',
    });
    expect(without.status).toBe(303);
    let html = await (await get(h, '/staff/outreach/templates/booking_confirm?cadre=TN-1', staff)).text();
    expect(html).toContain('id="template-buttons-help"');
    expect(html).toContain('“Trả lời Ban” (mở khung chat với Ban');
    const preview = html.slice(html.indexOf('id="preview-buttons"'), html.indexOf('</div>', html.indexOf('id="preview-buttons"')));
    expect(preview).toContain('data-opens="oa_chat"');
    expect(preview).toContain('Trả lời Ban');
    expect(html).toContain('Nội dung chưa có: &quot;1 Sẽ đến&quot;, &quot;2 Đổi lịch&quot;, &quot;3 Không đến được&quot;');
    expect(html).toContain('Kính gửi Nguyễn Văn An, ngày mai Thứ Ba, 10/03/2026 lúc 8:00');

    await postForm(h, '/staff/outreach/templates/booking_confirm', staff, {
      templateId: CONFIRM_ID,
      status: 'approved',
      approvedOn: '15/12/2025',
      body: 'Kính gửi <ten>, ngày mai <ngay> lúc <gio> Quý khách có lịch khám tại <phong_kham>. Xin bấm "Trả lời Ban" và nhắn: 1. Sẽ đến, 2. Đổi lịch, 3. Không đến được.',
      params: 'ten = name\nngay = date\ngio = time\nphong_kham = clinic',
    });
    html = await (await get(h, '/staff/outreach/templates/booking_confirm?cadre=TN-1', staff)).text();
    expect(html).not.toContain('Nội dung chưa có');
    expect(html).not.toContain('id="template-warnings"');
    // The list names the buttons of each kind that has them.
    const list = await (await get(h, '/staff/outreach/templates', staff)).text();
    expect(list).toContain('nút: “Trả lời Ban”');
    expect(list).toContain('nút: “Nhắn tin cho Ban”');
  });
});
