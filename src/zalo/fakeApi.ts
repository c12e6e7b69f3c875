import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { messageRoutes } from './fakeApi/messageRoutes';
import { oauthRoutes } from './fakeApi/oauthRoutes';
import { FakeZaloState } from './fakeApi/state';
import { userRoutes } from './fakeApi/userRoutes';

/**
 * A stand-in for Zalo's OA Open API and OAuth v4 host that speaks the documented contract (ZALO.md):
 * the `access_token` header, the `{ error, message, data }` envelope with HTTP 200 on failure, single-use
 * rotating refresh tokens, the 7-day window, and injectable faults. The tests and the built-in simulator
 * both use this one implementation: its state in fakeApi/state.ts, its routes by group in fakeApi/.
 */
export class FakeZaloApi extends FakeZaloState {
  readonly app = new Hono();
  private server: ServerType | null = null;

  constructor(clock: () => number = Date.now) {
    super(clock);
    messageRoutes(this.app, this);
    userRoutes(this.app, this);
    oauthRoutes(this.app, this);
  }

  /** Serves the fake on 127.0.0.1 (port 0 = any free port) and returns its base URL. */
  async listen(port = 0): Promise<string> {
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: this.app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
