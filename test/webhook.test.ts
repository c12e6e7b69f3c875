import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { signatureHeader } from '../src/zalo/signature';
import { events, ids, startHarness, TEST_OA_SECRET, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
});
afterAll(() => h?.stop());

const counts = () => {
  const one = (table: string) => (h.runtime.store.db.get(sql.raw(`select count(*) as n from ${table}`)) as { n: number }).n;
  return { events: one('inbound_events'), outbox: one('outbox'), users: one('zalo_users'), conversations: one('conversations') };
};

const post = async (body: string | Uint8Array, headers: Record<string, string>): Promise<Response> =>
  h.runtime.app.request('/webhooks/zalo', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

function signedText(overrides: Record<string, unknown> = {}, secret = TEST_OA_SECRET) {
  const event = { ...events.userTextEvent(ids, '7001', 'menu', h.clock.now()), ...overrides } as { app_id: string; timestamp: string };
  const body = JSON.stringify(event);
  return { event, body, signature: signatureHeader(event.app_id, Buffer.from(body), event.timestamp, secret) };
}

describe('POST /webhooks/zalo rejects bad requests and writes nothing', () => {
  const cases: [string, () => Promise<Response>, number, string][] = [
    ['missing signature', () => post(signedText().body, {}), 401, 'invalid_signature'],
    ['signature by another secret', () => { const s = signedText({}, 'wrong-secret'); return post(s.body, { 'x-zevent-signature': s.signature }); }, 401, 'invalid_signature'],
    ['signature of other bytes', () => { const s = signedText(); return post(s.body.replace('menu', 'MENU'), { 'x-zevent-signature': s.signature }); }, 401, 'invalid_signature'],
    ['garbage signature', () => post(signedText().body, { 'x-zevent-signature': 'mac=zzz' }), 401, 'invalid_signature'],
    ['unknown app_id', () => { const s = signedText({ app_id: '999' }); return post(s.body, { 'x-zevent-signature': s.signature }); }, 401, 'invalid_signature'],
    ['older than the replay window (24 h)', () => { const s = signedText({ timestamp: String(h.clock.now() - 25 * 3600_000) }); return post(s.body, { 'x-zevent-signature': s.signature }); }, 401, 'stale_event'],
    ['timestamp in the future', () => { const s = signedText({ timestamp: String(h.clock.now() + 3600_000) }); return post(s.body, { 'x-zevent-signature': s.signature }); }, 401, 'stale_event'],
    ['malformed JSON', () => post('{"app_id": ', { 'x-zevent-signature': 'mac=' + '0'.repeat(64) }), 400, 'invalid_json'],
    ['no app_id or timestamp', () => post('{"event_name":"user_send_text"}', { 'x-zevent-signature': 'mac=' + '0'.repeat(64) }), 400, 'validation_failed'],
    ['numeric sender id (would lose digits)', () => {
      const base = events.userTextEvent(ids, '7001', 'hi', h.clock.now());
      const body = JSON.stringify({ ...base, sender: { id: 12345678901234567890 } });
      return post(body, { 'x-zevent-signature': signatureHeader(base.app_id, Buffer.from(body), base.timestamp, TEST_OA_SECRET) });
    }, 400, 'validation_failed'],
    ['message without msg_id', () => { const s = signedText({ message: { text: 'hi' } }); return post(s.body, { 'x-zevent-signature': s.signature }); }, 400, 'validation_failed'],
    ['body over 64 KB', () => { const s = signedText({ padding: 'x'.repeat(70 * 1024) }); return post(s.body, { 'x-zevent-signature': s.signature }); }, 413, 'payload_too_large'],
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    const before = counts();
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; requestId?: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toBeTruthy();
    expect(counts()).toEqual(before);
  });
});

describe('POST /webhooks/zalo accepts', () => {
  it('a signed event with the header without the mac= prefix', async () => {
    const s = signedText({ message: { text: 'menu', msg_id: 'prefixless-1' } });
    const res = await post(s.body, { 'x-zevent-signature': s.signature.replace('mac=', '') });
    expect(res.status).toBe(200);
  });

  it('an event Zalo retried an hour later, within the replay window', async () => {
    const s = signedText({ timestamp: String(h.clock.now() - 3600_000), message: { text: 'menu', msg_id: 'late-1' } });
    const res = await post(s.body, { 'x-zevent-signature': s.signature });
    expect(res.status).toBe(200);
  });

  it('ignores our own oa_send_* echoes and receipts with 200 and no rows', async () => {
    const before = counts();
    for (const event of [
      events.oaEchoEvent(ids, '7001', 'xin chào', h.clock.now()),
      { event_name: 'user_seen_message', app_id: ids.appId, sender: { id: ids.oaId }, recipient: { id: '7001' }, message: { msg_ids: ['1'] }, timestamp: String(h.clock.now()) },
      { event_name: 'user_received_message', app_id: ids.appId, sender: { id: ids.oaId }, recipient: { id: '7001' }, message: { msg_id: '1' }, timestamp: String(h.clock.now()) },
    ]) {
      const res = await h.deliver(event);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, ignored: true });
    }
    expect(counts()).toEqual(before);
  });

  it('one event delivered five times is processed once', async () => {
    const event = events.userTextEvent(ids, '7002', 'menu', h.clock.now(), 'dup-msg-1');
    const before = counts();
    const bodies = [];
    for (let i = 0; i < 5; i++) {
      const res = await h.deliver(event);
      expect(res.status).toBe(200);
      bodies.push(await res.json());
    }
    expect(bodies.filter((b) => (b as { duplicate?: boolean }).duplicate)).toHaveLength(4);
    const after = counts();
    expect(after.events - before.events).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
  });

  it('keeps 64-bit ids exactly, as strings', async () => {
    const userId = '8426478924751286341';
    const res = await h.deliver(events.userTextEvent(ids, userId, 'menu', h.clock.now()));
    expect(res.status).toBe(200);
    const row = h.runtime.store.db.get(sql`select id from zalo_users where id = ${userId}`) as { id: string };
    expect(row.id).toBe(userId);
  });

  it('parses a user_submit_info whose phone is a JSON number', async () => {
    const event = { ...events.submitInfoEvent(ids, '7003', { name: 'A' }, h.clock.now()) } as Record<string, unknown>;
    (event.info as Record<string, unknown>).phone = 841213333111;
    const res = await h.deliver(event as { app_id: string; timestamp: string });
    expect(res.status).toBe(200);
  });
});

describe('POST /webhooks/zalo over HTTP, as Zalo calls it', () => {
  const overHttp = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
    fetch(`${h.runtime.url!}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
  /** The body as a stream of 16 KB chunks: sent with Transfer-Encoding: chunked, no Content-Length. */
  const chunked = (body: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += 16 * 1024) controller.enqueue(bytes.subarray(at, at + 16 * 1024));
        controller.close();
      },
    });

  it('takes a signed event with a Content-Length once', async () => {
    const s = signedText({ message: { text: 'menu', msg_id: 'http-1' } });
    const before = counts();
    const res = await overHttp(s.body, { 'x-zevent-signature': s.signature });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(counts().events - before.events).toBe(1);
    expect(counts().outbox - before.outbox).toBe(1);
  });

  it('takes a signed event with a Content-Length whose body comes in two writes', async () => {
    const s = signedText({ message: { text: 'menu', msg_id: 'http-split-1' } });
    const bytes = Buffer.from(s.body);
    const before = counts();
    const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length), 'x-zevent-signature': s.signature };
      const req = request(`${h.runtime.url!}/webhooks/zalo`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      });
      req.on('error', reject);
      req.write(bytes.subarray(0, 100));
      // The rest once the first part has been read on its own.
      setTimeout(() => req.end(bytes.subarray(100)), 50);
    });
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(counts().events - before.events).toBe(1);
  });

  it('takes a signed event sent in chunks', async () => {
    const s = signedText({ message: { text: 'menu', msg_id: 'http-chunked-1' } });
    const before = counts();
    const res = await overHttp(chunked(s.body), { 'x-zevent-signature': s.signature });
    expect(res.status).toBe(200);
    expect(counts().events - before.events).toBe(1);
  });

  it.each([
    ['with a Content-Length', (body: string) => body],
    ['sent in chunks', chunked],
  ])('answers 413 to a body over 64 KB %s and writes nothing', async (_how, shape) => {
    const s = signedText({ message: { text: 'menu', msg_id: 'http-big-1' }, padding: 'x'.repeat(70 * 1024) });
    const before = counts();
    const res = await overHttp(shape(s.body), { 'x-zevent-signature': s.signature });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(counts()).toEqual(before);
  });
});

describe('static assets', () => {
  it('serves the picture of the share-your-phone card as a PNG', async () => {
    const res = await h.runtime.app.request('/static/share-phone.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(h.runtime.config.zalo.requestInfoImageUrl).toMatch(/\/static\/share-phone\.png$/);
  });
});
