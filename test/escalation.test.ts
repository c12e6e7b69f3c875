import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { recipientsFor } from '../src/domain/requests/escalation';
import { createStaffUser } from '../src/domain/staff/staff';
import { inTransaction } from '../src/store/db';
import { careRequests, clinics, staffUsers, type Cadre, type CareRequest, type StaffUser } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { login, PASSWORD, postForm } from './staffSupport';

/**
 * Escalation reaches a person along the chain staff configure on the accounts page (clinic staff → clinic head →
 * on-call list), by email and Zalo; the mail carries the cadre's phone as a tel: link and a one-tap link to the
 * request; an urgent one names the request type up front.
 */

let h: Harness;
let smtp: SmtpSink;
let clock: ManualClock;
let cadre: Cadre;
let hoa: StaffUser, minh: StaffUser;
let clinicId: number;
const USER = '8400000000000000001';
const MINH_ZALO = '7100000000000000002';

beforeAll(async () => {
  smtp = await startSmtpSink();
  // Monday 2 March 2026, 09:00 in Vietnam.
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({ clock, env: { SMTP_URL: smtp.url } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(db, [{ code: 'HP-2001', fullName: 'Đỗ Văn Khải', email: 'khai@example.test', phone: '84912345678' }], clock.now());
  cadre = seeded.cadres[0]!;
  clinicId = seeded.clinic.id;
  const mk = (username: string, fullName: string, role: 'clinic_staff' | 'doctor' | 'admin', clinic: number | null) =>
    createStaffUser(db, { username, fullName, role, password: PASSWORD, clinicId: clinic, email: `${username}@example.test` }, clock.now());
  hoa = await mk('hoa', 'Nguyễn Thị Hoa', 'clinic_staff', clinicId);
  minh = await mk('minh', 'BS. Lê Văn Minh', 'doctor', clinicId);
  await mk('quantri', 'Quản Trị Viên', 'admin', null);
  inTransaction(db, (tx) => {
    recordZaloUser(tx, { id: USER, followed: true, interactedAt: clock.now() }, clock.now());
    recordZaloUser(tx, { id: MINH_ZALO, followed: true, interactedAt: clock.now() - 3600_000 }, clock.now());
    linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: USER, method: 'phone', now: clock.now(), staffId: hoa.id });
  });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

const ticket = (id: number) => `YC-${String(id).padStart(6, '0')}`;
const mailsAbout = (id: number) => smtp.mails.filter((m) => m.subject.includes(ticket(id)));

async function ask(text: string): Promise<string> {
  const before = h.fake.messagesTo(USER).length;
  expect((await h.say(USER, text)).status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(USER).length > before ? h.fake.messagesTo(USER) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? '').join('\n');
}

async function urgentHomeVisit(): Promise<CareRequest> {
  for (const t of ['Yêu cầu khám tại nhà', 'Đau khớp gối, đi lại khó', '15 Lạch Tray, Ngô Quyền', 'mai', '1', '2']) await ask(t);
  const sent = await ask('1');
  const id = Number(/YC-(\d{6})/.exec(sent)![1]);
  return h.runtime.store.db.select().from(careRequests).where(eq(careRequests.id, id)).get()!;
}

describe('escalation along the configured chain', () => {
  it('an urgent request nobody takes reaches the clinic head set on the accounts page, by email (phone, tel: and request links) and Zalo', async () => {
    // The admin names the clinic head and gives his Zalo id on the accounts page.
    const admin = await login(h, 'quantri');
    const saved = await postForm(h, `/staff/users/${minh.id}`, admin, {
      fullName: minh.fullName,
      role: 'doctor',
      clinicId: String(clinicId),
      email: 'minh@example.test',
      zaloUserId: MINH_ZALO,
      active: '1',
      isClinicHead: '1',
    });
    expect(saved.status).toBe(303);
    expect(h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.id, minh.id)).get()).toMatchObject({ isClinicHead: true, onCall: false });
    const list = await (await h.runtime.app.request('/staff/users', { headers: { cookie: admin.cookie } })).text();
    expect(list).toContain('Trưởng phòng khám');

    const req = await urgentHomeVisit();
    // First the clinic staff, not the head.
    const first = await waitFor(() => mailsAbout(req.id).find((m) => m.to.includes('hoa@example.test')), 'mail to clinic staff');
    expect(mailsAbout(req.id).some((m) => m.to.includes('minh@example.test'))).toBe(false);
    expect(first.subject).toBe(`[${ticket(req.id)}] KHẨN – Khám tại nhà – Yêu cầu mới`);

    clock.advance(15 * 60_000);
    await h.runtime.reconcile();
    const head = await waitFor(() => mailsAbout(req.id).find((m) => m.to.includes('minh@example.test')), 'mail to the clinic head');
    expect(head.subject).toBe(`[${ticket(req.id)}] KHẨN – Khám tại nhà – Nhắc lần 2 – chưa ai tiếp nhận`);
    expect(head.text).toContain('Điện thoại: 0912 345 678 (gọi: tel:+84912345678)');
    expect(head.text).toContain(`/staff/requests/${req.id}`);
    expect(head.text).toContain('CHƯA được ai tiếp nhận');
    expect(head.html).toContain('href="tel:+84912345678"');
    expect(head.html).toMatch(new RegExp(`href="https?://[^"]+/staff/requests/${req.id}"[^>]*>Mở yêu cầu<`));
    // Not the clinic's shared mailbox again.
    expect(mailsAbout(req.id).some((m) => m.to.includes('pk-a@example.test'))).toBe(false);
    const zalo = await waitFor(() => h.fake.messagesTo(MINH_ZALO).find((m) => (m.text ?? '').includes(ticket(req.id))), 'Zalo to the clinic head');
    expect(zalo.text).toContain('KHẨN – Khám tại nhà');
    expect(zalo.text).toContain('Điện thoại: 0912 345 678');

    // The one-tap link opens the request for the head, the phone a tel: link there too.
    const headSession = await login(h, 'minh');
    const pagePath = /https?:\/\/[^/\s]+(\/staff\/requests\/\d+)/.exec(head.text)![1]!;
    const res = await h.runtime.app.request(pagePath, { headers: { cookie: headSession.cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a href="tel:+84912345678" class="tel">0912 345 678</a>');
  });

  it('a later step with nobody reachable goes to the configured fallback, not back to the clinic mailbox', () => {
    const db = h.runtime.store.db;
    const other = db.insert(clinics).values({ code: 'PK-Z', name: 'Phòng khám Z', email: 'pk-z@example.test', createdAt: clock.now(), updatedAt: clock.now() }).returning().get();
    const req = { clinicId: other.id, type: 'home_visit' as const };
    expect(recipientsFor(db, req, 0, 'truc-ban@example.test').addresses).toEqual(['pk-z@example.test']);
    expect(recipientsFor(db, req, 1, 'truc-ban@example.test').addresses).toEqual(['truc-ban@example.test']);
    expect(recipientsFor(db, req, 1).addresses).toEqual(['pk-z@example.test']);
  });
});
