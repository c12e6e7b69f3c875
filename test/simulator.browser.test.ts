import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { normalizePhone } from '../src/domain/shared/phone';
import { devRoutes } from '../src/http/dev';
import { createLogger } from '../src/logger';
import { openStore } from '../src/store/db';
import { demoCadres, seedDemoData } from '../src/store/demoSeed';
import { cadres, inboundEvents, zaloLinks } from '../src/store/schema';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { artifactPath, launchBrowser } from './browser';
import { startSimulator, type Simulator } from './simulatorSupport';
import { startHarness, waitFor, type Harness } from './harness';

/** Reads the first `count` server-sent `entry` events (fewer if the stream stays silent for 5 s). */
async function readStream(url: string, count: number, lastEventId?: number): Promise<{ seq: number; from: string; kind: string }[]> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers: lastEventId ? { 'last-event-id': String(lastEventId) } : {} });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const entries: { seq: number; from: string; kind: string }[] = [];
  let buffer = '';
  const quiet = () => new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000));
  while (entries.length < count) {
    const chunk = await Promise.race([reader.read(), quiet()]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block);
      if (/^event: entry$/m.test(block) && data) entries.push(JSON.parse(data[1]!));
    }
  }
  controller.abort();
  return entries;
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the chat page plays a Zalo user against the real webhook', () => {
  let sim: Simulator;
  let browser: Browser;
  beforeAll(async () => {
    [sim, browser] = await Promise.all([startSimulator(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  const oaBubbles = (page: Page) => page.locator('.row.oa .bubble');

  it('create a user, type "menu", tap a button, share the phone from the request card, get linked', async () => {
    seedDemoData(sim.runtime.store.db, sim.runtime.clock.now());
    const cadre = demoCadres().find((c) => c.phone && c.category === 'nguyen_chuc')!;
    const localPhone = `0${cadre.phone!.slice(2)}`;

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${sim.url}/dev/chat`);
    await page.getByLabel('Tên hiển thị').fill(cadre.fullName);
    await page.getByLabel('Số điện thoại').fill(localPhone);
    await page.getByRole('button', { name: 'Tạo và bắt đầu trò chuyện' }).click();
    await page.waitForURL(/\/dev\/chat\?user=\d{18,19}$/);
    const userId = new URL(page.url()).searchParams.get('user')!;
    expect(sim.fake.users.get(userId)).toMatchObject({ displayName: cadre.fullName, phone: cadre.phone, isFollower: true });
    await page.getByRole('status').getByText('Đã kết nối').waitFor();

    await page.getByLabel('Tin nhắn').fill('menu');
    await page.getByLabel('Tin nhắn').press('Enter');
    const results = oaBubbles(page).last().getByRole('button', { name: 'Xem kết quả khám' });
    await results.waitFor();
    expect(await oaBubbles(page).last().getByRole('button').count()).toBe(4);
    // The event went over HTTP to /webhooks/zalo, signed, and was stored like any Zalo event.
    const stored = sim.runtime.store.db.select().from(inboundEvents).where(eq(inboundEvents.zaloUserId, userId)).all();
    expect(stored.map((e) => e.eventName)).toEqual(['user_send_text']);

    // A tap sends what Zalo sends: a user_send_text whose text is the button's payload.
    const before = await oaBubbles(page).count();
    await results.click();
    await page.locator('.row.me .bubble', { hasText: 'Xem kết quả khám' }).waitFor();
    await waitFor(async () => (await oaBubbles(page).count()) > before, 'the answer to the tapped button');
    const answer = sim.fake.messagesTo(userId).at(-1)!;
    expect(answer.text).toBeTruthy();
    await oaBubbles(page).last().getByText(answer.text!.split('\n')[0]!).waitFor();
    await page.screenshot({ path: artifactPath('simulator-chat.png') });

    // The linking answer offers sharing the phone; Zalo then shows a request card the user can accept.
    await oaBubbles(page).last().getByRole('button', { name: 'Gửi số điện thoại' }).click();
    const card = page.locator('.row.oa .bubble', { has: page.locator('.card-title') }).last();
    await card.getByRole('button', { name: 'Chia sẻ số điện thoại' }).click();
    await page.locator('.row.me .bubble', { hasText: `Đã chia sẻ số điện thoại ${localPhone.slice(0, 4)}` }).waitFor();
    await oaBubbles(page).last().getByText(cadre.fullName, { exact: false }).waitFor();
    const link = await waitFor(
      () => sim.runtime.store.db.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, userId)).get(),
      'the account link',
    );
    const linkedCadre = sim.runtime.store.db.select().from(cadres).where(eq(cadres.id, link.cadreId)).get()!;
    expect(linkedCadre.code).toBe(cadre.code);

    await page.screenshot({ path: artifactPath('simulator-linked.png') });
    await context.close();
  });

  it('two users in two tabs each see only their own conversation', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const created = await Promise.all(
      [
        { displayName: 'Trần Thị Hoa', phone: '0987 111 222' },
        { displayName: 'Lê Văn Tám', phone: '0978 333 444' },
      ].map(async (u) => {
        const res = await fetch(`${sim.url}/dev/api/users`, json(u));
        expect(res.status).toBe(201);
        return ((await res.json()) as { user: { userId: string } }).user.userId;
      }),
    );
    const [hoa, tam] = await Promise.all(
      created.map(async (id) => {
        const page = await context.newPage();
        await page.goto(`${sim.url}/dev/chat?user=${id}`);
        await page.getByRole('status').getByText('Đã kết nối').waitFor();
        return page;
      }),
    );
    await hoa!.getByLabel('Tin nhắn').fill('xin chào');
    await hoa!.getByRole('button', { name: 'Gửi', exact: true }).click();
    await oaBubbles(hoa!).last().getByRole('button', { name: 'Đặt lịch khám' }).waitFor();
    await tam!.getByLabel('Tin nhắn').fill('menu');
    await tam!.getByRole('button', { name: 'Gửi', exact: true }).click();
    await oaBubbles(tam!).last().getByRole('button', { name: 'Đặt lịch khám' }).waitFor();

    expect(await hoa!.locator('.row.me .bubble').allInnerTexts()).toEqual([expect.stringContaining('xin chào')]);
    expect(await tam!.locator('.row.me .bubble').allInnerTexts()).toEqual([expect.stringContaining('menu')]);
    expect(sim.fake.messagesTo(created[0]!)).toHaveLength(1);
    expect(sim.fake.messagesTo(created[1]!)).toHaveLength(1);

    // A reload replays the conversation from the server.
    await hoa!.reload();
    await oaBubbles(hoa!).first().getByRole('button', { name: 'Đặt lịch khám' }).waitFor();
    expect(await hoa!.locator('.row.me .bubble').count()).toBe(1);
    await context.close();
  });

  it('location and follow actions become signed Zalo events', async () => {
    const res = await fetch(`${sim.url}/dev/api/users`, json({ displayName: 'Phạm Văn Lộc', phone: '0905 123 456' }));
    const { user } = (await res.json()) as { user: { userId: string } };
    const location = await fetch(`${sim.url}/dev/api/users/${user.userId}/location`, json({}));
    expect(await location.json()).toEqual({ ok: true, webhookStatus: 200 });
    // Answered before the unfollow below, which would make Zalo refuse it (-213).
    await waitFor(() => sim.fake.messagesTo(user.userId).length === 1, 'the answer to the location');
    const unfollow = await fetch(`${sim.url}/dev/api/users/${user.userId}/follow`, json({ follow: false }));
    expect(await unfollow.json()).toEqual({ ok: true, webhookStatus: 200, isFollower: false });
    expect(sim.fake.users.get(user.userId)!.isFollower).toBe(false);
    const follow = await fetch(`${sim.url}/dev/api/users/${user.userId}/follow`, json({ follow: true }));
    expect(await follow.json()).toMatchObject({ ok: true, isFollower: true });
    // Following again brings the welcome with the menu.
    await waitFor(() => sim.fake.messagesTo(user.userId).length === 2, 'the welcome after following again');
    expect(sim.fake.messagesTo(user.userId).at(-1)!.text).toMatch(/Kính chào/);
    const events = sim.runtime.store.db.select().from(inboundEvents).where(eq(inboundEvents.zaloUserId, user.userId)).all();
    expect(events.map((e) => e.eventName)).toEqual(['user_send_location', 'unfollow', 'follow']);

    // The stream replays the conversation, or only what follows the id EventSource last saw.
    const all = await readStream(`${sim.url}/dev/api/users/${user.userId}/stream`, 5);
    expect(all.map((e) => `${e.from}:${e.kind}`)).toEqual(['user:location', 'oa:text', 'user:unfollow', 'user:follow', 'oa:text']);
    const resumed = await readStream(`${sim.url}/dev/api/users/${user.userId}/stream`, 2, all[2]!.seq);
    expect(resumed.map((e) => e.seq)).toEqual([all[3]!.seq, all[4]!.seq]);
  });

  it('rejects bad input with the shared error shape', async () => {
    const bad = await fetch(`${sim.url}/dev/api/users`, json({ displayName: ' ', phone: '12345' }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['displayName', 'phone']);

    const unknown = await fetch(`${sim.url}/dev/api/users/123456789012345678/text`, json({ text: 'menu' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const notDigits = await fetch(`${sim.url}/dev/api/users/abc/text`, json({ text: 'menu' }));
    expect(notDigits.status).toBe(400);

    const res = await fetch(`${sim.url}/dev/api/users`, json({ displayName: 'Đỗ Thị Nga', phone: '0934 567 890' }));
    const { user } = (await res.json()) as { user: { userId: string } };
    const badResume = await fetch(`${sim.url}/dev/api/users/${user.userId}/stream`, { headers: { 'last-event-id': 'abc' } });
    expect(badResume.status).toBe(400);
  });
});

describe('restarting the simulator on the same data', () => {
  it('still delivers replies: the new in-memory Zalo fake gets its own token pair', async () => {
    const first = await startSimulator();
    const dir = first.runtime.config.dataDir;
    await first.runtime.stop();
    const second = await startSimulator(dir);
    try {
      const { zalo } = second.runtime.config;
      const userId = '7301946285173900001';
      const event = userTextEvent({ appId: zalo.appId, oaId: zalo.oaId }, userId, 'menu', Date.now());
      const signed = signEvent(event, zalo.oaSecretKey);
      const res = await second.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: signed.headers, body: signed.body });
      expect(res.status).toBe(200);
      const [reply] = await waitFor(() => (second.fake.messagesTo(userId).length ? second.fake.messagesTo(userId) : null), 'the menu after a restart');
      expect(reply!.text).toContain('1. Đặt lịch khám');
    } finally {
      await second.stop();
    }
  });
});

describe('the mail page', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('lists mail sent through the runtime mailer, newest first, and shows one', async () => {
    sim = await startSimulator();
    const empty = await (await fetch(`${sim.url}/dev/mail`)).text();
    expect(empty).toContain('Chưa có thư nào');

    await sim.runtime.mailer.send({ to: 'bs.lan@benhvien.example', subject: 'Yêu cầu khám tại nhà: Ông Nguyễn Văn Hùng', text: 'Cần bác sĩ đến nhà trong tuần.' });
    const firstAt = Date.now();
    await waitFor(() => Date.now() > firstAt + 2, 'the clock to move on');
    await sim.runtime.mailer.send({ to: 'cb0007@haiphong.example', subject: 'Mã xác minh CadreCare', text: 'Mã của Ông/Bà là 482913.' });

    const page = await (await fetch(`${sim.url}/dev/mail`)).text();
    const newest = page.indexOf('Mã xác minh CadreCare');
    const older = page.indexOf('Yêu cầu khám tại nhà: Ông Nguyễn Văn Hùng');
    expect(newest).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newest);
    expect(page).toContain('cb0007@haiphong.example');
    expect(page).toContain('Mã của Ông/Bà là 482913.');

    // The mailer names files "<epoch ms>-<message id>.eml".
    const [olderFile] = readdirSync(sim.runtime.config.mail.dir).sort();
    const one = await (await fetch(`${sim.url}/dev/mail?file=${encodeURIComponent(olderFile!)}`)).text();
    expect(one).toContain('Cần bác sĩ đến nhà trong tuần.');
    expect(one).toContain('bs.lan@benhvien.example');
    const raw = await fetch(`${sim.url}/dev/mail/${encodeURIComponent(olderFile!)}/raw`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toMatch(/^Subject: /m);

    const traversal = await fetch(`${sim.url}/dev/mail?file=${encodeURIComponent('../cadrecare.db')}`);
    expect(traversal.status).toBe(400);
    const missing = await fetch(`${sim.url}/dev/mail?file=nothing-here.eml`);
    expect(missing.status).toBe(404);
  });
});

describe('where the dev routes exist', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('are absent (404) when Zalo is live', async () => {
    h = await startHarness();
    expect(h.runtime.config.zalo.mode).toBe('live');
    for (const path of ['/dev/chat', '/dev/mail', '/dev/api/users']) {
      const res = await h.runtime.app.request(path);
      expect(res.status, path).toBe(404);
    }
    const post = await h.runtime.app.request('/dev/api/users', json({ displayName: 'A', phone: '0912345678' }));
    expect(post.status).toBe(404);
  });

  it('are never built for production, even with a fake Zalo at hand', () => {
    const base = loadConfig({ NODE_ENV: 'test', ZALO_MODE: 'simulator' });
    const deps = { fakeZalo: new FakeZaloApi(), clock: { now: () => Date.now() }, logger: createLogger('silent'), selfUrl: () => undefined };
    expect(devRoutes({ ...deps, config: base })).not.toBeNull();
    expect(devRoutes({ ...deps, config: { ...base, env: 'production' } })).toBeNull();
    expect(devRoutes({ ...deps, config: { ...base, zalo: { ...base.zalo, mode: 'live' } } })).toBeNull();
  });
});

describe('demo data', () => {
  it('seeding twice gives the same counts and changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadrecare-seed-'));
    const store = openStore(join(dir, 'seed.db'));
    try {
      const first = seedDemoData(store.db, Date.UTC(2026, 0, 5));
      const snapshot = store.db.select().from(cadres).all();
      const second = seedDemoData(store.db, Date.UTC(2026, 5, 1));
      expect(first).toMatchObject({ clinics: 3, cadres: 200, inserted: { clinics: 3, cadres: 200 } });
      expect(second).toEqual({ ...first, inserted: { clinics: 0, cadres: 0 } });
      expect(store.db.select().from(cadres).all()).toEqual(snapshot);

      // Deterministic, plausible and normalised.
      expect(demoCadres()).toEqual(demoCadres());
      expect(first.frail).toBeGreaterThanOrEqual(12);
      expect(first.frail).toBeLessThanOrEqual(30);
      const phones = snapshot.map((c) => c.phone).filter((p): p is string => p !== null);
      expect(phones.length).toBeGreaterThan(160);
      expect(new Set(phones).size).toBe(phones.length);
      for (const p of phones) expect(normalizePhone(p)).toBe(p);
      const retirees = snapshot.filter((c) => c.category === 'nguyen_chuc');
      const ages = retirees.map((c) => 2026 - Number(c.birthDate.slice(0, 4)));
      expect(ages.filter((a) => a >= 60 && a <= 90).length / ages.length).toBeGreaterThan(0.9);
      expect(new Set(snapshot.map((c) => c.category))).toEqual(new Set(['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac']));
      expect(snapshot.every((c) => c.clinicId !== null)).toBe(true);
      expect(snapshot.some((c) => /[ăâđêôơưàáảãạ]/i.test(c.fullName))).toBe(true);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
