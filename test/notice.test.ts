import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { linkZaloUser } from '../src/domain/linking/linking';
import { enqueueNotice, type NoticeRenderers } from '../src/domain/outreach/notices';
import { inTransaction } from '../src/store/db';
import { outbox } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import { seedRegistry } from './fixtures';
import { startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';

const DAY = 24 * 3600_000;
let h: Harness;
let smtp: SmtpSink;
const renderers: NoticeRenderers = {
  'test.hello': (_db, ref) =>
    ref.variant === 'gone'
      ? null
      : {
          text: `Nhắc lịch số ${ref.id}`,
          email: { subject: 'Nhắc lịch khám', text: `Nhắc lịch số ${ref.id}` },
          template: ref.variant === 'tpl' ? { name: 'booking_reminder', data: { booking: String(ref.id) } } : undefined,
        },
};

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness({ env: { SMTP_URL: smtp.url, ZALO_TEMPLATES: '{"booking_reminder":"880001"}' }, noticeRenderers: renderers });
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

let n = 0;
/** A cadre with an email and, optionally, a linked Zalo account last seen `seenDaysAgo` days ago. */
function cadreWith(opts: { zalo?: { seenDaysAgo: number; followed?: boolean }; email?: boolean }) {
  n += 1;
  const now = Date.now();
  const { cadres } = seedRegistry(h.runtime.store.db, [
    { code: `N-${n}`, fullName: `Cán bộ ${n}`, email: opts.email === false ? null : `canbo${n}@example.test` },
  ]);
  const cadre = cadres[0]!;
  const zaloUserId = String(700_000_000_000_000_000n + BigInt(n));
  if (opts.zalo) {
    inTransaction(h.runtime.store.db, (tx) => {
      recordZaloUser(tx, { id: zaloUserId, followed: opts.zalo!.followed ?? true, interactedAt: now - opts.zalo!.seenDaysAgo * DAY }, now);
      linkZaloUser(tx, { cadreId: cadre.id, zaloUserId, method: 'phone', now, staffId: 1 });
    });
  }
  return { cadre, zaloUserId };
}

function notify(cadreId: number, variant?: string) {
  const id = inTransaction(h.runtime.store.db, (tx) =>
    enqueueNotice(tx, { cadreId, ref: { kind: 'test.hello', id: cadreId, variant }, dueAt: Date.now() }, Date.now()),
  );
  h.runtime.relay.kick();
  return id;
}

const rowDone = (id: number) =>
  waitFor(() => {
    const row = h.runtime.store.db.select().from(outbox).where(eq(outbox.id, id)).get();
    return row && row.status !== 'pending' && row.status !== 'queued' ? row : null;
  }, `outbox ${id} finished`);

describe('notices choose their channel when sent and record it', () => {
  it('inside the 7-day window: a Zalo customer-service message', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 2 } });
    const row = await rowDone(notify(cadre.id));
    expect(row).toMatchObject({ status: 'done', channel: 'zalo' });
    expect(h.fake.messagesTo(zaloUserId).map((m) => m.text)).toEqual([`Nhắc lịch số ${cadre.id}`]);
  });

  it('outside the window with a configured template: a Zalo template message', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 8 } });
    const row = await rowDone(notify(cadre.id, 'tpl'));
    expect(row.channel).toBe('zalo_template');
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(1);
    expect(h.fake.messagesTo(zaloUserId)[0]!.kind).toBe('template');
  });

  it('outside the window without a template: email, captured by a real SMTP server', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 8 } });
    const row = await rowDone(notify(cadre.id));
    expect(row.channel).toBe('email');
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(0);
    expect(smtp.mails.filter((m) => m.to.includes(`canbo${n}@example.test`))).toHaveLength(1);
  });

  it('Zalo refuses (-230) although we thought the window open: falls back to email', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 1 } });
    h.fake.inject({ route: 'send', error: -230, userId: zaloUserId });
    const row = await rowDone(notify(cadre.id));
    expect(row.channel).toBe('email');
  });

  it('a user who unfollowed gets email', async () => {
    const { cadre } = cadreWith({ zalo: { seenDaysAgo: 1, followed: false } });
    expect((await rowDone(notify(cadre.id))).channel).toBe('email');
  });

  it('no Zalo account and no email: skipped with the reason recorded', async () => {
    const { cadre } = cadreWith({ email: false });
    const row = await rowDone(notify(cadre.id));
    expect(row).toMatchObject({ status: 'done', channel: 'none' });
    expect(row.lastError).toContain('no Zalo account');
  });

  it('a reminder Zalo kept but whose answer was lost (HTTP 503) is settled from the history, not sent twice', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 1 } });
    h.fake.inject({ route: 'send', userId: zaloUserId, accepted: true, status: 503 });
    const row = await rowDone(notify(cadre.id));
    expect(row).toMatchObject({ status: 'done', channel: 'zalo' });
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.route === 'conversation' && c.userId === zaloUserId)).toHaveLength(1);
  });

  it('a template notice Zalo kept but whose answer was lost is not sent twice', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 8 } });
    h.fake.inject({ route: 'template', userId: zaloUserId, accepted: true, status: 503 });
    const row = await rowDone(notify(cadre.id, 'tpl'));
    expect(row.channel).toBe('zalo_template');
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(1);
  });

  it('a notice that no longer applies sends nothing', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 1 } });
    const row = await rowDone(notify(cadre.id, 'gone'));
    expect(row.channel).toBe('none');
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(0);
  });
});

describe('timed notices', () => {
  it('a notice due later waits; once due (clock moved), the reconciler starts it', async () => {
    const { cadre, zaloUserId } = cadreWith({ zalo: { seenDaysAgo: 1 } });
    const id = inTransaction(h.runtime.store.db, (tx) =>
      enqueueNotice(tx, { cadreId: cadre.id, ref: { kind: 'test.hello', id: 1 }, dueAt: Date.now() + 3 * DAY, subject: `t-${cadre.id}` }, Date.now()),
    );
    await h.runtime.relay.flush();
    expect(h.runtime.store.db.select().from(outbox).where(eq(outbox.id, id)).get()!.status).toBe('queued');
    const report = await h.runtime.reconcile();
    expect(report.promoted).toBe(0);
    expect(h.fake.messagesTo(zaloUserId)).toHaveLength(0);
  });
});
