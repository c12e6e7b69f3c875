import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { outbox, type Cadre, type Clinic } from '../src/store/schema';
import { userLane } from '../src/bot/effects';
import { ZALO_BUTTON_TITLE_LIMIT } from '../src/zalo/messages';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { addClinic, campaignWithSlots, chat, linkUser } from './bookingSupport';
import { draft, release, staffRow } from './resultsSupport';
import type { ResultStaff } from '../src/domain/results';

/** End-to-end chats through the signed webhook for the everyday flows: results, delivery, booking, linking, ... */

// Monday 02/03/2026, 08:00 in Vietnam.
const START = Date.parse('2026-03-02T01:00:00Z');
let h: Harness;
let clock: ManualClock;
let clinic: Clinic;
let doctor: ResultStaff;
let nurse: ResultStaff;
const cadreList: Cadre[] = [];
let nextCadre = 0;
let nextUser = 860_000_000_000_000_000n;
const newUser = () => String(nextUser++);
const nextCadreOf = () => cadreList[nextCadre++]!;
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const seeded = seedRegistry(
    db(),
    Array.from({ length: 30 }, (_, i) => ({
      code: `HP-${String(700 + i).padStart(5, '0')}`,
      fullName: `Nguyễn Văn Số ${i}`,
      sex: i % 2 ? ('female' as const) : ('male' as const),
      email: `so${i}@example.test`,
    })),
    START,
  );
  clinic = seeded.clinic;
  cadreList.push(...seeded.cadres);
  doctor = staffRow(db(), 'doctor', null, START);
  nurse = staffRow(db(), 'clinic_staff', clinic.id, START);
});
afterAll(() => h?.stop());
beforeEach(() => clock.advance(60_000));

const sendsTo = (user: string) => h.fake.calls.filter((c) => c.route === 'send' && c.userId === user);

describe('earlier results and Zalo limits', () => {
  it('"1" at "Các lần khám trước" answers, with a long clinic name in the list, and every button fits', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    const longClinic = addClinic(h, 'BVDKQT', 'Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray', '');
    for (const [examDate, conclusions] of [
      ['2024-09-10', 'Kết luận năm 2024'],
      ['2025-03-10', 'Kết luận đợt 1 năm 2025'],
      ['2026-02-20', 'Kết luận mới nhất'],
    ] as const) {
      const d = draft(db(), nurse, cadre.id, { examDate, clinicId: longClinic, healthClass: 'II', conclusions }, clock.now());
      release(db(), doctor, [d.id], clock.now());
    }
    // The "results are ready" notices settle before the account is linked, so they do not interleave with the chat.
    h.runtime.relay.kick();
    await waitFor(() => db().select().from(outbox).where(eq(outbox.kind, 'notice.cadre')).all().every((r) => r.status === 'done' || r.status === 'failed'), 'notices settled');
    linkUser(h, user, cadre.id);
    const latest = await chat(h, user, 'xem kết quả');
    expect(latest.text).toContain('Kết luận mới nhất');
    expect(latest.text).toContain('1. Các lần khám trước');

    const list = await chat(h, user, '1');
    expect(list.text).toContain('1. Khám ngày 10/03/2025 – Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray');
    expect(list.text).toContain('2. Khám ngày 10/09/2024');
    const earlier = await chat(h, user, '2');
    expect(earlier.text).toContain('Kết luận năm 2024');

    const sent = h.fake.messagesTo(user);
    for (const m of sent) for (const b of m.buttons) expect(b.title.length).toBeLessThanOrEqual(ZALO_BUTTON_TITLE_LIMIT);
    // The full label still travels as the payload, so a tap chooses the same item as typing it.
    expect(sent.flatMap((m) => m.buttons.map((b) => String(b.payload)))).toContain('Khám ngày 10/03/2025 – Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray');
    expect(sendsTo(user).every((c) => c.outcome === 0)).toBe(true);
  });

  it('a reply Zalo refuses for good fails at once and the user’s next reply goes out right after', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    h.fake.inject({ route: 'send', userId: user, error: -213, times: 1 });
    const started = Date.now();
    expect((await h.say(user, 'menu')).status).toBe(200);
    const next = await chat(h, user, 'xem kết quả');
    const waited = Date.now() - started;
    expect(next.text).toContain('chưa có kết quả khám nào');
    // One try only for the refused reply (no retries holding the lane), and it is recorded as failed.
    expect(sendsTo(user).map((c) => c.outcome)).toEqual([-213, 0]);
    const rows = db().select().from(outbox).where(and(eq(outbox.lane, userLane(user)))).orderBy(outbox.id).all();
    expect(rows.map((r) => r.status)).toEqual(['failed', 'done']);
    expect(rows[0]!.attempts).toBeLessThanOrEqual(1);
    expect(waited).toBeLessThan(5_000);
  });

  it('a stored reply that no longer fits the send schema fails at once instead of retrying', async () => {
    const cadre = nextCadreOf();
    const user = newUser();
    linkUser(h, user, cadre.id);
    const now = clock.now();
    db()
      .insert(outbox)
      .values({ kind: 'zalo.message', lane: userLane(user), payload: { userId: user, messages: [{ type: 'text', text: '' }] }, dueAt: now, status: 'pending', createdAt: now, updatedAt: now })
      .run();
    h.runtime.relay.kick();
    const next = await chat(h, user, 'menu');
    expect(next.text).toContain('Ông/Bà cần gì ạ?');
    const rows = db().select().from(outbox).where(eq(outbox.lane, userLane(user))).orderBy(outbox.id).all();
    expect(rows[0]).toMatchObject({ status: 'failed' });
    expect(rows[0]!.lastError).toContain('malformed');
  });
});

export { campaignWithSlots, waitFor };
