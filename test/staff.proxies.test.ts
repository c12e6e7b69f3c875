import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, cadres, outbox, proxies, staffUsers, zaloLinks } from '../src/store/schema';
import { startHarness, waitFor, type Harness } from './harness';
import { api, get, login, makeStaff, postForm, seedClinics, seedZaloUser, tokenFor, type Session } from './staffSupport';

let h: Harness;
let coordinator: Session;
let coordinatorId: number;
let apiToken: string;
let cadreId: number;
const PROXY_A = '9200000000000000001';
const PROXY_B = '9200000000000000002';
const CADRE_ZALO = '9200000000000000099';

beforeAll(async () => {
  h = await startHarness();
  const clinic = seedClinics(h);
  const now = h.clock.now();
  cadreId = h.runtime.store.db
    .insert(cadres)
    .values({ code: 'HP-0042', fullName: 'Phạm Văn Quang', birthDate: '1940-02-02', sex: 'male', category: 'nguoi_co_cong', clinicId: clinic.a, createdAt: now, updatedAt: now })
    .returning({ id: cadres.id })
    .get().id;
  for (const id of [PROXY_A, PROXY_B, CADRE_ZALO]) {
    seedZaloUser(h, id, `Zalo ${id.slice(-2)}`);
    // The fake OA knows them and they wrote recently, so customer-service messages are accepted.
    h.fake.upsertUser({ userId: id });
    h.fake.touch(id);
  }
  const user = await makeStaff(h, 'dieuphoi', 'coordinator');
  coordinatorId = user.id;
  coordinator = await login(h, 'dieuphoi');
  apiToken = tokenFor(h, user.id);
});
afterAll(() => h?.stop());

const newRequest = (zaloUserId: string) =>
  h.runtime.store.db
    .insert(proxies)
    .values({ zaloUserId, cadreId, relation: 'con trai', proxyName: 'Phạm Văn Sơn', requestedAt: h.clock.now() })
    .onConflictDoUpdate({ target: [proxies.zaloUserId, proxies.cadreId], set: { status: 'pending', decidedAt: null, decidedByStaffId: null } })
    .returning()
    .get();

const outboxFor = (userId: string) =>
  h.runtime.store.db
    .select()
    .from(outbox)
    .all()
    .filter((r) => (r.payload as { userId?: string }).userId === userId);

describe('proxy approvals', () => {
  it('lists pending requests with the cadre and the requester', async () => {
    newRequest(PROXY_A);
    const html = await (await get(h, '/staff/proxies', coordinator)).text();
    expect(html).toContain('Phạm Văn Quang');
    expect(html).toContain('Phạm Văn Sơn');
    expect(html).toContain('con trai');
  });

  it('approving writes the decision, an audit row and a Zalo message in one go, and the message is sent', async () => {
    const request = h.runtime.store.db.select().from(proxies).where(eq(proxies.zaloUserId, PROXY_A)).get()!;
    const res = await postForm(h, `/staff/proxies/${request.id}/approve`, coordinator, { note: '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/proxies?msg=approved');

    expect(h.runtime.store.db.select().from(proxies).where(eq(proxies.id, request.id)).get()).toMatchObject({
      status: 'approved',
      decidedByStaffId: coordinatorId,
      decidedAt: expect.any(Number),
    });
    const audit = h.runtime.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'proxy.approve'), eq(auditLog.entityId, String(request.id)))).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'staff', actorId: String(coordinatorId), entity: 'proxy', detail: { cadreId, zaloUserId: PROXY_A } });

    const rows = outboxFor(PROXY_A);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('zalo.message');
    const text = (rows[0]!.payload as { messages: { text: string }[] }).messages[0]!.text;
    expect(text).toContain('đã đồng ý để anh/chị thay mặt ông Phạm Văn Quang');

    const sent = await waitFor(() => h.fake.messagesTo(PROXY_A).length > 0 && h.fake.messagesTo(PROXY_A), 'the approval message at the fake Zalo API');
    expect(JSON.stringify(sent)).toContain('thay mặt ông Phạm Văn Quang');
  });

  it('a second decision on the same request is a conflict and writes nothing', async () => {
    const request = h.runtime.store.db.select().from(proxies).where(eq(proxies.zaloUserId, PROXY_A)).get()!;
    const auditBefore = h.runtime.store.db.select().from(auditLog).all().length;
    const res = await postForm(h, `/staff/proxies/${request.id}/reject`, coordinator, { note: 'muộn' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Yêu cầu này đã được xử lý trước đó.');
    expect(h.runtime.store.db.select().from(proxies).where(eq(proxies.id, request.id)).get()!.status).toBe('approved');
    expect(outboxFor(PROXY_A)).toHaveLength(1);
    expect(h.runtime.store.db.select().from(auditLog).all().length).toBe(auditBefore);
  });

  it('rejecting through the API tells the requester the reason', async () => {
    const request = newRequest(PROXY_B);
    const res = await api(h, `/api/proxies/${request.id}/decision`, apiToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'reject', note: 'Gia đình chưa xác nhận' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ proxy: { id: request.id, status: 'rejected', note: 'Gia đình chưa xác nhận' } });
    expect(h.runtime.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'proxy.reject'), eq(auditLog.entityId, String(request.id)))).all()).toHaveLength(1);
    const text = (outboxFor(PROXY_B)[0]!.payload as { messages: { text: string }[] }).messages[0]!.text;
    expect(text).toContain('chưa thể đồng ý');
    expect(text).toContain('Lý do: Gia đình chưa xác nhận');
  });

  it('an unknown decision or proxy id is a 400 / 404', async () => {
    const bad = await api(h, '/api/proxies/1/decision', apiToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":"maybe"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const missing = await api(h, '/api/proxies/99999/decision', apiToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":"approve"}' });
    expect(missing.status).toBe(404);
  });

  it('an approved proxy can be revoked from the cadre page, with a message and an audit row', async () => {
    const request = h.runtime.store.db.select().from(proxies).where(eq(proxies.zaloUserId, PROXY_A)).get()!;
    const detail = await (await get(h, `/staff/registry/${cadreId}`, coordinator)).text();
    expect(detail).toContain(`/staff/proxies/${request.id}/revoke`);
    const res = await postForm(h, `/staff/proxies/${request.id}/revoke`, coordinator, { note: '', confirm: '1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/registry/${cadreId}?msg=revoked`);
    expect(h.runtime.store.db.select().from(proxies).where(eq(proxies.id, request.id)).get()!.status).toBe('revoked');
    expect(h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'proxy.revoke')).all()).toHaveLength(1);
    expect(outboxFor(PROXY_A)).toHaveLength(2);
  });
});

describe('linking a Zalo account by hand', () => {
  it('links, shows, refuses a second link, unlinks; each change audited', async () => {
    const link = await postForm(h, `/staff/registry/${cadreId}/link`, coordinator, { zaloUserId: CADRE_ZALO });
    expect(link.status).toBe(303);
    expect(h.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get()).toMatchObject({
      zaloUserId: CADRE_ZALO,
      method: 'staff',
      linkedByStaffId: coordinatorId,
    });
    const page = await (await get(h, `/staff/registry/${cadreId}?msg=linked`, coordinator)).text();
    expect(page).toContain('Đã liên kết tài khoản Zalo.');
    expect(page).toContain(CADRE_ZALO);

    const again = await postForm(h, `/staff/registry/${cadreId}/link`, coordinator, { zaloUserId: PROXY_B });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('hãy gỡ liên kết cũ trước');

    const unknown = await api(h, `/api/registry/cadres/${cadreId}/zalo-link`, apiToken, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ zaloUserId: '123' }),
    });
    expect(unknown.status).toBe(404);

    // Unlinking asks first and changes nothing until confirmed.
    const asked = await postForm(h, `/staff/registry/${cadreId}/unlink`, coordinator);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Gỡ liên kết Zalo?');
    expect(h.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get()).toBeDefined();
    const unlink = await postForm(h, `/staff/registry/${cadreId}/unlink`, coordinator, { confirm: '1' });
    expect(unlink.status).toBe(303);
    expect(h.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get()).toBeUndefined();
    const actions = h.runtime.store.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entity, 'cadre'))
      .all()
      .map((a) => [a.action, (a.detail as { zaloUserId: string }).zaloUserId]);
    expect(actions).toEqual([
      ['link.create', CADRE_ZALO],
      ['link.remove', CADRE_ZALO],
    ]);
  });

  it('a Zalo id that never contacted the OA cannot be linked', async () => {
    const res = await postForm(h, `/staff/registry/${cadreId}/link`, coordinator, { zaloUserId: '9299999999999999999' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('chưa từng nhắn tin');
  });
});

describe('staff management', () => {
  it('an admin creates a clinic_staff account (clinic required), then edits and deactivates it', async () => {
    await makeStaff(h, 'quantri', 'admin');
    const admin = await login(h, 'quantri');
    const noClinic = await postForm(h, '/staff/users', admin, { username: 'pk.a', fullName: 'Nhân viên PK A', role: 'clinic_staff', clinicId: '', email: '', zaloUserId: '' });
    expect(noClinic.status).toBe(400);
    expect(await noClinic.text()).toContain('Nhân viên phòng khám phải thuộc một phòng khám.');

    const clinicId = h.runtime.store.db.select().from(cadres).where(eq(cadres.id, cadreId)).get()!.clinicId!;
    const created = await postForm(h, '/staff/users', admin, { username: 'pk.a', fullName: 'Nhân viên PK A', role: 'clinic_staff', clinicId: String(clinicId), email: 'pka@example.vn', zaloUserId: '' });
    expect(created.status).toBe(201);
    const password = /<span class="secret" id="secret">([^<]+)<\/span>/.exec(await created.text())![1]!;
    const user = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'pk.a')).get()!;
    expect(user).toMatchObject({ role: 'clinic_staff', clinicId, email: 'pka@example.vn', active: true });
    expect(user.passwordHash).not.toContain(password);
    const session = await login(h, 'pk.a', password);

    const duplicate = await postForm(h, '/staff/users', admin, { username: 'PK.A', fullName: 'Trùng', role: 'viewer', clinicId: '', email: '', zaloUserId: '' });
    expect(duplicate.status).toBe(409);

    const lockForm = { fullName: 'Nhân viên PK A', role: 'clinic_staff', clinicId: String(clinicId), email: '', zaloUserId: '', active: '0' };
    const askedLock = await postForm(h, `/staff/users/${user.id}`, admin, lockForm);
    expect(await askedLock.text()).toContain('Khóa tài khoản?');
    expect((await get(h, '/staff/registry', session)).status).toBe(200);
    const deactivate = await postForm(h, `/staff/users/${user.id}`, admin, { ...lockForm, confirm: '1' });
    expect(deactivate.status).toBe(303);
    expect((await get(h, '/staff/registry', session)).status).toBe(401);
    expect(h.runtime.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'staff.update'), eq(auditLog.entityId, String(user.id)))).all()).toHaveLength(1);
  });

  it('the last active admin cannot be demoted', async () => {
    const admin = await login(h, 'quantri');
    const self = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'quantri')).get()!;
    const res = await postForm(h, `/staff/users/${self.id}`, admin, { fullName: self.fullName, role: 'viewer', clinicId: '', email: '', zaloUserId: '', active: '1' });
    expect(res.status).toBe(409);
    expect(h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.id, self.id)).get()!.role).toBe('admin');
  });

  it('the audit log page shows entries newest first and filters by action', async () => {
    const admin = await login(h, 'quantri');
    const html = await (await get(h, '/staff/audit?action=proxy.', admin)).text();
    // Entries read as sentences, newest first.
    const actions = [...html.matchAll(/(thu hồi quyền đại diện|từ chối người đại diện|duyệt người đại diện) \(người đại diện số/g)].map((m) => m[1]);
    expect(actions).toEqual(['thu hồi quyền đại diện', 'từ chối người đại diện', 'duyệt người đại diện']);
    expect(html).not.toMatch(/>proxy\.approve</);
    const byCadre = await (await get(h, '/staff/audit?entity=cadre', admin)).text();
    expect(byCadre).toContain('gỡ liên kết tài khoản Zalo (cán bộ số');
    expect(byCadre).not.toContain('duyệt người đại diện (người đại diện số');
  });

  it('rows written under the old action names read as linking sentences and are found by the linking filter', async () => {
    const admin = await login(h, 'quantri');
    const at = h.clock.now();
    h.runtime.store.db
      .insert(auditLog)
      .values([
        { at, actorType: 'staff', actorId: String(coordinatorId), action: 'cadre.link', entity: 'cadre', entityId: String(cadreId), detail: { zaloUserId: PROXY_A, method: 'staff' } },
        { at, actorType: 'staff', actorId: String(coordinatorId), action: 'cadre.unlink', entity: 'cadre', entityId: String(cadreId), detail: { zaloUserId: PROXY_A, method: 'staff' } },
      ])
      .run();
    const linked = await (await get(h, '/staff/audit?action=link.create', admin)).text();
    // The hand link made earlier (link.create) and the old row (cadre.link): the same sentence.
    expect(linked).toContain('1–2 trên 2 mục');
    expect(linked.match(new RegExp(`liên kết tài khoản Zalo \\(cán bộ số ${cadreId}\\)`, 'g'))).toHaveLength(2);
    expect(linked).not.toContain('cadre.link');
    const removed = await (await get(h, '/staff/audit?action=link.remove', admin)).text();
    expect(removed).toContain('1–2 trên 2 mục');
    expect(removed.match(new RegExp(`gỡ liên kết tài khoản Zalo \\(cán bộ số ${cadreId}\\)`, 'g'))).toHaveLength(2);
    expect(removed).not.toContain('cadre.unlink');
  });
});
