import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { StaffRole } from '../src/store/schema';
import { cadres, proxies, zaloLinks } from '../src/store/schema';
import { startHarness, type Harness } from './harness';
import { api, login, makeStaff, postForm, seedClinics, seedZaloUser, tokenFor, type Session } from './staffSupport';

/**
 * Who may do what, tried exhaustively: every role against every staff page and API endpoint. A denied pair
 * must answer 403 (401 without a login) and carry none of the registry's data.
 */

let h: Harness;
const roles = ['admin', 'coordinator', 'doctor', 'clinic_staff', 'viewer'] as const satisfies readonly StaffRole[];
const sessions = {} as Record<StaffRole, Session>;
const tokens = {} as Record<StaffRole, string>;
let cadreId = 0;
let proxyIds: number[] = [];
const SECRET_BITS = ['Trương Thị Huyền', 'HP-7781', '84915000777', '1944-03-08'];

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
  const clinic = seedClinics(h);
  const now = h.clock.now();
  cadreId = h.runtime.store.db
    .insert(cadres)
    .values({ code: 'HP-7781', fullName: 'Trương Thị Huyền', birthDate: '1944-03-08', sex: 'female', category: 'nguyen_chuc', phone: '84915000777', clinicId: clinic.a, healthClass: 'III', createdAt: now, updatedAt: now })
    .returning({ id: cadres.id })
    .get().id;
  seedZaloUser(h, '9100000000000000001');
  proxyIds = ['9100000000000000011', '9100000000000000012'].map((zid) => {
    seedZaloUser(h, zid);
    return h.runtime.store.db.insert(proxies).values({ zaloUserId: zid, cadreId, relation: 'con gái', requestedAt: now }).returning({ id: proxies.id }).get().id;
  });
  for (const role of roles) {
    // clinic_staff belongs to the other clinic: the cadre is outside their scope.
    const user = await makeStaff(h, `u-${role}`.replace('_', '-'), role, role === 'clinic_staff' ? clinic.b : null);
    sessions[role] = await login(h, user.username);
    tokens[role] = tokenFor(h, user.id);
  }
});
afterAll(() => h?.stop());

type Probe = { name: string; allowed: readonly StaffRole[]; page: (s: Session | undefined) => Promise<Response>; api?: (t: string | null) => Promise<Response> };

const get = (path: string) => async (s: Session | undefined) => h.runtime.app.request(path, { headers: s ? { cookie: s.cookie } : {} });
const apiGet = (path: string) => (t: string | null) => api(h, path, t);
const apiJson = (method: string, path: string, body: unknown) => (t: string | null) =>
  api(h, path, t, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const probes = (): Probe[] => [
  { name: 'registry list', allowed: roles, page: get('/staff/registry'), api: apiGet('/api/registry/cadres') },
  {
    name: 'cadre detail',
    allowed: ['admin', 'coordinator', 'doctor', 'viewer'],
    page: get(`/staff/registry/${cadreId}`),
    api: apiGet(`/api/registry/cadres/${cadreId}`),
  },
  { name: 'import page', allowed: ['admin', 'coordinator'], page: get('/staff/registry/import') },
  { name: 'template', allowed: ['admin', 'coordinator'], page: get('/staff/registry/template'), api: apiGet('/api/registry/template') },
  { name: 'export', allowed: ['admin', 'coordinator'], page: get('/staff/registry/export?format=csv'), api: apiGet('/api/registry/export?format=csv') },
  {
    name: 'import upload',
    allowed: ['admin', 'coordinator'],
    page: (s) => postForm(h, '/staff/registry/import', s, { file: new File(['Mã cán bộ\n'], 'x.csv') }),
    api: (t) => {
      const fd = new FormData();
      fd.append('file', new File(['Mã cán bộ\n'], 'x.csv'));
      return api(h, '/api/registry/import?dryRun=true', t, { method: 'POST', body: fd });
    },
  },
  {
    name: 'link Zalo account',
    allowed: ['admin', 'coordinator'],
    page: (s) => postForm(h, `/staff/registry/${cadreId}/link`, s, { zaloUserId: '9100000000000000001' }),
    api: apiJson('PUT', `/api/registry/cadres/${cadreId}/zalo-link`, { zaloUserId: '9100000000000000001' }),
  },
  {
    name: 'unlink Zalo account',
    allowed: ['admin', 'coordinator'],
    page: (s) => postForm(h, `/staff/registry/${cadreId}/unlink`, s),
    api: (t) => api(h, `/api/registry/cadres/${cadreId}/zalo-link`, t, { method: 'DELETE' }),
  },
  { name: 'proxy list', allowed: ['admin', 'coordinator'], page: get('/staff/proxies?status=pending'), api: apiGet('/api/proxies') },
  {
    name: 'proxy decision',
    allowed: ['admin', 'coordinator'],
    page: (s) => postForm(h, `/staff/proxies/${proxyIds[0]}/reject`, s, { note: '' }),
    api: apiJson('POST', `/api/proxies/${proxyIds[1]}/decision`, { decision: 'approve' }),
  },
  { name: 'staff list', allowed: ['admin'], page: get('/staff/users') },
  {
    name: 'create staff',
    allowed: ['admin'],
    page: (s) => postForm(h, '/staff/users', s, { username: `nv-${Math.random().toString(36).slice(2, 8)}`, fullName: 'Mới', role: 'viewer', clinicId: '', email: '', zaloUserId: '' }),
  },
  { name: 'staff detail', allowed: ['admin'], page: get('/staff/users/1') },
  { name: 'create API token', allowed: ['admin'], page: (s) => postForm(h, '/staff/users/1/tokens', s, { name: 'x' }) },
  { name: 'reset password', allowed: ['admin'], page: (s) => postForm(h, '/staff/users/2/password', s) },
  { name: 'audit log', allowed: ['admin'], page: get('/staff/audit'), api: apiGet('/api/audit') },
];

const state = () => ({
  links: h.runtime.store.db.select().from(zaloLinks).all(),
  proxies: h.runtime.store.db.select().from(proxies).all(),
  cadres: h.runtime.store.db.select().from(cadres).all(),
  staff: (h.runtime.store.db.get(sql`select count(*) as n from staff_users`) as { n: number }).n,
  tokens: (h.runtime.store.db.get(sql`select count(*) as n from api_tokens`) as { n: number }).n,
});

async function expectDenied(res: Response, status: 401 | 403, label: string) {
  expect(res.status, label).toBe(status);
  const body = await res.text();
  for (const bit of SECRET_BITS) expect(body, `${label} leaks ${bit}`).not.toContain(bit);
}

describe('authorization matrix', () => {
  it('pages: every denied role gets 403, anonymous gets 401, nothing changes, no registry data in the body', async () => {
    let checked = 0;
    for (const p of probes()) {
      for (const role of roles) {
        if (p.allowed.includes(role)) continue;
        const before = state();
        await expectDenied(await p.page(sessions[role]), 403, `${p.name} as ${role}`);
        expect(state(), `${p.name} as ${role} changed data`).toEqual(before);
        checked++;
      }
      const before = state();
      await expectDenied(await p.page(undefined), 401, `${p.name} anonymous`);
      expect(state()).toEqual(before);
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('API: every denied role gets 403 JSON, no token gets 401, nothing changes', async () => {
    for (const p of probes()) {
      if (!p.api) continue;
      for (const role of roles) {
        if (p.allowed.includes(role)) continue;
        const before = state();
        const res = await p.api(tokens[role]);
        const text = await res.clone().text();
        await expectDenied(res, 403, `API ${p.name} as ${role}`);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } });
        expect(state()).toEqual(before);
      }
      await expectDenied(await p.api(null), 401, `API ${p.name} anonymous`);
    }
  });

  it('pages and API: every allowed role gets through', async () => {
    for (const p of probes()) {
      for (const role of p.allowed) {
        // Mutations may meet a conflict once an earlier role did the same thing; never a 401/403.
        const page = await p.page(sessions[role]);
        expect([200, 201, 303, 409, 422, 404], `${p.name} as ${role}: ${page.status}`).toContain(page.status);
        if (p.api) {
          const res = await p.api(tokens[role]);
          expect([200, 400, 404, 409], `API ${p.name} as ${role}: ${res.status}`).toContain(res.status);
        }
      }
    }
  });

  it('clinic_staff see only the cadres of their clinic', async () => {
    const list = await (await api(h, '/api/registry/cadres', tokens.clinic_staff)).json();
    expect(list).toMatchObject({ total: 0, items: [] });
    const all = (await (await api(h, '/api/registry/cadres', tokens.viewer)).json()) as { total: number };
    expect(all.total).toBe(1);
    // Moved into their clinic, the cadre becomes visible, and they may link the account.
    const staffClinic = (await (await api(h, '/api/me', tokens.clinic_staff)).json()) as { staff: { clinicId: number } };
    h.runtime.store.db.update(cadres).set({ clinicId: staffClinic.staff.clinicId }).where(eq(cadres.id, cadreId)).run();
    expect(((await (await api(h, '/api/registry/cadres', tokens.clinic_staff)).json()) as { total: number }).total).toBe(1);
    expect((await api(h, `/api/registry/cadres/${cadreId}`, tokens.clinic_staff)).status).toBe(200);
    await api(h, `/api/registry/cadres/${cadreId}/zalo-link`, tokens.admin, { method: 'DELETE' });
    const res = await apiJson('PUT', `/api/registry/cadres/${cadreId}/zalo-link`, { zaloUserId: '9100000000000000001' })(tokens.clinic_staff);
    expect(res.status).toBe(200);
  });
});
