import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaToday, TEMPLATE_QUOTA_HELD } from '../src/domain/outreach/quotaPlan';
import { broadcastRow, recipientsOf, seedCadres, sendsPerUser } from './broadcastSupport';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { api, get, login, makeStaff, tokenFor } from './staffSupport';

/**
 * Broadcasts carried by template messages obey the day's quota plan: they may use the quota only while more than
 * half of it is left (the rest is kept for reminders, results and invitations); the others wait, unsent and
 * unclaimed, for the next morning, and each cadre still gets the broadcast exactly once.
 */

// Monday 02/03/2026, 10:00 in Vietnam.
const START = Date.parse('2026-03-02T03:00:00Z');
const NEXT_MORNING = Date.parse('2026-03-03T00:00:00Z'); // 07:00 local, the end of quiet hours
let h: Harness;
let clock: ManualClock;
let token: string;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({
    clock,
    env: { BROADCAST_RATE_PER_SECOND: '0', BROADCAST_CONCURRENCY: '1', ZALO_TEMPLATES: '{"thong_bao_chung":"7001"}', ZALO_TEMPLATE_DAILY_QUOTA: '10' },
  });
  token = tokenFor(h, (await makeStaff(h, 'dieuphoi', 'coordinator')).id);
});
afterAll(() => h?.stop());

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('broadcast templates and the daily quota plan', () => {
  it('half the quota is kept: 5 of 9 template broadcasts go today, 4 wait (one after a refused customer-service message) for 07:00 tomorrow and then go, once each', async () => {
    const unit = 'Đơn vị hạn mức';
    // Last heard from 10 days ago: outside the 7-day window, so only a template by user id reaches them.
    const stale = seedCadres(h.runtime.store.sqlite, 8, START, { unit, codePrefix: 'HM', interactedAt: START - 10 * 86_400_000 });
    // One more whose account we think is inside the window, but Zalo refuses the customer-service message
    // (its own record is older): the broadcast falls to a template, which the plan holds back too.
    const refused = seedCadres(h.runtime.store.sqlite, 1, START, { unit, codePrefix: 'HR', firstUserId: 720_000_000_000_000_000n });
    h.fake.upsertUser({ userId: refused.userIds[0]!, lastInteractionAt: START - 10 * 86_400_000 });
    const userIds = [...stale.userIds, ...refused.userIds];
    const res = await api(
      h,
      '/api/broadcasts',
      token,
      json({ title: 'Thông báo đợt khám', text: 'Kính mời Ông/Bà đi khám sức khỏe định kỳ.', confirmedRecipients: 9, segment: { units: [unit] }, templateName: 'thong_bao_chung' }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: number };

    // 10 a day, half kept for the priorities above broadcasts: sends stop once 5 are left.
    const rows = await waitFor(() => {
      const all = recipientsOf(h, id);
      const sent = all.filter((r) => r.status === 'sent');
      const held = all.filter((r) => r.status === 'pending' && r.reason === TEMPLATE_QUOTA_HELD);
      return sent.length === 5 && held.length === 4 ? all : null;
    }, '5 sent and 4 held');
    expect(rows.filter((r) => r.status === 'sent').every((r) => r.channel === 'zalo_template')).toBe(true);
    expect(quotaToday(h.runtime.store.db, 10, clock.now())).toMatchObject({ used: 5, remaining: 5 });
    expect([...sendsPerUser(h, userIds).values()].reduce((a, b) => a + b, 0)).toBe(5);
    expect(broadcastRow(h, id).status).toBe('running');
    // The refused one was claimed, refused by Zalo (-230), and given back unsent.
    const refusedRow = rows.find((r) => r.cadreId === refused.cadreIds[0])!;
    expect(refusedRow).toMatchObject({ status: 'pending', reason: TEMPLATE_QUOTA_HELD, claimedAt: null });
    expect(h.fake.calls.filter((c) => c.userId === refused.userIds[0])).toEqual([{ route: 'send', userId: refused.userIds[0], outcome: -230 }]);
    // The quota page says how many broadcast messages wait for tomorrow.
    const page = await (await get(h, '/staff/outreach/quota', await login(h, 'dieuphoi'))).text();
    expect(page).toMatch(/id="quota-waiting-broadcasts"><b>4<\/b>/);
    // Their jobs wait in the queue for the next morning, carrying the 4 held recipients; the reconciler adds nothing beside them.
    const heldIds = rows.filter((r) => r.status === 'pending').map((r) => r.id).sort((x, y) => x - y);
    const delayed = await waitFor(async () => {
      const jobs = await h.runtime.broadcasts.queue.getDelayed();
      const carried = jobs.flatMap((j) => (j.data as { recipientIds: number[] }).recipientIds).sort((x, y) => x - y);
      return carried.length === 4 ? { jobs, carried } : null;
    }, 'the 4 held recipients in delayed jobs');
    expect(delayed.carried).toEqual(heldIds);
    expect((await h.runtime.broadcasts.reconcile()).requeued).toBe(0);
    for (const job of delayed.jobs) expect(job.delay).toBeGreaterThan(20 * 3600_000);

    // 07:00 the next day: a new day's quota; the held recipients go (the delayed jobs are due now).
    clock.set(NEXT_MORNING);
    for (const job of delayed.jobs) await job.promote();
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done');
    const after = recipientsOf(h, id);
    expect(after.every((r) => r.status === 'sent' && r.channel === 'zalo_template')).toBe(true);
    const counts = sendsPerUser(h, userIds);
    expect(counts.size).toBe(9);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(quotaToday(h.runtime.store.db, 10, clock.now())).toMatchObject({ used: 4, remaining: 6 });
  });
});

describe('the broadcast quota claim under concurrency', () => {
  let hc: Harness;
  const DAY = Date.parse('2026-03-09T03:00:00Z'); // Monday 09/03/2026, 10:00 in Vietnam
  beforeAll(async () => {
    hc = await startHarness({
      clock: new ManualClock(DAY),
      env: { BROADCAST_RATE_PER_SECOND: '0', BROADCAST_CONCURRENCY: '16', ZALO_TEMPLATES: '{"thong_bao_chung":"7001"}', ZALO_TEMPLATE_DAILY_QUOTA: '20' },
    });
    // Zalo answers each template slowly, so sixteen sends are in flight at once.
    hc.fake.templateLatencyMs = 150;
  });
  afterAll(() => hc?.stop());

  it('sixteen sends at once never take more than the broadcasts\' share of the quota', async () => {
    const unit = 'Đơn vị đồng thời';
    const { userIds } = seedCadres(hc.runtime.store.sqlite, 40, DAY, { unit, codePrefix: 'DT', interactedAt: DAY - 10 * 86_400_000 });
    const token2 = tokenFor(hc, (await makeStaff(hc, 'dieuphoi2', 'coordinator')).id);
    const res = await api(
      hc,
      '/api/broadcasts',
      token2,
      json({ title: 'Thông báo đợt khám', text: 'Kính mời Ông/Bà đi khám sức khỏe định kỳ.', confirmedRecipients: 40, segment: { units: [unit] }, templateName: 'thong_bao_chung' }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: number };
    // 20 a day, half kept for reminders, results and invitations: broadcasts may take 10, not one more.
    await waitFor(() => {
      const all = recipientsOf(hc, id);
      return all.length === 40 && all.every((r) => r.status === 'sent' || (r.status === 'pending' && r.reason === TEMPLATE_QUOTA_HELD)) ? all : null;
    }, 'every recipient sent or held');
    const sent = recipientsOf(hc, id).filter((r) => r.status === 'sent');
    const delivered = [...sendsPerUser(hc, userIds).values()];
    expect(sent).toHaveLength(10);
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(10);
    expect(delivered.every((n) => n === 1)).toBe(true);
    expect(quotaToday(hc.runtime.store.db, 20, hc.clock.now())).toMatchObject({ used: 10, remaining: 10 });
  });
});
