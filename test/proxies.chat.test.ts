import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, bookings, proxies, type Cadre, type Clinic } from '../src/store/schema';
import type { ActingStaff } from '../src/domain/staff/actor';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, linkUser } from './bookingSupport';
import { draft, release, staffRow, zaloAccount } from './resultsSupport';
import { login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * Family members acting for a cadre, end to end through the signed webhook: the relation chosen from a list,
 * a second cadre, the cadre told when a proxy is approved and when the proxy books or cancels for them,
 * notices reaching approved proxies too, and a proxy stepping down themself.
 */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let clinic: Clinic;
let coordinator: Session;
let doctor: ActingStaff;
let nurse: ActingStaff;
const list: Cadre[] = [];
let nextUser = 870_000_000_000_000_000n;
const newUser = () => String(nextUser++);
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    db(),
    [
      { code: 'HP-0501', fullName: 'Trần Văn Thọ', sex: 'male', birthDate: '1940-01-15', email: 'tho@example.test' },
      { code: 'HP-0502', fullName: 'Lê Thị Mai', sex: 'female', birthDate: '1942-06-20', email: null },
      { code: 'HP-0503', fullName: 'Đỗ Văn Hùng', sex: 'male', birthDate: '1945-03-03', email: null },
    ],
    START,
  );
  clinic = seeded.clinic;
  list.push(...seeded.cadres);
  campaignWithSlots(h, { clinicIds: [clinic.id] }, { fromDate: '2026-03-03', toDate: '2026-03-31' });
  await makeStaff(h, 'dieuphoi-uq', 'coordinator');
  coordinator = await login(h, 'dieuphoi-uq');
  doctor = staffRow(db(), 'doctor', null, START);
  nurse = staffRow(db(), 'clinic_staff', clinic.id, START);
});
afterAll(() => h?.stop());

const [tho, mai, hung] = [() => list[0]!, () => list[1]!, () => list[2]!];
const proxyRow = (user: string, cadreId: number) => db().select().from(proxies).where(and(eq(proxies.zaloUserId, user), eq(proxies.cadreId, cadreId))).get();

/** A cadre's own account that wrote recently, so customer-service messages reach it. */
function cadreAccount(cadre: Cadre): string {
  const user = newUser();
  linkUser(h, user, cadre.id);
  h.fake.upsertUser({ userId: user });
  h.fake.touch(user);
  return user;
}

/** Sends a text through the webhook and returns every reply of the turn (a share card and its text alike). */
async function chat(_h: Harness, user: string, text: string): Promise<{ text: string; buttons: string[] }> {
  const before = h.fake.messagesTo(user).length;
  expect((await h.say(user, text)).status).toBe(200);
  await waitFor(() => h.fake.messagesTo(user).length > before, `reply to "${text}"`);
  const fresh = (await h.settled(user)).slice(before);
  return { text: fresh.map((m) => m.text ?? `[${m.kind}]`).join('\n---\n'), buttons: fresh.flatMap((m) => (m.buttons ?? []).map((b) => String(b.payload))) };
}

const told = (user: string, part: string, what: string) =>
  waitFor(() => h.fake.messagesTo(user).find((m) => m.text?.includes(part))?.text, what);

async function sharePhone(user: string, phone: string, name: string) {
  const before = h.fake.messagesTo(user).length;
  expect((await h.deliver(events.submitInfoEvent(ids, user, { phone, name }, clock.now()))).status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), 'reply to the shared phone');
  return msgs.slice(before).map((m) => m.text ?? '').join('\n');
}

describe('asking to act for a cadre', () => {
  it('offers the relations as choices (con, vợ/chồng, cháu, người chăm sóc, khác); "khác" asks for the words', async () => {
    const user = newUser();
    h.fake.upsertUser({ userId: user });
    await chat(h, user, 'liên kết');
    await chat(h, user, '3');
    await chat(h, user, 'HP-0501');
    const asked = await chat(h, user, '15/01/1940');
    expect(asked.text).toContain('Ông/Bà là gì của cán bộ mã HP-0501');
    for (const [i, label] of ['Con', 'Vợ/chồng', 'Cháu', 'Người chăm sóc', 'Khác'].entries()) expect(asked.text).toContain(`${i + 1}. ${label}`);
    expect(asked.buttons).toEqual(['Con', 'Vợ/chồng', 'Cháu', 'Người chăm sóc', 'Khác']);
    expect(asked.text).not.toContain('Trần Văn Thọ');
    expect((await chat(h, user, 'Khác')).text).toContain('Xin gõ Ông/Bà là gì của cán bộ');
    expect((await chat(h, user, 'thu ky')).text).toContain('số điện thoại');
    const summary = await sharePhone(user, '0987 222 333', 'Phạm Thu');
    expect(summary).toContain('Ông/Bà là thu ky của cán bộ mã HP-0501');
    expect((await chat(h, user, 'vâng')).text).toContain('Yêu cầu đã được gửi');
    expect(proxyRow(user, tho().id)).toMatchObject({ status: 'pending', relation: 'thu ky', proxyName: 'Phạm Thu' });

    const other = newUser();
    await chat(h, other, 'lam nguoi dai dien');
    await chat(h, other, 'HP-0502');
    await chat(h, other, '20/06/1942');
    expect((await chat(h, other, '2')).text).toContain('số điện thoại');
    await sharePhone(other, '0987 222 444', 'Ông Tư');
    await chat(h, other, '1');
    expect(proxyRow(other, mai().id)).toMatchObject({ status: 'pending', relation: 'vợ/chồng' });
  });
});

describe('an approved proxy', () => {
  let proxyUser = '';
  let thoUser = '';

  it('the cadre is told in Zalo when staff approve the proxy, and the proxy too', async () => {
    proxyUser = newUser();
    h.fake.upsertUser({ userId: proxyUser });
    h.fake.touch(proxyUser);
    thoUser = cadreAccount(tho());
    await chat(h, proxyUser, 'lien ket');
    await chat(h, proxyUser, '3');
    await chat(h, proxyUser, 'HP-0501');
    await chat(h, proxyUser, '15/01/1940');
    await chat(h, proxyUser, '1');
    await sharePhone(proxyUser, '0912 000 111', 'Trần Thu Hà');
    await chat(h, proxyUser, 'đồng ý');
    const row = proxyRow(proxyUser, tho().id)!;
    expect(row).toMatchObject({ status: 'pending', relation: 'con', proxyName: 'Trần Thu Hà' });

    expect((await postForm(h, `/staff/proxies/${row.id}/approve`, coordinator, { note: '' })).status).toBe(303);
    expect(await told(proxyUser, 'đã đồng ý để anh/chị thay mặt', 'the proxy told')).toContain('Trần Văn Thọ');
    const toCadre = await told(thoUser, 'thay mặt Ông', 'the cadre told of the approval');
    expect(toCadre).toContain('Trần Thu Hà (con)');
    expect(toCadre).toContain('gặp nhân viên');
  });

  it('the cadre is told when the proxy books and cancels an exam for them', async () => {
    await chat(h, proxyUser, 'đặt lịch khám thứ 4');
    const confirm = await chat(h, proxyUser, '7h');
    expect(confirm.text).toContain('Thứ Tư, 04/03/2026, lúc 7:00');
    expect((await chat(h, proxyUser, 'vâng')).text).toContain('Đã đặt lịch khám cho Ông Trần Văn Thọ');
    expect(db().select().from(bookings).where(eq(bookings.cadreId, tho().id)).all()).toHaveLength(1);
    const booked = await told(thoUser, 'vừa đặt lịch khám cho Ông', 'the cadre told of the booking');
    expect(booked).toContain('Trần Thu Hà (con) vừa đặt lịch khám cho Ông: Thứ Tư, 04/03/2026, lúc 7:00 tại Phòng khám A Hải Phòng');

    await chat(h, proxyUser, 'hủy lịch');
    await chat(h, proxyUser, '1');
    expect((await chat(h, proxyUser, 'vâng')).text).toContain('Đã hủy lịch khám');
    expect(await told(thoUser, 'vừa hủy lịch khám của Ông', 'the cadre told of the cancel')).toContain('Thứ Tư, 04/03/2026');
    // A request filed by the proxy: the cadre hears its kind and ticket, not what it says.
    await chat(h, proxyUser, 'hỏi bác sĩ');
    await chat(h, proxyUser, 'Bố tôi dạo này hay chóng mặt PX-Q');
    expect((await chat(h, proxyUser, 'đồng ý')).text).toContain('YC-');
    const asked = await told(thoUser, 'vừa gửi yêu cầu', 'the cadre told of the request');
    expect(asked).toContain('Trần Thu Hà (con) vừa gửi yêu cầu «Hỏi nhân viên y tế» cho Ông (YC-');
    expect(asked).not.toContain('PX-Q');
    // The cadre acting for themself is not told of their own doing.
    await chat(h, thoUser, 'đặt lịch khám thứ 5');
    await chat(h, thoUser, '8h');
    await chat(h, thoUser, 'vâng');
    const toldCount = h.fake.messagesTo(thoUser).filter((m) => m.text?.includes('vừa đặt lịch khám')).length;
    expect(toldCount).toBe(1);
  });

  it('results ready reach both the cadre and the approved proxy, without the result itself', async () => {
    const d = draft(db(), nurse, tho().id, { examDate: '2026-02-20', healthClass: 'II', conclusions: 'Kết luận bí mật PX-1' }, clock.now());
    release(db(), doctor, [d.id], clock.now());
    h.runtime.relay.kick();
    const toProxy = await told(proxyUser, 'đã có', 'results notice to the proxy');
    const toCadre = await told(thoUser, 'đã có', 'results notice to the cadre');
    expect(toProxy).not.toContain('PX-1');
    expect(toCadre).not.toContain('PX-1');
  });

  it('adds a second cadre with "thêm người", and chooses for whom afterwards', async () => {
    const second = await chat(h, proxyUser, 'thêm người thân');
    expect(second.text).toContain('người đại diện cho một cán bộ nữa');
    await chat(h, proxyUser, 'HP-0503');
    await chat(h, proxyUser, '03/03/1945');
    await chat(h, proxyUser, 'Cháu');
    await chat(h, proxyUser, '0912000111');
    expect((await chat(h, proxyUser, 'gửi yêu cầu')).text).toContain('Yêu cầu đã được gửi');
    const row = proxyRow(proxyUser, hung().id)!;
    expect(row).toMatchObject({ status: 'pending', relation: 'cháu' });
    // The same cadre again: already their proxy, said by name.
    await chat(h, proxyUser, 'thêm cán bộ');
    await chat(h, proxyUser, 'HP-0501');
    expect((await chat(h, proxyUser, '15/01/1940')).text).toContain('đã là người đại diện của Trần Văn Thọ');

    await postForm(h, `/staff/proxies/${row.id}/approve`, coordinator, { note: '' });
    await told(proxyUser, 'Đỗ Văn Hùng. Từ nay', 'second approval told');
    const whom = await chat(h, proxyUser, 'đặt lịch khám ngày mai');
    expect(whom.text).toContain('1. Trần Văn Thọ');
    expect(whom.text).toContain('2. Đỗ Văn Hùng');
    // The day typed with the goal carries on once the cadre is chosen.
    expect((await chat(h, proxyUser, '2')).text).toContain('Các giờ còn chỗ Thứ Ba, 03/03/2026');
    await chat(h, proxyUser, 'menu');
  });

  it('removes themself: asks for whom, confirms, and the cadre is told; no to the confirmation changes nothing', async () => {
    const ask = await chat(h, proxyUser, 'toi muon thoi lam nguoi dai dien');
    expect(ask.text).toContain('thôi làm người đại diện cho ai');
    const confirm = await chat(h, proxyUser, '1');
    expect(confirm.text).toContain('thôi thay mặt Trần Văn Thọ');
    expect((await chat(h, proxyUser, 'không')).text).not.toContain('đã thôi');
    expect(proxyRow(proxyUser, tho().id)!.status).toBe('approved');

    await chat(h, proxyUser, 'hủy liên kết');
    await chat(h, proxyUser, 'Trần Văn Thọ');
    expect((await chat(h, proxyUser, 'vâng')).text).toContain('Ông/Bà đã thôi làm người đại diện của Trần Văn Thọ');
    expect(proxyRow(proxyUser, tho().id)!.status).toBe('revoked');
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'proxy.withdraw')).all()).toHaveLength(1);
    expect(await told(thoUser, 'đã thôi thay mặt Ông', 'the cadre told')).toContain('Trần Thu Hà (con)');
    // Only the other cadre is left to act for: no more "for whom?".
    expect((await chat(h, proxyUser, 'xem kết quả')).text).not.toContain('Trần Văn Thọ');
  });
});

describe('notices', () => {
  it('a cadre with no Zalo account of their own still gets notices through their proxy, as before', async () => {
    const daughter = newUser();
    zaloAccount(db(), daughter, { proxyFor: mai().id, now: clock.now() });
    h.fake.upsertUser({ userId: daughter });
    h.fake.touch(daughter);
    const d = draft(db(), nurse, mai().id, { examDate: '2026-02-21', healthClass: 'I', conclusions: 'PX-2' }, clock.now());
    release(db(), doctor, [d.id], clock.now());
    h.runtime.relay.kick();
    expect(await told(daughter, 'đã có', 'results notice to the proxy')).not.toContain('PX-2');
  });
});
