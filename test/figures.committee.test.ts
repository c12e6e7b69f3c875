import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRegistry } from './fixtures';
import { ManualClock, events, ids, startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { get, login, makeStaff } from './staffSupport';

/**
 * A committee organised as a Trung tâm (COMMITTEE_KIND=trung_tam) with no name configured: its name is the kind's
 * own, and every chat reply, email and staff page that names the organisation says "Trung tâm", never "Ban".
 */
let h: Harness;
let smtp: SmtpSink;
const clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
const NAME = 'Trung tâm Bảo vệ, chăm sóc sức khỏe cán bộ';
/** "Ban" as a word (a unit name such as "Ban Tổ chức" is not seeded here). */
const BAN = /\bBan\b/;

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness({ clock, env: { COMMITTEE_KIND: 'trung_tam', SMTP_URL: smtp.url } });
  seedRegistry(h.runtime.store.db, [{ code: 'TT-0001', fullName: 'Trần Thị Bình', sex: 'female', email: 'binh@example.test', birthDate: '1948-01-20' }], clock.now());
  await makeStaff(h, 'tt-admin', 'admin');
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

async function ask(user: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  expect((await h.say(user, text)).status).toBe(200);
  return (await h.settled(user)).slice(before).map((m) => m.text ?? '').join('\n');
}

describe('a Trung tâm names itself "Trung tâm" everywhere', () => {
  it('the name defaults to the kind\'s own', () => {
    expect(h.runtime.config.committee.name).toBe(NAME);
  });

  it('chat replies say "Trung tâm": the emergency hotline line and an unknown shared phone', async () => {
    const emergency = await ask('840000000000000101', 'tôi bị méo miệng, nói ngọng');
    expect(emergency).toContain('Đường dây của Trung tâm:');
    expect(emergency).not.toMatch(BAN);

    const user = '840000000000000102';
    const before = h.fake.messagesTo(user).length;
    expect((await h.deliver(events.submitInfoEvent(ids, user, { name: 'Bình', phone: '84911111111' }, clock.now()))).status).toBe(200);
    const notFound = (await h.settled(user)).slice(before).map((m) => m.text ?? '').join('\n');
    expect(notFound).toContain('Số điện thoại này chưa có trong hồ sơ của Trung tâm.');
    expect(notFound).not.toMatch(BAN);
  });

  it('the verification code email asks to tell the Trung tâm', async () => {
    const user = '840000000000000103';
    await ask(user, '2');
    await ask(user, 'nhap ma can bo');
    await ask(user, 'tt-0001');
    expect(await ask(user, '20/1/1948')).toContain('email đã đăng ký trong hồ sơ');
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('binh@example.test')), 'the code mail');
    expect(mail.text).toContain('báo cho Trung tâm.');
    expect(mail.text).not.toMatch(BAN);
  });

  it('the staff login page and page header say "Trung tâm"', async () => {
    const loginPage = await (await get(h, '/staff/login')).text();
    expect(loginPage).toContain(NAME);
    expect(loginPage).toContain('quản trị viên của Trung tâm');
    expect(loginPage).not.toMatch(BAN);
    const admin = await login(h, 'tt-admin');
    const home = await (await get(h, '/staff', admin)).text();
    expect(home).toContain(NAME);
    expect(home).not.toMatch(BAN);
  });
});
