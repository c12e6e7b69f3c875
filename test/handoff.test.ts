import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { recordChatTurn, transcriptPlaceholder } from '../src/domain/conversations/handoff';
import { linkZaloUser } from '../src/domain/linking/linking';
import { createApiToken, createStaffUser } from '../src/domain/staff/staff';
import { inTransaction } from '../src/store/db';
import { careRequests, handoffMessages, handoffs, outbox, staffUsers, type Cadre, type StaffUser } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { draft, release, staffRow } from './resultsSupport';
import { startSmtpSink, type SmtpSink } from './smtp';

let h: Harness;
let smtp: SmtpSink;
let clock: ManualClock;
let hoa: StaffUser, truc: StaffUser;
let token: string;
const cadreList: Cadre[] = [];
let nextUser = 840_000_000_000_000_000n;
let nextCadre = 0;

beforeAll(async () => {
  smtp = await startSmtpSink();
  clock = new ManualClock(Date.parse('2026-03-03T03:00:00Z')); // Tuesday 10:00 in Vietnam
  h = await startHarness({ clock, env: { SMTP_URL: smtp.url, HANDOFF_TIMEOUT_HOURS: '24' } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(
    db,
    Array.from({ length: 8 }, (_, i) => ({ code: `HP-20${i}`, fullName: `Người Số ${i}`, sex: 'female' as const })),
    clock.now(),
  );
  cadreList.push(...seeded.cadres);
  const mk = async (username: string, fullName: string, role: 'clinic_staff' | 'coordinator', clinicId: number | null, extra: Partial<StaffUser>) => {
    const s = await createStaffUser(db, { username, fullName, role, password: 'mat-khau-thu-nghiem-1', clinicId, email: `${username}@example.test` }, clock.now());
    return Object.keys(extra).length ? db.update(staffUsers).set(extra).where(eq(staffUsers.id, s.id)).returning().get() : s;
  };
  hoa = await mk('hoa', 'Nguyễn Thị Hoa', 'clinic_staff', seeded.clinic.id, {});
  truc = await mk('truc', 'Phạm Văn Trực', 'coordinator', null, { onCall: true, zaloUserId: '7100000000000000001' });
  inTransaction(db, (tx) => recordZaloUser(tx, { id: '7100000000000000001', followed: true, interactedAt: clock.now() }, clock.now()));
  token = createApiToken(db, hoa.id, 'test', clock.now()).token;
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

function newUser(linked: boolean): { user: string; cadre: Cadre | null } {
  const user = String(nextUser++);
  const cadre = linked ? cadreList[nextCadre++]! : null;
  inTransaction(h.runtime.store.db, (tx) => {
    recordZaloUser(tx, { id: user, followed: true, interactedAt: clock.now() }, clock.now());
    if (cadre) linkZaloUser(tx, { cadreId: cadre.id, zaloUserId: user, method: 'phone', now: clock.now(), staffId: hoa.id });
  });
  return { user, cadre };
}

async function ask(user: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  expect((await h.say(user, text)).status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}

/** Says something and checks that the bot stays silent: the turn queued nothing for this user. */
async function sayQuietly(user: string, text: string): Promise<void> {
  const queued = () => db().select().from(outbox).where(eq(outbox.lane, `zalo-${user}`)).all().length;
  const before = queued();
  expect((await h.say(user, text)).status).toBe(200);
  expect(queued()).toBe(before);
}

const api = (path: string, init: RequestInit = {}) =>
  h.runtime.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

const db = () => h.runtime.store.db;

describe('emergencies', () => {
  it('an emergency phrase gets "call 115" and the clinic phone at once, and pages on-call and clinic staff (an emergency request)', async () => {
    const { user, cadre } = newUser(true);
    await ask(user, '1'); // in the middle of another flow
    const text = await ask(user, 'Mẹ tôi đang KHÓ THỞ');
    expect(text).toContain('GỌI NGAY 115');
    expect(text).toContain('Phòng khám A Hải Phòng: 0225 3 700 700');
    const req = await waitFor(() => db().select().from(careRequests).where(and(eq(careRequests.cadreId, cadre!.id), eq(careRequests.type, 'emergency'))).get(), 'emergency request');
    expect(req).toMatchObject({ urgency: 'urgent', state: 'new', details: 'Mẹ tôi đang KHÓ THỞ' });
    const ticket = `YC-${String(req.id).padStart(6, '0')}`;
    const mails = await waitFor(() => {
      const m = smtp.mails.filter((x) => x.subject.includes(ticket));
      return m.length >= 2 ? m : null;
    }, 'emergency mails');
    expect(mails.flatMap((m) => m.to).sort()).toEqual(['hoa@example.test', 'truc@example.test']);
    expect(mails[0]!.subject).toContain('KHẨN – Báo khẩn cấp');
    await waitFor(() => h.fake.messagesTo(truc.zaloUserId!).some((m) => m.text?.includes(ticket)), 'Zalo page to on-call');
    // A repeat within half an hour answers again but does not page again.
    expect(await ask(user, 'van kho tho')).toContain('115');
    await h.runtime.relay.flush();
    expect(db().select().from(careRequests).where(and(eq(careRequests.cadreId, cadre!.id), eq(careRequests.type, 'emergency'))).all()).toHaveLength(1);
  });

  it('an unlinked user is answered too, and the on-call staff are paged', async () => {
    const { user } = newUser(false);
    const text = await ask(user, 'cap cuu');
    expect(text).toContain('115');
    expect(text).toContain('0225 3 123 456');
    const req = await waitFor(() => db().select().from(careRequests).where(eq(careRequests.zaloUserId, user)).get(), 'emergency request');
    expect(req).toMatchObject({ type: 'emergency', cadreId: null, clinicId: null });
    const ticket = `YC-${String(req.id).padStart(6, '0')}`;
    await waitFor(() => smtp.mails.find((m) => m.subject.includes(ticket) && m.to.includes('truc@example.test')), 'mail to on-call');
  });

  it('ordinary sentences are not emergencies', async () => {
    const { user } = newUser(true);
    for (const text of ['tôi muốn đặt lịch khám ngày mai', 'hoa thơm ngát', 'ngắt điện', 'ngatngat']) await ask(user, text);
    await h.runtime.relay.flush();
    expect(db().select().from(careRequests).where(eq(careRequests.zaloUserId, user)).all()).toHaveLength(0);
    expect(h.fake.messagesTo(user).some((m) => m.text?.includes('115'))).toBe(false);
  });
});

describe('talking to staff', () => {
  it('round trip: the bot is silent, staff replies reach Zalo, closing resumes the bot', async () => {
    const { user, cadre } = newUser(true);
    await ask(user, 'dat lich');
    expect(await ask(user, 'Gặp nhân viên')).toContain('muốn hỏi nhân viên việc gì');
    const opened = await ask(user, 'Tôi muốn đổi bác sĩ khám định kỳ');
    expect(opened).toContain('Đã chuyển tin nhắn');
    expect(opened).toContain('kết thúc');
    const conv = db().select().from(handoffs).where(eq(handoffs.zaloUserId, user)).get()!;
    expect(conv).toMatchObject({ status: 'open', cadreId: cadre!.id, clinicId: cadre!.clinicId });
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('hoa@example.test') && m.text.includes(`/staff/requests/conversations/${conv.id}`)), 'mail to clinic staff');
    expect(mail.subject).toContain('muốn trò chuyện với nhân viên');

    await sayQuietly(user, 'Xin chào, có ai không?');
    // Leaving a live chat is confirmed; staying keeps the conversation open.
    expect(await ask(user, 'menu')).toContain('muốn kết thúc trò chuyện với nhân viên');
    expect(await ask(user, 'không')).toContain('nhân viên sẽ trả lời tại đây');
    await sayQuietly(user, 'cho tôi hỏi thêm');

    const list = (await (await api('/api/conversations')).json()) as { items: { handoff: { id: number } }[] };
    expect(list.items.map((i) => i.handoff.id)).toContain(conv.id);
    const detail = (await (await api(`/api/conversations/${conv.id}`)).json()) as { messages: { message: { direction: string; text: string } }[] };
    const transcript = detail.messages.map((m) => `${m.message.direction}:${m.message.text}`);
    expect(transcript).toContain('in:Tôi muốn đổi bác sĩ khám định kỳ');
    expect(transcript).toContain('in:Xin chào, có ai không?');
    // Nothing said before asking for staff was kept.
    expect(transcript.some((t) => t.includes('dat lich'))).toBe(false);

    expect((await api(`/api/conversations/${conv.id}/reply`, { method: 'POST', body: JSON.stringify({ text: '' }) })).status).toBe(400);
    const before = h.fake.messagesTo(user).length;
    expect((await api(`/api/conversations/${conv.id}/reply`, { method: 'POST', body: JSON.stringify({ text: 'Chào bác, cháu là Hoa ở phòng khám.' }) })).status).toBe(200);
    const got = await waitFor(() => h.fake.messagesTo(user).slice(before).find((m) => m.text?.includes('Chào bác')), 'staff reply in Zalo');
    expect(got.text).toBe('Chào bác, cháu là Hoa ở phòng khám.\n— Nguyễn Thị Hoa, nhân viên phòng khám, Phòng khám A Hải Phòng');

    // An emergency still gets through during the conversation.
    expect(await ask(user, 'bà tôi vừa ngất')).toContain('115');

    expect((await api(`/api/conversations/${conv.id}/close`, { method: 'POST' })).status).toBe(200);
    await waitFor(() => h.fake.messagesTo(user).some((m) => m.text?.includes('Nhân viên đã kết thúc')), 'resume notice');
    expect((await api(`/api/conversations/${conv.id}/close`, { method: 'POST' })).status).toBe(409);
    expect(await ask(user, 'menu')).toContain('1. Đặt lịch khám');
    // Only the last 20 texts are kept.
    expect(db().select().from(handoffMessages).where(eq(handoffMessages.zaloUserId, user)).all().length).toBeLessThanOrEqual(20);
  });

  it('an unlinked user can ask for staff; "kết thúc" ends it; a quiet conversation times out after 24 h and the bot resumes', async () => {
    const { user } = newUser(false);
    await ask(user, '4');
    await ask(user, 'Làm sao để liên kết tài khoản?');
    const conv = db().select().from(handoffs).where(eq(handoffs.zaloUserId, user)).get()!;
    expect(conv).toMatchObject({ status: 'open', cadreId: null, clinicId: null });
    await waitFor(() => smtp.mails.find((m) => m.to.includes('truc@example.test') && m.text.includes(`/conversations/${conv.id}`)), 'on-call told');
    expect(await ask(user, 'kết thúc')).toContain('Đã kết thúc trò chuyện');
    expect(db().select().from(handoffs).where(eq(handoffs.id, conv.id)).get()).toMatchObject({ status: 'closed', closedBy: 'user' });

    await ask(user, 'gap nhan vien');
    await ask(user, 'Cho tôi hỏi giờ làm việc');
    const second = db().select().from(handoffs).where(and(eq(handoffs.zaloUserId, user), eq(handoffs.status, 'open'))).get()!;
    clock.advance(20 * 3600_000);
    await sayQuietly(user, 'Còn ai không?'); // activity moves the deadline
    clock.advance(5 * 3600_000);
    await h.runtime.reconcile();
    await h.runtime.relay.flush();
    expect(db().select().from(handoffs).where(eq(handoffs.id, second.id)).get()!.status).toBe('open');
    clock.advance(20 * 3600_000);
    await h.runtime.reconcile();
    await waitFor(() => db().select().from(handoffs).where(eq(handoffs.id, second.id)).get()!.status === 'closed', 'timed out');
    await h.runtime.reconcile();
    const notice = await waitFor(() => h.fake.messagesTo(user).find((m) => m.text?.includes('tạm dừng vì lâu không có tin nhắn')), 'timeout notice');
    expect(notice).toBeDefined();
    expect(db().select().from(handoffs).where(eq(handoffs.id, second.id)).get()!.closedBy).toBe('timeout');
    expect(await ask(user, 'menu')).toContain('1. Đặt lịch khám');
  });
});

describe('staff transcripts', () => {
  const transcriptOf = async (id: number) => {
    const detail = (await (await api(`/api/conversations/${id}`)).json()) as { messages: { message: { direction: string; text: string } }[] };
    return detail.messages.map((m) => `${m.message.direction}:${m.message.text}`);
  };

  it('keep only what is said while a conversation is open; results, birth dates and codes become placeholders', async () => {
    const { user, cadre } = newUser(true);
    const doctor = staffRow(db(), 'doctor', null, clock.now());
    const result = draft(db(), doctor, cadre!.id, { examDate: '2026-02-20', healthClass: 'IV', conclusions: 'Tăng huyết áp độ 2 TRANSCRIPT-KL-1', diagnoses: ['I10 TRANSCRIPT-CD-2'] }, clock.now());
    release(db(), doctor, [result.id], clock.now());
    await waitFor(() => h.fake.messagesTo(user).some((m) => m.text?.includes('đã có')), 'results-ready notice');

    // A first conversation, ended by the user: from then on nothing is kept until the next one opens.
    await ask(user, 'gặp nhân viên');
    await ask(user, 'Cho tôi hỏi lịch khám');
    expect(await ask(user, 'kết thúc')).toContain('Đã kết thúc trò chuyện');
    expect(await ask(user, 'xem kết quả')).toContain('TRANSCRIPT-KL-1');
    await ask(user, 'lien ket');
    await ask(user, '2');
    await ask(user, 'HP-200');
    await ask(user, '05/09/1950');
    await ask(user, 'menu');

    // A second conversation, in which the user types a birth date and a code.
    await ask(user, 'gặp nhân viên');
    await ask(user, 'Tôi cần hỏi về kết quả khám');
    const conv = db().select().from(handoffs).where(and(eq(handoffs.zaloUserId, user), eq(handoffs.status, 'open'))).get()!;
    await sayQuietly(user, '05/09/1950');
    await sayQuietly(user, '482 913');
    await sayQuietly(user, 'Tôi muốn khám lại vào tuần sau');

    const transcript = await transcriptOf(conv.id);
    const all = transcript.join('\n');
    expect(all).not.toContain('TRANSCRIPT-');
    expect(all).not.toContain('Loại IV');
    expect(all).not.toContain('1950');
    expect(all).not.toContain('482');
    expect(all).not.toContain('xem kết quả');
    expect(transcript).toContain('in:Tôi cần hỏi về kết quả khám');
    expect(transcript).toContain(`in:${transcriptPlaceholder.birthDate}`);
    expect(transcript).toContain(`in:${transcriptPlaceholder.secret}`);
    expect(transcript).toContain('in:Tôi muốn khám lại vào tuần sau');

    // A reply that carried health data while the conversation is open is kept as a placeholder.
    inTransaction(db(), (tx) =>
      recordChatTurn(tx, user, { type: 'text', text: 'kết quả' }, [{ messages: [{ type: 'text', text: 'Phân loại sức khỏe: Loại IV – Yếu' }], sensitive: true }], { openBefore: true }, clock.now()),
    );
    const after = await transcriptOf(conv.id);
    expect(after).toContain(`bot:${transcriptPlaceholder.result}`);
    expect(after.join('\n')).not.toContain('Loại IV');
  });
});
