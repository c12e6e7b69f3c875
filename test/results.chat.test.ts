import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { startCorrection, updateDraft, ResultInput } from '../src/domain/results/results';
import { inTransaction } from '../src/store/db';
import { auditLog, conversations, examResults, outbox, type Cadre } from '../src/store/schema';
import { SCRUBBED_TEXT } from '../src/jobs/zaloSend';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { draft, release, staffRow, zaloAccount } from './resultsSupport';
import type { ActingStaff } from '../src/domain/staff/actor';

let h: Harness;
let clock: ManualClock;
let doctor: ActingStaff;
let nurse: ActingStaff;
let an: Cadre, binh: Cadre, chi: Cadre;
let nextUser = 820_000_000_000_000_000n;
const newUser = () => String(nextUser++);

const DIAG_AN = 'Tăng huyết áp độ 1 (mã thử AN-7731)';
const CONC_AN = 'Sức khỏe ổn định, cần theo dõi huyết áp (kết luận AN-2025)';
const CONC_AN_OLD = 'Kết luận đợt trước của ông An (AN-2024)';
const CONC_BINH = 'Đái tháo đường típ 2 kiểm soát tốt (BINH-5521)';

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z')); // 09:00 in Vietnam
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(db, [
    { code: 'KQ-0001', fullName: 'Nguyễn Văn An', email: 'an@example.test' },
    { code: 'KQ-0002', fullName: 'Trần Thị Bình', sex: 'female' },
    { code: 'KQ-0003', fullName: 'Lê Văn Chí' },
  ], clock.now());
  [an, binh, chi] = seeded.cadres as [Cadre, Cadre, Cadre];
  doctor = staffRow(db, 'doctor', null, clock.now());
  nurse = staffRow(db, 'clinic_staff', seeded.clinic.id, clock.now());
});
afterAll(async () => {
  await h?.stop();
});

/** Sends a text as `user` and waits for the replies; returns their texts joined. */
async function ask(user: string, text: string): Promise<string> {
  const before = h.fake.messagesTo(user).length;
  const res = await h.say(user, text);
  expect(res.status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to "${text}"`);
  return msgs.slice(before).map((m) => m.text ?? `[${m.kind}]`).join('\n---\n');
}

const db = () => h.runtime.store.db;
const audits = (action: string, actorId: string) =>
  db().select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.actorId, actorId))).all();

describe('results in chat', () => {
  let anUser: string;
  beforeEach(() => {
    clock.advance(60_000);
  });

  it('a draft is invisible; after release the cadre is told (no health data) and sees a plain summary, audited', async () => {
    anUser = newUser();
    zaloAccount(db(), anUser, { cadreId: an.id, now: clock.now() });
    const old = draft(db(), nurse, an.id, { examDate: '2025-03-10', healthClass: 'II', conclusions: CONC_AN_OLD }, clock.now());
    release(db(), doctor, [old.id], clock.now());
    const d = draft(
      db(),
      nurse,
      an.id,
      {
        examDate: '2026-02-20',
        clinicId: an.clinicId,
        healthClass: 'III',
        conclusions: CONC_AN,
        diagnoses: [DIAG_AN, 'Rối loạn mỡ máu'],
        advice: 'Ăn nhạt, đi bộ 30 phút mỗi ngày.',
        followUp: true,
        followUpWhere: 'Phòng khám Tim mạch, Bệnh viện Việt Tiệp',
        signedBy: 'BS. Phạm Thu Hà',
      },
      clock.now(),
    );
    // Only the older released result shows; the draft does not.
    const before = await ask(anUser, 'xem ket qua');
    expect(before).toContain(CONC_AN_OLD);
    expect(before).not.toContain(CONC_AN);
    expect(before).not.toContain(DIAG_AN);

    const sentBefore = h.fake.messagesTo(anUser).length;
    const outcome = release(db(), doctor, [d.id], clock.now());
    expect(outcome.released).toEqual([d.id]);
    h.runtime.relay.kick();
    const notice = await waitFor(() => h.fake.messagesTo(anUser).slice(sentBefore).find((m) => m.text?.includes('đã có')), 'results-ready notice');
    expect(notice.text).toContain('Kết quả khám sức khỏe của Ông Nguyễn Văn An đã có.');
    expect(notice.buttons.map((b) => b.title)).toEqual(['Xem kết quả']);
    for (const secret of [CONC_AN, DIAG_AN, 'Loại III']) expect(notice.text).not.toContain(secret);
    const noticeRow = await waitFor(() => {
      const row = db().select().from(outbox).where(eq(outbox.id, outcome.noticeIds[0]!)).get();
      return row?.status === 'done' ? row : null;
    }, 'the notice row done');
    expect(noticeRow.payload).toEqual({ cadreId: an.id, ref: { kind: 'result.released', id: d.id } });
    expect(noticeRow.channel).toBe('zalo');

    // The button sends its payload as text.
    const shown = await ask(anUser, 'Xem kết quả');
    expect(shown).toContain('KẾT QUẢ KHÁM SỨC KHỎE của Ông Nguyễn Văn An');
    expect(shown).toContain('Ngày khám: 20/02/2026, tại Phòng khám A Hải Phòng');
    expect(shown).toContain('Phân loại sức khỏe: Loại III – Trung bình.');
    expect(shown).toContain('Nghĩa là: Sức khỏe ở mức trung bình');
    expect(shown).toContain(CONC_AN);
    expect(shown).toContain(`- ${DIAG_AN}`);
    expect(shown).toContain('Lời khuyên:\nĂn nhạt');
    expect(shown).toContain('nên đi khám lại tại Phòng khám Tim mạch, Bệnh viện Việt Tiệp');
    expect(shown).toContain('Bác sĩ ký kết luận: BS. Phạm Thu Hà');
    expect(shown).toContain('1. Các lần khám trước');

    const views = audits('result.view', anUser);
    expect(views.map((v) => v.entityId)).toEqual([String(old.id), String(d.id)]);
    expect(views.every((v) => v.onBehalfOfCadreId === null)).toBe(true);
    expect(JSON.stringify(views)).not.toContain('AN-');
  });

  it('earlier results: a numbered list by date, each one viewable, each view audited', async () => {
    const list = await ask(anUser, 'Các lần khám trước');
    expect(list).toContain('Các lần khám trước đã có kết quả');
    expect(list).toContain('1. Khám ngày 10/03/2025');
    expect(list).not.toContain('20/02/2026');
    const earlier = await ask(anUser, '1');
    expect(earlier).toContain(CONC_AN_OLD);
    expect(earlier).toContain('Loại II – Khỏe');
    expect(audits('result.list', anUser)).toHaveLength(1);
    expect(audits('result.view', anUser)).toHaveLength(3);
  });

  it('the reply with health data is scrubbed from the outbox once Zalo accepted it', async () => {
    const rows = await waitFor(() => {
      const all = db().select().from(outbox).where(eq(outbox.kind, 'zalo.message')).all();
      const mine = all.filter((r) => (r.payload as { userId: string }).userId === anUser && (r.payload as { sensitive?: boolean }).sensitive);
      return mine.length >= 4 && mine.every((r) => r.status === 'done' && JSON.stringify(r.payload).includes(SCRUBBED_TEXT)) ? mine : null;
    }, 'scrubbed sensitive rows');
    for (const r of rows) {
      for (const secret of [CONC_AN, CONC_AN_OLD, DIAG_AN, 'Loại III', '10/03/2025']) expect(JSON.stringify(r.payload)).not.toContain(secret);
    }
    // Replies without health data keep their text (e.g. the menu).
    await ask(anUser, 'menu');
    const menuRow = await waitFor(() => {
      const all = db().select().from(outbox).where(eq(outbox.kind, 'zalo.message')).all();
      return all.find((r) => r.status === 'done' && JSON.stringify(r.payload).includes('Ông cần gì ạ?'));
    }, 'the menu row, done');
    expect((menuRow.payload as { sensitive?: boolean }).sensitive).toBeUndefined();
  });

  it('a correction supersedes the released version: the cadre sees only the new one and is told it changed', async () => {
    const current = db().select().from(examResults).where(and(eq(examResults.cadreId, an.id), eq(examResults.examDate, '2026-02-20'))).get()!;
    const fix = inTransaction(db(), (tx) => startCorrection(tx, doctor, current.id, clock.now()));
    inTransaction(db(), (tx) =>
      updateDraft(tx, doctor, fix.id, ResultInput.parse({ ...fix, conclusions: 'Kết luận đã đính chính (AN-FIX)' }), clock.now()),
    );
    // Until released, the old version still shows.
    expect(await ask(anUser, 'xem ket qua')).toContain(CONC_AN);
    const sentBefore = h.fake.messagesTo(anUser).length;
    release(db(), doctor, [fix.id], clock.now());
    h.runtime.relay.kick();
    const notice = await waitFor(() => h.fake.messagesTo(anUser).slice(sentBefore).find((m) => m.text?.includes('đính chính')), 'correction notice');
    expect(notice.text).not.toContain('AN-FIX');
    const old = db().select().from(examResults).where(eq(examResults.id, current.id)).get()!;
    expect(old).toMatchObject({ status: 'superseded', supersededById: fix.id });
    const shown = await ask(anUser, 'xem ket qua');
    expect(shown).toContain('AN-FIX');
    expect(shown).toContain('Đây là kết quả đã được đính chính.');
    expect(shown).not.toContain(CONC_AN);
  });

  it('a proxy sees the cadre’s result; the audit row names the cadre they acted for', async () => {
    const d = draft(db(), nurse, binh.id, { examDate: '2026-02-21', healthClass: 'II', conclusions: CONC_BINH }, clock.now());
    const daughter = newUser();
    zaloAccount(db(), daughter, { proxyFor: binh.id, now: clock.now() });
    release(db(), doctor, [d.id], clock.now());
    h.runtime.relay.kick();
    // Bình has no Zalo account of her own: her approved proxy is told, without health data.
    const told = await waitFor(() => h.fake.messagesTo(daughter).find((m) => m.text?.includes('đã có')), 'notice to the proxy');
    expect(told.text).toContain('Kết quả khám sức khỏe của Bà Trần Thị Bình đã có.');
    expect(told.text).not.toContain('BINH-');
    const shown = await ask(daughter, '2');
    expect(shown).toContain('KẾT QUẢ KHÁM SỨC KHỎE của Bà Trần Thị Bình');
    expect(shown).toContain('đang xem thay');
    expect(shown).toContain(CONC_BINH);
    const [view] = audits('result.view', daughter);
    expect(view).toMatchObject({ actorType: 'zalo', onBehalfOfCadreId: binh.id, entity: 'exam_result', entityId: String(d.id) });
  });

  it('nobody reads another cadre’s result: not by typed ids, button payloads or a stale state', async () => {
    const binhResult = db().select().from(examResults).where(eq(examResults.cadreId, binh.id)).get()!;
    const chiUser = newUser();
    zaloAccount(db(), chiUser, { cadreId: chi.id, now: clock.now() });
    const leaks = (text: string) => [CONC_BINH, CONC_AN, CONC_AN_OLD, 'AN-FIX', 'Trần Thị Bình', 'Nguyễn Văn An'].filter((s) => text.includes(s));

    // Chí has no released result.
    const own = await ask(chiUser, 'xem kết quả');
    expect(own).toContain('chưa có kết quả khám nào của Ông Lê Văn Chí');
    // Typed ids and payloads that name another result.
    // (A bare small number is a main-menu choice, e.g. "4" opens a conversation with staff, so ids go with words.)
    for (const typed of [`#${binhResult.id}`, `ket qua ${binhResult.id}`, `xem ket qua #${binhResult.id}`, 'Khám ngày 21/02/2026', 'Các lần khám trước']) {
      expect(leaks(await ask(chiUser, typed))).toEqual([]);
    }
    // A stale (or forged) state pointing at another cadre, as self and as proxy.
    for (const viaProxy of [false, true]) {
      for (const step of ['latest', 'list'] as const) {
        db()
          .update(conversations)
          .set({ state: { flow: 'results', cadreId: binh.id, viaProxy, step, listIds: [binhResult.id] } })
          .where(eq(conversations.zaloUserId, chiUser))
          .run();
        for (const typed of ['1', 'Các lần khám trước', 'Khám ngày 21/02/2026']) expect(leaks(await ask(chiUser, typed))).toEqual([]);
      }
    }
    // A state of the right cadre whose list names another cadre's result id.
    db()
      .update(conversations)
      .set({ state: { flow: 'results', cadreId: chi.id, viaProxy: false, step: 'list', listIds: [binhResult.id] } })
      .where(eq(conversations.zaloUserId, chiUser))
      .run();
    expect(leaks(await ask(chiUser, '1'))).toEqual([]);
    expect(audits('result.view', chiUser)).toEqual([]);
  });

  it('a proxy whose consent was revoked can no longer see the results, even from an open result screen', async () => {
    const son = newUser();
    zaloAccount(db(), son, { proxyFor: an.id, now: clock.now() });
    expect(await ask(son, 'xem ket qua')).toContain('AN-FIX');
    db().update(conversations).set({ state: { flow: 'results', cadreId: an.id, viaProxy: true, step: 'latest', listIds: [] } }).where(eq(conversations.zaloUserId, son)).run();
    const { proxies } = await import('../src/store/schema');
    db().update(proxies).set({ status: 'revoked' }).where(eq(proxies.zaloUserId, son)).run();
    const after = await ask(son, 'Các lần khám trước');
    expect(after).toContain('không còn xem được');
    expect(after).not.toContain('AN-');
    expect(await ask(son, 'xem ket qua')).not.toContain('AN-');
  });
});
