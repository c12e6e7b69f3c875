import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oaTokens } from '../src/store/schema';
import { startHarness, type Harness } from './harness';
import { api, login, makeStaff, postForm, tokenFor, type Session } from './staffSupport';

/** Edges an attacker tries first: the simulator's pages, the OA consent callback, headers, body sizes. */

let h: Harness;
let admin: Session;
let token: string;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
  const user = await makeStaff(h, 'an-ninh', 'admin');
  admin = await login(h, user.username);
  token = tokenFor(h, user.id);
});
afterAll(() => h?.stop());

describe('configuration traps', () => {
  it('the simulator pages are not mounted unless ZALO_MODE=simulator', async () => {
    for (const path of ['/dev', '/dev/chat', '/dev/mail']) {
      expect((await h.runtime.app.request(path)).status, path).toBe(404);
    }
  });

  it('the OA consent callback without state is refused and stores nothing', async () => {
    const started = await postForm(h, '/staff/zalo/connect', admin);
    expect(started.status).toBe(303);
    const tokensBefore = h.runtime.store.db.select().from(oaTokens).all();
    const res = await h.runtime.app.request('/staff/zalo/callback?code=planted-code', { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Phiên kết nối không hợp lệ');
    expect(h.runtime.store.db.select().from(oaTokens).all()).toEqual(tokensBefore);
  });
});

describe('security headers', () => {
  const page = async (path: string, s?: Session) => h.runtime.app.request(path, { headers: s ? { cookie: s.cookie } : {} });

  it('every page and API answer: CSP without inline script, no framing, nosniff, no referrer, no-store', async () => {
    const answers: [string, Response][] = [
      ['login page', await page('/staff/login')],
      ['registry page', await page('/staff/registry', admin)],
      ['denied page', await page('/staff/registry')],
      ['API answer', await api(h, '/api/registry/cadres', token)],
      ['API error', await api(h, '/api/registry/cadres', null)],
      ['acknowledge link', await page('/ack/requests/1?t=x')],
      ['webhook', await h.runtime.app.request('/webhooks/zalo', { method: 'POST', body: '{}' })],
    ];
    for (const [label, res] of answers) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, label).toContain("script-src 'self'");
      expect(csp, label).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp, label).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), label).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), label).toBe('no-referrer');
      expect(res.headers.get('cache-control'), label).toBe('no-store');
      // Served over http here: no HSTS.
      expect(res.headers.get('strict-transport-security'), label).toBeNull();
    }
  });

  it('no staff page carries an inline script', async () => {
    for (const path of ['/staff', '/staff/registry', '/staff/requests', '/staff/booking', '/staff/results', '/staff/broadcasts', '/staff/reports', '/staff/users', '/staff/zalo']) {
      const html = await (await page(path, admin)).text();
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
        expect(tag, path).toMatch(/\bsrc="|type="application\/json"/);
      }
    }
    const script = await page('/static/broadcast-progress.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('HSTS when the base URL is https', async () => {
    const secure = await startHarness({ env: { ROLES: 'web', PUBLIC_BASE_URL: 'https://cadrecare.example.vn' } });
    try {
      const res = await secure.runtime.app.request('/staff/login');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    } finally {
      await secure.stop();
    }
  });
});

describe('body size', () => {
  it('an /api JSON body over the limit answers 413 with a code, before authentication', async () => {
    const big = JSON.stringify({ ids: [1], pad: 'x'.repeat(300 * 1024) });
    for (const t of [token, null]) {
      const res = await api(h, '/api/results/release', t, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    }
    // A body within the limit reaches the handler.
    const small = await api(h, '/api/results/release', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [999999] }) });
    expect(small.status).not.toBe(413);
  });
});
