import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { invitationFunnel, invitationStatuses } from '../src/domain/outreach/invitations';
import { bookings, examSlots, invitations, noticeSends, noticeTemplates, outbox, type Cadre, type Campaign } from '../src/store/schema';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, TEST_OA_SECRET, waitFor, type Harness } from './harness';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * A registry cadre who never followed the OA is invited by phone (a Zalo template by phone), the invitation is
 * delivered (ZNS receipt), she opens the chat, links by sharing her phone, books, and answers "1" to the day-before
 * reminder; the staff pages show each step.
 */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
const LAN_PHONE = '84912777001';
let h: Harness;
let clock: ManualClock;
let staff: Session;
let lan: Cadre, linked: Cadre;
let campaign: Campaign;
let clinicId: number;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true', PRICE_TEMPLATE_BY_PHONE_VND: '200' } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'HP-0201', fullName: 'Hoàng Thị Lan', sex: 'female', phone: LAN_PHONE },
      { code: 'HP-0202', fullName: 'Ngô Văn Minh', phone: '84912777002' },
      { code: 'HP-0203', fullName: 'Đinh Văn Nam', phone: null },
    ],
    START,
  );
  [lan, linked] = seeded.cadres as [Cadre, Cadre];
  clinicId = seeded.clinic.id;
  linkUser(h, '850000000000000001', linked.id);
  campaign = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-06' });
  h.runtime.store.db
    .insert(noticeTemplates)
    .values({
      name: 'campaign_invitation',
      templateId: '660001',
      approvedOn: '2026-01-12',
      body: 'Kính mời <ho_ten> đặt lịch <dot_kham>, hạn đến <han>.',
      params: [
        { param: 'ho_ten', source: 'name' },
        { param: 'dot_kham', source: 'campaign' },
        { param: 'han', source: 'until' },
      ],
      updatedAt: START,
    })
    .run();
  await makeStaff(h, 'dieu-phoi', 'coordinator');
  staff = await login(h, 'dieu-phoi');
});
afterAll(() => h?.stop());

describe('inviting registry cadres by phone', () => {
  it('confirm step: who is invited and the estimated cost; a stale count sends nothing', async () => {
    const html = await (await get(h, `/staff/outreach/invitations/campaigns/${campaign.id}/confirm`, staff)).text();
    expect(html).toContain('Hoàng Thị Lan');
    expect(html).not.toContain('Ngô Văn Minh'); // already linked
    expect(html).not.toContain('Đinh Văn Nam'); // no phone
    expect(html).toContain('Gửi 1 lời mời');
    expect(html).toMatch(/id="invite-cost"><strong>200 ₫<\/strong>/);
    const stale = await postForm(h, `/staff/outreach/invitations/campaigns/${campaign.id}/invite`, staff, { expected: '2' });
    expect(stale.status).toBe(409);
    expect(h.runtime.store.db.select().from(invitations).all()).toHaveLength(0);
  });

  it('invited, delivered, opened the chat, linked by sharing her phone, booked, confirmed the day before: each step on the staff pages', async () => {
    const res = await postForm(h, `/staff/outreach/invitations/campaigns/${campaign.id}/invite`, staff, { expected: '1' });
    expect(res.status).toBe(303);
    h.runtime.relay.kick();

    // The template by phone, with Zalo's parameter names filled from our values.
    const sent = await waitFor(() => h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.cadreId, lan.id)).get(), 'invitation sent');
    expect(sent).toMatchObject({ kind: 'campaign.invitation', channel: 'zalo_phone', phone: LAN_PHONE, templateId: '660001', costVnd: 200 });
    const [msg] = h.fake.messagesTo(LAN_PHONE);
    expect(msg!.body).toMatchObject({
      phone: LAN_PHONE,
      template_id: '660001',
      template_data: { ho_ten: 'Hoàng Thị Lan', dot_kham: 'Khám sức khỏe định kỳ đợt 1 năm 2026', han: 'Thứ Ba, 31/03/2026' },
    });

    // Zalo's delivery receipt (from the ZNS server).
    const receipt = events.signEvent(events.znsReceiptEvent(ids, LAN_PHONE, msg!.messageId, msg!.trackingId!, h.clock.now()), TEST_OA_SECRET, 'ZNS');
    expect((await h.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: receipt.headers, body: receipt.body })).status).toBe(200);

    // She taps the button, the OA chat opens, and she writes from an account we have never seen.
    const user = '850000000000000099';
    const first = await chat(h, user, 'Đặt lịch khám');
    expect(first.text).toContain('Gửi số điện thoại');
    const share = await chat(h, user, '1');
    expect(share.text).toContain('[request_user_info]');
    const before = (await h.settled(user)).length;
    await h.deliver(events.submitInfoEvent(ids, user, { name: 'Lan', phone: '0912 777 001' }, h.clock.now()));
    const clinics = (await h.settled(user)).slice(before);
    expect(clinics.map((m) => m.text).join('\n')).toContain('Kính chào Bà Hoàng Thị Lan');

    // She books: the booking she asked for carries on after linking.
    let step = { text: clinics.map((m) => m.text).join('\n'), buttons: clinics.flatMap((m) => m.buttons.map((b) => String(b.payload))) };
    for (let i = 0; i < 5 && !step.text.includes('Đã đặt lịch khám'); i++) step = await chat(h, user, step.buttons[0]!);
    expect(step.text).toContain('Đã đặt lịch khám cho Bà Hoàng Thị Lan.');
    expect(h.runtime.store.db.select().from(bookings).where(eq(bookings.cadreId, lan.id)).all()).toHaveLength(1);

    const [status] = invitationStatuses(h.runtime.store.db, campaign.id);
    expect(status).toMatchObject({ fullName: 'Hoàng Thị Lan', channel: 'zalo_phone' });
    expect(status!.deliveredAt).not.toBeNull();
    expect(status!.openedAt).not.toBeNull();
    expect(status!.linkedAt).not.toBeNull();
    expect(status!.bookedAt).not.toBeNull();
    expect(invitationFunnel([status!])).toEqual({ invited: 1, sentByZalo: 1, delivered: 1, opened: 1, linked: 1, booked: 1 });

    const page = await (await get(h, `/staff/outreach/invitations/campaigns/${campaign.id}`, staff)).text();
    for (const id of ['inv-invited', 'inv-delivered', 'inv-opened', 'inv-linked', 'inv-booked']) expect(page).toMatch(new RegExp(`id="${id}"><b>1</b>`));
    expect(page).toContain('Zalo (số điện thoại)');
    // Nobody is left to invite: linked and booked cadres are never invited twice.
    expect(page).toContain('Không còn cán bộ nào để mời.');

    // The day before her exam she gets the reminder with its question, answers "1", and the day list shows it.
    const db = h.runtime.store.db;
    const booking = db.select().from(bookings).where(eq(bookings.cadreId, lan.id)).get()!;
    const slot = db.select().from(examSlots).where(eq(examSlots.id, booking.slotId)).get()!;
    const dayBefore = db
      .select()
      .from(outbox)
      .where(eq(outbox.subject, `booking-${booking.id}`))
      .all()
      .find((r) => (r.payload as { ref: { variant: string } }).ref.variant === 'T-1');
    expect(dayBefore, 'a day-before reminder is planned for the booking made after the invitation').toBeDefined();
    expect(booking.confirmation).toBeNull();

    // The day before, at the reminder's hour: the reconciler starts it and it goes out.
    clock.set(dayBefore!.dueAt);
    await h.runtime.relay.flush();
    await h.runtime.reconcile();
    const question = await waitFor(() => h.fake.messagesTo(user).find((m) => (m.text ?? '').includes('3. Không đến được')), 'day-before question');
    expect(question.text).toMatch(/^Nhắc lịch: ngày mai Bà Hoàng Thị Lan có lịch khám/);
    expect((question.buttons ?? []).map((b) => b.payload)).toEqual(['Sẽ đến', 'Đổi lịch', 'Không đến được']);
    const reminderSend = db.select().from(noticeSends).where(eq(noticeSends.cadreId, lan.id)).all().find((s) => s.kind === 'booking.reminder');
    // She wrote to the OA this week, so the free customer-service message reaches her; no template is spent.
    expect(reminderSend).toMatchObject({ channel: 'zalo', costVnd: 0 });

    const yes = await chat(h, user, '1');
    expect(yes.text).toContain('Đã ghi nhận Bà Hoàng Thị Lan sẽ đến khám');
    expect(db.select().from(bookings).where(eq(bookings.id, booking.id)).get()!.confirmation).toBe('confirmed');

    // A day has passed: the coordinator signs in again.
    const dayStaff = await login(h, 'dieu-phoi');
    const html = await (await get(h, `/staff/booking/${campaign.id}/day?clinicId=${clinicId}&date=${slot.localDate}`, dayStaff)).text();
    const row = html.slice(html.indexOf('Hoàng Thị Lan'), html.indexOf('</tr>', html.indexOf('Hoàng Thị Lan')));
    expect(row).toContain('Sẽ đến');
    expect(row).not.toContain('Chưa xác nhận');
  });
});
