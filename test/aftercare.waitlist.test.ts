import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cancelBooking, createBooking } from '../src/domain/booking/effects';
import { waitlistOf } from '../src/domain/aftercare/waitlist';
import { bookings, examSlots, outbox, waitlistOffers } from '../src/store/schema';
import { waitFor } from './harness';
import { chat } from './bookingSupport';
import { aftercareWorld, at, MIN, onlySlot, tx, type AftercareWorld } from './aftercareSupport';

let w: AftercareWorld | undefined;
afterEach(async () => {
  await w?.h.stop();
  w = undefined;
});

const offersTo = (user: string) => w!.h.fake.messagesTo(user).filter((m) => (m.text ?? '').includes('vừa có một chỗ trống'));

describe('waitlist', () => {
  it('a full clinic offers its waitlist; a freed place goes to the first in line, expires, and passes to the second who accepts', async () => {
    w = await aftercareWorld(
      [
        { code: 'W-1', fullName: 'Nguyễn Văn An' },
        { code: 'W-2', fullName: 'Trần Thị Bình', sex: 'female' },
        { code: 'W-3', fullName: 'Lê Văn Cường' },
      ],
      1,
      { WAITLIST_OFFER_MINUTES: '30' },
    );
    const [an, binh, cuong] = w.cadres as [NonNullable<AftercareWorld['cadres'][0]>, NonNullable<AftercareWorld['cadres'][0]>, NonNullable<AftercareWorld['cadres'][0]>];
    const [, userBinh, userCuong] = w.users as [string, string, string];
    const slot = onlySlot(w);
    const anBooking = tx(w, (t) => createBooking(t, { cadreId: an.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, w!.clock.now()));

    // The only day is full: booking offers the waitlist, "1" joins it.
    const asked = await chat(w.h, userBinh, 'đặt lịch khám');
    expect(asked.text).toContain('đã hết chỗ trong đợt khám này');
    expect(asked.text).toContain('danh sách chờ');
    expect((await chat(w.h, userBinh, '1')).text).toContain('Đã ghi tên Bà Trần Thị Bình vào danh sách chờ tại Phòng khám A Hải Phòng');
    await chat(w.h, userCuong, 'dat lich kham');
    expect((await chat(w.h, userCuong, 'có')).text).toContain('(có 1 người chờ trước)');
    // Asking again says where they stand instead of a second place in line.
    expect((await chat(w.h, userCuong, 'đặt lịch')).text).toContain('đã có tên trong danh sách chờ');
    expect(waitlistOf(w.db, w.campaign.id, null).map((r) => [r.fullName, r.position, r.status])).toEqual([
      ['Trần Thị Bình', 1, 'waiting'],
      ['Lê Văn Cường', 2, 'waiting'],
    ]);

    // An cancels: the freed place is held for Bình and offered to her in Zalo.
    await at(w, w.clock.now() + 5 * MIN);
    tx(w, (t) => cancelBooking(t, t.select().from(bookings).where(eq(bookings.id, anBooking)).get()!, 'Bận việc', w!.clock.now()));
    await waitFor(() => offersTo(userBinh).length === 1, 'offer to Bình');
    const offer = offersTo(userBinh)[0]!;
    expect(offer.text).toContain('Kính gửi Bà Trần Thị Bình');
    expect(offer.text).toContain('Thứ Tư, 04/03/2026, lúc 7:00');
    expect(offer.text).toContain('1. Nhận chỗ này');
    const first = w.db.select().from(waitlistOffers).all();
    expect(first).toHaveLength(1);
    expect(first[0]!.expiresAt - first[0]!.offeredAt).toBe(30 * MIN);
    // Held for her: nobody else sees a free place meanwhile.
    expect(onlySlot(w).booked).toBe(1);
    expect(offersTo(userCuong)).toHaveLength(0);

    // Just before the deadline nothing moves; at the deadline the offer lapses and passes to Cường.
    await at(w, first[0]!.expiresAt - MIN);
    expect(w.db.select().from(waitlistOffers).get()!.status).toBe('open');
    await at(w, first[0]!.expiresAt);
    await waitFor(() => offersTo(userCuong).length === 1, 'offer to Cường');
    expect(w.db.select().from(waitlistOffers).where(eq(waitlistOffers.id, first[0]!.id)).get()!.status).toBe('expired');
    const expiryRow = w.db.select().from(outbox).where(eq(outbox.kind, 'waitlist.expire')).get()!;
    expect(expiryRow.status).toBe('done');

    // A late yes from Bình does not take it back.
    expect((await chat(w.h, userBinh, '1')).text).not.toContain('Đã đặt lịch khám');

    const reply = await chat(w.h, userCuong, 'có');
    expect(reply.text).toContain('Đã đặt lịch khám cho Ông Lê Văn Cường');
    expect(reply.text).toContain('Thứ Tư, 04/03/2026, lúc 7:00');
    const booked = w.db.select().from(bookings).where(eq(bookings.cadreId, cuong.id)).all();
    expect(booked.map((b) => b.status)).toEqual(['booked']);
    expect(w.db.select().from(examSlots).where(eq(examSlots.id, slot.id)).get()!.booked).toBe(1);
    // The accepted offer's timer is cancelled; Cường's reminders are planned like any booking's.
    const second = w.db.select().from(waitlistOffers).where(eq(waitlistOffers.status, 'accepted')).get()!;
    expect(w.db.select().from(outbox).where(eq(outbox.subject, `waitlist-offer-${second.id}`)).all().filter((r) => r.kind === 'waitlist.expire')[0]!.status).toBe('cancelled');
    expect(w.db.select().from(outbox).where(eq(outbox.subject, `booking-${booked[0]!.id}`)).all().length).toBeGreaterThan(0);
    expect(waitlistOf(w.db, w.campaign.id, null).map((r) => [r.fullName, r.status])).toEqual([
      ['Trần Thị Bình', 'waiting'],
      ['Lê Văn Cường', 'booked'],
    ]);
    void binh;
  });
});
