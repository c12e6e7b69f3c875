import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { ackKeyFrom, ackLink } from '../src/domain/requests/ackLinks';
import { createApiToken, createStaffUser } from '../src/domain/staff/staff';
import { resolveSessionSecret } from '../src/http/auth/secret';
import { inTransaction } from '../src/store/db';
import { auditLog, careRequestEvents, careRequests, outbox, staffUsers, type Cadre, type CareRequest, type StaffUser } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { get, login, postForm } from './staffSupport';
import { clinics } from '../src/store/schema';

let h: Harness;
let smtp: SmtpSink;
let clock: ManualClock;
let hoa: StaffUser, minh: StaffUser;
let token: string;
const cadreList: Cadre[] = [];
let nextUser = 830_000_000_000_000_000n;
let nextCadre = 0;

const HOA_ZALO = '7000000000000000001';
const LAN_ZALO = '7000000000000000002';
const TRUC_ZALO = '7000000000000000003';

beforeAll(async () => {
  smtp = await startSmtpSink();
  // Monday 2 March 2026, 09:00 in Vietnam: inside working hours.
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({ clock, env: { SMTP_URL: smtp.url } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(
    db,
    Array.from({ length: 12 }, (_, i) => ({ code: `HP-10${String(i).padStart(2, '0')}`, fullName: `Cán Bộ Số ${i}`, email: `cb${i}@example.test` })),
    clock.now(),
  );
  cadreList.push(...seeded.cadres);
  const clinicId = seeded.clinic.id;
  const mk = async (username: string, fullName: string, role: 'clinic_staff' | 'doctor' | 'coordinator', clinic: number | null, extra: Partial<StaffUser>) => {
    const s = await createStaffUser(db, { username, fullName, role, password: 'mat-khau-thu-nghiem-1', clinicId: clinic, email: `${username}@example.test` }, clock.now());
    return db.update(staffUsers).set(extra).where(eq(staffUsers.id, s.id)).returning().get();
  };
  hoa = await mk('hoa', 'Nguyễn Thị Hoa', 'clinic_staff', clinicId, { zaloUserId: HOA_ZALO });
  await mk('lan', 'Trần Thị Lan', 'clinic_staff', clinicId, { zaloUserId: LAN_ZALO });
  minh = await mk('minh', 'BS. Lê Văn Minh', 'doctor', clinicId, { isClinicHead: true });
  await mk('truc', 'Phạm Văn Trực', 'coordinator', null, { onCall: true, zaloUserId: TRUC_ZALO });
  inTransaction(db, (tx) => {
    recordZaloUser(tx, { id: HOA_ZALO, followed: true, interactedAt: clock.now() - 3600_000 }, clock.now());
    // Lan last wrote to the OA 10 days ago: outside Zalo's 7-day window, so email only.
    recordZaloUser(tx, { id: LAN_ZALO, followed: true, interactedAt: clock.now() - 10 * 86_400_000 }, clock.now());
    recordZaloUser(tx, { id: TRUC_ZALO, followed: true, interactedAt: clock.now() - 3600_000 }, clock.now());
  });
  token = createApiToken(db, hoa.id, 'test', clock.now()).token;
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

/** A fresh Zalo user linked to a fresh cadre. */
function linkedUser(): { user: string; cadre: Cadre } {
  const user = String(nextUser++);
  const cadre = cadreList[nextCadre++]!;
  inTransaction(h.runtime.store.db, (tx) => {
    recordZaloUser(tx, { id: user, followed: true, interactedAt: clock.now() }, clock.now());
    linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: user, method: 'phone', now: clock.now(), staffId: hoa.id });
  });
  return { user, cadre };
}

async function ask(user: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  const res = await h.say(user, text);
  expect(res.status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}

const db = () => h.runtime.store.db;
const requestsOf = (cadreId: number) => db().select().from(careRequests).where(eq(careRequests.cadreId, cadreId)).all();
const timeline = (id: number) => db().select().from(careRequestEvents).where(eq(careRequestEvents.requestId, id)).all().map((e) => e.kind);
const ticket = (id: number) => `YC-${String(id).padStart(6, '0')}`;
const mailsAbout = (id: number) => smtp.mails.filter((m) => m.subject.includes(ticket(id)));
const zaloTo = (userId: string, id: number) => h.fake.messagesTo(userId).filter((m) => (m.text ?? '').includes(ticket(id)));

/** Waits for the first escalation emails of a request; returns them. */
async function notified(id: number, count: number) {
  return waitFor(() => (mailsAbout(id).length >= count ? mailsAbout(id) : null), `${count} mails about ${ticket(id)}`);
}

const linkIn = (text: string) => /(https?:\/\/\S+\/ack\/requests\/\d+\?\S+)/.exec(text)![1]!;
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

async function api(path: string, init: RequestInit = {}) {
  return h.runtime.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}

async function homeVisit(user: string, urgent: boolean): Promise<CareRequest> {
  await ask(user, 'Yêu cầu khám tại nhà');
  await ask(user, 'Đau khớp gối, đi lại khó');
  await ask(user, '15 Lạch Tray, phường Lạch Tray, Ngô Quyền');
  await ask(user, 'mai');
  await ask(user, '1');
  await ask(user, urgent ? '2' : '1');
  const sent = await ask(user, '1');
  const id = Number(/YC-(\d{6})/.exec(sent)![1]);
  return db().select().from(careRequests).where(eq(careRequests.id, id)).get()!;
}

describe('requests in chat, routed to the clinic by email and Zalo', () => {
  it('a home visit: reason, typed address, day, time, urgency, summary, ticket; the clinic staff are told', async () => {
    const { user, cadre } = linkedUser();
    const first = await ask(user, '3');
    expect(first).toContain('Yêu cầu khám tại nhà cho Ông Cán Bộ Số');
    expect(first).toContain('yêu cầu khác');
    expect(await ask(user, 'Đau khớp gối, đi lại khó')).toContain('Xin gõ địa chỉ nhà');
    expect(await ask(user, 'ngắn')).toContain('quá ngắn');
    expect(await ask(user, '15 Lạch Tray, phường Lạch Tray, Ngô Quyền')).toContain('ngày nào');
    expect(await ask(user, '31/02')).toContain('Ngày chưa đúng');
    expect(await ask(user, '05/03')).toContain('Buổi nào');
    expect(await ask(user, 'chieu')).toContain('Mức độ');
    const summary = await ask(user, '1');
    expect(summary).toContain('• Loại: Khám tại nhà');
    expect(summary).toContain('• Lý do: Đau khớp gối, đi lại khó');
    expect(summary).toContain('• Địa chỉ: 15 Lạch Tray');
    expect(summary).toContain('• Ngày mong muốn: Thứ Năm, 05/03/2026, buổi chiều');
    expect(summary).toContain('• Mức độ: Bình thường');
    const done = await ask(user, 'Gửi yêu cầu');
    expect(done).toMatch(/Số phiếu: YC-\d{6}/);

    const [req] = requestsOf(cadre.id);
    expect(req).toMatchObject({ type: 'home_visit', state: 'new', urgency: 'normal', address: '15 Lạch Tray, phường Lạch Tray, Ngô Quyền', preferredDate: '2026-03-05', preferredTime: 'afternoon', sla: 'pending' });
    // Normal: 4 working hours from Monday 09:00 -> 13:00 the same day.
    expect(req!.ackDueAt).toBe(Date.parse('2026-03-02T06:00:00Z'));
    expect(done).toContain(ticket(req!.id));

    const mails = await notified(req!.id, 2);
    expect(mails.flatMap((m) => m.to).sort()).toEqual(['hoa@example.test', 'lan@example.test']);
    const mail = mails[0]!;
    expect(mail.subject).toContain('Yêu cầu mới: Khám tại nhà');
    expect(mail.text).toContain(`Cán bộ: ${cadre.fullName} (mã ${cadre.code})`);
    expect(mail.text).toContain('/ack/requests/');
    // Health details stay behind the login.
    expect(mail.text).not.toContain('Đau khớp');
    // Zalo to Hoa (inside her 7-day window), not to Lan (outside it).
    await waitFor(() => zaloTo(HOA_ZALO, req!.id).length === 1, 'Zalo to Hoa');
    expect(zaloTo(LAN_ZALO, req!.id)).toHaveLength(0);
    expect(timeline(req!.id)).toEqual(['created', 'notified']);
    // The next step (the clinic head at the deadline) is a timed row about the request.
    const next = db().select().from(outbox).where(and(eq(outbox.subject, `request-${req!.id}`), eq(outbox.status, 'queued'))).all();
    expect(next.map((r) => [r.kind, r.dueAt])).toEqual([['request.escalate', req!.ackDueAt]]);
  });

  it('a home visit with a shared Zalo location instead of a typed address', async () => {
    const { user, cadre } = linkedUser();
    await ask(user, 'kham tai nha');
    await ask(user, 'Mệt, huyết áp cao');
    const before = h.fake.messagesTo(user).length;
    await h.deliver(events.locationEvent(ids, user, 20.8449, 106.6881, clock.now(), 'Nhà riêng, Lê Chân'));
    await waitFor(() => h.fake.messagesTo(user).length > before, 'reply to location');
    const text = h.fake.messagesTo(user).at(-1)!.text!;
    expect(text).toContain('Đã nhận vị trí');
    expect(text).toContain('ngày nào');
    await ask(user, '1');
    await ask(user, '3');
    await ask(user, 'gap');
    const summary = h.fake.messagesTo(user).at(-1)!.text!;
    expect(summary).toContain('• Địa chỉ: Nhà riêng, Lê Chân');
    expect(summary).toContain('Sớm nhất có thể');
    expect(await ask(user, '1')).toContain('Số phiếu');
    const [req] = requestsOf(cadre.id);
    expect(req).toMatchObject({ latitude: 20.8449, longitude: 106.6881, address: 'Nhà riêng, Lê Chân', urgency: 'urgent', preferredDate: null, preferredTime: 'any' });
    expect(req!.ackDueAt - req!.createdAt).toBe(15 * 60_000);
    // The address is offered again next time.
    await ask(user, 'kham tai nha');
    expect(await ask(user, 'Tái khám')).toContain('1. Nhà riêng, Lê Chân');
  });

  it('medicine, record book and a question, reached by typed words; "yêu cầu của tôi" lists them', async () => {
    const { user, cadre } = linkedUser();
    expect(await ask(user, 'thuốc')).toContain('nhận thuốc tại nhà');
    expect(await ask(user, 'Như đơn cũ: Amlodipin 5mg')).toContain('Xin gõ địa chỉ');
    await ask(user, '27 Trần Phú, Ngô Quyền, Hải Phòng');
    await ask(user, 'sớm nhất');
    const sum = await ask(user, 'sang');
    expect(sum).toContain('• Thuốc: Như đơn cũ: Amlodipin 5mg');
    expect(await ask(user, 'dong y')).toContain('Đã gửi yêu cầu nhận thuốc tại nhà');

    const book = await ask(user, 'so y ba');
    expect(book).toContain('đổi sổ y bạ');
    expect(book).toContain('1. Hết trang');
    expect(await ask(user, '3')).toContain('• Tình trạng sổ: Bị mất');
    expect(await ask(user, '1')).toContain('Số phiếu');

    expect(await ask(user, 'hỏi')).toContain('Câu hỏi gửi nhân viên y tế');
    expect(await ask(user, 'Tôi có cần nhịn ăn trước khi khám không?')).toContain('• Câu hỏi: Tôi có cần nhịn ăn');
    expect(await ask(user, '1')).toContain('Số phiếu');

    // The "other requests" menu is reachable from inside a flow too.
    await ask(user, 'kham tai nha');
    const menu = await ask(user, 'yeu cau khac');
    expect(menu).toContain('4. Hỏi nhân viên y tế');
    expect(menu).toContain('5. Yêu cầu của tôi');
    const mine = await ask(user, '5');
    const rows = requestsOf(cadre.id);
    expect(rows.map((r) => r.type).sort()).toEqual(['medicine', 'question', 'record_book']);
    for (const r of rows) expect(mine).toContain(ticket(r.id));
    expect(mine).toContain('Nhận thuốc tại nhà');
    expect(mine).toContain('Mới, chờ tiếp nhận');
    for (const r of rows) await notified(r.id, 2);
  });

  it('ack by link: forged and expired links are refused and change nothing; a valid one acknowledges and tells the cadre who handles it', async () => {
    const { user, cadre } = linkedUser();
    const req = await homeVisit(user, false);
    const [mail] = (await notified(req.id, 2)).filter((m) => m.to.includes('hoa@example.test'));
    const link = pathOf(linkIn(mail!.text));

    const page = await h.runtime.app.request(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tôi tiếp nhận yêu cầu này');
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()!.state).toBe('new');

    const forged = link.replace(/t=([A-Za-z0-9_-])/, (_m, ch: string) => `t=${ch === 'A' ? 'B' : 'A'}`);
    expect((await h.runtime.app.request(forged, { method: 'POST' })).status).toBe(403);
    const otherRequest = link.replace(`/requests/${req.id}?`, `/requests/${req.id + 1000}?`);
    expect((await h.runtime.app.request(otherRequest, { method: 'POST' })).status).toBe(403);
    const key = ackKeyFrom(resolveSessionSecret(undefined, `${h.dir}/session-secret`));
    const expired = pathOf(ackLink('http://x', key, { requestId: req.id, staffId: hoa.id, expiresAt: clock.now() - 1 }));
    expect((await h.runtime.app.request(expired, { method: 'POST' })).status).toBe(410);
    expect((await h.runtime.app.request(link.replace(/t=[^&]+/, 't=short'), { method: 'POST' })).status).toBe(400);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()).toMatchObject({ state: 'new', acknowledgedAt: null });

    const before = h.fake.messagesTo(user).length;
    const ok = await h.runtime.app.request(link, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()).toMatchObject({ state: 'acknowledged', acknowledgedByStaffId: hoa.id, sla: 'met' });
    // The timeline names the link and the staff member it was mailed to; the audit log names the link.
    const ackEvent = db().select().from(careRequestEvents).where(and(eq(careRequestEvents.requestId, req.id), eq(careRequestEvents.kind, 'acknowledged'))).get();
    expect(ackEvent).toMatchObject({ actorType: 'link', actorId: String(hoa.id) });
    const ackAudit = db().select().from(auditLog).where(and(eq(auditLog.action, 'request.acknowledge'), eq(auditLog.entityId, String(req.id)))).get();
    expect(ackAudit).toMatchObject({ actorType: 'system', actorId: `ack-link:${hoa.id}` });
    const told = await waitFor(() => h.fake.messagesTo(user).slice(before).find((m) => m.text?.includes('đã được tiếp nhận')), 'cadre told');
    expect(told.text).toContain('Người phụ trách: Nguyễn Thị Hoa');
    expect(told.text).toContain('Phòng khám A Hải Phòng');
    // The escalation is stopped: no step left open.
    expect(db().select().from(outbox).where(and(eq(outbox.subject, `request-${req.id}`), eq(outbox.kind, 'request.escalate'))).all().map((r) => r.status)).toContain('cancelled');
    // A second use is a conflict, and changes nothing.
    expect((await h.runtime.app.request(link, { method: 'POST' })).status).toBe(409);
    expect(timeline(req.id).filter((k) => k === 'acknowledged')).toHaveLength(1);
    void cadre;
  });

  it('staff schedule the visit and close it through the API; the cadre is told the date', async () => {
    const { user } = linkedUser();
    const req = await homeVisit(user, false);
    await notified(req.id, 2);
    const before = h.fake.messagesTo(user).length;
    const bad = await api(`/api/requests/${req.id}/schedule`, { method: 'POST', body: JSON.stringify({ date: '2026-02-30' }) });
    expect(bad.status).toBe(400);
    const past = await api(`/api/requests/${req.id}/schedule`, { method: 'POST', body: JSON.stringify({ date: '2026-03-01' }) });
    expect(past.status).toBe(400);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()!.state).toBe('new');
    const res = await api(`/api/requests/${req.id}/schedule`, { method: 'POST', body: JSON.stringify({ date: '2026-03-04', time: 'morning' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { request: CareRequest; timeline: { event: { kind: string } }[] };
    expect(body.request).toMatchObject({ state: 'scheduled', scheduledDate: '2026-03-04', sla: 'met', acknowledgedByStaffId: hoa.id });
    expect(body.timeline.map((t) => t.event.kind)).toEqual(['created', 'notified', 'acknowledged', 'scheduled']);
    const told = await waitFor(() => h.fake.messagesTo(user).slice(before).find((m) => m.text?.includes('Thứ Tư, 04/03/2026, buổi sáng')), 'date told');
    expect(told.text).toContain(ticket(req.id));
    expect((await api(`/api/requests/${req.id}/done`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await api(`/api/requests/${req.id}/cancel`, { method: 'POST', body: JSON.stringify({ note: 'Trùng yêu cầu' }) })).status).toBe(409);
    expect((await api('/api/requests/999999/acknowledge', { method: 'POST' })).status).toBe(404);
  });
});

describe('SLA chain', () => {
  it('urgent, nobody answers: 15 min -> clinic head, then 15 min -> on-call; SLA breached', async () => {
    const { user } = linkedUser();
    const req = await homeVisit(user, true);
    await notified(req.id, 2);
    expect(req.ackDueAt).toBe(req.createdAt + 15 * 60_000);

    clock.advance(14 * 60_000);
    await h.runtime.reconcile();
    expect(mailsAbout(req.id).some((m) => m.to.includes('minh@example.test'))).toBe(false);

    clock.advance(60_000);
    await h.runtime.reconcile();
    const head = await waitFor(() => mailsAbout(req.id).find((m) => m.to.includes('minh@example.test')), 'mail to the clinic head');
    expect(head.subject).toContain('Nhắc lần 2');
    expect(head.text).toContain('CHƯA được ai tiếp nhận');
    await waitFor(() => db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()!.sla === 'breached', 'SLA breached');

    clock.advance(15 * 60_000);
    await h.runtime.reconcile();
    const onCall = await waitFor(() => mailsAbout(req.id).find((m) => m.to.includes('truc@example.test')), 'mail to on-call');
    expect(onCall.subject).toContain('Báo trực');
    await waitFor(() => zaloTo(TRUC_ZALO, req.id).length === 1, 'Zalo to on-call');
    expect(timeline(req.id)).toEqual(['created', 'notified', 'sla_breached', 'escalated', 'escalated']);
    // Nothing further is scheduled after the on-call step.
    expect(db().select().from(outbox).where(and(eq(outbox.subject, `request-${req.id}`), eq(outbox.status, 'pending'))).all()).toHaveLength(0);

    // Acknowledged late: the SLA stays breached.
    expect((await api(`/api/requests/${req.id}/acknowledge`, { method: 'POST' })).status).toBe(200);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()).toMatchObject({ state: 'acknowledged', sla: 'breached' });
  });

  it('urgent, acknowledged in time: no escalation, SLA met', async () => {
    const { user } = linkedUser();
    const req = await homeVisit(user, true);
    await notified(req.id, 2);
    clock.advance(10 * 60_000);
    expect((await api(`/api/requests/${req.id}/acknowledge`, { method: 'POST' })).status).toBe(200);
    clock.advance(40 * 60_000);
    await h.runtime.reconcile();
    await h.runtime.relay.flush();
    expect(mailsAbout(req.id).map((m) => m.to[0]).sort()).toEqual(['hoa@example.test', 'lan@example.test']);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()).toMatchObject({ state: 'acknowledged', sla: 'met' });
    expect(timeline(req.id)).toEqual(['created', 'notified', 'acknowledged']);
    void minh;
  });

  it('the SMTP server refuses mail for a while: escalation mail is delivered once it is back, none lost', async () => {
    const { user } = linkedUser();
    smtp.refuse();
    const req = await homeVisit(user, false);
    const rows = () =>
      db()
        .select()
        .from(outbox)
        .where(eq(outbox.kind, 'email.message'))
        .all()
        .filter((r) => JSON.stringify(r.payload).includes(ticket(req.id)));
    await waitFor(() => rows().length === 2 && rows().every((r) => r.attempts >= 1), `failed attempts while SMTP refuses: ${JSON.stringify(rows().map((r) => [r.status, r.attempts, r.lastError]))}`);
    expect(mailsAbout(req.id)).toHaveLength(0);
    smtp.accept();
    const mails = await notified(req.id, 2);
    expect(mails.flatMap((m) => m.to).sort()).toEqual(['hoa@example.test', 'lan@example.test']);
    await waitFor(() => rows().every((r) => r.status === 'done'), 'rows done');
    expect(rows().some((r) => r.status === 'failed')).toBe(false);
  });
});

describe('staff pages', () => {
  it('inbox with SLA clock, detail with timeline, acknowledge and schedule by form; other clinics are out of scope', async () => {
    const { user } = linkedUser();
    const req = await homeVisit(user, true);
    await notified(req.id, 2);
    const s = await login(h, 'hoa');
    const inbox = await get(h, '/staff/requests?type=home_visit', s);
    expect(inbox.status).toBe(200);
    const html = await inbox.text();
    expect(html).toContain(ticket(req.id));
    expect(html).toContain('Còn 15 phút');
    expect(html).toContain('Gấp');
    const detail = await (await get(h, `/staff/requests/${req.id}`, s)).text();
    expect(detail).toContain('Đau khớp gối, đi lại khó');
    expect(detail).toContain('Báo phòng khám');
    expect((await postForm(h, `/staff/requests/${req.id}/acknowledge`, s, {}, { csrf: 'sai' })).status).toBe(403);
    expect(db().select().from(careRequests).where(eq(careRequests.id, req.id)).get()!.state).toBe('new');
    const ack = await postForm(h, `/staff/requests/${req.id}/acknowledge`, s);
    expect(ack.status).toBe(303);
    expect((await postForm(h, `/staff/requests/${req.id}/schedule`, s, { date: 'không phải ngày' })).status).toBe(400);
    expect((await postForm(h, `/staff/requests/${req.id}/schedule`, s, { date: '2026-03-06', time: 'afternoon' })).status).toBe(303);
    const after = await (await get(h, `/staff/requests/${req.id}`, s)).text();
    expect(after).toContain('Đúng hạn');
    expect(after).toContain('Hẹn lịch');
    expect(after).toContain('06/03/2026');

    // A clinic_staff member of another clinic sees neither the request nor it in the inbox.
    const now = clock.now();
    const otherClinic = db().insert(clinics).values({ code: 'PK-B', name: 'Phòng khám B', createdAt: now, updatedAt: now }).returning().get();
    await createStaffUser(db(), { username: 'binh', fullName: 'Lê Thị Bình', role: 'clinic_staff', password: 'mat-khau-thu-nghiem-1', clinicId: otherClinic.id }, now);
    const other = await login(h, 'binh');
    expect((await get(h, `/staff/requests/${req.id}`, other)).status).toBe(403);
    expect(await (await get(h, '/staff/requests?state=all', other)).text()).not.toContain(ticket(req.id));
    expect((await postForm(h, `/staff/requests/${req.id}/done`, other)).status).toBe(403);
  });
});
