import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyConfigOf, ZaloClient } from '../src/zalo/client';
import { ZaloApiError } from '../src/zalo/errors';
import { FakeZaloApi } from '../src/zalo/fakeApi';

/** A forwarding HTTP proxy that counts the connections made to it and the requests it carried. */
/** A server that answers every request as `answer` says (or never, for a timeout). */
function startOddServer(answer: (res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => answer(res));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

function startProxy(): Promise<{ server: Server; url: string; connections: () => number; forwarded: string[]; credentials: (string | undefined)[] }> {
  let connections = 0;
  const forwarded: string[] = [];
  const credentials: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    forwarded.push(req.url ?? '');
    credentials.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on('connection', () => connections++);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, forwarded, credentials })),
  );
}

describe('Zalo client transport', () => {
  const fake = new FakeZaloApi();
  let apiBase = '';
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    apiBase = await fake.listen();
    proxy = await startProxy();
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => proxy.server.close(resolve));
  });

  const clientFor = (proxyUrl?: string, base = apiBase, timeoutMs = 5_000) => {
    const { accessToken } = fake.issueTokens();
    const tokens = { current: async () => accessToken, refreshAfterRejection: async () => accessToken };
    return new ZaloClient({ apiBase: base, oauthBase: base, appId: '1', appSecret: 's', timeoutMs, proxyUrl }, tokens);
  };

  /** What a send to this odd server ends in: its error kind, code and message. */
  async function sendFailure(answer: (res: ServerResponse) => void, timeoutMs = 5_000) {
    const odd = await startOddServer(answer);
    try {
      const err = await clientFor(undefined, odd.url, timeoutMs)
        .sendMessage('7009', { type: 'text', text: 'Chào Bà' }, { buttons: false })
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ZaloApiError);
      const { kind, code, message } = err as ZaloApiError;
      return { kind, code, message };
    } finally {
      odd.server.closeAllConnections();
      await new Promise((resolve) => odd.server.close(resolve));
    }
  }

  it('sends through the configured proxy, one kept-open connection for calls one after another', async () => {
    fake.upsertUser({ userId: '7001' });
    fake.touch('7001');
    const client = clientFor(proxy.url);
    for (const text of ['Một', 'Hai', 'Ba']) await client.sendMessage('7001', { type: 'text', text }, { buttons: false });
    expect(fake.messagesTo('7001').map((m) => m.text)).toEqual(['Một', 'Hai', 'Ba']);
    expect(proxy.forwarded).toEqual(Array(3).fill(`${apiBase}/v3.0/oa/message/cs`));
    expect(proxy.connections()).toBe(1);
  });

  it('goes straight to the API when no proxy is configured', async () => {
    fake.upsertUser({ userId: '7002' });
    fake.touch('7002');
    const before = proxy.forwarded.length;
    await clientFor().sendMessage('7002', { type: 'text', text: 'Chào Ông' }, { buttons: false });
    expect(fake.messagesTo('7002').map((m) => m.text)).toEqual(['Chào Ông']);
    expect(proxy.forwarded.length).toBe(before);
  });

  it('gives the proxy the credentials of its URL', async () => {
    fake.upsertUser({ userId: '7003' });
    fake.touch('7003');
    const withCredentials = proxy.url.replace('http://', 'http://user:p%40ss@');
    await clientFor(withCredentials).sendMessage('7003', { type: 'text', text: 'Chào Bà' }, { buttons: false });
    expect(fake.messagesTo('7003').map((m) => m.text)).toEqual(['Chào Bà']);
    expect(proxy.credentials.at(-1)).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('carries a read call\'s payload in the data query parameter', async () => {
    fake.upsertUser({ userId: '7004', displayName: 'Nguyễn Văn Hùng', isFollower: true });
    const profile = await clientFor().getProfile('7004');
    expect(profile).toMatchObject({ userId: '7004', displayName: 'Nguyễn Văn Hùng', isFollower: true });
  });

  it('sorts answers that are not Zalo envelopes: not JSON and 5xx are transient, 4xx permanent, 429 transient', async () => {
    const text = (status: number, body: string) => (res: ServerResponse) => res.writeHead(status, { 'content-type': 'text/html' }).end(body);
    expect(await sendFailure(text(200, '<html>gateway</html>'))).toMatchObject({ kind: 'transient', code: 0, message: expect.stringContaining('unexpected response shape') });
    expect(await sendFailure(text(502, 'Bad Gateway'))).toMatchObject({ kind: 'transient', code: 502 });
    expect(await sendFailure(text(404, 'Not Found'))).toMatchObject({ kind: 'permanent', code: 404 });
    expect(await sendFailure(text(429, 'Slow down'))).toMatchObject({ kind: 'transient', code: 429 });
  });

  it('gives up on a call left unanswered after the timeout, as transient (Zalo may have it)', async () => {
    expect(await sendFailure(() => undefined, 200)).toMatchObject({ kind: 'transient', code: 0, message: expect.stringContaining('ECONNABORTED') });
  });

  it('reads host, port and credentials from the proxy URL', () => {
    expect(proxyConfigOf('http://user:p%40ss@proxy.local:3128')).toEqual({ protocol: 'http', host: 'proxy.local', port: 3128, auth: { username: 'user', password: 'p@ss' } });
    expect(proxyConfigOf('https://proxy.local')).toEqual({ protocol: 'https', host: 'proxy.local', port: 443 });
  });
});
