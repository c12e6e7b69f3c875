import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { ackKeyFrom, ackLink } from '../src/domain/requests/ackLinks';
import { createRequest } from '../src/domain/requests/creation';
import { resolveSessionSecret } from '../src/http/auth/secret';
import { inTransaction } from '../src/store/db';
import { auditLog, careRequestEvents, careRequests, handoffs, zaloUsers, type Cadre } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/** Staff answer where the request arrives: the answer reaches the cadre in Zalo; internal notes stay internal. */

let h: Harness;
let s: Session;
let cadres: Cadre[] = [];
let clinicId: number;
let nextUser = 7_400_000_000_000_000_001n;

beforeAll(async () => {
  // Monday 2 March 2026, 09:00 in Vietnam.
  h = await startHarness({ clock: new ManualClock(Date.parse('2026-03-02T02:00:00Z')) });
  const seeded = seedRegistry(
    h.runtime.store.db,
    Array.from({ length: 4 }, (_, i) => ({ code: `TL-00${i}`, fullName: `Cán Bộ Hỏi ${i}` })),
    h.clock.now(),
  );
  cadres = seeded.cadres;
  clinicId = seeded.clinic.id;
  const doctor = await makeStaff(h, 'bshuong', 'doctor', clinicId);
  h.runtime.store.sqlite.prepare('UPDATE staff_users SET full_name = ? WHERE id = ?').run('BS. Trần Thị Hương', doctor.id);
  s = await login(h, 'bshuong');
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.runtime.store.db;

/** A cadre with their own linked Zalo account and one open request of the given type. */
function requestFrom(cadre: Cadre, type: 'question' | 'record_book', details: string) {
  const user = String(nextUser++);
  const now = h.clock.now();
  const id = inTransaction(db(), (tx) => {
    recordZaloUser(tx, { id: user, followed: true, interactedAt: now }, now);
    linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: user, method: 'phone', now });
    return createRequest(tx, user, { type, cadreId: cadre.id, clinicId, viaProxy: false, urgency: 'normal', details, ackDueAt: now + 4 * 3600_000 }, now).id;
  });
  return { user, id };
}

const messagesTo = (user: string) => h.fake.messagesTo(user).map((m) => m.text ?? '');

describe('answers and notes on a request', () => {
  it('a question is answered from its page: the cadre receives the answer in Zalo, signed; the request is acknowledged', async () => {
    const { user, id } = requestFrom(cadres[0]!, 'question', 'Tôi có nên tiếp tục uống thuốc huyết áp khi đi khám không?');
    const page = await (await get(h, `/staff/requests/${id}`, s)).text();
    expect(page).toContain('Trả lời cán bộ');
    expect(page).toMatch(/name="toCadre" checked/);

    const res = await postForm(h, `/staff/requests/${id}/notes`, s, { text: 'Bà nên tiếp tục uống thuốc như thường lệ, kể cả sáng hôm khám.', toCadre: 'on' });
    expect(res.status).toBe(303);
    const answer = await waitFor(() => messagesTo(user).find((t) => t.includes('Bà nên tiếp tục uống thuốc')), 'answer delivered');
    expect(answer).toContain(`Trả lời câu hỏi YC-${String(id).padStart(6, '0')}`);
    expect(answer).toContain('— BS. Trần Thị Hương, bác sĩ, Phòng khám A Hải Phòng');
    expect(db().select().from(careRequests).where(eq(careRequests.id, id)).get()!.state).toBe('acknowledged');
    // The timeline and audit say that an answer went out, never what it said.
    const events = db().select().from(careRequestEvents).where(eq(careRequestEvents.requestId, id)).all();
    expect(events.map((e) => e.kind)).toContain('answered');
    expect(JSON.stringify(events)).not.toContain('thuốc');
    expect(JSON.stringify(db().select().from(auditLog).all())).not.toContain('thuốc như thường lệ');
    const after = await (await get(h, `/staff/requests/${id}`, s)).text();
    expect(after).toContain('Đã gửi cho cán bộ');
  });

  it('an internal note stays internal; a note marked for the cadre on a finished request reaches them', async () => {
    const { user, id } = requestFrom(cadres[1]!, 'record_book', 'Gia hạn sổ y bạ');
    await postForm(h, `/staff/requests/${id}/notes`, s, { text: 'Sổ đã in, chờ ký.' });
    expect((await postForm(h, `/staff/requests/${id}/done`, s, { note: '' })).status).toBe(303);
    await waitFor(() => messagesTo(user).find((t) => t.includes('đã hoàn thành')), 'done told');
    const res = await postForm(h, `/staff/requests/${id}/notes`, s, { text: 'Mời Bà đến Khoa lấy sổ từ thứ Tư.', toCadre: 'on' });
    expect(res.status).toBe(303);
    await waitFor(() => messagesTo(user).find((t) => t.includes('Mời Bà đến Khoa lấy sổ')), 'note delivered');
    expect(messagesTo(user).some((t) => t.includes('chờ ký'))).toBe(false);
    const page = await (await get(h, `/staff/requests/${id}`, s)).text();
    expect(page).toContain('Ghi chú nội bộ');
  });

  it('closing with a note for the cadre sends it; cancelling needs a reason and a confirmation, and the cadre gets the reason', async () => {
    const done = requestFrom(cadres[2]!, 'question', 'Hỏi giờ làm việc');
    await postForm(h, `/staff/requests/${done.id}/done`, s, { note: 'Khoa làm việc từ 7 giờ đến 16 giờ 30.', toCadre: 'on' });
    await waitFor(() => messagesTo(done.user).find((t) => t.includes('Khoa làm việc từ 7 giờ')), 'closing note delivered');

    const { user, id } = requestFrom(cadres[3]!, 'record_book', 'Cấp sổ mới');
    const noReason = await postForm(h, `/staff/requests/${id}/cancel`, s, { note: '', confirm: '1' });
    expect(noReason.status).toBe(400);
    const unconfirmed = await postForm(h, `/staff/requests/${id}/cancel`, s, { note: 'Trùng với yêu cầu trước' });
    expect(unconfirmed.status).toBe(400);
    expect(db().select().from(careRequests).where(eq(careRequests.id, id)).get()!.state).toBe('new');
    expect((await postForm(h, `/staff/requests/${id}/cancel`, s, { note: 'Trùng với yêu cầu trước', confirm: '1' })).status).toBe(303);
    const told = await waitFor(() => messagesTo(user).find((t) => t.includes('đã được hủy')), 'cancel told');
    expect(told).toContain('Lý do: Trùng với yêu cầu trước');
  });
});

describe('a request cancelled before anyone acknowledged it', () => {
  it('shows no SLA verdict before its deadline, and its acknowledge link says it was cancelled', async () => {
    const { id } = requestFrom(cadres[0]!, 'record_book', 'Đổi sổ');
    expect((await postForm(h, `/staff/requests/${id}/cancel`, s, { note: 'Cán bộ tự đến lấy sổ', confirm: '1' })).status).toBe(303);
    const page = await (await get(h, `/staff/requests/${id}`, s)).text();
    expect(page).toContain('Không tính hạn');
    expect(page).not.toContain('Trễ hạn');
    const key = ackKeyFrom(resolveSessionSecret(undefined, `${h.dir}/session-secret`));
    const link = ackLink('http://x', key, { requestId: id, staffId: 0, expiresAt: h.clock.now() + 3600_000 }).replace(/^https?:\/\/[^/]+/, '');
    const view = await h.runtime.app.request(link);
    const html = await view.text();
    expect(html).toContain('Yêu cầu đã được hủy');
    expect(html).not.toContain('đã được tiếp nhận');
    const ack = await h.runtime.app.request(link, { method: 'POST' });
    expect(ack.status).toBe(409);
    expect(await ack.text()).toContain('đã được hủy');
  });

  it('staff start a Zalo conversation from a request: the cadre is written to, the conversation is theirs, a second click reuses it; outside the 7-day window they are told to call', async () => {
    const { user, id } = requestFrom(cadres[2]!, 'record_book', 'Xin cấp lại sổ y bạ');
    expect(await (await get(h, `/staff/requests/${id}`, s)).text()).toContain('Nhắn Zalo cho cán bộ');
    const res = await postForm(h, `/staff/requests/${id}/conversation`, s);
    expect(res.status).toBe(303);
    const handoffId = Number(/\/staff\/requests\/conversations\/(\d+)$/.exec(res.headers.get('location') ?? '')![1]);
    const opened = db().select().from(handoffs).where(eq(handoffs.id, handoffId)).get()!;
    expect(opened).toMatchObject({ zaloUserId: user, cadreId: cadres[2]!.id, status: 'open' });
    expect(opened.staffId).not.toBeNull();
    const ticket = `YC-${String(id).padStart(6, '0')}`;
    await waitFor(() => messagesTo(user).some((t) => t.includes('BS. Trần Thị Hương muốn trao đổi') && t.includes(ticket)), 'the opening message in Zalo');
    const conversation = await (await get(h, `/staff/requests/conversations/${handoffId}`, s)).text();
    expect(conversation).toContain('muốn trao đổi');

    // A second click goes to the same conversation and writes nothing more.
    const again = await postForm(h, `/staff/requests/${id}/conversation`, s);
    expect(again.headers.get('location')).toBe(`/staff/requests/conversations/${handoffId}`);
    await h.runtime.relay.flush();
    expect(messagesTo(user).filter((t) => t.includes('muốn trao đổi'))).toHaveLength(1);

    // The cadre's answer goes to staff, not to the assistant.
    expect((await h.say(user, 'Dạ, tôi đây')).status).toBe(200);
    await waitFor(async () => ((await (await get(h, `/staff/requests/conversations/${handoffId}`, s)).text()).includes('Dạ, tôi đây') ? true : null), 'the answer in the transcript');

    // Last heard from eight days ago: Zalo allows no first message, so staff are told to call and nothing is opened.
    const late = requestFrom(cadres[3]!, 'question', 'Hỏi về thuốc');
    db().update(zaloUsers).set({ lastInteractionAt: h.clock.now() - 8 * 86_400_000 }).where(eq(zaloUsers.id, late.user)).run();
    const refused = await postForm(h, `/staff/requests/${late.id}/conversation`, s);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Hãy gọi điện cho cán bộ');
    expect(db().select().from(handoffs).where(eq(handoffs.zaloUserId, late.user)).all()).toHaveLength(0);
  });
});
