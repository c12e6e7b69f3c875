import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { may, type Permission } from '../src/domain/staff/permissions';
import { PERMISSION_OF } from '../src/http/auth/session';
import { staffNav } from '../src/http/staff/layout';
import { auditLog, bookings, cadres, careRequests, examSlots, handoffs, proxies, staffRoles, type StaffRole } from '../src/store/schema';
import { campaignWithSlots } from './bookingSupport';
import { startHarness, type Harness } from './harness';
import { draft, staffRow } from './resultsSupport';
import { api, login, makeStaff, postForm, seedClinics, seedZaloUser, tokenFor, type Session } from './staffSupport';

/**
 * Who may do what, generated from the one permissions table: every route of the app under /staff, /api and
 * /admin is read with the permission its guard checks, then probed as every role, anonymously, and as a
 * clinic_staff member of another clinic. A denied pair answers 403 (401 without a login), changes nothing
 * and carries none of the cadre's data.
 */

let h: Harness;
type Prober = StaffRole | 'clinic_staff_other';
const sessions = {} as Record<Prober, Session>;
const tokens = {} as Record<Prober, string>;
const ids = { cadre: 0, eraseCadre: 0, proxy: 0, request: 0, handoff: 0, campaign: 0, slot: 0, booking: 0, result: 0, victimStaff: 0, clinicA: 0 };
const SECRET_BITS = ['Trương Thị Huyền', 'HP-7781', '84915000777', '1944-03-08', 'đau ngực khi leo cầu thang', 'số 12 ngõ 5 Lạch Tray'];
const DAY = '2026-03-02';

/** Routes open without a permission: the login form, logging out, and "who am I". */
const PUBLIC = new Set(['GET /staff/login', 'POST /staff/login', 'POST /staff/logout', 'GET /api/me']);

interface RouteRule {
  method: string;
  path: string;
  permission: Permission;
}

type Handler = ((...args: unknown[]) => unknown) & { __COMPOSED_HANDLER?: Handler; [PERMISSION_OF]?: Permission };
const unwrap = (fn: Handler): Handler => (fn.__COMPOSED_HANDLER ? unwrap(fn.__COMPOSED_HANDLER) : fn);

/** Every endpoint of the app with the permission its guard (on the route or on its sub-app) checks. */
function routeRules(): { rules: RouteRule[]; unguarded: string[] } {
  const routes = h.runtime.app.routes as unknown as { method: string; path: string; handler: Handler }[];
  const guards = routes.map((r) => ({ ...r, permission: unwrap(r.handler)[PERMISSION_OF] })).filter((r) => r.permission);
  const seen = new Map<string, RouteRule | null>();
  for (const r of routes) {
    if (r.method === 'ALL' || !/^\/(staff|api|admin\/queues)(\/|$)/.test(r.path) || r.path.startsWith('/admin/queues')) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.get(key)) continue;
    const guard =
      guards.find((g) => g.method === r.method && g.path === r.path) ??
      guards.find((g) => g.method === 'ALL' && g.path.endsWith('/*') && r.path.startsWith(g.path.slice(0, -2)));
    seen.set(key, guard ? { method: r.method, path: r.path, permission: guard.permission! } : null);
  }
  const rules = [...seen.values()].filter((r): r is RouteRule => !!r);
  const unguarded = [...seen.entries()].filter(([k, v]) => !v && !PUBLIC.has(k)).map(([k]) => k);
  return { rules, unguarded };
}

/** Concrete URL for a route pattern: each id names the seeded row of that kind (all in clinic A). */
function urlFor(path: string): string {
  const rules: [RegExp, number | string][] = [
    [/personal-data\/:cadreId[^/]*/, `personal-data/${ids.eraseCadre}`],
    [/^\/staff\/registry\/:id[^/]*/, `/staff/registry/${ids.cadre}`],
    [/^\/api\/registry\/cadres\/:id[^/]*/, `/api/registry/cadres/${ids.cadre}`],
    [/proxies\/:id[^/]*/, `proxies/${ids.proxy}`],
    [/users\/:id[^/]*/, `users/${ids.victimStaff}`],
    [/conversations\/:id[^/]*/, `conversations/${ids.handoff}`],
    [/requests\/:id[^/]*/, `requests/${ids.request}`],
    [/(booking|campaigns)\/:id[^/]*/, `$1/${ids.campaign}`],
    [/slots\/:id[^/]*/, `slots/${ids.slot}`],
    [/bookings\/:id[^/]*/, `bookings/${ids.booking}`],
    [/results\/:id[^/]*/, `results/${ids.result}`],
    [/:command[^/]*/, 'pause'],
    // An upload id the route's pattern accepts (24 hex digits) for an upload that does not exist.
    [/:uploadId\{[^}]*\}/, '0'.repeat(24)],
  ];
  let url = path;
  for (const [re, to] of rules) url = url.replace(re, String(to));
  // A hex id of fixed length (an upload), then any other parameter.
  url = url.replace(/:[a-zA-Z]+\{\[0-9a-f\]\{(\d+)\}\}/g, (_m, n: string) => 'a'.repeat(Number(n)));
  url = url.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, '1');
  return `${url}?clinicId=${ids.clinicA}&date=${DAY}`;
}

/** Routes whose target row belongs to clinic A: a clinic_staff member of clinic B must be turned away. */
const clinicScoped = (r: RouteRule) =>
  /\/:(id|cadreId)/.test(r.path) && /registry|requests|conversations|results|bookings|slots|day/.test(r.path) ||
  /\/day(\/|$)|\/bookings(\/export)?$/.test(r.path);

async function probe(r: RouteRule, who: Prober | null): Promise<Response> {
  const url = urlFor(r.path);
  if (r.path.startsWith('/api')) {
    const init: RequestInit = { method: r.method };
    if (r.method !== 'GET' && r.method !== 'DELETE') {
      init.headers = { 'content-type': 'application/json' };
      init.body = '{}';
    }
    return api(h, url, who ? tokens[who] : null, init);
  }
  if (r.method === 'GET') return h.runtime.app.request(url, { headers: who ? { cookie: sessions[who].cookie } : {} });
  return postForm(h, url, who ? sessions[who] : undefined, {});
}

const tableCounts = () => {
  const names = (h.runtime.store.db.all(sql`select name from sqlite_master where type = 'table' and name not like '%drizzle%' and name not like 'sqlite_%'`) as { name: string }[]).map((t) => t.name);
  return Object.fromEntries(names.map((n) => [n, (h.runtime.store.db.get(sql.raw(`select count(*) as n from "${n}"`)) as { n: number }).n]));
};
const state = () => ({
  counts: tableCounts(),
  cadres: h.runtime.store.db.select().from(cadres).all(),
  proxies: h.runtime.store.db.select().from(proxies).all(),
  requests: h.runtime.store.db.select().from(careRequests).all(),
  bookings: h.runtime.store.db.select().from(bookings).all(),
  staff: h.runtime.store.db.all(sql`select id, session_version, active, password_hash from staff_users order by id`),
  tokens: h.runtime.store.db.all(sql`select id, revoked_at from api_tokens order by id`),
});

async function expectDenied(res: Response, status: 401 | 403, label: string) {
  expect(res.status, label).toBe(status);
  const body = await res.text();
  for (const bit of SECRET_BITS) expect(body, `${label} leaks ${bit}`).not.toContain(bit);
}

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
  const clinic = seedClinics(h);
  ids.clinicA = clinic.a;
  const db = h.runtime.store.db;
  const now = h.clock.now();
  const cadre = (code: string, fullName: string, phone: string, birthDate: string) =>
    db
      .insert(cadres)
      .values({ code, fullName, birthDate, sex: 'female', category: 'nguyen_chuc', phone, clinicId: clinic.a, healthClass: 'III', createdAt: now, updatedAt: now })
      .returning({ id: cadres.id })
      .get().id;
  ids.cadre = cadre('HP-7781', 'Trương Thị Huyền', '84915000777', '1944-03-08');
  ids.eraseCadre = cadre('HP-7782', 'Đỗ Văn Xóa', '84915000778', '1940-01-01');
  const zaloUser = '9100000000000000001';
  seedZaloUser(h, zaloUser);
  seedZaloUser(h, '9100000000000000011');
  ids.proxy = db.insert(proxies).values({ zaloUserId: '9100000000000000011', cadreId: ids.cadre, relation: 'con gái', requestedAt: now }).returning({ id: proxies.id }).get().id;
  ids.request = db
    .insert(careRequests)
    .values({ type: 'home_visit', cadreId: ids.cadre, clinicId: clinic.a, zaloUserId: zaloUser, urgency: 'normal', details: 'đau ngực khi leo cầu thang', address: 'số 12 ngõ 5 Lạch Tray', ackDueAt: now + 3_600_000, createdAt: now, updatedAt: now })
    .returning({ id: careRequests.id })
    .get().id;
  ids.handoff = db.insert(handoffs).values({ zaloUserId: zaloUser, cadreId: ids.cadre, clinicId: clinic.a, openedAt: now, lastActivityAt: now }).returning({ id: handoffs.id }).get().id;
  const campaign = campaignWithSlots(h, { clinicIds: [clinic.a] }, { fromDate: DAY, toDate: DAY });
  ids.campaign = campaign.id;
  ids.slot = db.select({ id: examSlots.id }).from(examSlots).where(and(eq(examSlots.campaignId, campaign.id), eq(examSlots.clinicId, clinic.a))).get()!.id;
  ids.booking = db.insert(bookings).values({ campaignId: campaign.id, slotId: ids.slot, cadreId: ids.cadre, createdAt: now, updatedAt: now }).returning({ id: bookings.id }).get().id;
  ids.result = draft(db, staffRow(db, 'doctor', null, now), ids.cadre, { examDate: DAY, campaignId: campaign.id, clinicId: clinic.a, healthClass: 'III', conclusions: 'Tăng huyết áp độ 1' }, now).id;
  ids.victimStaff = (await makeStaff(h, 'nv-bi-sua', 'viewer')).id;

  for (const role of [...staffRoles, 'clinic_staff_other'] as Prober[]) {
    const asRole: StaffRole = role === 'clinic_staff_other' ? 'clinic_staff' : role;
    const clinicId = role === 'clinic_staff' ? clinic.a : role === 'clinic_staff_other' ? clinic.b : null;
    const user = await makeStaff(h, `u-${role}`.replaceAll('_', '-'), asRole, clinicId);
    sessions[role] = await login(h, user.username);
    tokens[role] = tokenFor(h, user.id);
  }
});
afterAll(() => h?.stop());

describe('role × route matrix from the permissions table', () => {
  it('every staff page and API route is guarded by an entry of the table', () => {
    const { rules, unguarded } = routeRules();
    expect(unguarded).toEqual([]);
    // Every capability of the table is reachable through at least one route.
    const used = new Set(rules.map((r) => r.permission[0]));
    for (const cap of ['registry', 'requests', 'booking', 'results', 'broadcasts', 'reports', 'proxies', 'staffAccounts', 'audit', 'oaConnection', 'dashboard']) {
      expect(used, cap).toContain(cap);
    }
    expect(rules.length).toBeGreaterThan(80);
  });

  it('denied roles get 403, anonymous gets 401, nothing changes and nothing leaks', async () => {
    const { rules } = routeRules();
    let probes = 0;
    for (const r of rules) {
      for (const role of staffRoles) {
        if (may(role, r.permission)) continue;
        const before = state();
        const res = await probe(r, role);
        const label = `${r.method} ${r.path} as ${role}`;
        if (r.path.startsWith('/api')) expect(await res.clone().json(), label).toMatchObject({ error: { code: 'forbidden' } });
        await expectDenied(res, 403, label);
        expect(state(), `${label} changed data`).toEqual(before);
        probes++;
      }
      const before = state();
      await expectDenied(await probe(r, null), 401, `${r.method} ${r.path} anonymous`);
      expect(state()).toEqual(before);
      probes++;
    }
    expect(probes).toBeGreaterThan(300);
  });

  it('a clinic_staff member of another clinic is turned away from every row of clinic A', async () => {
    const { rules } = routeRules();
    const scoped = rules.filter((r) => may('clinic_staff', r.permission) && clinicScoped(r) && !r.path.includes('personal-data'));
    expect(scoped.length).toBeGreaterThan(15);
    for (const r of scoped) {
      const before = state();
      const res = await probe(r, 'clinic_staff_other');
      const label = `${r.method} ${r.path} as clinic_staff of clinic B`;
      // A read is refused outright; a change may also stop at its input check, but never changes a row.
      expect(r.method === 'GET' ? [403, 404] : [400, 403, 404, 422], `${label}: ${res.status}`).toContain(res.status);
      const body = await res.text();
      for (const bit of SECRET_BITS) expect(body, `${label} leaks ${bit}`).not.toContain(bit);
      expect(state(), `${label} changed data`).toEqual(before);
    }
    // Lists show nothing of clinic A either.
    for (const path of ['/api/registry/cadres', '/api/requests?state=all', '/api/conversations?status=all', '/api/results?status=draft']) {
      const body = await (await api(h, path, tokens.clinic_staff_other)).text();
      for (const bit of SECRET_BITS) expect(body, `${path} leaks ${bit}`).not.toContain(bit);
    }
  });

  it('the navigation offers exactly the pages the table allows, and each one opens', async () => {
    for (const role of staffRoles) {
      const html = await (await h.runtime.app.request('/staff', { headers: { cookie: sessions[role].cookie } })).text();
      const nav = /<nav class="main"[\s\S]*?<\/nav>/.exec(html)![0];
      const shown = [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
      const expected = staffNav.filter((n) => may(role, n.permission)).map((n) => n.href);
      expect(shown.sort(), role).toEqual(expected.sort());
      for (const href of shown) {
        const res = await h.runtime.app.request(href, { headers: { cookie: sessions[role].cookie } });
        expect(res.status, `${href} as ${role}`).toBe(200);
      }
    }
  });

  it('allowed roles get through every route (never 401 or 403)', async () => {
    const { rules } = routeRules();
    // Reads first, then changes, so a change (an erasure, a closed request) cannot hide a read.
    const ordered = [...rules.filter((r) => r.method === 'GET'), ...rules.filter((r) => r.method !== 'GET')];
    for (const r of ordered) {
      for (const role of staffRoles) {
        if (!may(role, r.permission)) continue;
        const res = await probe(r, role);
        expect([401, 403], `${r.method} ${r.path} as ${role}: ${res.status}`).not.toContain(res.status);
      }
    }
  });
});

describe('viewers see figures, never a named person’s health data', () => {
  it('no health class in the registry list, detail or filter; no requests or transcripts', async () => {
    const viewer = sessions.viewer;
    const list = await (await h.runtime.app.request('/staff/registry', { headers: { cookie: viewer.cookie } })).text();
    expect(list).toContain('Trương Thị Huyền');
    expect(list).not.toContain('Loại SK');
    expect(list).not.toContain('name="health"');
    expect((await h.runtime.app.request('/staff/registry?health=III', { headers: { cookie: viewer.cookie } })).status).toBe(403);
    const detail = await (await h.runtime.app.request(`/staff/registry/${ids.cadre}`, { headers: { cookie: viewer.cookie } })).text();
    expect(detail).not.toContain('Loại III');
    expect(detail).not.toContain('Chưa phân loại');
    expect(detail).not.toContain('<dt>Khám tại nhà</dt>');
    const apiList = (await (await api(h, '/api/registry/cadres', tokens.viewer)).json()) as { items: Record<string, unknown>[] };
    expect(apiList.items.length).toBeGreaterThan(0);
    for (const item of apiList.items) expect(item).not.toHaveProperty('healthClass');
    const apiDetail = (await (await api(h, `/api/registry/cadres/${ids.cadre}`, tokens.viewer)).json()) as { cadre: Record<string, unknown> };
    expect(apiDetail.cadre).not.toHaveProperty('healthClass');
    expect((await api(h, '/api/registry/cadres?health=III', tokens.viewer)).status).toBe(403);
    for (const path of [`/api/requests/${ids.request}`, `/api/conversations/${ids.handoff}`, '/api/requests']) {
      expect((await api(h, path, tokens.viewer)).status, path).toBe(403);
    }
    // The figures stay open.
    expect((await h.runtime.app.request('/staff/results/figures', { headers: { cookie: viewer.cookie } })).status).toBe(200);
    expect((await h.runtime.app.request('/staff/reports', { headers: { cookie: viewer.cookie } })).status).toBe(200);
  });

  it('staff reads of health class, request details and transcripts are audited', async () => {
    const doctor = tokens.doctor;
    const auditCount = (action: string) => (h.runtime.store.db.get(sql`select count(*) as n from ${auditLog} where ${auditLog.action} = ${action}`) as { n: number }).n;
    const before = { health: auditCount('cadre.health_read'), request: auditCount('request.read'), transcript: auditCount('conversation.read') };
    expect((await api(h, `/api/registry/cadres/${ids.cadre}`, doctor)).status).toBe(200);
    expect((await h.runtime.app.request('/staff/registry', { headers: { cookie: sessions.doctor.cookie } })).status).toBe(200);
    expect((await api(h, `/api/requests/${ids.request}`, doctor)).status).toBe(200);
    expect((await h.runtime.app.request(`/staff/requests/${ids.request}`, { headers: { cookie: sessions.doctor.cookie } })).status).toBe(200);
    expect((await api(h, `/api/conversations/${ids.handoff}`, doctor)).status).toBe(200);
    expect((await h.runtime.app.request(`/staff/requests/conversations/${ids.handoff}`, { headers: { cookie: sessions.doctor.cookie } })).status).toBe(200);
    expect(auditCount('cadre.health_read')).toBe(before.health + 2);
    expect(auditCount('request.read')).toBe(before.request + 2);
    expect(auditCount('conversation.read')).toBe(before.transcript + 2);
    const row = h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'request.read')).all().at(-1)!;
    expect(row).toMatchObject({ entity: 'care_request', entityId: String(ids.request) });
    expect(JSON.stringify(row)).not.toContain('đau ngực');
  });
});
