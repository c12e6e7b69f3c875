import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { enqueueNotice, type NoticeRef, type NoticeRenderers } from '../src/domain/outreach/notices';
import { quotaToday, waitingNotices } from '../src/domain/outreach/quotaPlan';
import { vietnamDate, vietnamInstant } from '../src/domain/shared/quietHours';
import { inTransaction } from '../src/store/db';
import { noticeSends, outbox } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { startHarness, waitFor, type Harness } from './harness';

/** The daily template quota plan: what is urgent still goes when the quota is nearly spent; invitations wait for tomorrow. */

let h: Harness;
const render: NoticeRenderers[string] = () => ({ text: 'Thông báo', template: { name: 'booking_reminder', data: { name: 'Nguyễn Văn An' } } });

beforeAll(async () => {
  h = await startHarness({
    env: { ZALO_TEMPLATES: '{"booking_reminder":"990002"}', ZALO_TEMPLATE_DAILY_QUOTA: '10' },
    noticeRenderers: { 'booking.reminder': render, 'campaign.invitation': render },
  });
});
afterAll(() => h?.stop());

let n = 0;
/** A registry cadre with a phone and no Zalo account: only a template by phone reaches them. */
function registryCadre() {
  n += 1;
  return seedRegistry(h.runtime.store.db, [{ code: `Q-${n}`, fullName: `Cán bộ ${n}`, phone: `8498${String(1_000_000 + n).padStart(7, '0')}`, email: null }]).cadres[0]!;
}

async function send(ref: NoticeRef) {
  const cadre = registryCadre();
  const id = inTransaction(h.runtime.store.db, (tx) => enqueueNotice(tx, { cadreId: cadre.id, ref, dueAt: Date.now(), subject: `q-${cadre.id}` }, Date.now()));
  h.runtime.relay.kick();
  const sent = await waitFor(() => h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, id)).get(), `notice ${id}`);
  return { cadre, id, sent };
}

describe('the daily template quota plan', () => {
  it("tracks Zalo's figure; with the quota nearly spent invitations wait for the next morning while tomorrow's reminders still go", async () => {
    h.fake.templateQuota = { daily: 10, remaining: 5 };
    const first = await send({ kind: 'booking.reminder', id: 1, variant: 'T-1' });
    expect(first.sent.channel).toBe('zalo_phone');
    // Zalo answered 4 left of 10: the plan now starts from Zalo's figure.
    expect(quotaToday(h.runtime.store.db, 10, Date.now())).toMatchObject({ daily: 10, remaining: 4, reported: true });

    // An invitation may use the quota only while more than 30 % (3) is left: 4 > 3, it goes.
    const invited = await send({ kind: 'campaign.invitation', id: 2 });
    expect(invited.sent.channel).toBe('zalo_phone');
    expect(quotaToday(h.runtime.store.db, 10, Date.now()).remaining).toBe(3);

    // 3 left: the next invitation waits, recorded as deferred and written again for 07:00 tomorrow.
    const held = await send({ kind: 'campaign.invitation', id: 3 });
    expect(held.sent).toMatchObject({ channel: 'deferred', costVnd: 0 });
    expect(held.sent.reason).toContain('template quota kept for more urgent notices (3 of 10 left; invitations waits)');
    expect(h.fake.messagesTo(held.cadre.phone!)).toHaveLength(0);
    const [waiting] = waitingNotices(h.runtime.store.db).filter((w) => w.cadreId === held.cadre.id);
    const tomorrow = vietnamDate(Date.now() + 24 * 3600_000);
    expect(waiting).toMatchObject({ kind: 'campaign.invitation', priority: 'invitations', dueAt: vietnamInstant(tomorrow, 7) });
    const next = h.runtime.store.db.select().from(outbox).where(eq(outbox.id, waiting!.outboxId)).get()!;
    expect(next).toMatchObject({ subject: `q-${held.cadre.id}`, payload: { deferredFrom: held.id } });
    expect(['pending', 'queued']).toContain(next.status);

    // Tomorrow's reminder still goes.
    const reminder = await send({ kind: 'booking.reminder', id: 4, variant: 'T-1' });
    expect(reminder.sent.channel).toBe('zalo_phone');
    expect(h.fake.messagesTo(reminder.cadre.phone!)).toHaveLength(1);
    expect(quotaToday(h.runtime.store.db, 10, Date.now())).toMatchObject({ remaining: 2, used: 3 });
  });

  it('Zalo answers the quota is spent (-144): the reminder falls to the next channel and later invitations wait without a call', async () => {
    h.fake.templateQuota = { daily: 10, remaining: 0 };
    const reminder = await send({ kind: 'booking.reminder', id: 5, variant: 'day' });
    expect(reminder.sent.channel).toBe('none');
    expect(reminder.sent.reason).toContain('template quota spent (-144)');
    const calls = h.fake.calls.filter((c) => c.route === 'template_phone').length;
    const held = await send({ kind: 'campaign.invitation', id: 6 });
    expect(held.sent.channel).toBe('deferred');
    expect(h.fake.calls.filter((c) => c.route === 'template_phone')).toHaveLength(calls);
  });
});
