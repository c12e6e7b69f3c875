import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte, lt, lte } from 'drizzle-orm';
import { seedDemo, type DemoSeedReport } from '../src/demoScenario';
import { demoStaffAccounts, demoZaloUsers } from '../src/demoScenario/people';
import { addDays } from '../src/domain/shared/dates';
import { vietnamDate } from '../src/domain/shared/quietHours';
import { defaultRequestPolicy } from '../src/domain/requests/sla';
import { broadcasts, broadcastRecipients, bookings, cadres, campaigns, careRequests, clinics, examResults, examSlots, holidays, outbox, proxies, staffUsers, zaloLinks } from '../src/store/schema';
import type { StaffRole } from '../src/store/schema';
import { chat } from './bookingSupport';
import { events, ids, ManualClock, startHarness, type Harness } from './harness';
import { cookieFrom, postLogin } from './staffSupport';

/**
 * The demo's data, seeded on a fresh data directory exactly as `npm run demo` seeds it: a visitor playing the
 * first demo user books an exam and reads a result through the signed webhook with no staff action, every
 * printed login opens the pages of its role, and a second seeding changes nothing.
 */

async function seeded(now: number): Promise<{ h: Harness; report: DemoSeedReport }> {
  const h = await startHarness({ clock: new ManualClock(now), env: { ZALO_BUTTONS: 'true' } });
  const report = await seedDemo(h.runtime.store.db, { now, requestPolicy: defaultRequestPolicy });
  return { h, report };
}

describe('the demo on a fresh data directory (a Monday morning in the second round)', () => {
  // Monday 30/11/2026, 09:00 in Vietnam.
  const NOW = Date.parse('2026-11-30T02:00:00Z');
  let h: Harness;
  let report: DemoSeedReport;
  beforeAll(async () => {
    ({ h, report } = await seeded(NOW));
  });
  afterAll(() => h?.stop());
  const db = () => h.runtime.store.db;

  it('the first demo user books with "đặt lịch khám" and sees the corrected result with "xem kết quả"', async () => {
    const first = report.users[0]!;
    expect(first).toMatchObject({ kind: 'withResults', linked: true });
    const campaign = await chat(h, first.userId, 'đặt lịch khám');
    expect(campaign.text).toContain('Khám sức khỏe định kỳ đợt 2 năm 2026');
    expect(campaign.text).toMatch(/1\. Phòng khám Cán bộ A1 .*\(nơi đăng ký\)/);

    // Tomorrow is nearly full, the day after is full (not offered), Friday has one place left.
    const days = await chat(h, first.userId, '1');
    expect(days.text).toContain('1. Thứ Ba, 01/12/2026 (còn 2 chỗ)');
    expect(days.text).not.toContain('02/12/2026');
    expect(days.text).toContain('Thứ Sáu, 04/12/2026 (còn 1 chỗ)');
    const times = await chat(h, first.userId, '1');
    expect(times.text).toContain('1. 10:00 (còn 2 chỗ)');
    expect((await chat(h, first.userId, '1')).text).toContain('Xin xác nhận lịch khám của Ông');
    const done = await chat(h, first.userId, 'đồng ý');
    expect(done.text).toContain(`Đã đặt lịch khám cho Ông ${first.displayName}.`);
    const cadreId = db().select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, first.userId)).get()!.cadreId;
    expect(db().select().from(bookings).where(and(eq(bookings.cadreId, cadreId), eq(bookings.status, 'booked'))).all()).toHaveLength(1);

    const result = await chat(h, first.userId, 'xem kết quả');
    expect(result.text).toContain('Đây là kết quả đã được đính chính.');
    expect(result.text).toContain('Rối loạn lipid máu');
    expect(result.text).toContain('Loại III');
    // Two released rounds behind it: the corrected one and the one before.
    const released = db().select().from(examResults).where(and(eq(examResults.cadreId, cadreId), eq(examResults.status, 'released'))).all();
    expect(released).toHaveLength(2);
    const earlier = await chat(h, first.userId, result.buttons[0]!);
    expect(earlier.text).toMatch(/1\. Khám ngày \d{2}\/\d{2}\/2025/);
  });

  it('answers a question from the FAQ the committee added', async () => {
    const first = report.users[0]!;
    expect((await chat(h, first.userId, 'khám có mất tiền không')).text).toContain('miễn phí');
  });

  it('holds every part of the story, dated relative to today', () => {
    const today = vietnamDate(NOW);
    const open = db().select().from(campaigns).where(eq(campaigns.status, 'open')).all();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ year: 2026, round: 2 });
    expect(db().select().from(campaigns).where(eq(campaigns.status, 'closed')).all().map((c) => `${c.year}/${c.round}`)).toEqual(['2025/2', '2026/1']);
    // A day off staff added beside the public holidays.
    expect(db().select().from(holidays).all().map((d) => d.name)).toEqual(['Khoa khám bệnh cán bộ nghỉ kiểm kê']);

    // Slots at every clinic for the next four weeks; one full day; nearly full days.
    const ahead = db()
      .select()
      .from(examSlots)
      .where(and(eq(examSlots.campaignId, open[0]!.id), gte(examSlots.localDate, addDays(today, 1)), lte(examSlots.localDate, addDays(today, 28))))
      .all();
    const perDay = new Map<string, { free: number; capacity: number }>();
    for (const s of ahead) {
      const key = `${s.clinicId} ${s.localDate}`;
      const d = perDay.get(key) ?? { free: 0, capacity: 0 };
      perDay.set(key, { free: d.free + s.capacity - s.booked, capacity: d.capacity + s.capacity });
    }
    const clinicCount = db().select().from(clinics).all().length;
    expect(new Set(ahead.map((s) => s.clinicId)).size).toBe(clinicCount);
    expect(ahead.some((s) => s.localDate >= addDays(today, 25))).toBe(true);
    const days = [...perDay.values()];
    expect(days.filter((d) => d.free === 0)).toHaveLength(1);
    expect(days.filter((d) => d.free > 0 && d.free <= 2).length).toBeGreaterThanOrEqual(3);

    // Today's day lists, for staff to mark attendance.
    const todays = db()
      .select({ clinicId: examSlots.clinicId })
      .from(bookings)
      .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
      .where(and(eq(examSlots.localDate, today), eq(bookings.status, 'booked')))
      .all();
    expect(new Set(todays.map((b) => b.clinicId)).size).toBe(clinicCount);

    const results = db().select().from(examResults).all();
    expect(results.filter((r) => r.status === 'draft')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'superseded')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'released').length).toBeGreaterThan(30);
    for (const u of report.users.filter((u) => u.cadre)) {
      const cadre = db().select().from(cadres).where(eq(cadres.code, u.cadre!.code)).get()!;
      expect(results.some((r) => r.cadreId === cadre.id && r.status === 'released'), u.kind).toBe(true);
    }

    const requests = db().select().from(careRequests).all();
    const open_ = requests.filter((r) => ['new', 'acknowledged', 'scheduled'].includes(r.state));
    expect(new Set(open_.map((r) => r.type))).toEqual(new Set(['home_visit', 'medicine', 'record_book', 'question', 'emergency']));
    const overdue = open_.filter((r) => r.state === 'new' && r.ackDueAt < NOW);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ urgency: 'urgent' });
    expect(open_.find((r) => r.state === 'scheduled')).toMatchObject({ type: 'home_visit' });
    // The overdue request's escalation is live; what the past would have sent is not sent now.
    const past = db().select().from(outbox).where(lt(outbox.dueAt, NOW)).all();
    expect(past.filter((r) => !r.subject?.startsWith('request-')).every((r) => r.status === 'cancelled')).toBe(true);
    expect(past.some((r) => r.subject === `request-${overdue[0]!.id}` && r.status !== 'cancelled')).toBe(true);
    const relative = report.users.find((u) => u.kind === 'relative')!;
    expect(db().select().from(proxies).where(eq(proxies.zaloUserId, relative.userId)).all().map((p) => p.status)).toEqual(['pending']);
    const sent = db().select().from(broadcasts).all();
    expect(sent.map((b) => b.status).sort()).toEqual(['done', 'scheduled']);
    const done = sent.find((b) => b.status === 'done')!;
    const recipients = db().select().from(broadcastRecipients).where(eq(broadcastRecipients.broadcastId, done.id)).all();
    expect(recipients.length).toBeGreaterThan(10);
    expect(recipients.every((r) => r.status === 'sent' || r.status === 'skipped')).toBe(true);
    expect(sent.find((b) => b.status === 'scheduled')!.startAt).toBeGreaterThan(NOW);
  });

  it('every printed login opens the pages of its role, and no other', async () => {
    expect(report.createdLogins.map((l) => l.account.role).sort()).toEqual(['admin', 'clinic_staff', 'coordinator', 'doctor', 'viewer']);
    const navOf = async (cookie: string) => {
      const res = await h.runtime.app.request('/staff', { headers: { cookie } });
      expect(res.status).toBe(200);
      const nav = /<nav[\s\S]*?<\/nav>/.exec(await res.text())![0];
      return [...nav.matchAll(/href="(\/staff\/[^"]+)"/g)].map((m) => m[1]!);
    };
    const navs = new Map<StaffRole, string[]>();
    const cookies = new Map<StaffRole, string>();
    for (const { account, password } of report.createdLogins) {
      const res = await postLogin(h, account.username, password);
      expect(res.status, account.username).toBe(303);
      const cookie = cookieFrom(res);
      cookies.set(account.role, cookie);
      const nav = await navOf(cookie);
      navs.set(account.role, nav);
      for (const href of nav) {
        const page = await h.runtime.app.request(href, { headers: { cookie } });
        expect(page.status, `${account.username} ${href}`).toBe(200);
      }
    }
    const everything = new Set([...navs.values()].flat());
    for (const { account } of report.createdLogins) {
      const cookie = cookies.get(account.role)!;
      for (const href of everything) {
        if (navs.get(account.role)!.includes(href)) continue;
        const page = await h.runtime.app.request(href, { headers: { cookie } });
        expect(page.status, `${account.username} ${href}`).toBe(403);
      }
    }
    // Clinic staff belong to clinic A1; the doctor heads it; the coordinator is on call.
    const staff = db().select().from(staffUsers).all();
    const a1 = db().select().from(clinics).where(eq(clinics.code, 'PK-A1')).get()!.id;
    expect(staff.find((s) => s.role === 'clinic_staff')).toMatchObject({ clinicId: a1 });
    expect(staff.find((s) => s.role === 'doctor')).toMatchObject({ isClinicHead: true });
    expect(staff.find((s) => s.role === 'coordinator')).toMatchObject({ onCall: true });
  });

  it('the other simulated users: share their phone to link, then the frail cadre is offered a home visit and the one without email reads a result', async () => {
    const reply = async (userId: string, send: () => Promise<Response>) => {
      const before = h.fake.messagesTo(userId).length;
      expect((await send()).status).toBe(200);
      return (await h.settled(userId)).slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n');
    };
    const sharePhone = (u: DemoSeedReport['users'][number]) => () => h.deliver(events.submitInfoEvent(ids, u.userId, { name: u.displayName, phone: u.phone }, h.clock.now()));
    const frail = report.users.find((u) => u.kind === 'frail')!;
    expect(await reply(frail.userId, () => h.say(frail.userId, 'đặt lịch khám'))).toContain('Gửi số điện thoại');
    const linked = await reply(frail.userId, sharePhone(frail));
    expect(linked).toContain('Xác minh thành công');
    expect(linked).toContain('tại nhà');

    const noEmail = report.users.find((u) => u.kind === 'noEmail')!;
    expect(noEmail.cadre!.email).toBeNull();
    await reply(noEmail.userId, () => h.say(noEmail.userId, 'xem kết quả'));
    const result = await reply(noEmail.userId, sharePhone(noEmail));
    expect(result).toContain('Xác minh thành công');
    expect(result).toContain('KẾT QUẢ KHÁM SỨC KHỎE');
  });

  it('a second start changes nothing and prints no password', async () => {
    const count = (t: typeof bookings | typeof examResults | typeof careRequests | typeof outbox) => db().select().from(t).all().length;
    const before = [bookings, examResults, careRequests, outbox].map(count);
    const again = await seedDemo(db(), { now: NOW + 3_600_000, requestPolicy: defaultRequestPolicy });
    expect(again.scenarioSeeded).toBe(false);
    expect(again.createdLogins).toEqual([]);
    expect([bookings, examResults, careRequests, outbox].map(count)).toEqual(before);
    expect(again.users).toEqual(report.users);
  });
});

describe('the demo seeded on another day', () => {
  it('a Saturday night in January: the first round is open, the user still books and reads', async () => {
    // Saturday 09/01/2027, 21:30 in Vietnam.
    const now = Date.parse('2027-01-09T14:30:00Z');
    const { h, report } = await seeded(now);
    try {
      const db = h.runtime.store.db;
      expect(db.select().from(campaigns).where(eq(campaigns.status, 'open')).get()).toMatchObject({ year: 2027, round: 1 });
      const user = report.users[0]!.userId;
      expect((await chat(h, user, 'dat lich kham')).text).toContain('Khám sức khỏe định kỳ đợt 1 năm 2027');
      expect((await chat(h, user, '1')).text).toContain('(còn 2 chỗ)');
      await chat(h, user, '1');
      await chat(h, user, '1');
      expect((await chat(h, user, 'đồng ý')).text).toContain('Đã đặt lịch khám');
      expect((await chat(h, user, 'xem ket qua')).text).toContain('Rối loạn lipid máu');
    } finally {
      await h.stop();
    }
  });

  it('names the same simulated users as the staff accounts expect', () => {
    const users = demoZaloUsers();
    expect(users.map((u) => u.kind)).toEqual(['withResults', 'noEmail', 'frail', 'relative']);
    expect(users.find((u) => u.kind === 'noEmail')!.cadre!.email).toBeNull();
    expect(users.find((u) => u.kind === 'frail')!.cadre!.frail).toBe(true);
    expect(users.find((u) => u.kind === 'relative')!.cadre).toBeUndefined();
    expect(new Set(users.map((u) => u.phone)).size).toBe(users.length);
    expect(demoStaffAccounts.map((a) => a.role)).toEqual(['admin', 'coordinator', 'doctor', 'clinic_staff', 'viewer']);
  });
});
