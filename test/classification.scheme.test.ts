import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { cadres, campaigns, examResults, type Cadre } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { draft, release, staffRow, zaloAccount } from './resultsSupport';
import { api, get, login, makeStaff, postForm, tokenFor, xlsxFile } from './staffSupport';

/**
 * A committee that classifies in A / B1 / B2 / C / D (Decision 1266/QĐ-BYT) and reports to a Sở Y tế, with one
 * result classified earlier under Loại I–V: new labels everywhere, the old result keeps its own.
 */
let h: Harness;
let clock: ManualClock;
let oldCadre: Cadre, newCadre: Cadre;
let campaignId: number;
let adminToken: string;
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  h = await startHarness({
    clock,
    env: { HEALTH_CLASS_SCHEME: 'A-D', COMMITTEE_KIND: 'trung_tam', COMMITTEE_NAME: 'Trung tâm Bảo vệ sức khỏe cán bộ tỉnh Ninh Bình', COMMITTEE_PARENT: 'Sở Y tế tỉnh Ninh Bình' },
  });
  const seeded = seedRegistry(db(), [
    { code: 'PL-01', fullName: 'Nguyễn Văn Cũ', email: 'cu@example.test' },
    { code: 'PL-02', fullName: 'Trần Thị Mới', sex: 'female' },
  ], clock.now());
  [oldCadre, newCadre] = seeded.cadres as [Cadre, Cadre];
  campaignId = db()
    .insert(campaigns)
    .values({ year: 2026, round: 1, name: 'Đợt 1 năm 2026', startDate: '2026-02-01', endDate: '2026-03-31', status: 'open', createdAt: clock.now(), updatedAt: clock.now() })
    .returning()
    .get().id;
  await makeStaff(h, 'pl-coordinator', 'coordinator');
  const admin = await makeStaff(h, 'pl-admin', 'admin');
  adminToken = tokenFor(h, admin.id);
  // Classified before the committee switched schemes: stored as "III", never rewritten.
  const doctor = staffRow(db(), 'doctor', null, clock.now());
  const old = draft(db(), doctor, oldCadre.id, { examDate: '2026-02-10', campaignId, healthClass: 'III', conclusions: 'Kết quả cũ' }, clock.now());
  release(db(), doctor, [old.id], clock.now());
});
afterAll(async () => {
  await h?.stop();
});

describe('classification scheme A–D with a result stored under Loại I–V', () => {
  let newResultId: number;

  it('results entry offers A–D, refuses a Loại I–V code by naming the allowed ones, stores a typed "b1" as B1', async () => {
    const coord = await login(h, 'pl-coordinator');
    const form = await (await get(h, '/staff/results/new', coord)).text();
    expect(form).toContain('Loại B1 – Có bệnh đã ổn định');
    expect(form).not.toContain('Loại II – Khỏe');
    const refused = await postForm(h, '/staff/results/new', coord, { cadreCode: 'PL-02', examDate: '20/02/2026', campaignId: String(campaignId), healthClass: 'II', conclusions: 'x' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('A, B1, B2, C, D');
    const created = await postForm(h, '/staff/results/new', coord, { cadreCode: 'PL-02', examDate: '20/02/2026', campaignId: String(campaignId), healthClass: 'b1', conclusions: 'Kết quả mới' });
    expect(created.status).toBe(303);
    newResultId = Number(created.headers.get('location')!.split('?')[0]!.split('/').pop());
    expect(db().select().from(examResults).where(eq(examResults.id, newResultId)).get()?.healthClass).toBe('B1');
    release(db(), staffRow(db(), 'doctor', null, clock.now()), [newResultId], clock.now());

    const oldId = db().select().from(examResults).where(eq(examResults.cadreId, oldCadre.id)).get()!.id;
    expect(await (await get(h, `/staff/results/${newResultId}`, coord)).text()).toContain('Loại B1 – Có bệnh đã ổn định');
    expect(await (await get(h, `/staff/results/${oldId}`, coord)).text()).toContain('Loại III – Trung bình');
  });

  it('results import accepts the codes in any case and names the allowed codes for a Loại I–V one', async () => {
    const head = ['Mã cán bộ', 'Đợt khám', 'Ngày khám', 'Phân loại sức khỏe', 'Kết luận'];
    const fd = async (rows: unknown[][]) => {
      const body = new FormData();
      body.set('file', await xlsxFile(rows, 'ket-qua.xlsx'));
      return body;
    };
    const bad = await api(h, '/api/results/import?dryRun=true', adminToken, { method: 'POST', body: await fd([head, ['pl-02', '2026-1', '21/02/2026', 'Loại IV', 'x']]) });
    const problems = JSON.stringify(await bad.json());
    expect(problems).toContain('Phân loại sức khỏe “Loại IV” không hợp lệ; ghi một trong A, B1, B2, C, D hoặc để trống.');
    const good = await api(h, '/api/results/import?dryRun=true', adminToken, { method: 'POST', body: await fd([head, ['pl-02', '2026-1', '21/02/2026', 'b2', 'x']]) });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ problems: [], rowCount: 1 });
  });

  it('the registry import reads the class column in the active scheme too', async () => {
    const head = ['Mã cán bộ', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Đối tượng', 'Phân loại sức khỏe'];
    const send = async (cls: string) => {
      const body = new FormData();
      body.set('file', await xlsxFile([head, ['PL-09', 'Lê Văn Chín', '01/01/1950', 'Nam', 'Nguyên chức', cls]], 'danh-sach.xlsx'));
      return JSON.stringify(await (await api(h, '/api/registry/import?dryRun=true', adminToken, { method: 'POST', body })).json());
    };
    expect(await send('II')).toContain('Phân loại sức khỏe “II” không hợp lệ; ghi một trong A, B1, B2, C, D hoặc để trống.');
    expect(JSON.parse(await send('Loại b2'))).toMatchObject({ applied: false, rowCount: 1, counts: { created: 1 }, problems: [] });
  });

  it('the registry and results templates explain the class column in A–D, on the pages and through the API', async () => {
    const classHelp = async (res: Response, column: string) => {
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer());
      const help = wb.getWorksheet('Hướng dẫn')!;
      const rows = help.getSheetValues().map((r) => (Array.isArray(r) ? r.slice(1).map(String) : []));
      return rows.find((r) => r?.[0] === column)?.[1] ?? '';
    };
    const admin = await login(h, 'pl-admin');
    for (const res of [await get(h, '/staff/registry/template', admin), await api(h, '/api/registry/template', adminToken)]) {
      const text = await classHelp(res, 'Phân loại sức khỏe');
      expect(text).toContain('A (Khỏe mạnh), B1 (Có bệnh đã ổn định), B2 (Có bệnh cần theo dõi), C (Bệnh nặng), D (Bệnh rất nặng)');
      expect(text).toContain('Để trống khi chưa phân loại.');
      expect(text).not.toMatch(/\bII\b|\bIV\b/);
    }
    const results = await classHelp(await api(h, '/api/results/template', adminToken), 'Phân loại sức khỏe');
    expect(results).toContain('A (Khỏe mạnh), B1 (Có bệnh đã ổn định)');
    expect(results).not.toMatch(/\bII\b|\bIV\b/);
  });

  it('broadcast segments take only A–D class codes: a Loại I–V code is a 400 naming the allowed ones, and nothing is stored', async () => {
    const post = (path: string, body: unknown) =>
      api(h, path, adminToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await post('/api/broadcasts/preview', { segment: { healthClasses: ['II', 'B1'] } });
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } }).error;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('“II”');
    expect(error.details[0]).toMatchObject({ path: 'segment.healthClasses', message: 'ghi một trong A, B1, B2, C, D hoặc none (chưa phân loại)' });
    const composed = await post('/api/broadcasts', { title: 'Lời khuyên', text: 'Trời lạnh, xin giữ ấm.', segment: { healthClasses: ['IV'] }, confirmedRecipients: 0 });
    expect(composed.status).toBe(400);
    expect(((await composed.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    expect((await (await api(h, '/api/broadcasts', adminToken)).json()) as { total: number }).toMatchObject({ total: 0 });

    // B1 holds the cadre whose registry class is B1; "none" the other one.
    db().update(cadres).set({ healthClass: 'B1' }).where(eq(cadres.id, newCadre.id)).run();
    db().update(cadres).set({ healthClass: null }).where(eq(cadres.id, oldCadre.id)).run();
    const preview = await post('/api/broadcasts/preview', { segment: { healthClasses: ['B1', 'none'] } });
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as { count: number }).count).toBe(2);
    const onlyB2 = await post('/api/broadcasts/preview', { segment: { healthClasses: ['B2'] } });
    expect(((await onlyB2.json()) as { count: number }).count).toBe(0);
  });

  it('the report xlsx lists A–D with labels and keeps the Loại I–V result under its own label, under the organisation heading', async () => {
    const admin = await login(h, 'pl-admin');
    const res = await get(h, `/staff/reports/xlsx?campaign=${campaignId}`, admin);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet(sheetNameOf('classes'))!;
    expect(ws.getRow(1).getCell(1).value).toBe('Sở Y tế tỉnh Ninh Bình – Trung tâm Bảo vệ sức khỏe cán bộ tỉnh Ninh Bình');
    const rows: [string, number][] = [];
    for (let n = XLSX_HEADER_ROW + 1; n <= ws.rowCount; n++) {
      const [label, count] = (ws.getRow(n).values as unknown[]).slice(1);
      if (typeof label !== 'string') break; // the notes follow the table after an empty row
      rows.push([label, Number(count)]);
    }
    expect(rows.map((r) => r[0])).toEqual([
      'Loại A – Khỏe mạnh',
      'Loại B1 – Có bệnh đã ổn định',
      'Loại B2 – Có bệnh cần theo dõi',
      'Loại C – Bệnh nặng',
      'Loại D – Bệnh rất nặng',
      'Loại III – Trung bình',
      'Chưa phân loại',
    ]);
    expect(rows.find((r) => r[0].startsWith('Loại B1'))![1]).toBe(1);
    expect(rows.find((r) => r[0].startsWith('Loại III'))![1]).toBe(1);

    const summary = await (await get(h, `/staff/reports/summary?campaign=${campaignId}`, admin)).text();
    expect(summary).toContain('SỞ Y TẾ TỈNH NINH BÌNH');
    expect(summary).toContain('TRUNG TÂM BẢO VỆ SỨC KHỎE CÁN BỘ TỈNH NINH BÌNH');
    expect(summary).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(summary).toContain('Loại B1 – Có bệnh đã ổn định');
  });

  it('chat shows each result with the label and meaning of its own scheme', async () => {
    const ask = async (user: string) => {
      const before = h.fake.messagesTo(user).length;
      expect((await h.say(user, 'xem kết quả')).status).toBe(200);
      const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), 'the result');
      return msgs.slice(before).map((m) => m.text ?? '').join('\n');
    };
    zaloAccount(db(), '830000000000000001', { cadreId: newCadre.id, now: clock.now() });
    zaloAccount(db(), '830000000000000002', { cadreId: oldCadre.id, now: clock.now() });
    const mine = await ask('830000000000000001');
    expect(mine).toContain('Phân loại sức khỏe: Loại B1 – Có bệnh đã ổn định.');
    expect(mine).toContain('Có bệnh mạn tính đã ổn định');
    expect(await ask('830000000000000002')).toContain('Phân loại sức khỏe: Loại III – Trung bình.');
  });
});
