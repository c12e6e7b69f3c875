import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyConfigOf, ZaloClient } from '../src/zalo/client';
import { FakeZaloApi } from '../src/zalo/fakeApi';

/** A forwarding HTTP proxy that counts the connections made to it and the requests it carried. */
function startProxy(): Promise<{ server: Server; url: string; connections: () => number; forwarded: string[] }> {
  let connections = 0;
  const forwarded: string[] = [];
  const server = createServer((req, res) => {
    forwarded.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on('connection', () => connections++);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, forwarded })),
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

  const clientFor = (proxyUrl?: string) => {
    const { accessToken } = fake.issueTokens();
    const tokens = { current: async () => accessToken, refreshAfterRejection: async () => accessToken };
    return new ZaloClient({ apiBase, oauthBase: apiBase, appId: '1', appSecret: 's', timeoutMs: 5_000, proxyUrl }, tokens);
  };

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

  it('reads host, port and credentials from the proxy URL', () => {
    expect(proxyConfigOf('http://user:p%40ss@proxy.local:3128')).toEqual({ protocol: 'http', host: 'proxy.local', port: 3128, auth: { username: 'user', password: 'p@ss' } });
    expect(proxyConfigOf('https://proxy.local')).toEqual({ protocol: 'https', host: 'proxy.local', port: 443 });
  });
});
