import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { createBooking } from '../src/domain/booking/effects';
import { fanOutNudges } from '../src/domain/booking/nudges';
import { inTransaction } from '../src/store/db';
import { cadres, examSlots, outbox, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { campaignWithSlots, chat, linkUser } from './bookingSupport';
import { startSmtpSink, type SmtpSink } from './smtp';

// Monday 02/03/2026, 08:00 local.
const START = Date.parse('2026-03-02T01:00:00Z');
const MIN = 60_000;
let h: Harness | undefined;
let smtp: SmtpSink | undefined;
afterEach(async () => {
  await h?.stop();
  await smtp?.close();
  h = smtp = undefined;
});

interface World {
  h: Harness;
  clock: ManualClock;
  an: Cadre;
  binh: Cadre;
  user: string;
  campaignId: number;
  /** The slot at the given local date and time. */
  slotAt(date: string, hhmm: string): number;
}

async function world(env: Record<string, string> = {}, campaign: { nudgeAfterDays?: number | null } = {}): Promise<World> {
  const clock = new ManualClock(START);
  h = await startHarness({ clock, env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000', ...env } });
  const seeded = seedRegistry(
    h.runtime.store.db,
    [
      { code: 'R-1', fullName: 'Nguyễn Văn An', email: 'an@example.test' },
      { code: 'R-2', fullName: 'Trần Thị Bình', sex: 'female', email: 'binh@example.test' },
      { code: 'R-3', fullName: 'Lê Văn Cường', broadcastOptOut: true },
    ],
    START,
  );
  const [an, binh] = seeded.cadres as [Cadre, Cadre];
  // Early clinic hours (6:45) on Mondays, and the usual morning grid the rest of the month.
  const c = campaignWithSlots(h, { clinicIds: [seeded.clinic.id], nudgeAfterDays: campaign.nudgeAfterDays ?? null }, { fromDate: '2026-03-04', toDate: '2026-03-31', startTime: 6 * 60 + 45, endTime: 11 * 60 + 15 });
  const user = '860000000000000001';
  linkUser(h, user, an.id);
  const db = h.runtime.store.db;
  return {
    h,
    clock,
    an,
    binh,
    user,
    campaignId: c.id,
    slotAt: (date, hhmm) => {
      const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
      const startsAt = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), hh - 7, mm);
      return db.select().from(examSlots).where(and(eq(examSlots.campaignId, c.id), eq(examSlots.startsAt, startsAt))).get()!.id;
    },
  };
}

const reminderRows = (w: World, bookingId: number) =>
  w.h.runtime.store.db.select().from(outbox).where(eq(outbox.subject, `booking-${bookingId}`)).orderBy(outbox.dueAt).all();

function book(w: World, cadreId: number, slotId: number): number {
  const id = inTransaction(w.h.runtime.store.db, (tx) => createBooking(tx, { cadreId, slotId, zaloUserId: null, viaProxy: false }, w.clock.now()));
  w.h.runtime.relay.kick();
  return id;
}

/** Moves the clock and lets the reconciler start whatever is due now. */
async function at(w: World, instant: number) {
  w.clock.set(instant);
  await w.h.runtime.relay.flush();
  await w.h.runtime.reconcile();
}

const reminderTexts = (w: World, user: string) => w.h.fake.messagesTo(user).map((m) => m.text ?? '').filter((t) => t.includes('lịch khám sức khỏe định kỳ'));

describe('booking reminders', () => {
  it('T-3, T-1 and 06:30 on the day, at the right instants; quiet hours shift the others to 07:00', async () => {
    const w = await world({ ZALO_BUTTONS: 'true' });
    // Book 6:45 on Monday 09/03 through the chat.
    await chat(w.h, w.user, 'dat lich');
    await chat(w.h, w.user, '09/03');
    expect((await chat(w.h, w.user, '6:45')).text).toContain('Thứ Hai, 09/03/2026, lúc 6:45');
    await chat(w.h, w.user, '1');
    const rows = reminderRows(w, 1);
    expect(rows.map((r) => [(r.payload as { ref: { variant: string } }).ref.variant, new Date(r.dueAt).toISOString()])).toEqual([
      ['T-3', '2026-03-06T00:00:00.000Z'], // 06:45 falls in quiet hours: 07:00 local
      ['T-1', '2026-03-08T00:00:00.000Z'], // likewise
      ['day', '2026-03-08T23:30:00.000Z'], // 06:30 local on the day: the one early reminder
    ]);
    const before = w.h.fake.messagesTo(w.user).length;

    for (const [i, row] of rows.entries()) {
      await at(w, row.dueAt - MIN);
      expect(reminderTexts(w, w.user)).toHaveLength(i);
      await at(w, row.dueAt);
      await waitFor(() => reminderTexts(w, w.user).length === i + 1, `reminder ${i + 1}`);
    }
    const texts = reminderTexts(w, w.user);
    expect(texts[0]).toMatch(/^Nhắc lịch: còn 3 ngày nữa là lịch khám sức khỏe định kỳ của Ông Nguyễn Văn An\./);
    expect(texts[1]).toMatch(/^Nhắc lịch: ngày mai Ông Nguyễn Văn An có lịch khám/);
    expect(texts[2]).toMatch(/^Hôm nay Ông Nguyễn Văn An có lịch khám/);
    expect(texts[2]).toContain('Thời gian: Thứ Hai, 09/03/2026, lúc 6:45');
    expect(texts[2]).toContain('Địa chỉ: 12 Lê Đại Hành');
    expect(w.h.fake.messagesTo(w.user)).toHaveLength(before + 3);
    await waitFor(() => reminderRows(w, 1).every((r) => r.status === 'done' && r.channel === 'zalo'), 'rows done by Zalo');
  });

  it('a cancelled booking sends no reminder; a moved one only the new ones', async () => {
    const w = await world();
    const first = book(w, w.an.id, w.slotAt('2026-03-10', '7:45'));
    await chat(w.h, w.user, 'doi lich');
    await chat(w.h, w.user, '12/03');
    await chat(w.h, w.user, '8:15');
    expect((await chat(w.h, w.user, 'dong y')).text).toContain('Đã đổi lịch');
    expect(reminderRows(w, first).every((r) => r.status === 'cancelled')).toBe(true);
    const second = first + 1;
    // The relay hands the new reminders to the queue after the turn's commit: wait for it, whatever the load.
    await waitFor(() => reminderRows(w, second).map((r) => r.status).join() === 'queued,queued,queued', 'new reminders queued');
    await chat(w.h, w.user, 'huy lich');
    // The reason, then the summary that commits only on a yes.
    expect((await chat(w.h, w.user, '2')).text).toContain('Xin xác nhận hủy lịch khám');
    expect(reminderRows(w, second).every((r) => r.status === 'queued')).toBe(true);
    expect((await chat(w.h, w.user, 'đồng ý')).text).toContain('Đã hủy lịch khám');
    expect(reminderRows(w, second).every((r) => r.status === 'cancelled')).toBe(true);

    const sent = w.h.fake.messagesTo(w.user).length;
    await at(w, Date.parse('2026-03-13T00:00:00Z'));
    await at(w, Date.parse('2026-03-13T00:00:01Z'));
    expect(w.h.fake.messagesTo(w.user)).toHaveLength(sent);
    expect(reminderTexts(w, w.user)).toHaveLength(0);
  });

  it('a notice whose booking was cancelled outside the flow renders nothing when it comes due', async () => {
    const w = await world();
    const id = book(w, w.an.id, w.slotAt('2026-03-10', '9:15'));
    const [t3] = reminderRows(w, id);
    // The row survives (e.g. written before a crash), but the booking is no longer active.
    w.h.runtime.store.db.run(`UPDATE bookings SET status = 'cancelled' WHERE id = ${id}` as never);
    await at(w, t3!.dueAt);
    await waitFor(() => reminderRows(w, id)[0]!.status === 'done', 'row finished');
    expect(reminderRows(w, id)[0]).toMatchObject({ channel: 'none', lastError: 'no longer applies' });
    expect(reminderTexts(w, w.user)).toHaveLength(0);
  });

  it('Redis flushed: the reconciler restores the delayed reminders and each is sent once', async () => {
    const w = await world();
    const id = book(w, w.an.id, w.slotAt('2026-03-06', '10:15'));
    await w.h.runtime.relay.flush();
    expect(reminderRows(w, id).map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    const redis = new Redis(w.h.runtime.redisUrl);
    const keys = await redis.keys(`${w.h.env.QUEUE_PREFIX}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();

    for (const [i, row] of reminderRows(w, id).entries()) {
      await at(w, row.dueAt);
      await waitFor(() => reminderTexts(w, w.user).length === i + 1, `reminder ${i + 1} after the wipe`);
      await at(w, row.dueAt + MIN);
    }
    const report = await w.h.runtime.reconcile();
    expect(report.requeued).toBe(0);
    expect(reminderTexts(w, w.user)).toHaveLength(3);
    await waitFor(() => reminderRows(w, id).every((r) => r.status === 'done'), 'rows done');
  });

  it('Zalo refuses (-230) and the phone has no Zalo account: the reminder goes by email to a real SMTP server; outside the window, by template', async () => {
    smtp = await startSmtpSink();
    const w = await world({ SMTP_URL: smtp.url, ZALO_TEMPLATES: '{"booking_reminder":"880123"}' });
    const id = book(w, w.an.id, w.slotAt('2026-03-06', '8:15'));
    const [t1] = reminderRows(w, id);
    w.h.fake.inject({ route: 'send', error: -230, userId: w.user });
    w.h.fake.inject({ route: 'template', error: -230, userId: w.user });
    w.h.fake.inject({ route: 'template_phone', error: -118 });
    await at(w, t1!.dueAt);
    const mail = await waitFor(() => smtp!.mails.find((m) => m.to.includes('an@example.test')), 'reminder mail');
    expect(mail.subject).toBe('Nhắc lịch khám sức khỏe: Thứ Sáu, 06/03/2026, 8:15');
    expect(mail.text).toContain('Kính gửi Ông Nguyễn Văn An');
    await waitFor(() => reminderRows(w, id)[0]!.channel === 'email', 'channel recorded');

    // Twelve days later the 7-day window is closed: the approved template carries it.
    const later = book(w, w.binh.id, w.slotAt('2026-03-20', '8:15'));
    linkUser(w.h, '860000000000000002', w.binh.id);
    w.h.runtime.store.db.run(`UPDATE zalo_users SET last_interaction_at = ${START} WHERE id = '860000000000000002'` as never);
    const [t3] = reminderRows(w, later);
    await at(w, t3!.dueAt);
    await waitFor(() => reminderRows(w, later)[0]!.channel === 'zalo_template', 'template channel');
    const tpl = w.h.fake.messagesTo('860000000000000002').find((m) => m.kind === 'template');
    expect(tpl).toBeTruthy();
  });
});

describe('campaign nudge', () => {
  it('eligible cadres without a booking get one nudge, N days into the campaign, once', async () => {
    const w = await world({}, { nudgeAfterDays: 3 });
    linkUser(w.h, '860000000000000002', w.binh.id);
    book(w, w.an.id, w.slotAt('2026-03-10', '7:45'));
    const job = w.h.runtime.store.db.select().from(outbox).where(eq(outbox.kind, 'campaign.nudge')).get()!;
    expect(new Date(job.dueAt).toISOString()).toBe('2026-03-05T02:00:00.000Z'); // Thursday 09:00 local
    await at(w, job.dueAt - MIN);
    expect(w.h.fake.messagesTo('860000000000000002')).toHaveLength(0);
    await at(w, job.dueAt);
    await waitFor(() => w.h.fake.messagesTo('860000000000000002').length === 1, 'nudge to Bình');
    const text = w.h.fake.messagesTo('860000000000000002')[0]!.text!;
    expect(text).toContain('Kính gửi Bà Trần Thị Bình');
    expect(text).toContain('đang nhận đăng ký đến Thứ Ba, 31/03/2026');
    // Nobody is nudged twice: running the fan-out again (a retry) schedules nothing.
    expect(inTransaction(w.h.runtime.store.db, (tx) => fanOutNudges(tx, w.campaignId, w.clock.now()))).toBe(0);
    await at(w, job.dueAt + MIN);
    expect(w.h.fake.messagesTo('860000000000000002')).toHaveLength(1);
    expect(reminderTexts(w, w.user).filter((t) => t.includes('chưa đặt lịch'))).toHaveLength(0);
    const nudged = w.h.runtime.store.db.select().from(outbox).where(eq(outbox.kind, 'notice.cadre')).all().filter((r) => r.subject?.includes('nudge'));
    const cuong = w.h.runtime.store.db.select().from(cadres).where(eq(cadres.code, 'R-3')).get()!;
    expect(nudged.map((r) => r.subject)).toEqual([`campaign-${w.campaignId}-nudge-cadre-${w.binh.id}`]);
    expect(nudged.some((r) => r.subject?.endsWith(`-${cuong.id}`))).toBe(false);
  });
});
