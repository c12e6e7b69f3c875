import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { inTransaction } from '../src/store/db';
import { bookings, examSlots } from '../src/store/schema';
import { createBooking } from '../src/domain/booking/effects';
import { AppError } from '../src/errors';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, linkUser } from './bookingSupport';

const START = Date.parse('2026-03-02T01:00:00Z');
const USERS = 500;
const CAPACITY = 20;
let h: Harness;
let users: { zalo: string; cadreId: number }[] = [];
let campaignId: number;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(START) });
  const seeded = seedRegistry(
    h.runtime.store.db,
    Array.from({ length: USERS }, (_, i) => ({ code: `CAP-${String(i).padStart(4, '0')}`, fullName: `Cán bộ số ${i}` })),
    START,
  );
  campaignId = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-05', capacity: CAPACITY }).id;
  users = seeded.cadres.map((c, i) => ({ zalo: String(850_000_000_000_000_000n + BigInt(i)), cadreId: c.id }));
  for (const u of users) linkUser(h, u.zalo, u.cadreId);
}, 120_000);
afterAll(() => h?.stop());

const db = () => h.runtime.store.db;

describe('exact capacity', () => {
  it(`${USERS} linked users confirm the same slot of capacity ${CAPACITY} at once: exactly ${CAPACITY} booked, the rest offered alternatives`, async () => {
    const stage = async (text: string) => {
      const res = await Promise.all(users.map((u) => h.say(u.zalo, text)));
      expect(res.every((r) => r.status === 200)).toBe(true);
    };
    await stage('dat lich'); // one campaign, one clinic: straight to the days
    await stage('1'); // Wednesday 04/03
    await stage('1'); // 7:00
    const target = db()
      .select()
      .from(examSlots)
      .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.startsAt, Date.parse('2026-03-04T00:00:00Z'))))
      .get()!;
    expect(target.booked).toBe(0);

    await stage('Xác nhận'); // all at once
    await waitFor(() => users.every((u) => h.fake.messagesTo(u.zalo).length >= 4), 'every confirmation answered', 60_000);

    const confirmed = users.filter((u) => h.fake.messagesTo(u.zalo)[3]!.text!.includes('Đã đặt lịch khám'));
    const offered = users.filter((u) => h.fake.messagesTo(u.zalo)[3]!.text!.includes('giờ này vừa hết chỗ. Các giờ gần nhất còn chỗ'));
    expect(confirmed).toHaveLength(CAPACITY);
    expect(offered).toHaveLength(USERS - CAPACITY);
    expect(h.fake.messagesTo(offered[0]!.zalo)[3]!.text).toContain('1. Thứ Tư, 04/03/2026, 7:30 (còn 20 chỗ)');

    const rows = db().select({ n: count() }).from(bookings).where(eq(bookings.slotId, target.id)).get()!.n;
    expect(rows).toBe(CAPACITY);
    expect(db().select().from(examSlots).where(eq(examSlots.id, target.id)).get()!.booked).toBe(CAPACITY);
    expect(db().select({ n: count() }).from(bookings).get()!.n).toBe(CAPACITY);
  }, 120_000);

  it('SQLite refuses a place beyond capacity and a second active booking, whatever the caller checked', () => {
    const full = db().select().from(examSlots).where(eq(examSlots.booked, CAPACITY)).get()!;
    const free = db().select().from(examSlots).where(eq(examSlots.booked, 0)).get()!;
    const someone = users.find((u) => !db().select().from(bookings).where(eq(bookings.cadreId, u.cadreId)).get())!;
    const booker = users.find((u) => db().select().from(bookings).where(eq(bookings.cadreId, u.cadreId)).get())!;
    const now = h.clock.now();
    let refused: unknown;
    try {
      inTransaction(db(), (tx) => createBooking(tx, { cadreId: someone.cadreId, slotId: full.id, zaloUserId: null, viaProxy: false }, now));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'conflict', details: { reason: 'slot_full' } });
    // The CHECK constraint, for any write that bypasses the guarded update.
    expect(() => db().update(examSlots).set({ booked: CAPACITY + 1 }).where(eq(examSlots.id, full.id)).run()).toThrow(/CHECK constraint failed/);
    // The partial unique index: one active booking per cadre and campaign.
    expect(() =>
      db()
        .insert(bookings)
        .values({ campaignId, slotId: free.id, cadreId: booker.cadreId, status: 'booked', createdAt: now, updatedAt: now })
        .run(),
    ).toThrow(/UNIQUE constraint failed/);
    expect(db().select().from(examSlots).where(eq(examSlots.id, full.id)).get()!.booked).toBe(CAPACITY);
  });
});
