import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { bookings, careRequests, handoffs, type Cadre, type Clinic } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';

/**
 * End-to-end chats through the signed webhook for what understanding a message must get right: a no or a
 * retraction never commits, emergencies are recognised in every state (and a negated one is not), leaving a
 * live chat works and is confirmed, courtesy is answered politely.
 */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let clinic: Clinic;
const cadreList: Cadre[] = [];
let nextCadre = 0;
let nextUser = 870_000_000_000_000_000n;
const newUser = () => String(nextUser++);
const db = () => h.runtime.store.db;

/** A linked cadre with a fresh Zalo user. */
function linked(): { user: string; cadre: Cadre } {
  const cadre = cadreList[nextCadre++]!;
  const user = newUser();
  linkUser(h, user, cadre.id);
  return { user, cadre };
}

const bookingsOf = (cadreId: number) => db().select().from(bookings).where(eq(bookings.cadreId, cadreId)).all();
const requestsOf = (cadreId: number) => db().select().from(careRequests).where(eq(careRequests.cadreId, cadreId)).all();
const emergenciesOf = (cadreId: number) => requestsOf(cadreId).filter((r) => r.type === 'emergency');

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    db(),
    Array.from({ length: 40 }, (_, i) => ({ code: `HU${String(100 + i)}`, fullName: `Trần Văn Hiểu ${i}`, sex: i % 2 ? ('female' as const) : ('male' as const) })),
    START,
  );
  clinic = seeded.clinic;
  cadreList.push(...seeded.cadres);
  campaignWithSlots(h, { clinicIds: [clinic.id] }, { fromDate: '2026-03-03', toDate: '2026-03-31', startTime: 7 * 60, endTime: 9 * 60, slotMinutes: 60 });
});
afterAll(() => h?.stop());
beforeEach(() => clock.advance(60_000));

/** Books the first free time and returns the booking. */
async function bookFirst(user: string, cadre: Cadre) {
  await chat(h, user, 'đặt lịch khám');
  await chat(h, user, '1');
  const confirm = await chat(h, user, '1');
  expect(confirm.text).toContain('Xin xác nhận lịch khám');
  expect((await chat(h, user, 'vâng')).text).toContain('Đã đặt lịch khám');
  const [b] = bookingsOf(cadre.id);
  expect(b).toMatchObject({ status: 'booked' });
  return b!;
}

describe('a no never commits', () => {
  it('"thôi, không hủy nữa" keeps the booking, at the reason and at the summary; a plain yes cancels', async () => {
    const { user, cadre } = linked();
    await bookFirst(user, cadre);
    expect((await chat(h, user, 'hủy lịch')).text).toContain('lý do hủy lịch');
    const kept = await chat(h, user, 'thôi, không hủy nữa');
    expect(kept.text).toContain('lịch khám vẫn giữ nguyên');
    expect(bookingsOf(cadre.id)[0]!.status).toBe('booked');

    await chat(h, user, 'huy lich');
    expect((await chat(h, user, '1')).text).toContain('Xin xác nhận hủy lịch khám');
    for (const no of ['dừng lại', 'dung', 'không đồng ý', 'thôi khỏi']) {
      // Each no ends the cancel; start again for the next one.
      expect((await chat(h, user, no)).text).not.toContain('Đã hủy');
      expect(bookingsOf(cadre.id)[0]!.status).toBe('booked');
      await chat(h, user, 'huy lich');
      await chat(h, user, '1');
    }
    expect((await chat(h, user, 'đồng ý')).text).toContain('Đã hủy lịch khám');
    expect(bookingsOf(cadre.id)[0]!.status).toBe('cancelled');
  });

  it('"thôi, dừng lại" at a request\'s summary sends nothing; "đúng rồi" sends it', async () => {
    const { user, cadre } = linked();
    await chat(h, user, 'xin thuốc');
    await chat(h, user, 'Amlodipin 5mg như đơn cũ');
    await chat(h, user, '15 Lạch Tray, phường Lạch Tray, Ngô Quyền');
    await chat(h, user, '1');
    const summary = await chat(h, user, 'sáng');
    expect(summary.text).toContain('Xin kiểm tra lại yêu cầu');
    const stopped = await chat(h, user, 'thôi, dừng lại');
    expect(stopped.text).toContain('yêu cầu chưa được gửi');
    expect(stopped.text).not.toContain('YC-');
    expect(requestsOf(cadre.id)).toHaveLength(0);

    await chat(h, user, 'xin thuốc');
    await chat(h, user, 'Amlodipin 5mg');
    await chat(h, user, '15 Lạch Tray, phường Lạch Tray, Ngô Quyền');
    await chat(h, user, '1');
    await chat(h, user, 'chiều');
    expect((await chat(h, user, 'đúng rồi')).text).toMatch(/Số phiếu: YC-\d{6}/);
    expect(requestsOf(cadre.id)).toHaveLength(1);
  });

  it('a command typed where a value is asked is offered as a switch, never stored', async () => {
    const { user, cadre } = linked();
    await chat(h, user, 'cho hỏi');
    const offer = await chat(h, user, 'xem kết quả');
    expect(offer.text).toContain(`Có phải ${cadre.sex === 'male' ? 'Ông' : 'Bà'} muốn xem kết quả khám?`);
    expect((await chat(h, user, 'vâng')).text).toContain('chưa có kết quả khám nào');
    expect(requestsOf(cadre.id)).toHaveLength(0);
  });

  it('a near miss is confirmed before anything happens', async () => {
    const { user, cadre } = linked();
    const asked = await chat(h, user, 'dat lic kham');
    expect(asked.text).toContain(`Có phải ${cadre.sex === 'male' ? 'Ông' : 'Bà'} muốn đặt lịch khám?`);
    expect((await chat(h, user, '1')).text).toContain('Các ngày còn chỗ');
  });
});

describe('emergencies, in every state', () => {
  const missedBefore = [
    'tôi bị méo miệng, nói ngọng',
    'yếu nửa người',
    'bố tôi ngã không dậy được',
    'nôn ra máu',
    'huyết áp 200/110, đau đầu dữ dội',
    'khó thỏ',
  ];
  it.each(missedBefore)('"%s" gets 115, the clinic phone with call buttons, and pages the on-call staff', async (text) => {
    const { user, cadre } = linked();
    await chat(h, user, 'đặt lịch khám'); // in the middle of a flow
    const reply = await chat(h, user, text);
    expect(reply.text).toContain('GỌI NGAY 115');
    expect(reply.text).toContain('Phòng khám A Hải Phòng');
    expect(emergenciesOf(cadre.id)).toHaveLength(1);
    const calls = h.fake.messagesTo(user).at(-1)!.buttons.map((b) => ({ type: b.type, payload: b.payload }));
    expect(calls[0]).toEqual({ type: 'oa.open.phone', payload: { phone_code: '115' } });
    expect(calls[1]?.type).toBe('oa.open.phone');
  });

  it('"tim đập nhanh, vã mồ hôi" in a question is an emergency, and so is the next "thở không nổi", never saved as the question', async () => {
    const { user, cadre } = linked();
    await chat(h, user, 'cho tôi hỏi bác sĩ');
    expect((await chat(h, user, 'tim đập nhanh, vã mồ hôi')).text).toContain('115');
    expect((await chat(h, user, 'thở không nổi')).text).toContain('115');
    expect(requestsOf(cadre.id).filter((r) => r.type === 'question')).toHaveLength(0);
    expect(emergenciesOf(cadre.id).length).toBeGreaterThanOrEqual(1);
  });

  it('"tôi không khó thở, chỉ hỏi lịch khám" pages nobody', async () => {
    const { user, cadre } = linked();
    const reply = await chat(h, user, 'tôi không khó thở, chỉ hỏi lịch khám');
    expect(reply.text).not.toContain('115');
    expect(emergenciesOf(cadre.id)).toHaveLength(0);
  });
});

describe('a live chat with staff', () => {
  it('"menu", "thoát" and "xong rồi cảm ơn" are answered, asking first; a yes ends it and staff see who left', async () => {
    const { user } = linked();
    await chat(h, user, 'gặp nhân viên');
    expect((await chat(h, user, 'Tôi muốn hỏi về lịch khám tháng sau')).text).toContain('Đã chuyển tin nhắn');
    for (const text of ['menu', 'thoát', 'xong rồi cảm ơn']) {
      expect((await chat(h, user, text)).text).toContain('muốn kết thúc trò chuyện với nhân viên');
      expect((await chat(h, user, '2')).text).toContain('nhân viên sẽ trả lời tại đây');
    }
    const open = db().select().from(handoffs).where(and(eq(handoffs.zaloUserId, user), eq(handoffs.status, 'open'))).get();
    expect(open).toBeDefined();
    await chat(h, user, '0');
    const left = await chat(h, user, 'vâng');
    expect(left.text).toContain('đã rời cuộc trò chuyện với nhân viên');
    expect(left.text).toContain('1. Đặt lịch khám');
    expect(db().select().from(handoffs).where(eq(handoffs.id, open!.id)).get()).toMatchObject({ status: 'closed', closedBy: 'user' });
  });
});

describe('courtesy and misunderstandings', () => {
  it.each(['cảm ơn cháu nhiều', 'tạm biệt', '👍', '🙏', 'chào cháu'])('"%s" gets a short polite answer', async (text) => {
    const { user } = linked();
    const reply = await chat(h, user, text);
    expect(reply.text).not.toContain('chưa hiểu');
    expect(reply.text.length).toBeGreaterThan(0);
  });

  it('two misunderstandings in a row offer staff and the hotline', async () => {
    const { user } = linked();
    expect((await chat(h, user, 'abc xyz')).text).not.toContain('gặp nhân viên" để nhân viên giúp');
    await chat(h, user, 'qwerty');
    const offer = await waitFor(() => h.fake.messagesTo(user).find((m) => m.text?.includes('"gặp nhân viên" để nhân viên giúp')), 'staff offered');
    expect(offer.text).toContain('0225 3 123 456');
  });
});
