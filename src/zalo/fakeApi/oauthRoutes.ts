import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import type { FakeZaloState } from './state';

/** OAuth v4: the permission page an OA admin consents on, and the token endpoint (code with PKCE, or a single-use refresh token). */
export function oauthRoutes(app: Hono, api: FakeZaloState): void {
  permissionPage(app, api);
  accessToken(app, api);
}

// OAuth v4 permission page (ZALO.md §4): "Cho phép" sends the OA admin back with a single-use code (10 minutes).
function permissionPage(app: Hono, api: FakeZaloState): void {
  app.get('/v4/oa/permission', (c) => {
    const appId = c.req.query('app_id') ?? '';
    const redirectUri = c.req.query('redirect_uri') ?? '';
    const challenge = c.req.query('code_challenge') ?? '';
    const state = c.req.query('state');
    if (!/^\d+$/.test(appId) || !/^https?:\/\//.test(redirectUri) || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return c.html('<!doctype html><meta charset="utf-8"><h1>Yêu cầu không hợp lệ</h1>', 400);
    }
    const code = api.grantConsentCode(appId, challenge);
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('oa_id', api.oaId);
    if (state) back.searchParams.set('state', state);
    const href = back.toString().replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    return c.html(
      `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Zalo (mô phỏng) · Cấp quyền</title>` +
        `<body style="font:16px system-ui;background:#f1f4f8;display:flex;justify-content:center;padding:3rem 1rem"><div style="background:#fff;border-radius:12px;padding:1.5rem;max-width:420px;box-shadow:0 2px 12px #0001">` +
        `<h1 style="font-size:1.2rem;color:#0068ff">Zalo (mô phỏng)</h1><p>Ứng dụng <b>${appId}</b> xin quyền quản lý Official Account <b>${api.oaId}</b>.</p>` +
        `<p><a id="allow" href="${href}" style="display:inline-block;background:#0068ff;color:#fff;padding:.6rem 1.2rem;border-radius:8px;text-decoration:none">Cho phép</a></p></div></body></html>`,
    );
  });
}

function accessToken(app: Hono, api: FakeZaloState): void {
  app.post('/v4/oa/access_token', async (c) => {
    const fault = api.takeFault('token');
    api.calls.push({ route: 'token', outcome: fault?.error ?? 0 });
    if (fault) {
      if (fault.status) return c.json({ error: -1, message: 'Internal error' }, fault.status as 500);
      return c.json({ error: fault.error ?? -14014, error_name: 'Invalid refresh token', error_reason: 'Injected' });
    }
    if (!c.req.header('secret_key')) return c.json({ error: -14001, error_name: 'Missing secret_key header' });
    const form = new URLSearchParams(await c.req.text());
    if (form.get('grant_type') === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      if (!api.useRefreshToken(rt)) {
        return c.json({ error: -14014, error_name: 'Invalid refresh token', error_reason: 'refresh token is invalid or used' });
      }
      const pair = api.issueTokens();
      return c.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) });
    }
    const code = form.get('code');
    const verifier = form.get('code_verifier');
    if (form.get('grant_type') === 'authorization_code' && code && verifier) {
      const consent = api.redeemConsentCode(code);
      if (!consent || consent.appId !== form.get('app_id')) {
        return c.json({ error: -14019, error_name: 'Invalid authorization code', error_reason: 'code is unknown, used or expired' });
      }
      const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
      if (challenge !== consent.challenge) return c.json({ error: -14020, error_name: 'Invalid code verifier', error_reason: 'code_verifier does not match code_challenge' });
      const pair = api.issueTokens();
      return c.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: String(pair.expiresIn) });
    }
    return c.json({ error: -14002, error_name: 'Invalid grant' });
  });
}
