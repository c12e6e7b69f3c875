import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { OA_MENU } from '../src/bot/understand/intents';
import { bookings, zaloUsers, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { addClinic, campaignWithSlots, chat, linkUser, stateOf } from './bookingSupport';
import { get, login, makeStaff } from './staffSupport';
import { inCustomerServiceWindow } from '../src/store/zaloUsers';

const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let an: Cadre, binh: Cadre;
let nextUser = 840_000_000_000_000_000n;
const newUser = () => String(nextUser++);

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(h.runtime.store.db, [
    { code: 'MN-0001', fullName: 'Nguyễn Văn An' },
    { code: 'MN-0002', fullName: 'Trần Thị Bình', sex: 'female' },
  ], START);
  [an, binh] = seeded.cadres as [Cadre, Cadre];
  const other = addClinic(h, 'BVKA', 'Bệnh viện Kiến An');
  campaignWithSlots(h, { clinicIds: [seeded.clinic.id, other] }, { fromDate: '2026-03-04', toDate: '2026-03-06' });
});
afterAll(() => h?.stop());

const DAY = 24 * 3600_000;
const db = () => h.runtime.store.db;
const bookingsOf = (cadreId: number) => db().select().from(bookings).where(eq(bookings.cadreId, cadreId)).all();
const zaloUser = (id: string) => db().select().from(zaloUsers).where(eq(zaloUsers.id, id)).get()!;
const payload = (intent: string) => OA_MENU.find((i) => i.intent === intent)!.payload;

describe("the OA's persistent menu in chat", () => {
  it('each payload starts its flow for a linked cadre, in any case, with or without the #', async () => {
    const starts: Record<string, { text: string; flow: string; step?: string }> = {
      booking: { text: 'Xin chọn nơi khám (gõ số):\n1. Phòng khám A Hải Phòng (nơi đăng ký)\n2. Bệnh viện Kiến An', flow: 'booking', step: 'clinic' },
      results: { text: 'Hiện chưa có kết quả khám nào của Ông Nguyễn Văn An được công bố.', flow: 'idle' },
      myBookings: { text: 'Ông Nguyễn Văn An chưa có lịch khám nào.', flow: 'booking', step: 'clinic' },
      staff: { text: 'Ông muốn hỏi nhân viên việc gì?', flow: 'handoff', step: 'topic' },
      otherRequest: { text: 'Ông cần yêu cầu gì? Xin gõ số:\n1. Khám tại nhà', flow: 'requests', step: 'menu' },
    };
    expect(OA_MENU.map((i) => i.intent).sort()).toEqual(Object.keys(starts).sort());
    for (const item of OA_MENU) {
      const expected = starts[item.intent]!;
      for (const form of [item.payload, item.payload.toUpperCase(), item.payload.slice(1), ` ${item.payload} `]) {
        const user = newUser();
        linkUser(h, user, an.id);
        const reply = await chat(h, user, form);
        expect(reply.text, form).toContain(expected.text);
        const state = await stateOf(h, user);
        expect(state?.flow, form).toBe(expected.flow);
        if (expected.step) expect(state?.step, form).toBe(expected.step);
        if (form !== item.payload) continue;
        // A tap means what typing the label means.
        const typer = newUser();
        linkUser(h, typer, an.id);
        expect((await chat(h, typer, item.label)).text, item.label).toBe(reply.text);
      }
    }
    // Lookalikes are not menu taps.
    const user = newUser();
    linkUser(h, user, an.id);
    expect((await chat(h, user, '#datlichkham')).text).not.toContain('Xin chọn nơi khám');
    expect((await stateOf(h, user))?.flow).not.toBe('booking');
  });

  it('mid-flow a tap is offered as a switch; yes switches, no resumes, nothing is stored from the tap', async () => {
    const user = newUser();
    linkUser(h, user, binh.id);
    await chat(h, user, payload('booking'));
    const atClinic = await chat(h, user, '#KETQUA');
    expect(atClinic.text).toContain('Có phải Bà muốn xem kết quả khám?\n1. Đúng vậy\n2. Không, làm tiếp');
    expect(await stateOf(h, user)).toMatchObject({ flow: 'clarify', intent: 'results' });
    expect((await chat(h, user, '1')).text).toContain('Hiện chưa có kết quả khám nào của Bà Trần Thị Bình được công bố.');

    await chat(h, user, payload('booking'));
    await chat(h, user, '1');
    await chat(h, user, '1');
    expect((await chat(h, user, '1')).text).toContain('Xin xác nhận lịch khám của Bà Trần Thị Bình');
    // At the booking's confirmation a tap is not a yes: nothing is booked.
    expect((await chat(h, user, 'gapnhanvien')).text).toContain('Có phải Bà muốn gặp nhân viên?');
    expect(bookingsOf(binh.id)).toHaveLength(0);
    await chat(h, user, '2');
    expect(await stateOf(h, user)).toMatchObject({ flow: 'booking', step: 'confirm' });
    expect(bookingsOf(binh.id)).toHaveLength(0);

    expect((await chat(h, user, '#yeucau')).text).toContain('Có phải Bà muốn gửi yêu cầu khác?');
    expect((await chat(h, user, '1')).text).toContain('Bà cần yêu cầu gì?');
    expect(await stateOf(h, user)).toMatchObject({ flow: 'requests', step: 'menu' });

    expect((await chat(h, user, '#LichCuaToi')).text).toContain('Có phải Bà muốn xem lịch khám đã đặt?');
    expect((await chat(h, user, '1')).text).toContain('Bà Trần Thị Bình chưa có lịch khám nào.');

    await chat(h, user, '0');
    await chat(h, user, '#gapnhanvien');
    expect(await stateOf(h, user)).toMatchObject({ flow: 'handoff', step: 'topic' });
    expect((await chat(h, user, '#datlich')).text).toContain('Có phải Bà muốn đặt lịch khám?');
    expect((await chat(h, user, '1')).text).toContain('Xin chọn nơi khám');
    expect(await stateOf(h, user)).toMatchObject({ flow: 'booking', step: 'clinic' });
    expect(bookingsOf(binh.id)).toHaveLength(0);
  });

  it('every tap is an interaction: it refreshes last_interaction_at and reopens the 7-day window', async () => {
    const user = newUser();
    linkUser(h, user, an.id);
    const linkedAt = clock.now();
    expect(zaloUser(user).lastInteractionAt).toBe(linkedAt);
    clock.advance(8 * DAY);
    expect(inCustomerServiceWindow(zaloUser(user), clock.now())).toBe(false);
    for (const item of OA_MENU) {
      clock.advance(60_000);
      await chat(h, user, item.payload);
      expect(zaloUser(user).lastInteractionAt, item.payload).toBe(clock.now());
      await chat(h, user, '0');
    }
    expect(inCustomerServiceWindow(zaloUser(user), clock.now() + 6 * DAY)).toBe(true);
  });
});

describe('the OA menu staff page', () => {
  it('shows every label, payload and what it does to an admin; other roles are refused', async () => {
    await makeStaff(h, 'menu-admin', 'admin');
    await makeStaff(h, 'menu-coord', 'coordinator');
    const admin = await login(h, 'menu-admin');
    const res = await get(h, '/staff/zalo-menu', admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const item of OA_MENU) {
      expect(html).toContain(`<code>${item.payload}</code>`);
      expect(html).toContain(item.label);
      expect(html).toContain(item.does);
    }
    expect(html).toContain('href="/staff/zalo-menu"');

    const coordinator = await login(h, 'menu-coord');
    expect((await get(h, '/staff/zalo-menu', coordinator)).status).toBe(403);
    const registry = await (await get(h, '/staff/registry', coordinator)).text();
    expect(registry).not.toContain('href="/staff/zalo-menu"');
    const anonymous = await get(h, '/staff/zalo-menu');
    expect([302, 303, 401]).toContain(anonymous.status);
  });
});
