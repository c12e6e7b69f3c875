import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { enqueueNotice, type NoticeRenderers } from '../src/domain/outreach/notices';
import { inTransaction } from '../src/store/db';
import { noticeSends, noticeTemplates, outbox, templateQuota } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { events, ids, startHarness, TEST_OA_SECRET, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';

/** The channel ladder of a notice, through the real worker and the fake Zalo API: each rung reached by making the one above fail. */

const DAY = 24 * 3600_000;
const TEMPLATE = '990001';
let h: Harness;
let smtp: SmtpSink;
const renderers: NoticeRenderers = {
  'test.ladder': (_db, ref) => ({
    text: `Nhắc lịch số ${ref.id}`,
    email: { subject: 'Nhắc lịch khám', text: `Nhắc lịch số ${ref.id}` },
    template: { name: 'booking_reminder', data: { name: 'Nguyễn Văn An', date: '06/03/2026' } },
  }),
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness({
    env: { SMTP_URL: smtp.url, PRICE_CS_BILLED_VND: '40', PRICE_TEMPLATE_BY_USER_VND: '150', PRICE_TEMPLATE_BY_PHONE_VND: '220' },
    noticeRenderers: renderers,
  });
  const now = Date.now();
  h.runtime.store.db
    .insert(noticeTemplates)
    .values({ name: 'booking_reminder', templateId: TEMPLATE, status: 'approved', approvedOn: '2026-01-05', params: [{ param: 'name', source: 'name' }, { param: 'date', source: 'date' }], updatedAt: now })
    .run();
  h.fake.approvedTemplates = new Map([[TEMPLATE, ['name', 'date']]]);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

let n = 0;
function cadreWith(opts: { seenDaysAgo?: number; phone?: string | null; email?: boolean }) {
  n += 1;
  const now = Date.now();
  const phone = opts.phone === undefined ? `8491${String(1_000_000 + n).padStart(7, '0')}` : opts.phone;
  const { cadres } = seedRegistry(h.runtime.store.db, [
    { code: `L-${n}`, fullName: `Cán bộ ${n}`, phone, email: opts.email === false ? null : `ladder${n}@example.test` },
  ]);
  const cadre = cadres[0]!;
  const zaloUserId = String(710_000_000_000_000_000n + BigInt(n));
  if (opts.seenDaysAgo !== undefined) {
    inTransaction(h.runtime.store.db, (tx) => {
      recordZaloUser(tx, { id: zaloUserId, followed: true, interactedAt: now - opts.seenDaysAgo! * DAY }, now);
      linkZaloUser(tx, { cadreId: cadre.id, zaloUserId, method: 'phone', now, staffId: 1 });
    });
  }
  return { cadre, zaloUserId, phone };
}

function notify(cadreId: number) {
  const id = inTransaction(h.runtime.store.db, (tx) => enqueueNotice(tx, { cadreId, ref: { kind: 'test.ladder', id: cadreId }, dueAt: Date.now() }, Date.now()));
  h.runtime.relay.kick();
  return id;
}

const sendOf = (outboxId: number) =>
  waitFor(() => {
    const row = h.runtime.store.db.select().from(outbox).where(eq(outbox.id, outboxId)).get();
    if (!row || row.status !== 'done') return null;
    return h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, outboxId)).get() ?? null;
  }, `notice ${outboxId} sent`);

describe('the channel ladder of a notice', () => {
  it('1. inside the 7-day window: a customer-service message, free within 48 h, billed after', async () => {
    const fresh = cadreWith({ seenDaysAgo: 1 });
    const older = cadreWith({ seenDaysAgo: 3 });
    const a = await sendOf(notify(fresh.cadre.id));
    const b = await sendOf(notify(older.cadre.id));
    expect(a).toMatchObject({ channel: 'zalo', zaloUserId: fresh.zaloUserId, costVnd: 0, templateId: null });
    expect(b).toMatchObject({ channel: 'zalo', costVnd: 40 });
    expect(h.fake.messagesTo(fresh.zaloUserId).map((m) => m.kind)).toEqual(['text']);
  });

  it('2. the customer-service message refused (-230): the template by user id, recorded with its id and price', async () => {
    const c = cadreWith({ seenDaysAgo: 1 });
    h.fake.inject({ route: 'send', error: -230, userId: c.zaloUserId });
    const sent = await sendOf(notify(c.cadre.id));
    expect(sent).toMatchObject({ channel: 'zalo_template', templateId: TEMPLATE, zaloUserId: c.zaloUserId, costVnd: 150 });
    expect(sent.reason).toContain('customer-service message refused');
    const tpl = h.fake.messagesTo(c.zaloUserId).find((m) => m.kind === 'template')!;
    expect(tpl.body).toMatchObject({ user_id: c.zaloUserId, template_id: TEMPLATE, template_data: { name: 'Nguyễn Văn An', date: '06/03/2026' } });
    expect(sent.messageId).toBe(tpl.messageId);
  });

  it('3. no interaction within a year: the template by phone, 84… form with our tracking id', async () => {
    const c = cadreWith({ seenDaysAgo: 400 });
    const id = notify(c.cadre.id);
    const sent = await sendOf(id);
    expect(sent).toMatchObject({ channel: 'zalo_phone', templateId: TEMPLATE, phone: c.phone, trackingId: `outbox-${id}-phone`, costVnd: 220 });
    expect(sent.reason).toContain('no interaction within a year');
    const [msg] = h.fake.messagesTo(c.phone!);
    expect(msg!.body).toEqual({ phone: c.phone, template_id: TEMPLATE, template_data: { name: 'Nguyễn Văn An', date: '06/03/2026' }, tracking_id: `outbox-${id}-phone` });
    expect(h.fake.messagesTo(c.zaloUserId)).toHaveLength(0);
  });

  it('3. the template by user id refused: by phone next', async () => {
    const c = cadreWith({ seenDaysAgo: 10 });
    h.fake.inject({ route: 'template', error: -232, userId: c.zaloUserId });
    const sent = await sendOf(notify(c.cadre.id));
    expect(sent.channel).toBe('zalo_phone');
    expect(sent.reason).toContain('template by user id refused (-232)');
  });

  it('4. a registry cadre never seen on Zalo, whose phone has no Zalo account: email, with the reason recorded', async () => {
    const c = cadreWith({});
    h.fake.phonesWithoutZalo.add(c.phone!);
    const sent = await sendOf(notify(c.cadre.id));
    expect(sent).toMatchObject({ channel: 'email', costVnd: 0, phone: null });
    expect(sent.reason).toContain('no Zalo account linked');
    expect(sent.reason).toContain('template by phone phone has no Zalo account (-118)');
    expect(h.fake.calls.some((call) => call.route === 'template_phone' && call.userId === c.phone && call.outcome === -118)).toBe(true);
    expect(smtp.mails.filter((m) => m.to.includes(`ladder${n}@example.test`))).toHaveLength(1);
  });

  it('the by-phone errors each fall back to email: template not approved, quota exceeded, invalid parameters', async () => {
    for (const [error, words] of [
      [-131, 'template not approved or not allowed (-131)'],
      [-112, 'template parameters invalid (-112)'],
      [-144, 'template quota spent (-144)'],
    ] as const) {
      const c = cadreWith({});
      h.fake.inject({ route: 'template_phone', error, userId: c.phone! });
      const sent = await sendOf(notify(c.cadre.id));
      expect(sent.channel).toBe('email');
      expect(sent.reason).toContain(words);
    }
    // Zalo's "quota spent" holds back lower priorities for the day (quotaPlan.test.ts); the next cases start afresh.
    expect(h.runtime.store.db.select().from(templateQuota).get()).toMatchObject({ remaining: 0 });
    h.runtime.store.db.delete(templateQuota).run();
  });

  it('5. nothing left: none, with every reason', async () => {
    const c = cadreWith({ phone: null, email: false });
    const sent = await sendOf(notify(c.cadre.id));
    expect(sent.channel).toBe('none');
    expect(sent.reason).toBe('no Zalo account linked; template by phone: no phone in the registry; no email');
  });

  it('a template Zalo has not approved is never sent by user id or phone', async () => {
    const c = cadreWith({ seenDaysAgo: 20 });
    h.fake.approvedTemplates = new Map();
    try {
      const sent = await sendOf(notify(c.cadre.id));
      expect(sent.channel).toBe('email');
      expect(sent.reason).toContain('template by user id template not approved or not allowed (-131)');
      expect(sent.reason).toContain('template by phone template not approved or not allowed (-131)');
    } finally {
      h.fake.approvedTemplates = new Map([[TEMPLATE, ['name', 'date']]]);
    }
  });

  it("the window is checked with Zalo's quota call, cached briefly: Zalo saw an interaction our events missed", async () => {
    const c = cadreWith({ seenDaysAgo: 9 });
    h.fake.upsertUser({ userId: c.zaloUserId, lastInteractionAt: Date.now() - 3600_000 });
    const first = await sendOf(notify(c.cadre.id));
    expect(first).toMatchObject({ channel: 'zalo', costVnd: 0 });
    const second = await sendOf(notify(c.cadre.id));
    expect(second.channel).toBe('zalo');
    expect(h.fake.calls.filter((call) => call.route === 'quota' && call.userId === c.zaloUserId)).toHaveLength(1);
  });
});

describe('delivery receipts', () => {
  const post = (event: { app_id: string; timestamp: string }, server: 'ZNS' | 'OA OpenAPI') => {
    const signed = events.signEvent(event, TEST_OA_SECRET, server);
    return h.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: signed.headers, body: signed.body });
  };

  it('the ZNS receipt of a template by phone (X-ZEvent-Server: ZNS) marks the notice delivered, once', async () => {
    const c = cadreWith({});
    const id = notify(c.cadre.id);
    const sent = await sendOf(id);
    expect(sent.deliveredAt).toBeNull();
    const deliveredAt = Date.now() + 5_000;
    const receipt = events.znsReceiptEvent(ids, c.phone!, sent.messageId!, sent.trackingId!, deliveredAt);
    const res = await post(receipt, 'ZNS');
    expect(await res.json()).toEqual({ ok: true, receipt: true });
    expect(h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, id)).get()!.deliveredAt).toBe(deliveredAt);
    const again = await post({ ...receipt, timestamp: String(deliveredAt + 1) }, 'ZNS');
    expect(await again.json()).toMatchObject({ ignored: true });
    expect(h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, id)).get()!.deliveredAt).toBe(deliveredAt);
  });

  it('a receipt for a message sent by user id is recorded by its message id', async () => {
    const c = cadreWith({ seenDaysAgo: 1 });
    const id = notify(c.cadre.id);
    const sent = await sendOf(id);
    const res = await post(events.receivedEvent(ids, c.zaloUserId, sent.messageId!, Date.now()), 'OA OpenAPI');
    expect(await res.json()).toEqual({ ok: true, receipt: true });
    expect(h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.outboxId, id)).get()!.deliveredAt).not.toBeNull();
  });
});
