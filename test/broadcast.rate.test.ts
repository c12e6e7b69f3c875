import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRow, daytimeClock, recipientsOf, seedCadres, sendsPerUser } from './broadcastSupport';
import { startHarness, waitFor, type Harness } from './harness';
import { api, makeStaff, tokenFor } from './staffSupport';

/** Throttled broadcasts (50 messages a second): the rate holds, and pause, resume and cancel act mid-run. */

const RATE = 50;
let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness({ clock: daytimeClock(), env: { BROADCAST_RATE_PER_SECOND: String(RATE), BROADCAST_CONCURRENCY: '32' } });
  const staff = await makeStaff(h, 'quantri', 'admin');
  token = tokenFor(h, staff.id);
});
afterAll(async () => {
  await h?.stop();
});

const post = (path: string, body?: unknown) =>
  api(h, path, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

async function start(unit: string, n: number, firstUserId: bigint) {
  const { userIds } = seedCadres(h.runtime.store.sqlite, n, h.clock.now(), { unit, codePrefix: unit.slice(-3), firstUserId });
  const res = await post('/api/broadcasts', { title: 'Lời khuyên sức khỏe', text: 'Trời lạnh, Ông/Bà nhớ giữ ấm.', segment: { units: [unit] }, confirmedRecipients: n });
  expect(res.status).toBe(201);
  return { id: ((await res.json()) as { id: number }).id, userIds };
}

const sentTo = (userIds: string[]) => sendsPerUser(h, userIds);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('throttled broadcasts', () => {
  it(`holds the configured rate (${RATE}/s) within 5% over a few hundred sends`, async () => {
    const { id, userIds } = await start('Đơn vị đo tốc độ R01', 300, 730_000_000_000_000_000n);
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done', 30_000);
    const wanted = new Set(userIds);
    const times = h.fake.sent.filter((m) => wanted.has(m.userId)).map((m) => m.at);
    expect(times).toHaveLength(300);
    // Steady state: from the 50th to the 250th send.
    const rate = 200 / ((times[249]! - times[49]!) / 1000);
    console.info(`measured ${rate.toFixed(1)} messages/s for a configured ${RATE}/s`);
    expect(Math.abs(rate - RATE) / RATE).toBeLessThan(0.05);
  }, 40_000);

  it('pause stops sending, resume finishes with everyone reached exactly once', async () => {
    const { id, userIds } = await start('Đơn vị tạm dừng P01', 150, 731_000_000_000_000_000n);
    await waitFor(() => sentTo(userIds).size >= 50, '50 sends', 20_000);
    expect((await post(`/api/broadcasts/${id}/pause`)).status).toBe(200);
    await pause(300); // messages already in flight land
    const atPause = sentTo(userIds).size;
    await pause(1_000);
    expect(sentTo(userIds).size).toBe(atPause);
    expect(atPause).toBeLessThan(150);
    expect(broadcastRow(h, id).status).toBe('paused');
    // A paused broadcast cannot be paused again.
    expect((await post(`/api/broadcasts/${id}/pause`)).status).toBe(409);

    expect((await post(`/api/broadcasts/${id}/resume`)).status).toBe(200);
    await waitFor(() => broadcastRow(h, id).status === 'done', 'done after resume', 30_000);
    const counts = sentTo(userIds);
    expect(counts.size).toBe(150);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 40_000);

  it('cancel mid-run: no more sends, the rest are marked cancelled', async () => {
    const { id, userIds } = await start('Đơn vị hủy C01', 300, 732_000_000_000_000_000n);
    await waitFor(() => sentTo(userIds).size >= 50, '50 sends', 20_000);
    const res = await post(`/api/broadcasts/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    await pause(300);
    const atCancel = sentTo(userIds).size;
    await pause(1_000);
    expect(sentTo(userIds).size).toBe(atCancel);
    expect(atCancel).toBeLessThan(300);
    const rows = recipientsOf(h, id);
    const counts = sentTo(userIds);
    const byCadreUser = new Map(rows.map((r) => [r.cadreId, r]));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(atCancel);
    expect(rows.filter((r) => r.status === 'cancelled')).toHaveLength(300 - atCancel);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(byCadreUser.size).toBe(300);
    expect((await post(`/api/broadcasts/${id}/resume`)).status).toBe(409);
  }, 40_000);
});
