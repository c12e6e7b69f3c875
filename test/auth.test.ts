import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../src/config';
import { hashPassword, verifyPassword } from '../src/domain/staff/staff';
import { resolveSessionSecret } from '../src/http/auth/secret';
import { LoginRateLimiter } from '../src/http/auth/rateLimit';
import { apiTokens, auditLog, staffUsers } from '../src/store/schema';
import { ManualClock, startHarness, type Harness } from './harness';
import { api, cookieFrom, csrfFrom, get, login, makeStaff, PASSWORD, postForm, postLogin, seedClinics, tokenFor } from './staffSupport';

let h: Harness;
const clock = new ManualClock(Date.UTC(2025, 8, 1, 2, 0, 0));

beforeAll(async () => {
  h = await startHarness({ clock, env: { ROLES: 'web' } });
  seedClinics(h);
  await makeStaff(h, 'quantri', 'admin');
  await makeStaff(h, 'dieuphoi', 'coordinator');
  await makeStaff(h, 'xem', 'viewer');
});
afterAll(() => h?.stop());

const audits = (action: string) => h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, action)).all();

describe('passwords', () => {
  it('are salted scrypt hashes checked in constant time', async () => {
    const a = await hashPassword('Mật khẩu rất dài 123');
    const b = await hashPassword('Mật khẩu rất dài 123');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('Mật khẩu rất dài 123', a)).toBe(true);
    expect(await verifyPassword('Mật khẩu rất dài 124', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe('login', () => {
  it('shows a Vietnamese login form', async () => {
    const res = await get(h, '/staff/login');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Đăng nhập cho nhân viên');
    expect(html).toContain('lang="vi"');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie, redirects, and audits the login', async () => {
    const res = await postLogin(h, 'QuanTri', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('cc_staff='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i);
    expect(set).toMatch(/Path=\//);
    const user = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'quantri')).get()!;
    expect(user.lastLoginAt).toBe(clock.now());
    expect(audits('staff.login').at(-1)).toMatchObject({ actorType: 'staff', actorId: String(user.id), entityId: String(user.id) });

    const page = await get(h, '/staff/registry', { cookie: cookieFrom(res), csrf: '' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Nhân viên quantri');
  });

  it('follows ?next only to staff pages', async () => {
    const body = (next: string) => new URLSearchParams({ username: 'xem', password: PASSWORD, next }).toString();
    const post = (next: string) =>
      h.runtime.app.request('/staff/login', { method: 'POST', headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' }, body: body(next) });
    expect((await post('/staff/registry?q=an')).headers.get('location')).toBe('/staff/registry?q=an');
    expect((await post('https://evil.example/')).headers.get('location')).toBe('/staff');
    expect((await post('//evil.example/staff')).headers.get('location')).toBe('/staff');
  });

  it('refuses a wrong password or unknown user with the same message and audits the attempt', async () => {
    for (const [u, p] of [['quantri', 'sai-mat-khau-1'], ['khongco', PASSWORD]] as const) {
      const res = await postLogin(h, u, p);
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('cc_staff='))).toBe(false);
      expect(await res.text()).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    }
    expect(audits('staff.login_failed').map((a) => (a.detail as { username: string }).username)).toEqual(['quantri', 'khongco']);
  });

  it('a deactivated account cannot log in', async () => {
    await makeStaff(h, 'dakhoa', 'viewer');
    h.runtime.store.db.update(staffUsers).set({ active: false }).where(eq(staffUsers.username, 'dakhoa')).run();
    expect((await postLogin(h, 'dakhoa', PASSWORD)).status).toBe(401);
  });

  it('an account that keeps failing gets a growing delay between tries, never a lockout', async () => {
    for (let i = 0; i < 3; i++) expect((await postLogin(h, 'dieuphoi', `sai-${i}-mat-khau`)).status).toBe(401);
    const blocked = await postLogin(h, 'dieuphoi', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBe(1);
    expect(await blocked.text()).toContain('Bạn đã nhập sai nhiều lần');
    // Another username from the same place is not affected.
    expect((await postLogin(h, 'xem', PASSWORD)).status).toBe(303);
    clock.advance(1_000);
    expect((await postLogin(h, 'dieuphoi', 'sai-nua-mat-khau')).status).toBe(401);
    // The delay doubles (2 s), but the right password works as soon as it has passed: no 15-minute lockout.
    clock.advance(1_000);
    expect((await postLogin(h, 'dieuphoi', PASSWORD)).status).toBe(429);
    clock.advance(1_000);
    expect((await postLogin(h, 'dieuphoi', PASSWORD)).status).toBe(303);
  });

  it('password spraying from one address is stopped across usernames', async () => {
    clock.advance(16 * 60_000);
    const names = Array.from({ length: 12 }, (_, i) => `nguoi-${i}`);
    for (let i = 0; i < 20; i++) expect((await postLogin(h, names[i % 12]!, `Mua-thu-${i}`)).status, `try ${i}`).toBe(401);
    // Even a right password of an untouched account waits while the address is over its limit.
    const res = await postLogin(h, 'xem', PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
    clock.advance(15 * 60_000 + 1_000);
    expect((await postLogin(h, 'xem', PASSWORD)).status).toBe(303);
  });

  it('the counts live in SQLite: two web processes share them, and another address is not slowed', () => {
    const one = new LoginRateLimiter(h.runtime.store.db, clock);
    const two = new LoginRateLimiter(h.runtime.store.db, clock);
    for (let i = 0; i < 20; i++) one.recordFailure(`phun-${i}`, '203.0.113.9');
    expect(two.retryAfterMs('ai-do', '203.0.113.9')).toBeGreaterThan(0);
    expect(two.retryAfterMs('ai-do', '198.51.100.7')).toBe(0);
    clock.advance(16 * 60_000);
    expect(two.retryAfterMs('ai-do', '203.0.113.9')).toBe(0);
  });
});

describe('sessions end on the server', () => {
  it('logging out makes the old cookie useless at once', async () => {
    const s = await login(h, 'xem');
    expect((await get(h, '/staff/registry', s)).status).toBe(200);
    expect((await postForm(h, '/staff/logout', s)).status).toBe(303);
    expect((await get(h, '/staff/registry', s)).status).toBe(401);
    expect((await postForm(h, '/staff/account/password', s, { currentPassword: PASSWORD, newPassword: 'mat-khau-moi-12345' })).status).toBe(401);
  });

  it('staff change their own password (page and API); other sessions and API tokens end, this browser stays in', async () => {
    const user = await makeStaff(h, 'doimk', 'doctor');
    const here = await login(h, 'doimk');
    const elsewhere = await login(h, 'doimk');
    const token = tokenFor(h, user.id);
    const wrong = await postForm(h, '/staff/account/password', here, { currentPassword: 'khong-dung-1234', newPassword: 'mat-khau-moi-12345', confirmPassword: 'mat-khau-moi-12345' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Mật khẩu hiện tại không đúng');
    const ok = await postForm(h, '/staff/account/password', here, { currentPassword: PASSWORD, newPassword: 'mat-khau-moi-12345', confirmPassword: 'mat-khau-moi-12345' });
    expect(ok.status).toBe(303);
    const fresh = { cookie: cookieFrom(ok), csrf: '' };
    expect((await get(h, '/staff/account/password?msg=changed', fresh)).status).toBe(200);
    expect((await get(h, '/staff/registry', elsewhere)).status).toBe(401);
    expect((await api(h, '/api/me', token)).status).toBe(401);
    expect((await postLogin(h, 'doimk', PASSWORD)).status).toBe(401);
    expect((await postLogin(h, 'doimk', 'mat-khau-moi-12345')).status).toBe(303);
    // The API: the current password is checked, then every token of the account is revoked.
    const token2 = tokenFor(h, user.id);
    const json = (body: unknown) => api(h, '/api/me/password', token2, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await json({ currentPassword: 'sai-mat-khau-1', newPassword: 'mat-khau-thu-ba-123' });
    expect(refused.status).toBe(400);
    // A check made by hand names the field the way a schema's check does.
    expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual([
      { path: 'currentPassword', field: 'Mật khẩu hiện tại', message: 'Mật khẩu hiện tại không đúng.' },
    ]);
    expect((await json({ currentPassword: 'mat-khau-moi-12345', newPassword: 'mat-khau-thu-ba-123' })).status).toBe(200);
    expect((await api(h, '/api/me', token2)).status).toBe(401);
    expect((await postLogin(h, 'doimk', 'mat-khau-thu-ba-123')).status).toBe(303);
  });
});

describe('API tokens', () => {
  it('expire, and are revoked by a password reset and by deactivation', async () => {
    const user = await makeStaff(h, 'tokenhan', 'coordinator');
    const token = tokenFor(h, user.id);
    expect((await api(h, '/api/me', token)).status).toBe(200);
    clock.advance(89 * 24 * 3600_000);
    expect((await api(h, '/api/me', token)).status).toBe(200);
    clock.advance(2 * 24 * 3600_000);
    expect((await api(h, '/api/me', token)).status).toBe(401);

    const admin = await login(h, 'quantri');
    const reset = tokenFor(h, user.id);
    // Resetting asks first; the asking page changes nothing.
    const asked = await postForm(h, `/staff/users/${user.id}/password`, admin);
    expect(await asked.text()).toContain('Đặt lại mật khẩu?');
    expect((await api(h, '/api/me', reset)).status).toBe(200);
    expect((await postForm(h, `/staff/users/${user.id}/password`, admin, { confirm: '1' })).status).toBe(200);
    expect((await api(h, '/api/me', reset)).status).toBe(401);

    const deactivated = tokenFor(h, user.id);
    h.runtime.store.db.update(staffUsers).set({ active: true }).where(eq(staffUsers.id, user.id)).run();
    const { updateStaffUser } = await import('../src/domain/staff/staff');
    updateStaffUser(h.runtime.store.db, user.id, { active: false }, clock.now());
    const row = h.runtime.store.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, createHash('sha256').update(deactivated).digest('hex'))).get()!;
    expect(row.revokedAt).not.toBeNull();
  });
});

describe('sessions', () => {
  it('a page needs a login: 401 with the login form', async () => {
    const res = await get(h, '/staff/registry?q=an');
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('Vui lòng đăng nhập để tiếp tục.');
    expect(html).toContain('value="/staff/registry?q=an"');
  });

  it('rejects a tampered or expired cookie', async () => {
    const s = await login(h, 'xem');
    const [name, value] = s.cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const forged = decoded.replace(/^(\d+)\./, '1.'); // someone else's id, same signature
    expect((await get(h, '/staff/registry', { cookie: `${name}=${encodeURIComponent(forged)}`, csrf: '' })).status).toBe(401);
    clock.advance(12 * 3600_000 + 1000);
    expect((await get(h, '/staff/registry', s)).status).toBe(401);
  });

  it('a password reset ends the sessions of that account', async () => {
    const admin = await login(h, 'quantri');
    const viewer = await login(h, 'xem');
    const id = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'xem')).get()!.id;
    const res = await postForm(h, `/staff/users/${id}/password`, admin, { confirm: '1' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const newPassword = /<span class="secret" id="secret">([^<]+)<\/span>/.exec(html)![1]!;
    expect((await get(h, '/staff/registry', viewer)).status).toBe(401);
    expect((await postLogin(h, 'xem', PASSWORD)).status).toBe(401);
    expect((await postLogin(h, 'xem', newPassword)).status).toBe(303);
    await h.runtime.store.db.update(staffUsers).set({ passwordHash: await hashPassword(PASSWORD) }).where(eq(staffUsers.id, id)).run();
  });

  it('logout clears the cookie', async () => {
    const s = await login(h, 'xem');
    const res = await postForm(h, '/staff/logout', s);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/login');
    expect(res.headers.getSetCookie().find((c) => c.startsWith('cc_staff='))).toMatch(/Max-Age=0/);
  });
});

describe('CSRF', () => {
  it('a form POST without the session token, with another session token, or from another origin is refused', async () => {
    const admin = await login(h, 'quantri');
    const other = await login(h, 'dieuphoi');
    const count = () => h.runtime.store.db.select().from(staffUsers).all().length;
    const before = count();
    const fields = { username: 'moi.tao', fullName: 'Nhân viên mới', role: 'viewer', clinicId: '', email: '', zaloUserId: '' };

    const noToken = await postForm(h, '/staff/users', admin, fields, { csrf: null });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('Biểu mẫu đã hết hạn hoặc không hợp lệ');
    expect((await postForm(h, '/staff/users', admin, fields, { csrf: other.csrf })).status).toBe(403);
    expect((await postForm(h, '/staff/users', admin, fields, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await postForm(h, '/staff/users', admin, fields, { origin: 'https://evil.example' })).status).toBe(403);
    expect(count()).toBe(before);

    const ok = await postForm(h, '/staff/users', admin, fields);
    expect(ok.status).toBe(201);
    expect(count()).toBe(before + 1);
  });

  it('every staff form carries the token', async () => {
    const admin = await login(h, 'quantri');
    const html = await (await get(h, '/staff/users', admin)).text();
    const forms = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(1);
    for (const f of forms) expect(csrfFrom(f)).toBe(admin.csrf);
  });
});

describe('API tokens', () => {
  it('authenticate /api with Bearer; only a SHA-256 hash is stored; revoked tokens stop working', async () => {
    const coordinator = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'dieuphoi')).get()!;
    const token = tokenFor(h, coordinator.id);
    const stored = h.runtime.store.db.select().from(apiTokens).where(eq(apiTokens.staffId, coordinator.id)).get()!;
    expect(stored.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);

    const missing = await api(h, '/api/me', null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await api(h, '/api/me', 'cc_' + 'A'.repeat(43))).status).toBe(401);

    const me = await api(h, '/api/me', token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ staff: { username: 'dieuphoi', role: 'coordinator' } });
    expect(h.runtime.store.db.select().from(apiTokens).where(eq(apiTokens.id, stored.id)).get()!.lastUsedAt).toBe(clock.now());

    // Revoked from the staff page by an admin.
    const admin = await login(h, 'quantri');
    const res = await postForm(h, `/staff/users/${coordinator.id}/tokens/${stored.id}/revoke`, admin, { confirm: '1' });
    expect(res.status).toBe(303);
    expect((await api(h, '/api/me', token)).status).toBe(401);
    expect(h.runtime.store.db.select().from(auditLog).where(and(eq(auditLog.action, 'api_token.revoke'), eq(auditLog.entityId, String(stored.id)))).all()).toHaveLength(1);
  });

  it('a token created on the staff page is shown once and works', async () => {
    const admin = await login(h, 'quantri');
    const viewer = h.runtime.store.db.select().from(staffUsers).where(eq(staffUsers.username, 'xem')).get()!;
    const res = await postForm(h, `/staff/users/${viewer.id}/tokens`, admin, { name: 'Báo cáo' });
    expect(res.status).toBe(200);
    const token = /<span class="secret" id="secret">([^<]+)<\/span>/.exec(await res.text())![1]!;
    expect((await api(h, '/api/me', token)).status).toBe(200);
    expect(await (await get(h, `/staff/users/${viewer.id}`, admin)).text()).not.toContain(token);
  });

  it('session cookies do not authenticate the API', async () => {
    const admin = await login(h, 'quantri');
    expect((await h.runtime.app.request('/api/me', { headers: { cookie: admin.cookie } })).status).toBe(401);
  });
});

describe('session secret', () => {
  it('is required in production and must be long', () => {
    const base = { NODE_ENV: 'production', ZALO_APP_ID: '1', ZALO_APP_SECRET: 's', ZALO_OA_SECRET_KEY: 'k', PUBLIC_BASE_URL: 'https://cadrecare.example.vn' };
    const good = 'k3Jq9vXr2TmW8zLpY5nBc7HdF4sGa6Qe1uVo0iRtZyMx';
    expect(() => loadConfig(base)).toThrow(ConfigError);
    expect(() => loadConfig(base)).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
    // Long but guessable: one character repeated, or a word repeated.
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'a'.repeat(32) })).toThrow(/SESSION_SECRET: too easy to guess/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'abab'.repeat(10) })).toThrow(/SESSION_SECRET: too easy to guess/);
    expect(loadConfig({ ...base, SESSION_SECRET: good }).staff.sessionSecret).toBe(good);
  });

  it('is generated once into DATA_DIR with 0600 permissions when unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadrecare-secret-'));
    const file = join(dir, 'session-secret');
    const first = resolveSessionSecret(undefined, file);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSessionSecret(undefined, file)).toBe(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(resolveSessionSecret('configured-k3Jq9vXr2TmW8zLpY5nB', file)).toBe('configured-k3Jq9vXr2TmW8zLpY5nB');
  });

  it('cookies are Secure when PUBLIC_BASE_URL is https', async () => {
    const secure = await startHarness({ env: { ROLES: 'web', PUBLIC_BASE_URL: 'https://cadrecare.example.vn' } });
    try {
      await makeStaff(secure, 'quantri', 'admin');
      const res = await secure.runtime.app.request('/staff/login', {
        method: 'POST',
        headers: { origin: 'https://cadrecare.example.vn', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'quantri', password: PASSWORD }).toString(),
      });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith('cc_staff='))).toMatch(/; Secure/);
    } finally {
      await secure.stop();
    }
  });
});
