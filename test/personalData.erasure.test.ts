import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { bookings, careRequests, handoffs, outbox, zaloLinks, type Cadre } from '../src/store/schema';
import { campaignWithSlots } from './bookingSupport';
import { seedRegistry } from './fixtures';
import { events, ids, ManualClock, startHarness, waitFor, type Harness } from './harness';
import { dumpRedis, scanMailDir, scanSqlite } from './privacySupport';
import { draft, release, staffRow, zaloAccount } from './resultsSupport';
import { api, makeStaff, tokenFor } from './staffSupport';

/**
 * Decree 13 end to end, for one cadre: link (shared phone), book, a released result viewed in chat (by the
 * cadre and by a proxy), a home-visit request with an address, a conversation with staff; then the export
 * covers all of it, erasure runs, and every SQLite table, every Redis key of the run and every file of the
 * local mailbox are scanned for the cadre's name, phone, code, email and the texts they or staff wrote.
 */

const CADRE = { code: 'XO-7731', fullName: 'Trương Văn Xóa', phone: '84911223344', email: 'xoa.truong@example.test' };
const TEXTS = {
  result: 'Thoái hóa khớp gối ERASE-KL-5521',
  request: 'Mỏi gối, đi lại chậm ERASE-YC-8812',
  address: '27 ngõ Hàng Kênh ERASE-DC-3390, Lê Chân',
  staffReply: 'Chào bác, cháu ghi nhận ERASE-NV-4410',
  answer: 'Khoa sẽ đến khám gối cho bác ERASE-TL-6620',
  failed: 'Tin chưa xử lý được ERASE-LO-7730',
};
const NEEDLES = [CADRE.fullName, CADRE.code, CADRE.phone, '0911223344', CADRE.email, ...Object.values(TEXTS)];

let h: Harness;
let clock: ManualClock;
let cadre: Cadre;
let other: Cadre;
let adminToken: string;
const user = '860000000000000001';
const proxyUser = '860000000000000002';

beforeAll(async () => {
  // Monday 02/03/2026, 09:00 in Vietnam. No SMTP_URL: mail goes to .eml files under the data directory.
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({ clock });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { ...CADRE, birthDate: '1947-03-03', category: 'nguyen_chuc' },
      { code: 'XO-1002', fullName: 'Lê Thị Còn', sex: 'female', phone: '84911000002', email: 'con.le@example.test' },
    ],
    clock.now(),
  );
  [cadre, other] = seeded.cadres as [Cadre, Cadre];
  campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-06' });
  zaloAccount(h.runtime.store.db, proxyUser, { proxyFor: cadre.id, now: clock.now() });
  adminToken = tokenFor(h, (await makeStaff(h, 'quantri', 'admin')).id);
});
afterAll(() => h?.stop());

const db = () => h.runtime.store.db;

async function ask(from: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(from).length;
  expect((await h.say(from, text)).status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(from).length > before ? h.fake.messagesTo(from) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n');
}

/** Everything due by now has been handled (sent, failed or cancelled); timed rows (reminders, timers) may wait. */
const settled = () =>
  waitFor(() => {
    const now = clock.now();
    return db()
      .select()
      .from(outbox)
      .all()
      .every((r) => r.dueAt > now || ['done', 'failed', 'cancelled'].includes(r.status));
  }, 'due outbox rows handled');

describe("one cadre's personal data", () => {
  it('full flow, export covers every table, erasure leaves nothing in SQLite, Redis or the mail files', async () => {
    // Link by sharing the phone.
    const before = h.fake.messagesTo(user).length;
    expect((await h.deliver(events.submitInfoEvent(ids, user, { name: 'Xóa', phone: '0911 223 344' }, clock.now()))).status).toBe(200);
    await waitFor(() => h.fake.messagesTo(user).slice(before).some((m) => m.text?.includes('Xác minh thành công')), 'linked');
    expect(db().select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadre.id)).get()?.zaloUserId).toBe(user);

    // Book an exam.
    // The first choice at each step (clinic when several, day, time, then "Xác nhận"), whatever steps there are.
    let answer = await ask(user, 'Đặt lịch khám');
    for (let step = 0; step < 5 && !answer.includes('Đã đặt lịch khám'); step++) answer = await ask(user, '1');
    expect(answer).toContain('Đã đặt lịch khám');
    expect(db().select().from(bookings).where(eq(bookings.cadreId, cadre.id)).all()).toHaveLength(1);

    // A released result, viewed by the cadre and by the proxy.
    const doctor = staffRow(db(), 'doctor', null, clock.now());
    const result = draft(db(), doctor, cadre.id, { examDate: '2026-02-20', healthClass: 'III', conclusions: TEXTS.result }, clock.now());
    release(db(), doctor, [result.id], clock.now());
    await waitFor(() => h.fake.messagesTo(user).some((m) => m.text?.includes('đã có')), 'results-ready notice');
    expect(await ask(user, 'xem kết quả')).toContain(TEXTS.result);
    expect(await ask(proxyUser, 'xem kết quả')).toContain(TEXTS.result);
    await ask(user, 'menu');

    // A home-visit request with a typed address.
    await ask(user, 'Yêu cầu khám tại nhà');
    await ask(user, TEXTS.request);
    await ask(user, TEXTS.address);
    await ask(user, 'mai');
    await ask(user, '1');
    await ask(user, '1');
    expect(await ask(user, '1')).toMatch(/YC-\d{6}/);
    const request = db().select().from(careRequests).where(eq(careRequests.cadreId, cadre.id)).get()!;
    expect(request).toMatchObject({ details: TEXTS.request, address: TEXTS.address });
    // Staff answer on the request, and one of his messages the service failed to process.
    const answered = await api(h, `/api/requests/${request.id}/notes`, adminToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: TEXTS.answer, toCadre: true }),
    });
    expect(answered.status).toBe(201);
    await waitFor(() => h.fake.messagesTo(user).some((m) => m.text?.includes(TEXTS.answer)), 'answer in Zalo');
    h.runtime.store.sqlite
      .prepare('INSERT INTO failed_events (dedupe_key, event_name, zalo_user_id, body, error, failed_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('erase-failed-1', 'user_send_text', user, JSON.stringify({ message: { text: TEXTS.failed } }), 'turn threw', clock.now());

    // A conversation with staff that names him.
    await ask(user, 'Gặp nhân viên');
    await ask(user, `Tôi là ${CADRE.fullName}, mã ${CADRE.code}, hỏi về lịch khám`);
    const conv = db().select().from(handoffs).where(and(eq(handoffs.zaloUserId, user), eq(handoffs.status, 'open'))).get()!;
    const replied = await api(h, `/api/conversations/${conv.id}/reply`, adminToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: TEXTS.staffReply }),
    });
    expect(replied.status).toBe(200);
    await waitFor(() => h.fake.messagesTo(user).some((m) => m.text?.includes(TEXTS.staffReply)), 'staff reply in Zalo');
    await settled();

    // The export holds all of it.
    const exported = await api(h, `/api/results/personal-data/${cadre.id}`, adminToken);
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as Record<string, unknown> & {
      transcripts: { text: string }[];
      conversations: { zaloUserId: string }[];
      requestEvents: unknown[];
      requestNotes: unknown[];
      failedEvents: unknown[];
      outbox: unknown[];
      otherRecords: Record<string, Record<string, unknown>[]>;
    };
    expect(data.transcripts.map((t) => t.text)).toContain(TEXTS.staffReply);
    expect(data.conversations.map((c) => c.zaloUserId)).toContain(user);
    expect(data.otherRecords.care_requests?.[0]).toMatchObject({ details: TEXTS.request, address: TEXTS.address });
    expect(data.otherRecords.handoffs).toHaveLength(1);
    expect(data.requestEvents.length).toBeGreaterThan(0);
    expect(JSON.stringify(data.requestNotes)).toContain(TEXTS.answer);
    expect(JSON.stringify(data.failedEvents)).toContain(TEXTS.failed);
    expect(data.outbox.length).toBeGreaterThan(3);

    // The scans see what is there before erasure (so an empty scan afterwards means something).
    const mailDir = join(h.dir, 'mail');
    const registryRow = (table: string, row: Record<string, unknown>) => table === 'cadres' && row.id === cadre.id;
    const beforeTables = new Set(scanSqlite(db(), NEEDLES, registryRow).map((hit) => hit.split(':')[0]));
    for (const table of ['exam_results', 'care_requests', 'care_request_notes', 'failed_events', 'handoff_messages', 'outbox']) expect(beforeTables, table).toContain(table);
    expect((await scanMailDir(mailDir, NEEDLES)).length).toBeGreaterThan(0);

    // Erase (the code typed again to confirm).
    const erased = await api(h, `/api/results/personal-data/${cadre.id}/erase`, adminToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ confirmCode: CADRE.code }),
    });
    expect(erased.status).toBe(200);
    expect(((await erased.json()) as { kept: Record<string, number> }).kept).toEqual({});
    await waitFor(() => db().select().from(outbox).where(eq(outbox.kind, 'mail.erase')).get()?.status === 'done', 'mail files removed');
    await settled();

    // Nothing left, except the registry row the committee keeps.
    expect(scanSqlite(db(), NEEDLES, registryRow)).toEqual([]);
    expect(await scanMailDir(mailDir, NEEDLES)).toEqual([]);
    const redis = await dumpRedis(h.runtime.redisUrl, h.env.QUEUE_PREFIX!);
    expect(redis.keys).toBeGreaterThan(5);
    for (const n of NEEDLES) expect(redis.text.includes(n), `Redis holds "${n}"`).toBe(false);
    // Another cadre's records are untouched.
    expect(scanSqlite(db(), [other.fullName]).length).toBeGreaterThan(0);
  });
});
