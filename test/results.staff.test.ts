import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, campaigns, conversations, examResults, outbox, proxies, zaloLinks, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { zaloAccount } from './resultsSupport';
import { api, csvFile, get, login, makeStaff, postForm, tokenFor, xlsxFile, type Session } from './staffSupport';

let h: Harness;
let clock: ManualClock;
let cadresById: Record<string, Cadre>;
const tokens: Record<string, string> = {};
let doctorSession: Session;
let campaignId: number;

const HEAD = ['Mã cán bộ', 'Đợt khám', 'Ngày khám', 'Nơi khám', 'Phân loại sức khỏe', 'Kết luận', 'Chẩn đoán', 'Lời khuyên', 'Khám lại', 'Nơi khám lại', 'Bác sĩ ký'];
const goodRows = () => [
  HEAD,
  ['NV-01', '2026-1', '10/02/2026', 'PK-A', 'II', 'Sức khỏe tốt (NV01-KL)', 'Viêm dạ dày nhẹ (NV01-CD)\nCận thị', 'Ăn uống điều độ', 'Không', '', 'BS. Lan'],
  ['NV-02', 'Đợt 1 năm 2026', new Date(Date.UTC(2026, 1, 11)), 'Phòng khám A Hải Phòng', 'Loại IV', 'Tăng huyết áp (NV02-KL)', 'Tăng huyết áp độ 2', 'Uống thuốc đều', 'Có', 'Khoa Tim mạch BV Việt Tiệp', 'BS. Lan'],
  ['NV-03', '2026-1', '2026-02-12', '', '', 'Chờ thêm xét nghiệm (NV03-KL)', '', '', '', '', ''],
  ['NV-04', '', '12/02/2026', 'PK-A', 'i', '', 'Khỏe mạnh', '', 'không', '', 'BS. Minh'],
];

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T03:00:00Z'));
  h = await startHarness({ clock, env: { ZALO_BUTTONS: 'true' } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(
    db,
    [
      { code: 'NV-01', fullName: 'Đỗ Văn Một', unit: 'Sở Y tế' },
      { code: 'NV-02', fullName: 'Vũ Thị Hai', sex: 'female', unit: 'Sở Y tế' },
      { code: 'NV-03', fullName: 'Ngô Văn Ba', unit: 'Thành ủy' },
      { code: 'NV-04', fullName: 'Bùi Văn Bốn', unit: 'Thành ủy', email: 'bon@example.test' },
      { code: 'NV-05', fullName: 'Mai Văn Năm', unit: 'Thành ủy' },
    ],
    clock.now(),
  );
  cadresById = Object.fromEntries(seeded.cadres.map((c) => [c.code, c]));
  campaignId = db
    .insert(campaigns)
    .values({ year: 2026, round: 1, name: 'Đợt 1 năm 2026', startDate: '2026-02-01', endDate: '2026-03-31', status: 'open', createdAt: clock.now(), updatedAt: clock.now() })
    .returning()
    .get().id;
  for (const role of ['admin', 'coordinator', 'doctor', 'viewer'] as const) {
    const s = await makeStaff(h, `kq-${role}`, role);
    tokens[role] = tokenFor(h, s.id);
  }
  const nurse = await makeStaff(h, 'kq-nurse', 'clinic_staff', seeded.clinic.id);
  tokens.nurse = tokenFor(h, nurse.id);
  doctorSession = await login(h, 'kq-doctor');
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.runtime.store.db;
const importFile = (token: string, file: File, dryRun: boolean) => {
  const fd = new FormData();
  fd.append('file', file);
  return api(h, `/api/results/import?dryRun=${dryRun}`, token, { method: 'POST', body: fd });
};
const countResults = () => db().select().from(examResults).all().length;

describe('results import (xlsx/csv), dry run, all or nothing, idempotent', () => {
  it('the template downloads with the Vietnamese headers and a help sheet', async () => {
    const res = await api(h, '/api/results/template', tokens.coordinator!);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEAD);
    expect(wb.worksheets[1]!.name).toBe('Hướng dẫn');
  });

  it('a bad file writes nothing and names each problem by row and column', async () => {
    const rows = goodRows();
    rows[2]![0] = 'NV-99'; // unknown cadre
    rows[3]![2] = '31/02/2026'; // no such date
    rows[4]![4] = 'VI'; // no such class
    rows.push(['NV-01', '2026-1', '15/02/2026', '', 'II', 'trùng', '', '', 'Có', '', '']); // duplicate; follow-up without where
    const res = await importFile(tokens.coordinator!, await xlsxFile(rows, 'ket-qua.xlsx'), false);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { problems: { row: number; column: string; message: string }[] } } };
    expect(body.error.code).toBe('validation_failed');
    const problems = body.error.details.problems;
    expect(problems).toContainEqual(expect.objectContaining({ row: 3, column: 'Mã cán bộ' }));
    expect(problems).toContainEqual(expect.objectContaining({ row: 4, column: 'Ngày khám' }));
    expect(problems).toContainEqual(expect.objectContaining({ row: 5, column: 'Phân loại sức khỏe' }));
    expect(problems).toContainEqual(expect.objectContaining({ row: 6, column: 'Mã cán bộ', message: expect.stringContaining('trùng') }));
    expect(problems).toContainEqual(expect.objectContaining({ row: 6, column: 'Nơi khám lại' }));
    expect(countResults()).toBe(0);
    // Not a spreadsheet at all.
    const junk = await importFile(tokens.coordinator!, new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2])], 'cu.xls'), true);
    expect(junk.status).toBe(400);
    expect(countResults()).toBe(0);
  });

  it('a dry run counts without writing; applying writes drafts; applying again changes nothing', async () => {
    const file = await xlsxFile(goodRows(), 'ket-qua.xlsx');
    const dry = await importFile(tokens.coordinator!, file, true);
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ applied: false, rowCount: 4, counts: { created: 4, updated: 0, corrections: 0, unchanged: 0 }, problems: [] });
    expect(countResults()).toBe(0);

    const applied = await importFile(tokens.coordinator!, file, false);
    expect(await applied.json()).toMatchObject({ applied: true, counts: { created: 4 } });
    const rows = db().select().from(examResults).all();
    expect(rows.every((r) => r.status === 'draft' && r.source === 'import')).toBe(true);
    const two = rows.find((r) => r.cadreId === cadresById['NV-02']!.id)!;
    expect(two).toMatchObject({ campaignId, examDate: '2026-02-11', healthClass: 'IV', followUp: true, followUpWhere: 'Khoa Tim mạch BV Việt Tiệp', diagnoses: ['Tăng huyết áp độ 2'] });
    expect(rows.find((r) => r.cadreId === cadresById['NV-01']!.id)!.diagnoses).toEqual(['Viêm dạ dày nhẹ (NV01-CD)', 'Cận thị']);
    expect(rows.find((r) => r.cadreId === cadresById['NV-04']!.id)).toMatchObject({ campaignId: null, healthClass: 'I' });

    const again = await importFile(tokens.coordinator!, file, false);
    expect(await again.json()).toMatchObject({ applied: true, counts: { created: 0, updated: 0, corrections: 0, unchanged: 4 } });
    expect(countResults()).toBe(4);
    const audit = db().select().from(auditLog).where(eq(auditLog.action, 'result.import')).all();
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('NV01-KL');
  });

  it('a CSV (semicolons, BOM) with a changed row updates that draft only', async () => {
    const csv = [
      HEAD.join(';'),
      'NV-03;2026-1;12/02/2026;;III;Đã có xét nghiệm (NV03-KL2);Thiếu máu nhẹ;Bổ sung sắt;Không;;BS. Lan',
    ].join('\r\n');
    const res = await importFile(tokens.coordinator!, csvFile(csv, { bom: true, name: 'kq.csv' }), false);
    expect(await res.json()).toMatchObject({ applied: true, counts: { created: 0, updated: 1 } });
    expect(db().select().from(examResults).where(eq(examResults.cadreId, cadresById['NV-03']!.id)).get()).toMatchObject({ healthClass: 'III', version: 1, status: 'draft' });
  });
});

describe('roles and release', () => {
  it('only doctors and admins release; viewers never see result text but see the figures', async () => {
    const draftIds = db().select().from(examResults).all().map((r) => r.id);
    for (const role of ['coordinator', 'viewer', 'nurse']) {
      const res = await api(h, '/api/results/release', tokens[role]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: draftIds }) });
      expect(res.status).toBe(403);
    }
    expect((await api(h, '/api/results?status=draft', tokens.viewer!)).status).toBe(403);
    expect((await api(h, `/api/results/${draftIds[0]}`, tokens.viewer!)).status).toBe(403);
    expect((await get(h, `/staff/results/${draftIds[0]}`)).status).toBe(401);
    expect(db().select().from(examResults).all().every((r) => r.status === 'draft')).toBe(true);

    const list = await api(h, '/api/results?status=draft', tokens.coordinator!);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(4);
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'result.read')).all().length).toBeGreaterThan(0);
  });

  it('a doctor releases from the queue page (bulk); the release is recorded and the cadres are told', async () => {
    const one = cadresById['NV-01']!;
    const four = cadresById['NV-04']!;
    const zaloOne = '830000000000000001';
    zaloAccount(db(), zaloOne, { cadreId: one.id, now: clock.now() });
    // NV-04's Zalo account last wrote 9 days ago: outside the window, so the notice goes by email.
    zaloAccount(db(), '830000000000000004', { cadreId: four.id, now: clock.now() - 9 * 24 * 3600_000 });

    const queue = await get(h, '/staff/results', doctorSession);
    const html = await queue.text();
    expect(html).toContain('Công bố các kết quả đã chọn');
    const ids = [...html.matchAll(/name="ids" value="(\d+)"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(4);
    // Releasing asks first with the count; nothing is released before the confirmation.
    const asked = await postForm(h, '/staff/results/release', doctorSession, { ids: ids[0]!, scope: 'selected' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('id="release-count">1</b> kết quả đã chọn');
    expect(db().select().from(examResults).where(eq(examResults.status, 'released')).all()).toHaveLength(0);
    const res = await postForm(h, '/staff/results/release', doctorSession, { ids: ids[0]!, confirm: '1' }, {});
    expect(res.status).toBe(200);
    // The form posts several ids under the same name.
    const fd = new URLSearchParams();
    for (const id of ids) fd.append('ids', id);
    fd.append('confirm', '1');
    fd.append('_csrf', doctorSession.csrf);
    const bulk = await h.runtime.app.request('/staff/results/release', {
      method: 'POST',
      headers: { origin: 'http://localhost', cookie: doctorSession.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: fd.toString(),
    });
    const text = await bulk.text();
    expect(text).toContain('Đã công bố <b>3</b> kết quả');
    expect(text).toContain('đã được công bố trước đó');
    const released = db().select().from(examResults).where(eq(examResults.status, 'released')).all();
    expect(released).toHaveLength(4);
    expect(new Set(released.map((r) => r.releasedByStaffId)).size).toBe(1);
    expect(released.every((r) => r.releasedAt === clock.now())).toBe(true);

    const told = await waitFor(() => h.fake.messagesTo(zaloOne).find((m) => m.text?.includes('đã có')), 'notice to NV-01');
    expect(told.text).not.toContain('NV01');
    const notices = await waitFor(() => {
      // The "results ready" notices (a follow-up offer for a worrying result comes later).
      const rows = db().select().from(outbox).where(eq(outbox.kind, 'notice.cadre')).all().filter((r) => (r.payload as { ref: { kind: string } }).ref.kind === 'result.released');
      return rows.length === 4 && rows.every((r) => r.status === 'done') ? rows : null;
    }, 'all notices done');
    const byCadre = new Map(notices.map((n) => [(n.payload as { cadreId: number }).cadreId, n]));
    expect(byCadre.get(one.id)!.channel).toBe('zalo');
    expect(byCadre.get(four.id)!.channel).toBe('email');
    const mail = await waitFor(async () => {
      const { readdirSync, readFileSync } = await import('node:fs');
      const dir = `${h.dir}/mail`;
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      return files.map((f) => readFileSync(`${dir}/${f}`, 'utf8')).find((m) => m.includes('bon@example.test'));
    }, 'the results-ready email');
    const parsed = await simpleParser(mail);
    expect(parsed.subject).toBe('Đã có kết quả khám sức khỏe');
    expect(parsed.text).toContain('Kết quả khám sức khỏe của Ông Bùi Văn Bốn đã có.');
    expect(parsed.text).toContain('không gửi qua thư điện tử');
    for (const secret of ['Khỏe mạnh', 'Loại', 'BS. Minh']) expect(parsed.text).not.toContain(secret);
  });

  it('the classification mix per campaign and unit, in counts and shares', async () => {
    const res = await api(h, `/api/results/classification?campaignId=${campaignId}`, tokens.viewer!);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { unit: string; total: number; counts: Record<string, number>; shares: Record<string, number> }[]; byCampaign: { campaignName: string; total: number }[]; total: { total: number; counts: Record<string, number> } };
    expect(body.byCampaign).toEqual([expect.objectContaining({ campaignName: 'Đợt 1 năm 2026', total: 3 })]);
    const soYTe = body.rows.find((r) => r.unit === 'Sở Y tế')!;
    expect(soYTe).toMatchObject({ total: 2, counts: { I: 0, II: 1, III: 0, IV: 1, V: 0, none: 0 }, shares: { II: 0.5, IV: 0.5 } });
    expect(body.rows.find((r) => r.unit === 'Thành ủy')).toMatchObject({ total: 1, counts: { III: 1 } });
    const all = (await (await api(h, '/api/results/classification', tokens.viewer!)).json()) as typeof body;
    expect(all.total).toMatchObject({ total: 4, counts: { I: 1, II: 1, III: 1, IV: 1, none: 0 } });
    const pageRes = await get(h, '/staff/results/figures', doctorSession);
    expect(await pageRes.text()).toContain('Đợt 1 năm 2026');
    // A bad filter is a 400 with a code.
    expect((await api(h, '/api/results/classification?campaignId=abc', tokens.viewer!)).status).toBe(400);
  });

  it('a correction through the API: a new draft version, released by a doctor, the old one kept as superseded', async () => {
    const current = db().select().from(examResults).where(eq(examResults.cadreId, cadresById['NV-02']!.id)).get()!;
    const corr = await api(h, `/api/results/${current.id}/correction`, tokens.coordinator!, { method: 'POST' });
    expect(corr.status).toBe(201);
    const { result } = (await corr.json()) as { result: { id: number; version: number } };
    expect(result.version).toBe(2);
    const put = await api(h, `/api/results/${result.id}`, tokens.coordinator!, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...current, healthClass: 'III', conclusions: 'Đã điều chỉnh' }),
    });
    expect(put.status).toBe(200);
    const bad = await api(h, `/api/results/${result.id}`, tokens.coordinator!, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ examDate: '2030-01-01', conclusions: 'x' }) });
    expect(bad.status).toBe(400);
    const rel = await api(h, '/api/results/release', tokens.doctor!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [result.id] }) });
    expect(await rel.json()).toMatchObject({ released: [result.id] });
    expect(db().select().from(examResults).where(eq(examResults.id, current.id)).get()).toMatchObject({ status: 'superseded', supersededById: result.id });
    // Editing a released version directly is refused.
    const edit = await api(h, `/api/results/${result.id}`, tokens.coordinator!, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...current }) });
    expect(edit.status).toBe(409);
  });
});

describe('personal data: export and erasure', () => {
  it('exports everything held about one cadre (JSON and xlsx), audited; only admins', async () => {
    const one = cadresById['NV-01']!;
    expect((await api(h, `/api/results/personal-data/${one.id}`, tokens.coordinator!)).status).toBe(403);
    const res = await api(h, `/api/results/personal-data/${one.id}?format=json`, tokens.admin!);
    expect(res.status).toBe(200);
    const data = (await res.json()) as { cadre: { code: string }; examResults: { conclusions: string }[]; zaloAccounts: unknown[]; auditTrail: { action: string }[] };
    expect(data.cadre.code).toBe('NV-01');
    expect(data.examResults.map((r) => r.conclusions)).toEqual(['Sức khỏe tốt (NV01-KL)']);
    expect(data.zaloAccounts).toHaveLength(1);
    expect(data.auditTrail.map((a) => a.action)).toContain('result.release');
    const xlsx = await api(h, `/api/results/personal-data/${one.id}?format=xlsx`, tokens.admin!);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Cán bộ', 'Tài khoản Zalo', 'Kết quả khám', 'Nhật ký']));
    const audits = db().select().from(auditLog).where(and(eq(auditLog.action, 'cadre.export'), eq(auditLog.entityId, String(one.id)))).all();
    expect(audits).toHaveLength(2);
  });

  it('erasure needs the code typed again, then removes results, link, proxies, conversation and outbox text; keeps an audit row without health data', async () => {
    const one = cadresById['NV-01']!;
    const zaloOne = '830000000000000001';
    zaloAccount(db(), '830000000000000099', { proxyFor: one.id, now: clock.now() });
    // The cadre views the result in chat first, so there is a conversation and outbox rows about them.
    await h.say(zaloOne, 'xem ket qua');
    await waitFor(() => h.fake.messagesTo(zaloOne).some((m) => m.text?.includes('NV01-KL')), 'the result in chat');
    const wrong = await api(h, `/api/results/personal-data/${one.id}/erase`, tokens.admin!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ confirmCode: 'NV-02' }) });
    expect(wrong.status).toBe(400);
    expect(db().select().from(examResults).where(eq(examResults.cadreId, one.id)).all()).toHaveLength(1);
    expect((await api(h, `/api/results/personal-data/${one.id}/erase`, tokens.coordinator!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ confirmCode: 'NV-01' }) })).status).toBe(403);

    const ok = await api(h, `/api/results/personal-data/${one.id}/erase`, tokens.admin!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ confirmCode: 'nv-01' }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ deleted: { examResults: 1, zaloLinks: 1, proxies: 1 } });
    expect(db().select().from(examResults).where(eq(examResults.cadreId, one.id)).all()).toEqual([]);
    expect(db().select().from(zaloLinks).where(eq(zaloLinks.cadreId, one.id)).all()).toEqual([]);
    expect(db().select().from(proxies).where(eq(proxies.cadreId, one.id)).all()).toEqual([]);
    expect(db().select().from(conversations).where(eq(conversations.zaloUserId, zaloOne)).all()).toEqual([]);
    const stored = JSON.stringify(db().select().from(outbox).all().map((r) => r.payload));
    expect(stored).not.toContain('NV01-KL');
    expect(stored).not.toContain('Đỗ Văn Một');
    const [erase] = db().select().from(auditLog).where(eq(auditLog.action, 'cadre.erase')).all();
    expect(erase).toMatchObject({ entityId: String(one.id), actorType: 'staff' });
    expect(JSON.stringify(erase)).not.toContain('NV01');
    // The cadre's former account now sees nothing.
    const before = h.fake.messagesTo(zaloOne).length;
    await h.say(zaloOne, 'xem ket qua');
    const after = await waitFor(() => (h.fake.messagesTo(zaloOne).length > before ? h.fake.messagesTo(zaloOne).slice(before) : null), 'reply after erasure');
    expect(after.map((m) => m.text).join('\n')).not.toContain('NV01-KL');
  });
});

describe('staff pages', () => {
  it('enter, edit, correct and discard through the forms; viewers are refused; import page dry run then apply', async () => {
    const coord = await login(h, 'kq-coordinator');
    const five = cadresById['NV-05']!;
    expect((await get(h, '/staff/results/new', coord)).status).toBe(200);
    const bad = await postForm(h, '/staff/results/new', coord, { cadreCode: 'NV-05', examDate: '31/02/2026', conclusions: 'x' });
    expect(bad.status).toBe(400);
    const created = await postForm(h, '/staff/results/new', coord, {
      cadreCode: 'NV-05',
      examDate: '01/03/2026',
      campaignId: String(campaignId),
      healthClass: 'II',
      conclusions: 'Nhập tay (NV05-KL)',
      diagnoses: 'Viêm họng\nCận thị',
      followUp: 'on',
      followUpWhere: 'Phòng khám Tai Mũi Họng',
    });
    expect(created.status).toBe(303);
    const detailPath = created.headers.get('location')!.split('?')[0]!;
    const detail = await (await get(h, detailPath, coord)).text();
    expect(detail).toContain('Nhập tay (NV05-KL)');
    expect(detail).toContain('<li>Cận thị</li>');
    expect(detail).not.toContain('>Công bố<'); // a coordinator cannot release
    const id = Number(detailPath.split('/').pop());
    expect((await get(h, `${detailPath}/edit`, coord)).status).toBe(200);
    const saved = await postForm(h, `${detailPath}/edit`, coord, { examDate: '2026-03-01', campaignId: String(campaignId), healthClass: 'III', conclusions: 'Đã sửa (NV05-KL2)' });
    expect(saved.status).toBe(303);
    expect(db().select().from(examResults).where(eq(examResults.id, id)).get()).toMatchObject({ healthClass: 'III', conclusions: 'Đã sửa (NV05-KL2)', followUp: false });
    // A second result for the same cadre and campaign is refused with a clear page.
    const dup = await postForm(h, '/staff/results/new', coord, { cadreCode: 'NV-05', examDate: '01/03/2026', campaignId: String(campaignId), conclusions: 'x' });
    expect(dup.status).toBe(409);

    const doctorDetail = await (await get(h, detailPath, doctorSession)).text();
    expect(doctorDetail).toContain('Công bố');
    expect((await postForm(h, '/staff/results/release', doctorSession, { ids: String(id), confirm: '1' })).status).toBe(200);
    const corrected = await postForm(h, `${detailPath}/correct`, coord);
    expect(corrected.status).toBe(303);
    const corrPath = corrected.headers.get('location')!.split('?')[0]!;
    expect(await (await get(h, corrPath, coord)).text()).toContain('bản đính chính lần 1');
    expect(await (await postForm(h, `${corrPath}/discard`, coord)).text()).toContain('Xóa bản nháp?');
    expect((await postForm(h, `${corrPath}/discard`, coord, { confirm: '1' })).status).toBe(303);
    expect(db().select().from(examResults).where(eq(examResults.cadreId, five.id)).all().map((r) => r.status)).toEqual(['released']);

    const viewer = await makeStaff(h, 'kq-viewer-page', 'viewer');
    const vs = await login(h, viewer.username);
    expect((await get(h, '/staff/results', vs)).status).toBe(403);
    expect((await get(h, detailPath, vs)).status).toBe(403);
    const figures = await get(h, '/staff/results/figures', vs);
    expect(figures.status).toBe(200);
    expect(await figures.text()).not.toContain('NV05');

    expect((await get(h, '/staff/results/import', coord)).status).toBe(200);
    const rows = [HEAD, ['NV-05', '', '15/01/2026', '', 'I', 'Ngoài đợt (NV05-X)', '', '', '', '', '']];
    const checked = await postForm(h, '/staff/results/import', coord, { file: await xlsxFile(rows, 'kq.xlsx') });
    const checkedHtml = await checked.text();
    expect(checked.status).toBe(200);
    const uploadId = /name="uploadId" value="([0-9a-f]+)"/.exec(checkedHtml)![1]!;
    expect(db().select().from(examResults).where(eq(examResults.examDate, '2026-01-15')).all()).toEqual([]);
    const applied = await postForm(h, '/staff/results/import/apply', coord, { uploadId });
    expect(await applied.text()).toContain('Đã nhập: thêm 1');
    expect(db().select().from(examResults).where(eq(examResults.examDate, '2026-01-15')).all()).toHaveLength(1);

    const admin = await login(h, 'kq-admin');
    const pd = await get(h, '/staff/results/personal-data?code=NV-05', admin);
    expect(await pd.text()).toContain('Xóa dữ liệu');
    expect((await get(h, '/staff/results/personal-data?code=NV-05', coord)).status).toBe(403);
  });
});
