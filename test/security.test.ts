import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oaTokens } from '../src/store/schema';
import { startHarness, type Harness } from './harness';
import { login, makeStaff, postForm, type Session } from './staffSupport';

/** Edges an attacker tries first: the simulator's pages, the OA consent callback, headers, body sizes. */

let h: Harness;
let admin: Session;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
  admin = await login(h, (await makeStaff(h, 'an-ninh', 'admin')).username);
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
