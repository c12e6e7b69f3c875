import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRow, daytimeClock, recipientsOf, seedCadres, sendsPerUser } from './broadcastSupport';
import { startHarness, waitFor, type Harness } from './harness';
import { api, makeStaff, tokenFor } from './staffSupport';

/**
 * Send jobs carry a window's worth of recipients; a recipient whose send fails goes on in a follow-up job after
 * the backoff, alone with the others that failed, while the rest of its batch is done. Three tries here.
 */

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness({
    clock: daytimeClock(),
    env: { BROADCAST_RATE_PER_SECOND: '100', BROADCAST_CONCURRENCY: '16', ZALO_SEND_ATTEMPTS: '3', ZALO_SEND_BACKOFF_MS: '100' },
  });
  token = tokenFor(h, (await makeStaff(h, 'quantri', 'admin')).id);
});
afterAll(async () => {
  await h?.stop();
});

describe('broadcast sends that fail', () => {
  it('are tried again after the backoff until they go or the tries run out; everyone else once, nothing left queued', async () => {
    const unit = 'Đơn vị thử gửi lại';
    const { userIds } = seedCadres(h.runtime.store.sqlite, 60, h.clock.now(), { unit, codePrefix: 'GL', firstUserId: 740_000_000_000_000_000n });
    const [twice, twiceToo, never] = [userIds[5]!, userIds[25]!, userIds[40]!];
    // Zalo's "too many calls" (-32): certainly not delivered, so the row is given back and tried again.
    h.fake.inject({ route: 'send', userId: twice, error: -32, times: 2 });
    h.fake.inject({ route: 'send', userId: twiceToo, error: -32, times: 2 });
    h.fake.inject({ route: 'send', userId: never, error: -32, times: 5 });
    const res = await api(h, '/api/broadcasts', token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Lịch tiêm phòng', text: 'Kính mời Ông/Bà tiêm phòng cúm vào thứ Hai.', segment: { units: [unit] }, confirmedRecipients: 60 }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done', 20_000);

    const counts = sendsPerUser(h, userIds);
    expect(counts.size).toBe(59);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const callsTo = (user: string) => h.fake.calls.filter((c) => c.route === 'send' && c.userId === user).map((c) => c.outcome);
    expect(callsTo(twice)).toEqual([-32, -32, 0]);
    expect(callsTo(twiceToo)).toEqual([-32, -32, 0]);
    // The third try was the last: the row is closed as failed, with Zalo's reason.
    expect(callsTo(never)).toEqual([-32, -32, -32]);
    expect(counts.has(never)).toBe(false);

    const rows = recipientsOf(h, id);
    const failed = rows.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toContain('-32');
    expect(failed[0]!.attempts).toBe(3);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(59);
    expect(rows.filter((r) => r.status === 'sent' && r.attempts === 3)).toHaveLength(2);

    // Every job has run and left Redis; the reconciler finds nothing missing.
    const queued = await h.runtime.broadcasts.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    expect(Object.values(queued).reduce((a, b) => a + b, 0)).toBe(0);
    expect((await h.runtime.broadcasts.reconcile()).requeued).toBe(0);
  }, 30_000);
});
