import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { liveMarks } from '../src/domain/conversations/liveFeed';
import { inTransaction } from '../src/store/db';
import { auditLog, handoffs, type Cadre, type StaffUser } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { startHarness, waitFor, type Harness } from './harness';
import { login, makeStaff, postForm, type Session } from './staffSupport';

/** The agent's conversation pages: mine / unassigned / all, taking a conversation, the contact panel, delivery state. */

let h: Harness;
let cadre: Cadre;
let staff: StaffUser;
let session: Session;
const USER = '8700000000000000001';

beforeAll(async () => {
  h = await startHarness();
  const now = h.runtime.clock.now();
  cadre = seedRegistry(h.runtime.store.db, [{ code: 'HP-4001', fullName: 'Trần Văn Bình', email: 'binh@example.test', phone: '84913222333' }], now).cadres[0]!;
  staff = await makeStaff(h, 'dieuphoi', 'coordinator');
  inTransaction(h.runtime.store.db, (tx) => {
    recordZaloUser(tx, { id: USER, followed: true, interactedAt: now }, now);
    linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: USER, method: 'phone', now, staffId: staff.id });
  });
  session = await login(h, 'dieuphoi');
});
afterAll(async () => {
  await h?.stop();
});

const page = async (path: string) => (await h.runtime.app.request(path, { headers: { cookie: session.cookie } })).text();

describe('the agent inbox', () => {
  it('a new conversation is unassigned, taken with one click, shows the contact panel and each reply’s delivery', async () => {
    for (const t of ['gặp nhân viên', 'Tôi muốn hỏi về thuốc huyết áp']) {
      expect((await h.say(USER, t)).status).toBe(200);
    }
    const convo = await waitFor(() => h.runtime.store.db.select().from(handoffs).where(and(eq(handoffs.zaloUserId, USER), eq(handoffs.status, 'open'))).get(), 'open conversation');
    expect(await page('/staff/requests/conversations?assigned=unassigned')).toContain('Trần Văn Bình');
    expect(await page('/staff/requests/conversations?assigned=mine')).not.toContain('Trần Văn Bình');
    // Waiting for staff: counted in the menu's unread count (the assistant's acknowledgement aside).
    expect(liveMarks(h.runtime.store.db, null).counts.conversations).toBe(1);

    expect((await postForm(h, `/staff/requests/conversations/${convo.id}/assign`, session)).status).toBe(303);
    expect(await page('/staff/requests/conversations?assigned=mine')).toContain('Trần Văn Bình');
    expect(await page('/staff/requests/conversations?assigned=unassigned')).not.toContain('Trần Văn Bình');

    const detail = await page(`/staff/requests/conversations/${convo.id}`);
    const panel = /<aside[^>]*id="contact-panel"[\s\S]*?<\/aside>/.exec(detail)![0];
    expect(panel).toContain('<a href="tel:+84913222333" class="tel">0913 222 333</a>');
    expect(panel).toContain('Lịch khám sắp tới');
    expect(panel).toContain('Yêu cầu đang mở');
    expect(panel).toContain('Kết quả khám');
    expect(panel).toContain('Người đại diện');
    expect(detail).toContain('Người phụ trách: <b id="assignee">Bạn</b>');
    // The first message appears once.
    expect(detail.split('Tôi muốn hỏi về thuốc huyết áp').length - 1).toBe(1);

    expect((await postForm(h, `/staff/requests/conversations/${convo.id}/reply`, session, { text: 'Ông uống sau bữa sáng ạ.' })).status).toBe(303);
    await waitFor(() => h.fake.messagesTo(USER).some((m) => (m.text ?? '').startsWith('Ông uống sau bữa sáng ạ.')), 'reply in Zalo');
    const sent = await waitFor(async () => ((await page(`/staff/requests/conversations/${convo.id}`)).includes('data-delivery="sent"') ? true : null), 'delivery shown as sent');
    expect(sent).toBe(true);
    expect(h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'handoff.assign')).all()).toHaveLength(1);
    expect(liveMarks(h.runtime.store.db, null).counts.conversations).toBe(0);

    // An internal note stays with staff: shown marked as such, never sent to the cadre.
    const sentBefore = h.fake.messagesTo(USER).length;
    expect((await postForm(h, `/staff/requests/conversations/${convo.id}/note`, session, { text: 'Đã gọi cho con gái ông, hẹn chiều mai.' })).status).toBe(303);
    const withNote = await page(`/staff/requests/conversations/${convo.id}`);
    expect(withNote).toMatch(/data-direction="note"[\s\S]*Ghi chú nội bộ của Nhân viên dieuphoi \(cán bộ không thấy\)[\s\S]*Đã gọi cho con gái ông, hẹn chiều mai\./);
    await h.runtime.relay.flush();
    expect(h.fake.messagesTo(USER)).toHaveLength(sentBefore);
    expect(h.fake.messagesTo(USER).some((m) => (m.text ?? '').includes('con gái ông'))).toBe(false);
  });
});
