import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { asc, eq } from 'drizzle-orm';
import { auditLog, cadres } from '../src/store/schema';
import { startHarness, type Harness } from './harness';
import { api, csvFile, goodRows, HEADERS, makeStaff, seedClinics, tokenFor, xlsxFile } from './staffSupport';

let h: Harness;
let token: string;
let clinicIds: { a: number; b: number };

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web', REGISTRY_IMPORT_MAX_BYTES: String(256 * 1024) } });
  clinicIds = seedClinics(h);
  const admin = await makeStaff(h, 'quantri', 'admin');
  token = tokenFor(h, admin.id);
});
afterAll(() => h?.stop());

const registry = () => h.runtime.store.db.select().from(cadres).orderBy(asc(cadres.code)).all();

async function upload(file: File, dryRun: boolean): Promise<Response> {
  const fd = new FormData();
  fd.append('file', file);
  return api(h, `/api/registry/import?dryRun=${dryRun}`, token, { method: 'POST', body: fd });
}

interface ImportBody {
  applied: boolean;
  rowCount: number;
  counts: { created: number; updated: number; unchanged: number };
  problems: { row: number; column: string; message: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: ImportBody };
}

describe('registry import', () => {
  it('a dry run of a good xlsx reports what would change and writes nothing', async () => {
    const res = await upload(await xlsxFile(goodRows()), true);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ImportBody;
    expect(body).toMatchObject({ applied: false, rowCount: 5, counts: { created: 5, updated: 0, unchanged: 0 }, problems: [] });
    expect(registry()).toHaveLength(0);
  });

  it('applies a good xlsx with every accepted cell shape, then applying again changes nothing', async () => {
    const file = await xlsxFile(goodRows());
    const res = await upload(file, false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ImportBody).counts).toEqual({ created: 5, updated: 0, unchanged: 0 });

    const rows = registry();
    expect(rows.map((r) => r.code)).toEqual(['CB001', 'CB002', 'CB003', 'CB004', 'CB005']);
    const [an, bich, cuong, dung, em] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(an).toMatchObject({ fullName: 'Nguyễn Văn An', birthDate: '1950-05-19', sex: 'male', category: 'nguyen_chuc', phone: '84912345678', email: 'an@example.vn', clinicId: clinicIds.a, healthClass: 'II', frail: false, active: true });
    expect(bich).toMatchObject({ birthDate: '1958-09-05', sex: 'female', category: 'duong_chuc', phone: '84912000111', email: null, clinicId: clinicIds.b, healthClass: 'I' });
    expect(cuong).toMatchObject({ birthDate: '1945-01-02', category: 'nguoi_co_cong', phone: '84903222333', clinicId: clinicIds.a, healthClass: 'IV', frail: true, active: true });
    expect(dung).toMatchObject({ birthDate: '1962-02-01', sex: 'female', category: 'khac', phone: null, clinicId: null, healthClass: null });
    expect(em).toMatchObject({ birthDate: '1955-12-31', phone: '842253841222', clinicId: clinicIds.b, healthClass: 'III' });

    const before = registry();
    const again = await upload(file, false);
    expect(again.status).toBe(200);
    expect(((await again.json()) as ImportBody).counts).toEqual({ created: 0, updated: 0, unchanged: 5 });
    expect(registry()).toEqual(before);

    const audits = h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'registry.import')).all();
    expect(audits).toHaveLength(2);
    expect(audits[0]!.detail).toMatchObject({ created: 5, rows: 5 });
  });

  it('updates only the rows that changed, keyed by code', async () => {
    const rows = goodRows();
    (rows[2] as unknown[])[6] = '0987 654 321';
    const res = await upload(await xlsxFile(rows), false);
    expect(((await res.json()) as ImportBody).counts).toEqual({ created: 0, updated: 1, unchanged: 4 });
    expect(registry().find((r) => r.code === 'CB002')!.phone).toBe('84987654321');
  });

  it('a file with bad rows changes nothing and names every problem in Vietnamese', async () => {
    const before = registry();
    const rows = [
      HEADERS,
      ['CB001', 'Nguyễn Văn An (sửa)', '19/05/1950', 'Nam', 'Nguyên chức', 'Thành ủy', '0912345678', '', 'PKA', 'II', 'Không', 'Có'], // fine, row 2
      ['CB010', 'Đỗ Văn Phúc', '31/02/1950', 'Nam', 'Đương chức', '', '', '', '', '', '', ''], // impossible date, row 3
      ['CB011', 'Vũ Thị Giang', '1951-07-07', 'Nữ', 'Đương chức', '', '12345', '', '', '', '', ''], // bad phone, row 4
      ['CB010', 'Ngô Văn Hải', '01/01/1949', 'Nam', 'Khác', '', '', '', '', '', '', ''], // duplicate code, row 5
      ['CB012', 'Bùi Văn Ích', '02/03/1948', 'Nam', 'Khác', '', '', '', 'Bệnh viện Không Có', '', '', ''], // unknown clinic, row 6
      ['CB013', '', '02/03/1948', 'Nam', 'Khác', '', '', '', '', 'VI', 'Chắc', ''], // missing name, bad class, bad yes/no, row 7
      ['CB014', 'Mai Văn Khánh', '02/03/2999', 'Ông', 'Cán bộ', '', '', 'khanh@', '', '', '', ''], // future date, bad sex, category, email, row 8
    ];
    const res = await upload(await xlsxFile(rows), false);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.requestId).toBeTruthy();
    const problems = body.error.details!.problems;
    const at = (row: number, column: string) => problems.filter((p) => p.row === row && p.column === column).map((p) => p.message);
    expect(at(3, 'Ngày sinh')[0]).toMatch(/^Ngày sinh không hợp lệ: “31\/02\/1950”/);
    expect(at(4, 'Điện thoại')[0]).toBe('Số điện thoại không hợp lệ: “12345”.');
    expect(at(5, 'Mã cán bộ')[0]).toBe('Mã cán bộ “CB010” trùng với dòng 3.');
    expect(at(6, 'Phòng khám')[0]).toMatch(/^Không tìm thấy phòng khám “Bệnh viện Không Có”/);
    expect(at(7, 'Họ và tên')[0]).toBe('Thiếu họ và tên.');
    expect(at(7, 'Phân loại sức khỏe')).toHaveLength(1);
    expect(at(7, 'Không đi khám được')).toHaveLength(1);
    expect(at(8, 'Ngày sinh')).toHaveLength(1);
    expect(at(8, 'Giới tính')).toHaveLength(1);
    expect(at(8, 'Đối tượng')).toHaveLength(1);
    expect(at(8, 'Email')).toHaveLength(1);
    expect(problems.some((p) => p.row === 2)).toBe(false);
    expect(body.error.details!.applied).toBe(false);
    expect(registry()).toEqual(before);
  });

  it('a file missing a required column is refused as a whole', async () => {
    const before = registry();
    const res = await upload(csvFile('Mã cán bộ,Họ và tên,Ngày sinh,Giới tính\r\nCB020,Lý Văn Long,01/01/1950,Nam\r\n'), false);
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.details!.problems).toEqual([{ row: 1, column: 'Đối tượng', message: 'Thiếu cột “Đối tượng”.' }]);
    expect(registry()).toEqual(before);
  });

  it('reads a UTF-8 CSV with a BOM, headers without diacritics, semicolons and a title row', async () => {
    const text = [
      'DANH SÁCH CÁN BỘ THUỘC DIỆN QUẢN LÝ;;;;;',
      'MA CAN BO;ho va ten;ngay sinh;gioi tinh;doi tuong;so dien thoai;phong kham',
      'CB030;Đặng Thị Mai;1949-10-10;Nữ;Nguyên chức;0913 111 222;BVKT',
      'CB031;"Tạ Văn Nam; con";15/08/1947;Nam;Người có công;;',
    ].join('\r\n');
    const res = await upload(csvFile(text, { bom: true }), false);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ImportBody;
    expect(body.counts).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const mai = registry().find((r) => r.code === 'CB030')!;
    expect(mai).toMatchObject({ fullName: 'Đặng Thị Mai', birthDate: '1949-10-10', sex: 'female', phone: '84913111222', clinicId: clinicIds.b });
    expect(registry().find((r) => r.code === 'CB031')!.fullName).toBe('Tạ Văn Nam; con');
  });

  it('a CSV without a BOM works the same and keeps columns the file lacks', async () => {
    const res = await upload(csvFile('Mã cán bộ,Họ và tên,Ngày sinh,Giới tính,Đối tượng\nCB030,Đặng Thị Mai,10/10/1949,Nữ,Nguyên chức\n'), false);
    expect(res.status).toBe(200);
    expect(((await res.json()) as ImportBody).counts).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(registry().find((r) => r.code === 'CB030')!.phone).toBe('84913111222');
  });

  it('answers a damaged or foreign file with a clear 400, never a 500', async () => {
    const cases: [File, RegExp][] = [
      [new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])], 'hong.xlsx'), /Không đọc được tệp Excel/],
      [new File(['this is not a spreadsheet at all'], 'gia.xlsx'), /Không đọc được tệp Excel/],
      [new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0])], 'cu.xls'), /\.xls/],
      [new File([new Uint8Array([0x4d, 0xe3, 0x20, 0x63, 0xe1, 0x6e])], 'latin1.csv'), /UTF-8/],
      [new File(['"Mã cán bộ,Họ và tên\nCB1,"x'], 'hong.csv'), /CSV sai định dạng/],
      [new File(['x'], 'anh.png'), /\.xlsx.*\.csv/],
    ];
    const before = registry();
    for (const [file, message] of cases) {
      const res = await upload(file, false);
      expect(res.status, file.name).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(message);
    }
    expect(registry()).toEqual(before);
  });

  it('refuses an upload over the size limit with 413', async () => {
    const big = new File([new Uint8Array(600 * 1024).fill(65)], 'lon.csv');
    const res = await upload(big, false);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('payload_too_large');
  });

  it('a request without a file is a validation error', async () => {
    const res = await api(h, '/api/registry/import', token, { method: 'POST', body: new FormData() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('validation_failed');
  });
});

describe('registry export and template', () => {
  it('exports CSV (UTF-8 with BOM) that imports back unchanged, and audits the export', async () => {
    const res = await api(h, '/api/registry/export?format=csv', token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="danh-sach-can-bo-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe(HEADERS.join(',')); // TextDecoder drops the BOM checked above
    expect(text).toContain('CB001,Nguyễn Văn An,19/05/1950,Nam,Nguyên chức,Thành ủy Hải Phòng,0912 345 678,an@example.vn,PKA,II,Không,Có');

    const reimport = await upload(new File([bytes], 'xuat.csv'), true);
    const body = (await reimport.json()) as ImportBody;
    expect(body.problems).toEqual([]);
    expect(body.counts).toEqual({ created: 0, updated: 0, unchanged: registry().length });

    const audit = h.runtime.store.db.select().from(auditLog).where(eq(auditLog.action, 'registry.export')).all();
    expect(audit.at(-1)).toMatchObject({ actorType: 'staff', entity: 'registry', detail: { format: 'csv', rows: registry().length } });
  });

  it('exports xlsx that imports back unchanged', async () => {
    const res = await api(h, '/api/registry/export?format=xlsx', token);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    const body = (await (await upload(new File([bytes], 'xuat.xlsx'), true)).json()) as ImportBody;
    expect(body.counts).toEqual({ created: 0, updated: 0, unchanged: registry().length });
  });

  it('the template has the headers, no data, and instructions', async () => {
    const res = await api(h, '/api/registry/template', token);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(wb.worksheets[0]!.actualRowCount).toBe(1);
    expect(wb.getWorksheet('Hướng dẫn')!.actualRowCount).toBeGreaterThan(5);
  });
});
