import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults: both roles, data under ./data; the simulator only when named', () => {
    const c = loadConfig({ ZALO_MODE: 'simulator' });
    expect(c.zalo.mode).toBe('simulator');
    expect([...c.roles]).toEqual(['web', 'worker']);
    expect(c.databaseFile).toBe('./data/cadrecare.db');
    expect(c.webhook.replayWindowMs).toBe(24 * 3600_000);
    expect(c.zalo.buttons).toBe(true);
  });

  it('switches to live mode when the OA credentials are present, with buttons off unless asked', () => {
    const c = loadConfig({ ZALO_APP_ID: '123', ZALO_APP_SECRET: 's', ZALO_OA_SECRET_KEY: 'k' });
    expect(c.zalo.mode).toBe('live');
    expect(c.zalo.buttons).toBe(false);
    expect(loadConfig({ ZALO_APP_ID: '123', ZALO_APP_SECRET: 's', ZALO_OA_SECRET_KEY: 'k', ZALO_BUTTONS: 'true' }).zalo.buttons).toBe(true);
  });

  const bad: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ROLES: 'web,cook' }, 'ROLES'],
    [{ ROLES: '' , NODE_ENV: 'nope' }, 'NODE_ENV'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ ZALO_APP_ID: 'abc' }, 'ZALO_APP_ID'],
    [{ ZALO_MODE: 'live' }, 'ZALO_APP_SECRET'],
    [{ NODE_ENV: 'production' }, 'ZALO_MODE'],
    [{ WEBHOOK_REPLAY_WINDOW_SECONDS: '5' }, 'WEBHOOK_REPLAY_WINDOW_SECONDS'],
    [{ ZALO_TEMPLATES: '{"a": 1' }, 'ZALO_TEMPLATES'],
    [{ QUEUE_PREFIX: 'a:b' }, 'QUEUE_PREFIX'],
  ];
  it.each(bad)('%j is refused, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).message).toContain(name);
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ZALO_MODE: 'simulator', REDIS_URL: '', PORT: '' }).http.port).toBe(3000);
  });

  describe('traps', () => {
    const prod = {
      NODE_ENV: 'production',
      ZALO_APP_ID: '123',
      ZALO_APP_SECRET: 'real-app-secret',
      ZALO_OA_SECRET_KEY: 'real-oa-secret',
      SESSION_SECRET: 'k3Jq9vXr2TmW8zLpY5nBc7HdF4sGa6Qe1uVo0iRtZyMx',
      PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
    };
    const refused = (env: Record<string, string>, name: RegExp) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    };

    it('a sound production configuration loads', () => {
      expect(loadConfig(prod).staff.secureCookies).toBe(true);
    });

    it('production refuses the simulator secrets, a guessable SESSION_SECRET and an http base URL', () => {
      refused({ ...prod, ZALO_OA_SECRET_KEY: 'simulator-oa-secret-key' }, /ZALO_OA_SECRET_KEY/);
      refused({ ...prod, ZALO_APP_SECRET: 'simulator-app-secret' }, /ZALO_APP_SECRET/);
      refused({ ...prod, SESSION_SECRET: 'a'.repeat(32) }, /SESSION_SECRET/);
      refused({ ...prod, PUBLIC_BASE_URL: 'http://cadrecare.example.vn' }, /PUBLIC_BASE_URL/);
      const { PUBLIC_BASE_URL: _, ...noBase } = prod;
      refused(noBase, /PUBLIC_BASE_URL/);
      // Loopback only (a local run of the production build) may stay http.
      expect(loadConfig({ ...prod, PUBLIC_BASE_URL: 'http://127.0.0.1:8080' }).http.publicBaseUrl).toBe('http://127.0.0.1:8080');
      refused({ ...prod, PUBLIC_BASE_URL: 'http://127.0.0.1.evil.example' }, /PUBLIC_BASE_URL/);
    });

    it('without credentials and without ZALO_MODE=simulator the service refuses to start rather than run the simulator', () => {
      refused({}, /ZALO_APP_ID: required when ZALO_MODE=live/);
      refused({ NODE_ENV: 'development' }, /ZALO_MODE=simulator/);
      expect(loadConfig({ ZALO_MODE: 'simulator' }).zalo.mode).toBe('simulator');
    });
  });
});
