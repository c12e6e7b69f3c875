import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults: simulator mode, both roles, data under ./data', () => {
    const c = loadConfig({});
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
    expect(loadConfig({ REDIS_URL: '', PORT: '' }).http.port).toBe(3000);
  });
});
