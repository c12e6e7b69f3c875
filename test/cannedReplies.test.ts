import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { inTransaction } from '../src/store/db';
import { auditLog, cannedReplies, careRequests, handoffs, type Cadre } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { startHarness, waitFor, type Harness } from './harness';
import { login, makeStaff, postForm, type Session } from './staffSupport';

/** Canned replies: staff manage them, pick one in a conversation or a request's answer box, and send it. */

let h: Harness;
let cadre: Cadre;
let coordinator: Session;
let doctor: Session;
const USER = '8700000000000000077';
const ADDRESS = 'Phòng khám Ban ở số 5 Lạch Tray, mở cửa 7 giờ 30 đến 16 giờ 30 ạ.';

beforeAll(async () => {
  h = await startHarness();
  const now = h.runtime.clock.now();
  cadre = seedRegistry(h.runtime.store.db, [{ code: 'HP-4077', fullName: 'Lê Thị Hoa', phone: '84913222377' }], now).cadres[0]!;
  const staff = await makeStaff(h, 'dieuphoi', 'coordinator');
  await makeStaff(h, 'bacsi', 'doctor');
  inTransaction(h.runtime.store.db, (tx) => {
    recordZaloUser(tx, { id: USER, followed: true, interactedAt: now }, now);
    linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: USER, method: 'phone', now, staffId: staff.id });
  });
  coordinator = await login(h, 'dieuphoi');
  doctor = await login(h, 'bacsi');
});
afterAll(async () => {
  await h?.stop();
});

const page = async (path: string, s: Session = coordinator) => (await h.runtime.app.request(path, { headers: { cookie: s.cookie } })).text();

describe('canned replies', () => {
  it('a canned reply is created, offered in the conversation and request boxes, sent to the cadre, and deleted after confirming', async () => {
    // Bad input is refused in Vietnamese and nothing is stored.
    const tooLong = await postForm(h, '/staff/canned-replies', coordinator, { code: '/dai', text: 'a'.repeat(1501) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Nội dung tối đa 1500 ký tự.');
    const badCode = await postForm(h, '/staff/canned-replies', coordinator, { code: '/đ c', text: ADDRESS });
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain('Mã gồm 2–30 chữ cái không dấu');
    expect(h.runtime.store.db.select().from(cannedReplies).all()).toHaveLength(0);

    expect((await postForm(h, '/staff/canned-replies', coordinator, { code: 'DiaChi', text: ADDRESS })).status).toBe(303);
    const row = h.runtime.store.db.select().from(cannedReplies).get()!;
    expect(row.code).toBe('/diachi');
    const duplicate = await postForm(h, '/staff/canned-replies', coordinator, { code: '/diachi', text: 'Khác' });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toContain('Mã /diachi đã có');
    expect(await page('/staff/canned-replies')).toContain(ADDRESS);
    // A doctor answers cadres but does not manage the list.
    expect((await h.runtime.app.request('/staff/canned-replies', { headers: { cookie: doctor.cookie } })).status).toBe(403);

    for (const t of ['gặp nhân viên', 'Cho tôi hỏi địa chỉ phòng khám']) expect((await h.say(USER, t)).status).toBe(200);
    const convo = await waitFor(() => h.runtime.store.db.select().from(handoffs).where(and(eq(handoffs.zaloUserId, USER), eq(handoffs.status, 'open'))).get(), 'open conversation');
    const base = `/staff/requests/conversations/${convo.id}`;
    const detail = await page(base);
    expect(detail).toMatch(new RegExp(`<select id="canned-reply" name="canned" data-canned-for="reply">[\\s\\S]*<option value="${row.id}" data-text="${ADDRESS}">/diachi: `));
    // Without script, "Chèn" reloads the page with the box filled.
    expect(await page(`${base}?canned=${row.id}`)).toMatch(new RegExp(`<textarea id="reply"[^>]*>${ADDRESS}</textarea>`));
    // A doctor picks it too: the list is offered to whoever may answer.
    expect(await page(base, doctor)).toContain(`data-text="${ADDRESS}"`);

    expect((await postForm(h, `${base}/reply`, coordinator, { text: ADDRESS })).status).toBe(303);
    await waitFor(() => h.fake.messagesTo(USER).some((m) => (m.text ?? '').startsWith(ADDRESS)), 'canned reply in Zalo');

    // The request answer box offers it as well.
    const now = h.runtime.clock.now();
    const requestId = h.runtime.store.db
      .insert(careRequests)
      .values({ type: 'question', cadreId: cadre.id, zaloUserId: USER, urgency: 'normal', details: 'Phòng khám ở đâu?', ackDueAt: now + 3_600_000, createdAt: now, updatedAt: now })
      .returning({ id: careRequests.id })
      .get().id;
    expect(await page(`/staff/requests/${requestId}`)).toContain(`data-canned-for="note-text"`);
    expect(await page(`/staff/requests/${requestId}?canned=${row.id}`)).toMatch(new RegExp(`<textarea id="note-text"[^>]*>${ADDRESS}</textarea>`));

    // Delete asks first; only the confirmed post removes it.
    const ask = await postForm(h, `/staff/canned-replies/${row.id}/delete`, coordinator);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Xóa câu trả lời mẫu?');
    expect(h.runtime.store.db.select().from(cannedReplies).all()).toHaveLength(1);
    expect((await postForm(h, `/staff/canned-replies/${row.id}/delete`, coordinator, { confirm: '1' })).status).toBe(303);
    expect(h.runtime.store.db.select().from(cannedReplies).all()).toHaveLength(0);
    expect(await page(base)).not.toContain('data-canned-for');
    expect(h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'canned_reply.delete')).all()).toHaveLength(1);
  });
});
