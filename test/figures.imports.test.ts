import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreLookups } from '../src/bot/lookups';
import { cadres } from '../src/store/schema';
import { ManualClock, startHarness, type Harness } from './harness';
import { api, get, login, makeStaff, postForm, seedClinics, tokenFor, type Session } from './staffSupport';

const NOW = Date.parse('2026-03-10T03:00:00Z');
let h: Harness;
let token: string;
let admin: Session;

beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(NOW), env: { ROLES: 'web' } });
  seedClinics(h);
  const a = await makeStaff(h, 'quantri', 'admin');
  token = tokenFor(h, a.id);
  admin = await login(h, 'quantri');
  h.runtime.store.db
    .insert(cadres)
    .values({ code: 'CB0007', fullName: 'Nguyễn Văn Bảy', birthDate: '1941-02-03', sex: 'male', category: 'nguyen_chuc', unit: 'Sở Nội vụ', phone: '84912000007', createdAt: NOW, updatedAt: NOW })
    .run();
});
afterAll(() => h?.stop());

/** A registry list as an office sends it: titles, a group title, year-only dates, a bad row, totals and signatures. */
async function officeFile(): Promise<File> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('DS');
  ws.addRow(['BAN BẢO VỆ, CHĂM SÓC SỨC KHỎE CÁN BỘ THÀNH PHỐ']);
  ws.addRow(['DANH SÁCH CÁN BỘ THUỘC DIỆN QUẢN LÝ NĂM 2026']);
  ws.addRow([]);
  ws.addRow(['STT', 'Mã cán bộ', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Đối tượng', 'Đơn vị']);
  ws.addRow(['I. KHỐI NGUYÊN CHỨC']);
  ws.addRow([1, 'cb0007', 'Nguyễn Văn Bảy', '03/02/1941', 'Nam', 'Nguyên chức', 'Sở Nội vụ (nghỉ hưu)']); // update: unit
  ws.addRow([2, 'CB0101', 'Trần Văn Một', '1935', 'Nam', 'Người có công', 'Hội Cựu chiến binh']);
  ws.addRow([3, 'CB0102', 'Lê Thị Hai', '00/00/1940', 'Nữ', 'Nguyên chức', 'Sở Y tế']);
  ws.addRow([4, 'CB0103', 'Phạm Văn Ba', 1938, 'Nam', 'Nguyên chức', 'Sở Tài chính']);
  ws.addRow([5, 'CB0104', 'Hoàng Văn Tư', '31/02/1950', 'Nam', 'Nguyên chức', 'Sở Xây dựng']); // bad date
  ws.addRow(['', 'Tổng cộng: 5 người']);
  ws.addRow([]);
  ws.addRow(['', 'Hải Phòng, ngày 09 tháng 3 năm 2026']);
  ws.addRow(['', 'Người lập biểu', '', '', 'Thủ trưởng đơn vị']);
  ws.addRow(['', '(Ký tên)', '', '', '(Ký tên, đóng dấu)']);
  ws.addRow(['', 'Nguyễn Thị Lập', '', '', 'Trần Văn Trưởng']);
  const buf = await wb.xlsx.writeBuffer();
  return new File([new Uint8Array(buf as ArrayBuffer)], 'danh-sach-van-phong.xlsx');
}

const upload = async (path: string, file: File) => {
  const fd = new FormData();
  fd.append('file', file);
  return api(h, path, token, { method: 'POST', body: fd });
};

type ImportBody = {
  applied: boolean;
  counts: { created: number; updated: number; unchanged: number };
  changes: { code: string; fields: { column: string; from: string; to: string }[] }[];
  skipped: { row: number; reason: string }[];
  problems: { row: number; column: string; message: string }[];
};

describe('office spreadsheets', () => {
  it('skips titles, group titles, totals and signatures; takes year-only birth dates; previews each update old → new', async () => {
    const res = await upload('/api/registry/import?dryRun=true', await officeFile());
    expect(res.status).toBe(200);
    const body = (await res.json()) as ImportBody;
    expect(body.skipped.map((s) => s.row)).toEqual([5, 11, 13, 14, 15, 16]);
    expect(body.skipped[1]!.reason).toBe('dòng tổng cộng');
    expect(body.problems).toEqual([{ row: 10, column: 'Ngày sinh', message: expect.stringContaining('“31/02/1950”') }]);
    expect(body.counts).toEqual({ created: 3, updated: 1, unchanged: 0 });
    expect(body.changes).toEqual([{ row: 6, code: 'CB0007', fullName: 'Nguyễn Văn Bảy', fields: [{ column: 'Đơn vị', from: 'Sở Nội vụ', to: 'Sở Nội vụ (nghỉ hưu)' }] }]);
  });

  it('all-or-nothing refuses the file; "import the good rows" writes them and the bad row comes back in an xlsx with its reason', async () => {
    const all = await upload('/api/registry/import', await officeFile());
    expect(all.status).toBe(400);
    expect(h.runtime.store.db.select().from(cadres).where(eq(cadres.code, 'CB0101')).get()).toBeUndefined();

    const good = await upload('/api/registry/import?mode=good', await officeFile());
    expect(good.status).toBe(200);
    const body = (await good.json()) as ImportBody;
    expect(body.applied).toBe(true);
    expect(body.counts).toEqual({ created: 3, updated: 1, unchanged: 0 });
    const stored = (code: string) => h.runtime.store.db.select().from(cadres).where(eq(cadres.code, code)).get()!;
    expect([stored('CB0101').birthDate, stored('CB0101').birthDatePrecision]).toEqual(['1935-01-01', 'year']);
    expect([stored('CB0102').birthDate, stored('CB0102').birthDatePrecision]).toEqual(['1940-01-01', 'year']);
    expect([stored('CB0103').birthDate, stored('CB0103').birthDatePrecision]).toEqual(['1938-01-01', 'year']);
    expect(stored('CB0007').unit).toBe('Sở Nội vụ (nghỉ hưu)');
    expect(h.runtime.store.db.select().from(cadres).where(eq(cadres.code, 'CB0104')).get()).toBeUndefined();
    expect(h.runtime.store.db.select().from(cadres).where(eq(cadres.code, 'cb0007')).get()).toBeUndefined(); // no lower-case twin

    const rejected = await upload('/api/registry/import/rejected', await officeFile());
    expect(rejected.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await rejected.arrayBuffer()) as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Dòng', 'STT', 'Mã cán bộ', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Đối tượng', 'Đơn vị', 'Lý do']);
    expect((ws.getRow(2).values as unknown[]).slice(1, 9)).toEqual([10, 5, 'CB0104', 'Hoàng Văn Tư', '31/02/1950', 'Nam', 'Nguyên chức', 'Sở Xây dựng']);
    expect(String(ws.getRow(2).getCell(9).value)).toContain('Ngày sinh: Ngày sinh không hợp lệ');
    expect(ws.rowCount).toBe(2);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();

    // Exported again, a year-only birth date reads as the year.
    const csv = await (await api(h, '/api/registry/export?format=csv', token)).text();
    expect(csv).toContain('CB0101,Trần Văn Một,1935,');
  });

  it('the import page offers both ways, the rejected rows file and the diff', async () => {
    const checked = await postForm(h, '/staff/registry/import', admin, { file: await officeFile() });
    const html = await checked.text();
    expect(html).toContain('value="good" checked');
    expect(html).toContain('Không nhập gì cho đến khi sửa hết lỗi');
    expect(html).toContain('Bỏ qua 6 dòng không phải dữ liệu');
    const link = /href="(\/staff\/registry\/import\/rejected\.xlsx\?upload=[0-9a-f]{24})"/.exec(html)![1]!;
    const file = await get(h, link, admin);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('spreadsheetml');
  });

  it('linking asks only the year of a cadre whose records give the year alone', () => {
    const lookups = createStoreLookups(h.runtime.store.db, '7300000000000000001', NOW, { committeeName: 'Ban', hotline: '0225', requestInfoImageUrl: 'https://example.vn/a.png' } as never);
    expect(lookups.cadreByCodeAndBirthDate('cb0101', '1935')?.code).toBe('CB0101');
    expect(lookups.cadreByCodeAndBirthDate('CB0101', '1935-06-07')?.code).toBe('CB0101');
    expect(lookups.cadreByCodeAndBirthDate('CB0101', '1936')).toBeNull();
    // A full date on record still needs the full date.
    expect(lookups.cadreByCodeAndBirthDate('cb0007', '1941-02-03')?.code).toBe('CB0007');
    expect(lookups.cadreByCodeAndBirthDate('CB0007', '1941')).toBeNull();
  });
});
