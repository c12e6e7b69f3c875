import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { careRequests, handoffMessages, handoffs, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { linkUser } from './bookingSupport';
import { get, login, makeStaff, type Session } from './staffSupport';

/**
 * Voice notes, photos, files, stickers, GIFs and locations through the signed webhook: a useful reply instead of
 * "not understood"; a photo goes with a request being filed or into a live chat, and staff see it.
 */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let staff: Session;
const list: Cadre[] = [];
let nextUser = 880_000_000_000_000_000n;
const db = () => h.runtime.store.db;
const PHOTO = 'https://zalo-media.example/photo/don-thuoc.jpg';

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    db(),
    Array.from({ length: 5 }, (_, i) => ({ code: `HP-08${i}`, fullName: `Vũ Thị Số ${i}`, sex: 'female' as const, email: null })),
    START,
  );
  list.push(...seeded.cadres);
  await makeStaff(h, 'dieuphoi-tep', 'coordinator');
  staff = await login(h, 'dieuphoi-tep');
});
afterAll(() => h?.stop());

let nextCadre = 0;
function linkedUser(): string {
  const user = String(nextUser++);
  linkUser(h, user, list[nextCadre++]!.id);
  return user;
}

/** Delivers an event and returns every reply of the turn (none for a message kept for staff). */
async function send(user: string, event: { app_id: string; timestamp: string }): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  clock.advance(1000);
  expect((await h.deliver(event)).status).toBe(200);
  return (await h.settled(user)).slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}
const say = (user: string, text: string) => send(user, events.userTextEvent(ids, user, text, clock.now() + 1000));
const attach = (user: string, kind: Parameters<typeof events.attachmentEvent>[2], payload: Parameters<typeof events.attachmentEvent>[3]) =>
  send(user, events.attachmentEvent(ids, user, kind, payload, clock.now() + 1000));

describe('a photo, file or voice note outside a request', () => {
  it('a voice note is answered politely and can go to staff; a sticker or GIF is a nod; never "chưa hiểu"', async () => {
    const user = linkedUser();
    const voice = await attach(user, 'audio', { url: 'https://zalo-media.example/voice/1.aac' });
    expect(voice).toContain('chưa nghe được tin nhắn thoại');
    expect(voice).toContain('1. Gửi cho nhân viên');
    expect(voice).not.toContain('chưa hiểu');
    expect(await say(user, 'không')).toContain('chưa gửi cho nhân viên');
    expect(db().select().from(handoffs).where(eq(handoffs.zaloUserId, user)).all()).toHaveLength(0);

    for (const kind of ['sticker', 'gif'] as const) {
      const nod = await attach(user, kind, { url: 'https://zalo-media.example/sticker/1.png', id: 'abc' });
      expect(nod).toContain('Dạ.');
      expect(nod).not.toMatch(/chưa hiểu|chỉ đọc được/);
    }
    // A file Zalo gave no address for: polite, with a way forward.
    expect(await attach(user, 'file', { name: 'x.pdf' })).toContain('gặp nhân viên');
  });

  it('a photo sent at the menu goes to staff on a yes, opening a conversation where staff see the image', async () => {
    const user = linkedUser();
    const asked = await attach(user, 'image', { url: PHOTO, thumbnail: 'https://zalo-media.example/photo/don-thuoc-thumb.jpg' });
    expect(asked).toContain('Tôi đã nhận ảnh của Bà');
    expect(await say(user, 'vâng')).toContain('Đã chuyển tin nhắn của Bà tới nhân viên');
    const conv = db().select().from(handoffs).where(eq(handoffs.zaloUserId, user)).get()!;
    const first = db().select().from(handoffMessages).where(eq(handoffMessages.zaloUserId, user)).orderBy(handoffMessages.id).all()[0]!;
    expect(first).toMatchObject({ direction: 'in', text: '[Ảnh]', attachment: { kind: 'image', url: PHOTO } });

    // In the live chat a file is kept with its message (the bot stays quiet), and staff see both.
    expect(await attach(user, 'file', { url: 'https://zalo-media.example/file/giay-ra-vien.pdf', name: 'giay-ra-vien.pdf', size: '1200', type: 'pdf' })).toBe('');
    const last = db().select().from(handoffMessages).where(eq(handoffMessages.zaloUserId, user)).orderBy(desc(handoffMessages.id)).get()!;
    expect(last).toMatchObject({ text: '[Tệp: giay-ra-vien.pdf]', attachment: { kind: 'file', name: 'giay-ra-vien.pdf' } });
    const page = await (await get(h, `/staff/requests/conversations/${conv.id}`, staff)).text();
    expect(page).toContain('<img src="https://zalo-media.example/photo/don-thuoc-thumb.jpg"');
    expect(page).toContain(`href="${PHOTO}"`);
    expect(page).toContain('Mở tệp: giay-ra-vien.pdf');
  });
});

describe('a photo while filing a request', () => {
  it('a prescription photo goes with the medicine request, and staff see it on the request page', async () => {
    const user = linkedUser();
    expect(await say(user, 'xin thuốc')).toContain('nhận thuốc tại nhà');
    const kept = await attach(user, 'image', { url: PHOTO });
    expect(kept).toContain('Đã nhận ảnh');
    expect(kept).toContain('trả lời tiếp câu hỏi trước');
    expect(await say(user, 'như đơn cũ trong ảnh')).toContain('Xin gõ địa chỉ');
    // A location in the middle of a flow is thanked, not refused.
    await say(user, '27 Trần Phú, Ngô Quyền, Hải Phòng');
    await say(user, 'sớm nhất');
    expect(await say(user, 'sang')).toContain('Thuốc: như đơn cũ trong ảnh');
    expect(await say(user, 'đồng ý')).toContain('Đã gửi yêu cầu nhận thuốc tại nhà');
    const request = await waitFor(() => db().select().from(careRequests).where(eq(careRequests.zaloUserId, user)).get(), 'request stored');
    expect(request.attachments).toEqual([{ kind: 'image', url: PHOTO }]);
    const page = await (await get(h, `/staff/requests/${request.id}`, staff)).text();
    expect(page).toContain('Tệp gửi kèm');
    expect(page).toContain(`<img src="${PHOTO}"`);
  });

  it('a location sent in the middle of another flow is thanked and the question stands', async () => {
    const user = linkedUser();
    await say(user, 'hỏi bác sĩ');
    const reply = await send(user, events.locationEvent(ids, user, 20.86, 106.68, clock.now() + 1000, 'Nhà tôi'));
    expect(reply).not.toMatch(/chỉ đọc được|chưa hiểu/);
  });
});
