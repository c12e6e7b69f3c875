import { toCsv } from '../shared/csv';
import { foldLabel } from '../shared/vietnamese';
import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../shared/excel';
import { parse as parseCsv } from 'csv-parse/sync';
import { inArray, sql } from 'drizzle-orm';
import { writeWorkbook } from '../shared/spreadsheet';
import type { DbOrTx } from '../../store/db';
import { cadres, type BirthDatePrecision, type Cadre, type CadreCategory, type Clinic, type HealthClass } from '../../store/schema';
import { formatPhone, normalizePhone } from '../shared/phone';
import { vietnamDate } from '../shared/quietHours';

/**
 * The cadre registry as a spreadsheet: reading .xlsx and .csv files with Vietnamese headers, checking every
 * row, and writing the registry back out in the same layout (so an export can be edited and imported again).
 * Reading and checking are pure; `applyRegistryImport` writes inside the caller's transaction.
 */

export const registryColumns = [
  { key: 'code', header: 'Mã cán bộ', required: true, aliases: ['ma', 'ma cb', 'ma so'] },
  { key: 'fullName', header: 'Họ và tên', required: true, aliases: ['ho ten', 'ho va ten can bo'] },
  { key: 'birthDate', header: 'Ngày sinh', required: true, aliases: ['ngay thang nam sinh'] },
  { key: 'sex', header: 'Giới tính', required: true, aliases: ['gioi'] },
  { key: 'category', header: 'Đối tượng', required: true, aliases: ['doi tuong quan ly'] },
  { key: 'unit', header: 'Đơn vị', required: false, aliases: ['co quan', 'don vi cong tac'] },
  { key: 'phone', header: 'Điện thoại', required: false, aliases: ['so dien thoai', 'sdt', 'dt'] },
  { key: 'email', header: 'Email', required: false, aliases: ['thu dien tu', 'e-mail'] },
  { key: 'clinic', header: 'Phòng khám', required: false, aliases: ['noi kham', 'phong kham dang ky'] },
  { key: 'healthClass', header: 'Phân loại sức khỏe', required: false, aliases: ['loai suc khoe', 'phan loai'] },
  { key: 'frail', header: 'Không đi khám được', required: false, aliases: [] },
  { key: 'active', header: 'Đang quản lý', required: false, aliases: [] },
] as const;

export type ColumnKey = (typeof registryColumns)[number]['key'];
export const columnHeader = (key: ColumnKey) => registryColumns.find((c) => c.key === key)!.header;

export const categoryLabels: Record<CadreCategory, string> = {
  duong_chuc: 'Đương chức',
  nguyen_chuc: 'Nguyên chức',
  nguoi_co_cong: 'Người có công',
  khac: 'Khác',
};
export const sexLabels = { male: 'Nam', female: 'Nữ' } as const;


const headerIndex = new Map<string, ColumnKey>();
for (const col of registryColumns) {
  for (const name of [col.header, ...col.aliases]) headerIndex.set(foldLabel(name), col.key);
}
const matchHeader = (text: string): ColumnKey | undefined => headerIndex.get(foldLabel(text).replace(/[*:.]+$/, '').trim());

export type CellValue = string | number | boolean | Date | null;
export interface SheetRow {
  /** 1-based, as the spreadsheet program shows it. */
  rowNumber: number;
  cells: CellValue[];
}

/** The file itself cannot be read (not a spreadsheet, damaged, wrong encoding); the message is for staff. */
export class RegistryFileError extends Error {
  override name = 'RegistryFileError';
}

export const MAX_IMPORT_ROWS = 20_000;

// --- reading ----------------------------------------------------------------------------------------------

function excelCell(v: ExcelJS.CellValue | undefined): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return excelCell((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('hyperlink' in v && 'text' in v) return excelCell((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue);
    if ('error' in v) return String((v as ExcelJS.CellErrorValue).error);
  }
  return String(v);
}

async function readXlsx(bytes: Uint8Array): Promise<SheetRow[]> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new RegistryFileError('Không đọc được tệp Excel: tệp bị hỏng hoặc không phải định dạng .xlsx. Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.');
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new RegistryFileError('Tệp Excel không có trang tính nào có dữ liệu.');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    const cells: CellValue[] = [];
    for (let i = 1; i < values.length; i++) cells.push(excelCell(values[i]));
    rows.push({ rowNumber, cells });
  });
  return rows;
}

function readCsv(bytes: Uint8Array): SheetRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new RegistryFileError('Tệp CSV không phải mã UTF-8. Trong Excel, chọn "Lưu thành" → "CSV UTF-8 (phân tách bằng dấu phẩy)".');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const delimiter = [';', '\t', ','].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new RegistryFileError(`Tệp CSV sai định dạng${line ? ` ở dòng ${line}` : ''} (thường do dấu ngoặc kép không đóng).`);
  }
  return records.map((cells, i) => ({ rowNumber: i + 1, cells }));
}

export type RegistryFileFormat = 'xlsx' | 'csv';

/** Picks the format from the bytes and the file name; rejects old .xls and anything else. */
export function detectFormat(bytes: Uint8Array, fileName: string): RegistryFileFormat {
  const name = fileName.toLowerCase();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOle = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  if (isOle || name.endsWith('.xls')) {
    throw new RegistryFileError('Tệp .xls (Excel 97–2003) không được hỗ trợ. Hãy mở bằng Excel và lưu lại dạng .xlsx.');
  }
  if (isZip || name.endsWith('.xlsx')) return 'xlsx';
  if (name.endsWith('.csv') || name.endsWith('.txt') || !name.includes('.')) return 'csv';
  throw new RegistryFileError('Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).');
}

/** Reads every non-empty row of the first sheet (xlsx) or of the file (csv). */
export async function readRegistryFile(bytes: Uint8Array, fileName: string): Promise<SheetRow[]> {
  if (bytes.length === 0) throw new RegistryFileError('Tệp trống.');
  const rows = detectFormat(bytes, fileName) === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  return rows.filter((r) => r.cells.some((c) => c !== null && String(c).trim() !== ''));
}

// --- office spreadsheets: titles, totals and signatures ----------------------------------------------------

/** Words that open the rows under a table in an office report: totals, the signature block, the place and date. */
const FOOTER_STARTS = ['tong cong', 'tong so', 'cong:', 'nguoi lap bieu', 'nguoi lap', 'thu truong don vi', 'thu truong', 'ky ten', 'ky, ghi ro', '(ky', 'xac nhan cua', 'lanh dao don vi', 'giam doc', 'truong ban', 'ke toan'];
const DATE_LINE = /^[a-z ]+, ngay .* thang .* nam/;

export interface SkippedRow {
  row: number;
  reason: string;
}

/**
 * Sorts the rows under the header as an office spreadsheet has them: data rows, then (from the first total or
 * signature row on) a footer that is not data. A row with a single filled cell and no code is a group title
 * ("I. Khối Đảng") and is skipped too. Skipped rows are reported, never silently dropped.
 */
export function splitOfficeRows(dataRows: SheetRow[], codeAt: number | undefined): { data: SheetRow[]; skipped: SkippedRow[] } {
  const data: SheetRow[] = [];
  const skipped: SkippedRow[] = [];
  let footerFrom: number | null = null;
  for (const row of dataRows) {
    const filled = row.cells.map((c) => (c === null ? '' : c instanceof Date ? 'x' : String(c).trim())).filter(Boolean);
    if (footerFrom !== null) {
      skipped.push({ row: row.rowNumber, reason: `phần cuối bảng (sau dòng ${footerFrom})` });
      continue;
    }
    const folded = filled.map((t) => foldLabel(t));
    if (folded.some((t) => FOOTER_STARTS.some((w) => t.startsWith(w)) || DATE_LINE.test(t))) {
      footerFrom = row.rowNumber;
      skipped.push({ row: row.rowNumber, reason: folded.some((t) => t.startsWith('tong') || t.startsWith('cong:')) ? 'dòng tổng cộng' : 'dòng ký tên, ngày tháng' });
      continue;
    }
    const code = codeAt === undefined ? null : row.cells[codeAt];
    if (filled.length === 1 && (code === null || code === undefined || String(code).trim() === '')) {
      skipped.push({ row: row.rowNumber, reason: `dòng tiêu đề nhóm “${filled[0]!.slice(0, 60)}”` });
      continue;
    }
    data.push(row);
  }
  return { data, skipped };
}

// --- checking ---------------------------------------------------------------------------------------------

export interface ImportProblem {
  row: number;
  /** The Vietnamese column header, or '' for a problem with the whole row or file. */
  column: string;
  message: string;
}

/** One checked row. Optional fields are undefined when the file has no such column (kept as stored). */
export interface CadreRecord {
  rowNumber: number;
  code: string;
  fullName: string;
  birthDate: string;
  /** 'year' when the file gives the year alone ("1935", "00/00/1940"). */
  birthDatePrecision?: BirthDatePrecision;
  sex: 'male' | 'female';
  category: CadreCategory;
  unit?: string;
  phone?: string | null;
  email?: string | null;
  clinicId?: number | null;
  healthClass?: HealthClass | null;
  frail?: boolean;
  active?: boolean;
}

export interface RegistryCheck {
  records: CadreRecord[];
  problems: ImportProblem[];
  /** Data rows read (not counting the header, titles, group titles, totals and signatures). */
  rowCount: number;
  columns: ColumnKey[];
  ignoredHeaders: string[];
  /** Rows that are not data (group titles, totals, signature block), with why. */
  skipped: SkippedRow[];
  /** The data rows as read, to hand rejected ones back in a file. */
  rows: SheetRow[];
  /** The header row, to write rejected rows under the same headers. */
  header?: SheetRow;
}

/** How many rows from the top the header row is looked for (office files carry several title lines). */
export const HEADER_SEARCH_ROWS = 20;

const text = (v: CellValue): string => {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).normalize('NFC').trim();
};

const pad = (n: number) => String(n).padStart(2, '0');
function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** dd/mm/yyyy (also d/m/yyyy, with . or -), yyyy-mm-dd, a real Excel date, or an Excel day number. */
export function parseBirthDate(v: CellValue, today: string): string | null {
  let iso: string | null = null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    iso = isoDate(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  } else if (typeof v === 'number') {
    // Excel's day count from 1899-12-30 (the 1900 leap-year bug already folded in).
    if (!Number.isInteger(v) || v < 1 || v > 80_000) return null;
    const dt = new Date(Date.UTC(1899, 11, 30) + v * 86_400_000);
    iso = isoDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
  } else if (typeof v === 'string') {
    const s = v.trim();
    let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (m) iso = isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
    else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  return iso && iso <= today ? iso : null;
}

/**
 * A birth date as older records give it: a full date (see parseBirthDate), or the year alone ("1935", 1935,
 * "00/00/1940", "0/0/1940", "năm 1940"). A year alone is stored as YYYY-01-01 with precision 'year'.
 */
export function parseBirthDateOrYear(v: CellValue, today: string): { iso: string; precision: BirthDatePrecision } | null {
  const year = (y: number) => (y >= 1900 && String(y) <= today.slice(0, 4) ? { iso: `${y}-01-01`, precision: 'year' as const } : null);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1900 && v <= 2100) return year(v);
  if (typeof v === 'string') {
    const m = /^(?:(?:0{1,2}|-{1,2}|x{1,2})[/.-](?:0{1,2}|-{1,2}|x{1,2})[/.-]|nam\s*)?(\d{4})$/.exec(foldLabel(v));
    if (m) return year(Number(m[1]));
  }
  const iso = parseBirthDate(v, today);
  return iso ? { iso, precision: 'day' } : null;
}

/** How a stored birth date reads: 05/09/1952, or 1940 when only the year is known. */
export const displayBirthDate = (iso: string, precision: BirthDatePrecision) =>
  precision === 'year' ? iso.slice(0, 4) : /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso;

const categoryByFolded = new Map<string, CadreCategory>(
  Object.entries(categoryLabels).map(([k, label]) => [foldLabel(label), k as CadreCategory]),
);
const romanClasses: Record<string, HealthClass> = { i: 'I', ii: 'II', iii: 'III', iv: 'IV', v: 'V', '1': 'I', '2': 'II', '3': 'III', '4': 'IV', '5': 'V' };
const yes = new Set(['co', 'x', '1', 'true', 'yes']);
const no = new Set(['khong', '0', 'false', 'no']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Finds the header row (the first of the first ten rows with a "Mã cán bộ" column), then checks every row.
 * Returns the rows that are fine and every problem found; a file is applied only when there are none.
 */
export function checkRegistryRows(rows: SheetRow[], ctx: { clinics: Clinic[]; today: string }): RegistryCheck {
  const problems: ImportProblem[] = [];
  const headerAt = rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.some((c) => c !== null && matchHeader(text(c)) === 'code'));
  if (headerAt < 0) {
    return {
      records: [],
      problems: [{ row: rows[0]?.rowNumber ?? 1, column: 'Mã cán bộ', message: 'Không tìm thấy dòng tiêu đề có cột “Mã cán bộ”. Hãy dùng tệp mẫu.' }],
      rowCount: 0,
      columns: [],
      ignoredHeaders: [],
      skipped: [],
      rows: [],
    };
  }
  const header = rows[headerAt]!;
  const positions = new Map<ColumnKey, number>();
  const ignoredHeaders: string[] = [];
  header.cells.forEach((c, i) => {
    const label = text(c);
    if (!label) return;
    const key = matchHeader(label);
    if (!key) ignoredHeaders.push(label);
    else if (positions.has(key)) problems.push({ row: header.rowNumber, column: label, message: `Cột “${columnHeader(key)}” xuất hiện hai lần.` });
    else positions.set(key, i);
  });
  for (const col of registryColumns) {
    if (col.required && !positions.has(col.key)) problems.push({ row: header.rowNumber, column: col.header, message: `Thiếu cột “${col.header}”.` });
  }
  const { data: dataRows, skipped } = splitOfficeRows(rows.slice(headerAt + 1), positions.get('code'));
  if (dataRows.length === 0) problems.push({ row: header.rowNumber, column: '', message: 'Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.' });
  if (dataRows.length > MAX_IMPORT_ROWS) {
    problems.push({ row: header.rowNumber, column: '', message: `Tệp có ${dataRows.length} dòng, vượt quá ${MAX_IMPORT_ROWS} dòng mỗi lần nhập.` });
  }
  if (problems.length) return { records: [], problems, rowCount: dataRows.length, columns: [...positions.keys()], ignoredHeaders, skipped, rows: [], header };

  const clinicByCode = new Map(ctx.clinics.map((c) => [c.code.trim().toLowerCase(), c.id]));
  const clinicByName = new Map(ctx.clinics.map((c) => [c.name.normalize('NFC').trim().toLowerCase(), c.id]));
  const seenCodes = new Map<string, number>();
  const records: CadreRecord[] = [];

  for (const row of dataRows) {
    const before = problems.length;
    const raw = (key: ColumnKey): CellValue => {
      const i = positions.get(key);
      return i === undefined ? null : (row.cells[i] ?? null);
    };
    const has = (key: ColumnKey) => positions.has(key);
    const bad = (key: ColumnKey, message: string) => problems.push({ row: row.rowNumber, column: columnHeader(key), message });
    const required = (key: ColumnKey): string => {
      const v = text(raw(key));
      if (!v) bad(key, `Thiếu ${columnHeader(key).toLowerCase()}.`);
      return v;
    };

    const code = required('code');
    if (code.length > 50) bad('code', 'Mã cán bộ dài quá 50 ký tự.');
    if (code) {
      const key = code.toLowerCase();
      const first = seenCodes.get(key);
      if (first !== undefined) bad('code', `Mã cán bộ “${code}” trùng với dòng ${first}.`);
      else seenCodes.set(key, row.rowNumber);
    }
    const fullName = required('fullName').replace(/\s+/g, ' ');
    if (fullName.length > 200) bad('fullName', 'Họ và tên dài quá 200 ký tự.');

    let birthDate = '';
    let birthDatePrecision: BirthDatePrecision = 'day';
    const birthRaw = raw('birthDate');
    if (!text(birthRaw)) bad('birthDate', 'Thiếu ngày sinh.');
    else {
      const parsed = parseBirthDateOrYear(birthRaw, ctx.today);
      if (!parsed) bad('birthDate', `Ngày sinh không hợp lệ: “${text(birthRaw)}”. Dùng dạng dd/mm/yyyy (ví dụ 05/09/1952), hoặc chỉ năm sinh (1940).`);
      else ({ iso: birthDate, precision: birthDatePrecision } = parsed);
    }

    let sex: 'male' | 'female' = 'male';
    const sexText = required('sex');
    if (sexText) {
      const f = foldLabel(sexText);
      if (f === 'nam') sex = 'male';
      else if (f === 'nu') sex = 'female';
      else bad('sex', `Giới tính “${sexText}” không hợp lệ; ghi “Nam” hoặc “Nữ”.`);
    }

    let category: CadreCategory = 'khac';
    const categoryText = required('category');
    if (categoryText) {
      const found = categoryByFolded.get(foldLabel(categoryText));
      if (found) category = found;
      else bad('category', `Đối tượng “${categoryText}” không hợp lệ; ghi một trong: Đương chức, Nguyên chức, Người có công, Khác.`);
    }

    const record: CadreRecord = { rowNumber: row.rowNumber, code, fullName, birthDate, birthDatePrecision, sex, category };

    if (has('unit')) record.unit = text(raw('unit')).replace(/\s+/g, ' ');
    if (has('phone')) {
      const p = text(raw('phone'));
      if (!p) record.phone = null;
      else {
        const phone = normalizePhone(p);
        if (!phone) bad('phone', `Số điện thoại không hợp lệ: “${p}”.`);
        record.phone = phone;
      }
    }
    if (has('email')) {
      const e = text(raw('email')).toLowerCase();
      if (e && !EMAIL.test(e)) bad('email', `Email không hợp lệ: “${e}”.`);
      record.email = e || null;
    }
    if (has('clinic')) {
      const c = text(raw('clinic'));
      if (!c) record.clinicId = null;
      else {
        const id = clinicByCode.get(c.toLowerCase()) ?? clinicByName.get(c.toLowerCase());
        if (id === undefined) bad('clinic', `Không tìm thấy phòng khám “${c}”; ghi mã phòng khám hoặc đúng tên.`);
        record.clinicId = id ?? null;
      }
    }
    if (has('healthClass')) {
      const h = foldLabel(text(raw('healthClass'))).replace(/^loai\s*/, '');
      if (!h) record.healthClass = null;
      else {
        const cls = romanClasses[h];
        if (!cls) bad('healthClass', `Phân loại sức khỏe “${text(raw('healthClass'))}” không hợp lệ; ghi I, II, III, IV, V hoặc để trống.`);
        record.healthClass = cls ?? null;
      }
    }
    for (const key of ['frail', 'active'] as const) {
      if (!has(key)) continue;
      const v = raw(key);
      const f = typeof v === 'boolean' ? (v ? 'co' : 'khong') : foldLabel(text(v));
      if (!f) record[key] = key === 'active';
      else if (yes.has(f)) record[key] = true;
      else if (no.has(f)) record[key] = false;
      else bad(key, `“${text(v)}” không hợp lệ; ghi “Có” hoặc “Không”.`);
    }

    if (problems.length === before) records.push(record);
  }
  return { records, problems, rowCount: dataRows.length, columns: [...positions.keys()], ignoredHeaders, skipped, rows: dataRows, header };
}

// --- applying ---------------------------------------------------------------------------------------------

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

type CadreValues = Omit<typeof cadres.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'broadcastOptOut'>;

/** The stored values a record leads to: absent columns keep what is stored (or the default for a new cadre). */
function valuesFor(r: CadreRecord, existing: Cadre | undefined, today: string): Required<Omit<CadreValues, 'code'>> & { code: string } {
  const keep = <K extends keyof Cadre>(k: K, fallback: Cadre[K]) => (existing ? existing[k] : fallback);
  const active = r.active ?? keep('active', true);
  // Marked no longer managed: the leaving date is the day of the import unless the registry already had one.
  const leftOn = active ? null : (keep('leftOn', null) ?? today);
  return {
    code: existing?.code ?? r.code,
    fullName: r.fullName,
    birthDate: r.birthDate,
    sex: r.sex,
    category: r.category,
    unit: r.unit ?? keep('unit', ''),
    phone: r.phone === undefined ? keep('phone', null) : r.phone,
    email: r.email === undefined ? keep('email', null) : r.email,
    clinicId: r.clinicId === undefined ? keep('clinicId', null) : r.clinicId,
    healthClass: r.healthClass === undefined ? keep('healthClass', null) : r.healthClass,
    frail: r.frail ?? keep('frail', false),
    active,
    birthDatePrecision: r.birthDatePrecision ?? 'day',
    managedFrom: keep('managedFrom', null),
    leftOn,
    leftReason: active ? null : (keep('leftReason', null) ?? 'left'),
  };
}

/** Stored cadres by lower-cased code: codes are matched without regard to case ("cb0007" is CB0007). */
function loadByCode(db: DbOrTx, codes: string[]): Map<string, Cadre> {
  const out = new Map<string, Cadre>();
  const lowered = [...new Set(codes.map((c) => c.toLowerCase()))];
  for (let i = 0; i < lowered.length; i += 500) {
    for (const c of db.select().from(cadres).where(inArray(sql`lower(${cadres.code})`, lowered.slice(i, i + 500))).all()) out.set(c.code.toLowerCase(), c);
  }
  return out;
}

function plan(db: DbOrTx, records: CadreRecord[], today: string) {
  const existing = loadByCode(db, records.map((r) => r.code));
  return records.map((r) => {
    const current = existing.get(r.code.toLowerCase());
    const values = valuesFor(r, current, today);
    const changed = current ? (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== current[k]) : [];
    return { current, values, changed };
  });
}

/** One update an import would make: the cadre and, per changed column, the stored value and the new one. */
export interface RegistryChange {
  row: number;
  code: string;
  fullName: string;
  fields: { column: string; from: string; to: string }[];
}

const changeLabels: Partial<Record<keyof Cadre, string>> = {
  fullName: 'Họ và tên',
  birthDate: 'Ngày sinh',
  birthDatePrecision: 'Ngày sinh',
  sex: 'Giới tính',
  category: 'Đối tượng',
  unit: 'Đơn vị',
  phone: 'Điện thoại',
  email: 'Email',
  clinicId: 'Phòng khám',
  healthClass: 'Phân loại sức khỏe',
  frail: 'Không đi khám được',
  active: 'Đang quản lý',
  leftOn: 'Ngày thôi quản lý',
};

function shown(key: keyof Cadre, v: Cadre, clinicNames: Map<number, string>): string {
  switch (key) {
    case 'birthDate':
    case 'birthDatePrecision':
      return displayBirthDate(v.birthDate, v.birthDatePrecision);
    case 'sex':
      return sexLabels[v.sex];
    case 'category':
      return categoryLabels[v.category];
    case 'phone':
      return formatPhone(v.phone);
    case 'clinicId':
      return v.clinicId ? (clinicNames.get(v.clinicId) ?? `#${v.clinicId}`) : '';
    case 'frail':
    case 'active':
      return v[key] ? 'Có' : 'Không';
    case 'leftOn':
      return v.leftOn ? displayDate(v.leftOn) : '';
    default:
      return String(v[key] ?? '');
  }
}

/** What applying would do, without writing: the counts and, for each update, old → new per column. */
export function previewRegistryImport(db: DbOrTx, records: CadreRecord[], today: string, clinicNames = new Map<number, string>()): ImportCounts & { changes: RegistryChange[] } {
  const counts = { created: 0, updated: 0, unchanged: 0, changes: [] as RegistryChange[] };
  for (const [i, p] of plan(db, records, today).entries()) {
    if (!p.current) counts.created++;
    else if (p.changed.length) {
      counts.updated++;
      const next = { ...p.current, ...p.values } as Cadre;
      const columns = new Map<string, { column: string; from: string; to: string }>();
      for (const k of p.changed) {
        const column = changeLabels[k as keyof Cadre];
        if (!column || columns.has(column)) continue;
        columns.set(column, { column, from: shown(k as keyof Cadre, p.current, clinicNames), to: shown(k as keyof Cadre, next, clinicNames) });
      }
      counts.changes.push({ row: records[i]!.rowNumber, code: p.current.code, fullName: p.current.fullName, fields: [...columns.values()].filter((f) => f.from !== f.to) });
    } else counts.unchanged++;
  }
  return counts;
}

/** Upserts by code inside the caller's transaction; rows equal to what is stored are left untouched. */
export function applyRegistryImport(tx: DbOrTx, records: CadreRecord[], now: number): ImportCounts {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const p of plan(tx, records, vietnamDate(now))) {
    if (!p.current) {
      tx.insert(cadres).values({ ...p.values, createdAt: now, updatedAt: now }).run();
      counts.created++;
    } else if (p.changed.length) {
      tx.update(cadres)
        .set({ ...p.values, updatedAt: now })
        .where(inArray(cadres.id, [p.current.id]))
        .run();
      counts.updated++;
    } else counts.unchanged++;
  }
  return counts;
}

// --- writing ----------------------------------------------------------------------------------------------

export interface RegistryExportRow extends Cadre {
  clinicCode: string | null;
}

const displayDate = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso);

function exportCells(r: RegistryExportRow): Record<ColumnKey, string> {
  return {
    code: r.code,
    fullName: r.fullName,
    birthDate: displayBirthDate(r.birthDate, r.birthDatePrecision),
    sex: sexLabels[r.sex],
    category: categoryLabels[r.category],
    unit: r.unit,
    phone: formatPhone(r.phone),
    email: r.email ?? '',
    clinic: r.clinicCode ?? '',
    healthClass: r.healthClass ?? '',
    frail: r.frail ? 'Có' : 'Không',
    active: r.active ? 'Có' : 'Không',
  };
}

/** The registry (or, with no rows, the blank template) as an .xlsx workbook; text cells keep leading zeros. */
export async function registryWorkbook(rows: RegistryExportRow[], opts: { template?: boolean; clinics?: Clinic[] } = {}): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CadreCare';
  const ws = wb.addWorksheet('Danh sách cán bộ', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = registryColumns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.key === 'fullName' || c.key === 'unit' ? 30 : c.key === 'email' ? 26 : 16,
    style: { numFmt: '@' },
  }));
  const head = ws.getRow(1);
  head.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF0B6E4F' } };
  for (const r of rows) ws.addRow(exportCells(r));
  if (opts.template) {
    const help = wb.addWorksheet('Hướng dẫn');
    help.columns = [{ width: 24 }, { width: 90 }];
    help.addRow(['Cột', 'Cách ghi']).font = { bold: true };
    const notes: [string, string][] = [
      ['Mã cán bộ', 'Bắt buộc, không trùng. Nhập lại cùng mã sẽ cập nhật cán bộ đó.'],
      ['Họ và tên', 'Bắt buộc, có dấu.'],
      ['Ngày sinh', 'Bắt buộc, dạng dd/mm/yyyy (ví dụ 05/09/1952).'],
      ['Giới tính', 'Nam hoặc Nữ.'],
      ['Đối tượng', 'Đương chức, Nguyên chức, Người có công hoặc Khác.'],
      ['Đơn vị', 'Cơ quan, đơn vị công tác (hoặc nguyên công tác).'],
      ['Điện thoại', 'Số di động, ví dụ 0912 345 678. Dùng để nhận ra cán bộ khi nhắn tin Zalo.'],
      ['Email', 'Có thể để trống.'],
      ['Phòng khám', `Mã phòng khám hoặc đúng tên phòng khám${opts.clinics?.length ? ': ' + opts.clinics.map((c) => c.code).join(', ') : ''}.`],
      ['Phân loại sức khỏe', 'I, II, III, IV, V hoặc để trống.'],
      ['Không đi khám được', 'Có (được đề nghị khám tại nhà) hoặc Không.'],
      ['Đang quản lý', 'Có hoặc Không. Để trống là Có.'],
    ];
    for (const n of notes) help.addRow(n);
    help.getColumn(2).alignment = { wrapText: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The registry as CSV through the one CSV writer (formula-looking cells defused). */
export function registryCsv(rows: RegistryExportRow[]): string {
  return toCsv(
    registryColumns.map((c) => c.header),
    rows.map((r) => {
      const cells = exportCells(r);
      return registryColumns.map((c) => cells[c.key]);
    }),
  );
}

/** The rejected rows of a file, under the file's own headers, with the reasons in a last column "Lý do". */
export async function rejectedRowsWorkbook(check: Pick<RegistryCheck, 'header' | 'rows' | 'problems'>, sheetTitle: string): Promise<Buffer> {
  const reasons = new Map<number, string[]>();
  for (const p of check.problems) reasons.set(p.row, [...(reasons.get(p.row) ?? []), p.column ? `${p.column}: ${p.message}` : p.message]);
  const headers = (check.header?.cells ?? []).map((c) => (c === null ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c)));
  const rejected = check.rows.filter((r) => reasons.has(r.rowNumber));
  const width = Math.max(headers.length, ...rejected.map((r) => r.cells.length));
  return writeWorkbook([
    {
      name: sheetTitle,
      columns: [{ header: 'Dòng', kind: 'integer' }, ...Array.from({ length: width }, (_, i) => ({ header: headers[i] ?? '' })), { header: 'Lý do', width: 70 }],
      rows: rejected.map((r) => [r.rowNumber, ...Array.from({ length: width }, (_, i) => r.cells[i] ?? null), reasons.get(r.rowNumber)!.join(' · ')]),
    },
  ]);
}
