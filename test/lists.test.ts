import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcasts, campaigns, careRequests, examResults, handoffs, proxies, staffUsers, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { vietnameseDateField } from '../src/domain/shared/dates';
import { draft, staffRow } from './resultsSupport';
import { api, get, login, makeStaff, postForm, seedZaloUser, tokenFor, type Session } from './staffSupport';

/** Staff lists at scale: every row reachable by page, counts shown, sortable, searchable without diacritics, exports as filtered. */
let h: Harness;
let clock: ManualClock;
let admin: Session;
let doctor: Session;
let seeded: Cadre[];
const db = () => h.runtime.store.db;
const NAMES = ['Lê Thị Phương', 'Nguyễn Văn An', 'Trần Văn Bình'];

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T03:00:00Z'));
  h = await startHarness({ clock, env: { REGISTRY_IMPORT_MAX_BYTES: String(200 * 1024) } });
  seeded = seedRegistry(
    db(),
    Array.from({ length: 120 }, (_, i) => ({
      code: `DS${String(i + 1).padStart(3, '0')}`,
      fullName: `${NAMES[i % 3]} ${i + 1}`,
      unit: i % 2 ? 'Sở Y tế' : 'Thành ủy',
      birthDate: `19${40 + (i % 20)}-05-01`,
    })),
    clock.now(),
  ).cadres;
  const entry = staffRow(db(), 'coordinator', null, clock.now());
  for (const c of seeded) draft(db(), entry, c.id, { examDate: '2026-02-20', conclusions: `kết luận ${c.code}` }, clock.now());
  await makeStaff(h, 'ds-admin', 'admin');
  await makeStaff(h, 'ds-doctor', 'doctor');
  admin = await login(h, 'ds-admin');
  doctor = await login(h, 'ds-doctor');
});
afterAll(async () => {
  await h?.stop();
});

const codesOn = (html: string) => [...html.matchAll(/>(DS\d{3})</g)].map((m) => m[1]!);
const releaseIdsOn = (html: string) => [...html.matchAll(/name="ids" value="(\d+)"/g)].map((m) => Number(m[1]));

describe('registry list', () => {
  it('says which rows of how many a page shows and reaches the last row', async () => {
    const first = await (await get(h, '/staff/registry', admin)).text();
    expect(first).toContain('1–50 trên 120 cán bộ');
    const last = await (await get(h, '/staff/registry?page=3', admin)).text();
    expect(last).toContain('101–120 trên 120 cán bộ');
    expect(codesOn(last).at(-1)).toBe('DS120');
  });

  it('sorts by a column heading, both ways, and the headings link to the other order', async () => {
    const byBirth = await (await get(h, '/staff/registry?sort=birthDate&dir=desc', admin)).text();
    expect(byBirth).toContain('aria-sort="descending"');
    expect(byBirth).toMatch(/>01\/05\/1959</);
    expect(byBirth).not.toMatch(/>01\/05\/1940</);
    const byName = await (await get(h, '/staff/registry?sort=name', admin)).text();
    // Folded order: "Le" < "Nguyen" < "Tran"; the first page is all "Lê Thị Phương".
    expect(byName.match(/Lê Thị Phương \d+/g)!.length).toBe(40);
    expect(byName).toContain('href="?sort=name&amp;dir=desc"');
  });

  it('finds a name typed with or without diacritics, in any case', async () => {
    for (const q of ['phuong', 'Phương', 'PHUONG', 'le thi phuong']) {
      const html = await (await get(h, `/staff/registry?q=${encodeURIComponent(q)}`, admin)).text();
      expect(html, q).toContain('1–40 trên 40 cán bộ');
    }
    expect(await (await get(h, '/staff/registry?q=ds01', admin)).text()).toContain('1–10 trên 10 cán bộ');
  });

  it('exports what the filter shows, not the whole registry', async () => {
    const html = await (await get(h, `/staff/registry?q=phuong&unit=${encodeURIComponent('Thành ủy')}`, admin)).text();
    expect(html).toContain('1–20 trên 20 cán bộ');
    const href = /id="export-xlsx" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const res = await get(h, href, admin);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount - 1).toBe(20);
    const names = ws.getColumn(2).values.slice(2) as string[];
    expect(names.every((n) => n.startsWith('Lê Thị Phương'))).toBe(true);
    const csv = await (await get(h, href.replace('format=xlsx', 'format=csv'), admin)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(21);
  });
});

describe('results list and release queue', () => {
  it('pages every draft with the count; no cap', async () => {
    const p1 = await (await get(h, '/staff/results', doctor)).text();
    expect(p1).toContain('1–50 trên 120 kết quả chờ công bố');
    expect(releaseIdsOn(p1)).toHaveLength(50);
    const p3 = await (await get(h, '/staff/results?page=3', doctor)).text();
    expect(p3).toContain('101–120 trên 120 kết quả chờ công bố');
    expect(releaseIdsOn(p3)).toHaveLength(20);
    const p2 = await (await get(h, '/staff/results?page=2', doctor)).text();
    expect(new Set([p1, p2, p3].flatMap(releaseIdsOn)).size).toBe(120);
  });

  it('searches by name without diacritics', async () => {
    const html = await (await get(h, '/staff/results?q=binh', doctor)).text();
    expect(html).toContain('1–40 trên 40 kết quả chờ công bố');
    expect(html).not.toContain('Lê Thị Phương');
  });

  it('"all matching" releases every draft the filter matches on every page, after one confirmation of the count', async () => {
    const list = await (await get(h, '/staff/results?q=phuong', doctor)).text();
    expect(list).toContain('Công bố tất cả 40 kết quả khớp bộ lọc');
    const asked = await postForm(h, '/staff/results/release', doctor, { scope: 'all', q: 'phuong', campaignId: '', expected: '40' });
    const askedHtml = await asked.text();
    expect(askedHtml).toContain('id="release-count">40</b> kết quả');
    expect(db().select().from(examResults).where(eq(examResults.status, 'released')).all()).toHaveLength(0);

    // A draft matching the filter appears before the confirmation: the count is asked again, nothing released.
    const extra = seedRegistry(db(), [{ code: 'DS999', fullName: 'Phùng Thị Phương' }], clock.now()).cadres[0]!;
    draft(db(), staffRow(db(), 'coordinator', null, clock.now()), extra.id, { examDate: '2026-02-21', conclusions: 'kết luận DS999' }, clock.now());
    const changed = await postForm(h, '/staff/results/release', doctor, { scope: 'all', q: 'phuong', campaignId: '', expected: '40', confirm: '1' });
    expect(changed.status).toBe(409);
    const changedHtml = await changed.text();
    expect(changedHtml).toContain('đã đổi từ 40 thành 41');
    expect(db().select().from(examResults).where(eq(examResults.status, 'released')).all()).toHaveLength(0);

    const done = await postForm(h, '/staff/results/release', doctor, { scope: 'all', q: 'phuong', campaignId: '', expected: '41', confirm: '1' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Đã công bố <b>41</b> kết quả');
    const released = db().select().from(examResults).where(eq(examResults.status, 'released')).all();
    expect(released).toHaveLength(41);
    expect(await (await get(h, '/staff/results', doctor)).text()).toContain('1–50 trên 80 kết quả chờ công bố');
  });
});

describe('confirm and explain', () => {
  it('a bad filter is explained in Vietnamese by the field label, never by a key or English', async () => {
    const res = await get(h, `/staff/registry?q=${'a'.repeat(150)}&page=abc`, admin);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Ô tìm kiếm: dài quá 100 ký tự');
    expect(html).toContain('Trang: không đúng dạng');
    expect(html).not.toMatch(/Too big|expected|Invalid|>q:|>page:/);
  });

  it('a form field left empty names the field', async () => {
    const res = await postForm(h, '/staff/users/1/tokens', admin, { name: '' });
    expect(await res.text()).toContain('Tên: Thiếu tên gợi nhớ.');
  });

  it('a file over the limit gets a page that says so, inside the staff layout, with a way back to the form', async () => {
    const big = new File([new Uint8Array(300 * 1024).fill(65)], 'lon.csv');
    const res = await postForm(h, '/staff/registry/import', admin, { file: big });
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toContain('Tệp quá lớn');
    expect(html).toContain('Dung lượng tối đa là 200 KB');
    expect(html).toContain('Đăng xuất');
    expect(html).toContain('href="/staff/registry/import"');
  });

  it('closing a campaign asks first and says what it does; opening does not', async () => {
    const now = clock.now();
    const id = db()
      .insert(campaigns)
      .values({ year: 2026, round: 1, name: 'Đợt 1 năm 2026', startDate: '2026-02-01', endDate: '2026-03-31', status: 'open', createdAt: now, updatedAt: now })
      .returning()
      .get().id;
    const asked = await postForm(h, `/staff/booking/${id}/status`, admin, { status: 'closed' });
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain('Đóng đợt khám?');
    expect(html).toContain('name="confirm" value="1"');
    expect(db().select().from(campaigns).where(eq(campaigns.id, id)).get()!.status).toBe('open');
    expect((await postForm(h, `/staff/booking/${id}/status`, admin, { status: 'closed', confirm: '1' })).status).toBe(303);
    expect(db().select().from(campaigns).where(eq(campaigns.id, id)).get()!.status).toBe('closed');
    expect((await postForm(h, `/staff/booking/${id}/status`, admin, { status: 'open' })).status).toBe(303);
    expect(db().select().from(campaigns).where(eq(campaigns.id, id)).get()!.status).toBe('open');
  });
});

describe('dates as dd/mm/yyyy', () => {
  it('one parser reads a typed date the Vietnamese way and refuses what is not a date', () => {
    expect(vietnameseDateField.parse('05/03/2026')).toBe('2026-03-05');
    expect(vietnameseDateField.parse(' 5-3-2026 ')).toBe('2026-03-05');
    expect(vietnameseDateField.parse('2026-03-05')).toBe('2026-03-05');
    const bad = vietnameseDateField.safeParse('03/15/2026');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('ngày/tháng/năm');
  });

  it('staff pages have no native date or time picker; dates typed dd/mm/yyyy are understood and shown back so', async () => {
    for (const path of ['/staff/reports', '/staff/broadcasts/new', '/staff/booking/holidays']) {
      const html = await (await get(h, path, admin)).text();
      expect(html, path).not.toMatch(/type="(date|time|datetime-local)"/);
    }
    const report = await get(h, '/staff/reports?from=01/02/2026&to=28/02/2026', admin);
    expect(report.status).toBe(200);
    const html = await report.text();
    expect(html).toContain('value="01/02/2026"');
    expect(html).toContain('value="28/02/2026"');
    const wrong = await get(h, '/staff/reports?from=02/30/2026', admin);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('Từ ngày: “02/30/2026” chưa đúng dạng ngày/tháng/năm');
  });
});

describe('audit log as sentences', () => {
  it('reads entries as Vietnamese sentences, filters by date, actor and action, and exports what the filter shows', async () => {
    const doctorId = String(db().select().from(staffUsers).where(eq(staffUsers.username, 'ds-doctor')).get()!.id);
    const html = await (await get(h, `/staff/audit?action=result.release&actor=${doctorId}&from=02/03/2026&to=02/03/2026`, admin)).text();
    expect(html).toContain('1–41 trên 41 mục');
    expect(html).toMatch(/Nhân viên ds-doctor công bố kết quả khám \(kết quả khám số \d+\): cán bộ số \d+/);
    expect(html).not.toMatch(/\{&quot;|>result\.release</);
    expect(await (await get(h, '/staff/audit?action=result.release&from=03/03/2026', admin)).text()).toContain('0 mục');
    expect(await (await get(h, `/staff/audit?action=result.release&actor=system`, admin)).text()).toContain('0 mục');

    const href = /id="audit-export" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const res = await get(h, href, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="nhat-ky-2026-03-02.xlsx"; filename*=UTF-8\'\'nhat-ky-2026-03-02.xlsx');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const header = 4; // committee, title, a blank line, then the header row
    expect(ws.getRow(2).getCell(1).value).toBe('Nhật ký hoạt động từ 02/03/2026 đến 02/03/2026');
    expect(ws.getRow(header).getCell(6).value).toBe('Diễn giải');
    expect(ws.rowCount - header).toBe(41);
    expect(String(ws.getRow(header + 1).getCell(6).value)).toContain('công bố kết quả khám');
    expect(ws.getRow(header + 1).getCell(1).value).toBeInstanceOf(Date);
  });
});

describe('requests inbox at scale', () => {
  it('pages every open request with the count, no cap at 500, and finds a cadre by name without diacritics', async () => {
    const now = clock.now();
    db()
      .insert(careRequests)
      .values(seeded.flatMap((c) => Array.from({ length: 5 }, () => ({ cadreId: c.id, clinicId: c.clinicId, type: 'question' as const, urgency: 'normal' as const, details: 'hỏi', ackDueAt: now + 86_400_000, createdAt: now, updatedAt: now }))))
      .run();
    const first = await (await get(h, '/staff/requests', admin)).text();
    expect(first).toContain('1–50 trên 600 yêu cầu');
    const last = await (await get(h, '/staff/requests?page=12', admin)).text();
    expect(last).toContain('551–600 trên 600 yêu cầu');
    expect(await (await get(h, '/staff/requests?q=binh', admin)).text()).toContain('1–50 trên 200 yêu cầu');
  });
});

/** The ids a page shows, by a pattern with the id in its first group. */
const idsOn = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => Number(m[1]));
const pages = async (path: (page: number) => string, n: number) => Promise.all(Array.from({ length: n }, async (_, i) => (await get(h, path(i + 1), admin)).text()));

describe('conversations list at scale', () => {
  const conversationIds = /data-live-id="conversation-(\d+)-/g;
  let adminId: number;

  beforeAll(() => {
    adminId = db().select().from(staffUsers).where(eq(staffUsers.username, 'ds-admin')).get()!.id;
    const base = clock.now();
    // 130 conversations, many with the same last activity: the order must still give every one exactly one page.
    db()
      .insert(handoffs)
      .values(
        Array.from({ length: 130 }, (_, i) => ({
          zaloUserId: `conv-${i}`,
          cadreId: seeded[i % seeded.length]!.id,
          status: i < 110 ? ('open' as const) : ('closed' as const),
          staffId: i % 2 ? adminId : null,
          openedAt: base,
          lastActivityAt: base + (i % 7) * 1000,
          closedAt: i < 110 ? null : base,
        })),
      )
      .run();
  });

  it('pages every conversation with the count, no cap at 200, the last page reachable and none dropped', async () => {
    const [p1, p2, p3] = await pages((p) => `/staff/requests/conversations?status=all&assigned=all&page=${p}`, 3);
    expect(p1).toContain('1–50 trên 130 cuộc trò chuyện');
    expect(p3).toContain('101–130 trên 130 cuộc trò chuyện');
    expect(idsOn(p3!, conversationIds)).toHaveLength(30);
    const all = [p1!, p2!, p3!].flatMap((html) => idsOn(html, conversationIds));
    expect(all).toHaveLength(130);
    expect(new Set(all).size).toBe(130);
    // A page past the end shows the last one rather than an empty list.
    expect(await (await get(h, '/staff/requests/conversations?status=all&assigned=all&page=9', admin)).text()).toContain('101–130 trên 130 cuộc trò chuyện');
  });

  it('keeps the mine/unassigned tab and the status across pages, with the count and pager inside the live region', async () => {
    const mine = await (await get(h, '/staff/requests/conversations?status=open&assigned=mine', admin)).text();
    expect(mine).toContain('1–50 trên 55 cuộc trò chuyện');
    expect(mine).toContain('href="?status=open&amp;assigned=mine&amp;page=2"');
    const mine2 = await (await get(h, '/staff/requests/conversations?status=open&assigned=mine&page=2', admin)).text();
    expect(mine2).toContain('51–55 trên 55 cuộc trò chuyện');
    expect(new Set([...idsOn(mine, conversationIds), ...idsOn(mine2, conversationIds)]).size).toBe(55);
    // The live refresh fetches the same address again and swaps the region: the count and the pager are in it.
    const region = mine2.slice(mine2.indexOf('data-live-region="conversations"'));
    expect(region.slice(0, region.indexOf('← Danh sách yêu cầu'))).toMatch(/51–55 trên 55 cuộc trò chuyện[\s\S]*51–55 trên 55 cuộc trò chuyện[\s\S]*class="pager"/);
    const unassigned = await (await get(h, '/staff/requests/conversations?status=open&assigned=unassigned&page=2', admin)).text();
    expect(unassigned).toContain('51–55 trên 55 cuộc trò chuyện');
    expect(unassigned).toContain('href="?status=open&amp;assigned=unassigned&amp;page=1"');
    // The tabs start again at the first page.
    expect(unassigned).toContain('href="/staff/requests/conversations?status=open&amp;assigned=mine"');
  });

  it('the API says the total and pages too', async () => {
    const token = tokenFor(h, adminId);
    const body = (await (await api(h, '/api/conversations?status=all&page=3', token)).json()) as { items: unknown[]; total: number; page: number; pages: number };
    expect(body).toMatchObject({ total: 130, page: 3, pages: 3 });
    expect(body.items).toHaveLength(30);
  });
});

describe('proxies list at scale', () => {
  const proxyIds = /action="\/staff\/proxies\/(\d+)\/approve"/g;

  beforeAll(() => {
    const base = clock.now();
    for (let i = 0; i < 180; i++) seedZaloUser(h, `proxy-${i}`, `Người thân ${i}`);
    db()
      .insert(proxies)
      .values(
        Array.from({ length: 180 }, (_, i) => ({
          zaloUserId: `proxy-${i}`,
          cadreId: seeded[i % seeded.length]!.id,
          relation: 'con gái',
          proxyName: `Người thân ${i}`,
          status: i < 120 ? ('pending' as const) : ('approved' as const),
          requestedAt: base + (i % 5) * 1000,
          decidedAt: i < 120 ? null : base,
        })),
      )
      .run();
  });

  it('pages every pending request with the count, the last page reachable and none dropped', async () => {
    const [p1, p2, p3] = await pages((p) => `/staff/proxies?status=pending&page=${p}`, 3);
    expect(p1).toContain('1–50 trên 120 yêu cầu');
    expect(p3).toContain('101–120 trên 120 yêu cầu');
    expect(p3).toContain('href="?status=pending&amp;page=2"');
    const all = [p1!, p2!, p3!].flatMap((html) => idsOn(html, proxyIds));
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    const approved = await (await get(h, '/staff/proxies?status=approved&page=2', admin)).text();
    expect(approved).toContain('51–60 trên 60 yêu cầu');
  });

  it('the API says the total and pages too', async () => {
    const adminId = db().select().from(staffUsers).where(eq(staffUsers.username, 'ds-admin')).get()!.id;
    const body = (await (await api(h, '/api/proxies?status=pending&page=3', tokenFor(h, adminId))).json()) as { items: unknown[]; total: number; pages: number };
    expect(body).toMatchObject({ total: 120, pages: 3 });
    expect(body.items).toHaveLength(20);
  });
});

describe('broadcasts list at scale', () => {
  const broadcastIds = /href="\/staff\/broadcasts\/(\d+)"/g;

  it('pages every broadcast with the count, newest first, the last page reachable and none dropped', async () => {
    const now = clock.now();
    db()
      .insert(broadcasts)
      .values(Array.from({ length: 75 }, (_, i) => ({ title: `Thông báo ${i + 1}`, text: 'Trời lạnh, Ông/Bà nhớ giữ ấm.', segment: {}, status: 'done' as const, requestedAt: now, startAt: now, createdAt: now, updatedAt: now, statusChangedAt: now })))
      .run();
    const [p1, p2] = await pages((p) => `/staff/broadcasts?page=${p}`, 2);
    expect(p1).toContain('1–50 trên 75 thông báo');
    expect(p1).toContain('>Thông báo 75<');
    expect(p2).toContain('51–75 trên 75 thông báo');
    expect(p2).toContain('>Thông báo 1<');
    const all = [p1!, p2!].flatMap((html) => idsOn(html, broadcastIds));
    expect(all).toHaveLength(75);
    expect(new Set(all).size).toBe(75);
    const adminId = db().select().from(staffUsers).where(eq(staffUsers.username, 'ds-admin')).get()!.id;
    const body = (await (await api(h, '/api/broadcasts?page=2', tokenFor(h, adminId))).json()) as { items: unknown[]; total: number; pages: number };
    expect(body).toMatchObject({ total: 75, pages: 2 });
    expect(body.items).toHaveLength(25);
  });
});
