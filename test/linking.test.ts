import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, linkRequests, outbox, proxies, zaloLinks, zaloUsers, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { get, login, makeStaff, postForm } from './staffSupport';

let h: Harness;
let smtp: SmtpSink;
let clock: ManualClock;
let an: Cadre, binh: Cadre, chi: Cadre, em: Cadre, giang: Cadre;
let nextUser = 810_000_000_000_000_000n;

beforeAll(async () => {
  smtp = await startSmtpSink();
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({ clock, env: { SMTP_URL: smtp.url } });
  const seeded = seedRegistry(h.runtime.store.db, [
    { code: 'HP-0001', fullName: 'Nguyễn Văn An', phone: '84912345678', email: 'an.nguyen@example.test', birthDate: '1950-09-05' },
    { code: 'HP-0002', fullName: 'Trần Thị Bình', sex: 'female', phone: '84987654321', email: 'binh.tran@example.test', birthDate: '1948-01-20' },
    { code: 'HP-0003', fullName: 'Lê Văn Chí', phone: '84900000003', birthDate: '1952-12-01' },
    { code: 'HP-0004', fullName: 'Phạm Văn Dũng', phone: '84900000003', email: 'dung@example.test', birthDate: '1955-07-07' },
    { code: 'HP-0005', fullName: 'Đỗ Thị Em', sex: 'female', phone: '84900000005', email: 'em.do@example.test', birthDate: '1949-04-04' },
    { code: 'HP-0006', fullName: 'Vũ Văn Giang', phone: '84900000006', email: 'giang.vu@example.test', birthDate: '1946-06-06' },
    { code: 'HP-0007', fullName: 'Bùi Thị Hạnh', sex: 'female', phone: '84900000007', birthDate: '1945-07-07' },
  ]);
  [an, binh, chi, , em, giang] = seeded.cadres as [Cadre, Cadre, Cadre, Cadre, Cadre, Cadre];
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

let user: string;
beforeEach(() => {
  user = String(nextUser++);
});

/** Sends a text and waits for the n-th reply to that user; returns its text. */
async function ask(text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  const res = await h.say(user, text);
  expect(res.status).toBe(200);
  const msgs = await h.settled(user);
  return msgs.slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}

/** Delivers a shared phone and returns the reply, once every part of it went out. */
async function sharePhone(phone: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  const res = await h.deliver(events.submitInfoEvent(ids, user, { name: 'An', phone }, clock.now()));
  expect(res.status).toBe(200);
  return (await h.settled(user)).slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}

const linkOf = (zaloUserId: string) => h.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, zaloUserId)).get();
const audits = (action: string) => h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, action)).all();

async function otpFromMail(to: string): Promise<string> {
  const mail = await waitFor(() => [...smtp.mails].reverse().find((m) => m.to.includes(to)), `mail to ${to}`);
  return /là: (\d{6})/.exec(mail.text)![1]!;
}

describe('a shared phone of a cadre linked to another account', () => {
  it('does not move the link: it waits for staff, the linked account is told; staff approve (both told) or refuse', async () => {
    const first = user;
    expect(await sharePhone('0900 000 006')).toContain('Kính chào Ông Vũ Văn Giang');
    expect(linkOf(first)).toMatchObject({ cadreId: giang.id });

    // Another account shares the same phone: nothing moves, nobody is named, the linked account hears of it.
    const second = (user = String(nextUser++));
    const held = await sharePhone('0900 000 006');
    expect(held).toContain('đã được dùng để xác minh một tài khoản Zalo khác');
    expect(held).not.toContain('Giang');
    expect(linkOf(second)).toBeUndefined();
    expect(linkOf(first)).toMatchObject({ cadreId: giang.id });
    expect(await ask('xem ket qua')).toContain('cần xác minh tài khoản Zalo');
    clock.advance(1000);
    expect(await sharePhone('0900 000 006')).toContain('nhân viên sẽ kiểm tra');
    const pending = h.runtime.store.db.select().from(linkRequests).where(eq(linkRequests.cadreId, giang.id)).all();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ zaloUserId: second, currentZaloUserId: first, phone: '84900000006', status: 'pending' });
    await waitFor(() => h.fake.messagesTo(first).find((m) => m.text?.includes('một tài khoản Zalo khác vừa dùng số điện thoại')), 'the linked account told');
    expect(audits('link.hold').filter((a) => a.entityId === String(giang.id))).toHaveLength(1);

    // Staff see it on the proxies page, with the cadre's registry phone, and approve.
    await makeStaff(h, 'dieuphoi-lk', 'coordinator');
    const staff = await login(h, 'dieuphoi-lk');
    const page = await (await get(h, '/staff/proxies', staff)).text();
    expect(page).toContain('Xin chuyển liên kết Zalo');
    expect(page).toContain('Vũ Văn Giang');
    expect(page).toContain(second);
    const approved = await postForm(h, `/staff/proxies/links/${pending[0]!.id}/approve`, staff, { note: '' });
    expect(approved.status).toBe(303);
    expect(linkOf(second)).toMatchObject({ cadreId: giang.id });
    expect(linkOf(first)).toBeUndefined();
    await waitFor(() => h.fake.messagesTo(first).find((m) => m.text?.includes('vừa được liên kết với một tài khoản Zalo khác')), 'the old account told');
    await waitFor(() => h.fake.messagesTo(second).find((m) => m.text?.includes('Nhân viên đã xác minh')), 'the new account told');
    expect(audits('link.move_approve')).toHaveLength(1);
    expect((await postForm(h, `/staff/proxies/links/${pending[0]!.id}/reject`, staff, { note: '' })).status).toBe(409);

    // A third account tries the same: refused by staff, the link stays.
    const third = (user = String(nextUser++));
    await sharePhone('0900 000 006');
    const again = h.runtime.store.db.select().from(linkRequests).where(and(eq(linkRequests.zaloUserId, third), eq(linkRequests.status, 'pending'))).get()!;
    expect(again.currentZaloUserId).toBe(second);
    expect((await postForm(h, `/staff/proxies/links/${again.id}/reject`, staff, { note: 'Số đã đổi chủ' })).status).toBe(303);
    await waitFor(() => h.fake.messagesTo(third).find((m) => m.text?.includes('chưa thể chuyển liên kết') && m.text.includes('Số đã đổi chủ')), 'the requester told');
    expect(linkOf(second)).toMatchObject({ cadreId: giang.id });
    expect(linkOf(third)).toBeUndefined();
  });
});

describe('linking a Zalo account in chat', () => {
  it('an unlinked user asking for results gets a polite explanation, not data', async () => {
    const text = await ask('xem ket qua');
    expect(text).toContain('cần xác minh tài khoản Zalo');
    expect(text).toContain('1. Gửi số điện thoại');
    expect(linkOf(user)).toBeUndefined();
  });

  it('(a) a shared phone matching exactly one cadre links, then carries on with the request', async () => {
    await ask('1');
    const share = await ask('1');
    expect(share).toContain('[request_user_info]');
    expect(await sharePhone('0912 345 678')).toContain('Xác minh thành công. Kính chào Ông Nguyễn Văn An!');
    expect(linkOf(user)).toMatchObject({ cadreId: an.id, method: 'phone' });
    expect(audits('link.create').some((a) => a.entityId === String(an.id) && a.actorId === user)).toBe(true);
  });

  it('a shared phone found in two records does not link and asks for the cadre code', async () => {
    await ask('dat lich');
    expect(await sharePhone('84900000003')).toContain('nhiều hồ sơ');
    expect(linkOf(user)).toBeUndefined();
    void chi;
  });

  it('(b) cadre code + birth date, then the code mailed to the registry email (real SMTP) links', async () => {
    await ask('2'); // results
    expect(await ask('nhap ma can bo')).toContain('mã cán bộ');
    expect(await ask('hp-0002')).toContain('ngày sinh');
    const sent = await ask('20/1/1948');
    expect(sent).toContain('email đã đăng ký trong hồ sơ');
    expect(sent).not.toContain('b***');
    const code = await otpFromMail('binh.tran@example.test');
    const done = await ask(code);
    expect(done).toContain('Kính chào Bà Trần Thị Bình');
    expect(linkOf(user)).toMatchObject({ cadreId: binh.id, method: 'otp' });
    // The code is single use.
    expect(await ask(code)).not.toContain('Kính chào');
  });

  it('a wrong birth date is refused without saying whether the code exists, and stops after three tries', async () => {
    await ask('lien ket');
    await ask('2');
    await ask('HP-0001');
    expect(await ask('01/01/1960')).toContain('chưa khớp');
    await ask('HP-9999');
    expect(await ask('05/09/1950')).toContain('chưa khớp');
    await ask('HP-0001');
    expect(await ask('31/02/1950')).toContain('chưa đúng dạng');
    expect(await ask('02/02/1950')).toContain('gọi');
    expect(linkOf(user)).toBeUndefined();
  });

  it('the code is in the mail text only: never in the subject, and scrubbed from the sent outbox row', async () => {
    await ask('lien ket');
    await ask('2');
    await ask('HP-0002');
    const mailsBefore = smtp.mails.filter((m) => m.to.includes('binh.tran@example.test')).length;
    await ask('20/1/1948');
    const mail = await waitFor(() => smtp.mails.filter((m) => m.to.includes('binh.tran@example.test'))[mailsBefore], 'the new code mail');
    const code = /là: (\d{6})/.exec(mail.text)![1]!;
    expect(mail.subject).toBe('Mã xác minh tài khoản Zalo');
    expect(mail.subject).not.toContain(code);
    const mailRows = () => h.runtime.store.db.select().from(outbox).where(eq(outbox.kind, 'email.message')).all().filter((r) => (r.payload as { to: string }).to === 'binh.tran@example.test');
    const rows = await waitFor(() => (mailRows().every((r) => r.status === 'done') ? mailRows() : null), 'code mails sent');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(JSON.stringify(r.payload)).not.toMatch(/\d{6}/);
    expect(await ask(code)).toContain('Kính chào Bà Trần Thị Bình');
  });

  it('birth-date guesses are limited per Zalo user and per cadre code for a day, audited, then staff help is offered; nobody is named before verification', async () => {
    const guesser = user;
    const tryCode = async (code: string, birth: string) => {
      await ask('lien ket');
      await ask('2');
      await ask(code);
      return ask(birth);
    };
    // Three wrong dates end the first try; restarting does not reset the count.
    expect(await tryCode('HP-0005', '01/01/1949')).toContain('còn 2 lần');
    await ask('HP-0005');
    expect(await ask('02/01/1949')).toContain('còn 1 lần');
    await ask('HP-0005');
    expect(await ask('03/01/1949')).toContain('gọi');
    expect(await tryCode('HP-0005', '04/01/1949')).toContain('còn 1 lần');
    await ask('HP-0005');
    const locked = await ask('05/01/1949');
    expect(locked).toContain('tạm dừng đến ngày mai');
    expect(locked).toContain('gặp nhân viên');
    // The right date no longer helps today: not for this user, not for anyone else with this code.
    const mailsBefore = smtp.mails.length;
    const refused = await tryCode('HP-0005', '04/04/1949');
    expect(refused).toContain('tạm dừng đến ngày mai');
    expect(refused).not.toContain('Đỗ Thị Em');
    expect(await tryCode('HP-0001', '05/09/1950')).toContain('tạm dừng đến ngày mai');
    user = String(nextUser++);
    expect(await tryCode('HP-0005', '04/04/1949')).toContain('tạm dừng đến ngày mai');
    await h.runtime.relay.flush();
    expect(smtp.mails.length).toBe(mailsBefore);
    // Staff help is one tap away.
    expect(await ask('Gặp nhân viên')).toContain('muốn hỏi nhân viên việc gì');
    await ask('0');
    // Each wrong guess is audited against the cadre, by id.
    const failed = audits('link.verify_failed').filter((a) => a.actorId === guesser);
    expect(failed).toHaveLength(5);
    expect(failed.every((a) => a.entityId === String(em.id))).toBe(true);
    expect(linkOf(guesser)).toBeUndefined();

    // A day later the code works again, and still no name nor email is shown before the code is typed back.
    clock.advance(24 * 3600_000 + 1);
    const sent = await tryCode('HP-0005', '04/04/1949');
    expect(sent).toContain('email đã đăng ký trong hồ sơ');
    expect(sent).not.toMatch(/Đỗ Thị Em|e\*\*\*|em\.do/);
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('em.do@example.test')), 'the code mail');
    expect(await ask(/là: (\d{6})/.exec(mail.text)![1]!)).toContain('Kính chào Bà Đỗ Thị Em');
  });

  it('codes expire after 10 minutes and lock after 5 wrong tries', async () => {
    await ask('lien ket');
    await ask('2');
    await ask('HP-0004');
    await ask('07/07/1955');
    const code = await otpFromMail('dung@example.test');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) expect(await ask(wrong)).toContain(`còn ${left} lần`);
    expect(await ask(wrong)).toContain('sai quá nhiều lần');
    expect(await ask(code)).toContain('sai quá nhiều lần');
    expect(linkOf(user)).toBeUndefined();

    await ask('gửi lại mã');
    const second = await waitFor(async () => {
      const c = await otpFromMail('dung@example.test');
      return c !== code ? c : null;
    }, 'a new code');
    clock.advance(11 * 60_000);
    expect(await ask(second)).toContain('hết hạn');
    expect(linkOf(user)).toBeUndefined();
  });

  it('codes are rate-limited per Zalo user', async () => {
    await ask('lien ket');
    await ask('2');
    await ask('HP-0001');
    expect(await ask('05/09/1950')).toContain('vừa gửi mã');
    expect(await ask('gui lai ma')).toContain('vừa gửi mã');
    expect(await ask('gui lai ma')).toContain('vừa gửi mã');
    expect(await ask('gui lai ma')).toContain('yêu cầu nhiều mã');
  });

  it('a family member asks to act for a cadre: a pending proxy request is recorded', async () => {
    await ask('1');
    await ask('3');
    await ask('HP-0001');
    const asked = await ask('05/09/1950');
    expect(asked).toContain('Ông/Bà là gì của cán bộ mã HP-0001');
    expect(asked).not.toContain('Nguyễn Văn An');
    const share = await ask('con gái');
    expect(share).toContain('[request_user_info]');
    expect(share).toContain('gõ số điện thoại');
    expect(await ask('không biết')).toContain('gõ số điện thoại');
    // The phone Zalo shares (with the name the user has in Zalo) is what staff call back.
    h.fake.upsertUser({ userId: user, displayName: 'Nguyễn Thu Hà' });
    const summary = await sharePhone('0987 111 222');
    expect(summary).toContain('Xin xác nhận: Ông/Bà là con gái của cán bộ mã HP-0001');
    expect(summary).toContain('0987 111 222');
    expect(summary).not.toContain('Nguyễn Văn An');
    expect(await ask('ok')).toContain('Yêu cầu đã được gửi');
    const row = h.runtime.store.db.select().from(proxies).where(and(eq(proxies.zaloUserId, user), eq(proxies.cadreId, an.id))).get();
    expect(row).toMatchObject({ status: 'pending', relation: 'con gái', requesterPhone: '84987111222', proxyName: 'An' });
    expect(await ask('1')).toContain('đang chờ nhân viên duyệt');

    // The requester's Zalo display name is read from Zalo's profile API after the turn; the approval page
    // shows it with the phone they shared and the cadre's registry phone.
    await waitFor(() => h.runtime.store.db.select().from(zaloUsers).where(eq(zaloUsers.id, user)).get()?.displayName === 'Nguyễn Thu Hà', 'display name stored');
    expect(h.fake.calls.some((c) => c.route === 'profile' && c.userId === user)).toBe(true);
    await makeStaff(h, 'dieuphoi-nd', 'coordinator');
    const page = await (await get(h, '/staff/proxies', await login(h, 'dieuphoi-nd'))).text();
    const rowHtml = page.slice(page.indexOf('Nguyễn Văn An'));
    expect(rowHtml).toContain('Tên Zalo: Nguyễn Thu Hà');
    expect(rowHtml).toContain('ĐT: <a href="tel:+84987111222" class="tel">0987 111 222</a>');
    expect(rowHtml).toContain('ĐT hồ sơ: <a href="tel:+84912345678" class="tel">0912 345 678</a>');
  });

  it('"hủy liên kết" asks to confirm, then unlinks and audits', async () => {
    await ask('lien ket');
    await ask('1');
    expect(await sharePhone('+84 900 000 007')).toContain('Xác minh thành công');
    expect(linkOf(user)?.cadreId).toBeDefined();
    expect(await ask('Huỷ liên kết')).toContain('hủy liên kết Zalo này với hồ sơ của Bùi Thị Hạnh');
    expect(await ask('1')).toContain('Đã hủy liên kết');
    expect(linkOf(user)).toBeUndefined();
    expect(audits('link.remove').some((a) => a.actorId === user)).toBe(true);
  });
});
