import { allowedCodesText, parseHealthClass, type ClassSchemeId } from '../results/classification';
import { foldLabel } from '../shared/vietnamese';
import type { BirthDatePrecision, CadreCategory, Clinic, HealthClass } from '../../store/schema';
import { normalizePhone } from '../shared/phone';
import { categoryLabels, type CellValue, columnHeader, type ColumnKey, matchHeader, registryColumns, type SheetRow, text } from './registryColumns';
import type { SkippedRow } from './registryFile';
import { readSheetLayout, rowCells, type ImportProblem, type RowCells } from './sheetLayout';

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
function parseBirthDateOrYear(v: CellValue, today: string): { iso: string; precision: BirthDatePrecision } | null {
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
const yes = new Set(['co', 'x', '1', 'true', 'yes']);
const no = new Set(['khong', '0', 'false', 'no']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface RegistryRowContext {
  today: string;
  classScheme?: ClassSchemeId;
  clinicByCode: Map<string, number>;
  clinicByName: Map<string, number>;
  /** Codes already read, with the row they were first on. */
  seenCodes: Map<string, number>;
}

/** The columns every file has: code, name, birth date, sex and category. */
function requiredFields(row: SheetRow, { raw, bad }: RowCells<ColumnKey>, ctx: RegistryRowContext): CadreRecord {
  const required = (key: ColumnKey): string => {
    const v = text(raw(key));
    if (!v) bad(key, `Thiếu ${columnHeader(key).toLowerCase()}.`);
    return v;
  };
  const seenCodes = ctx.seenCodes;
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

  return { rowNumber: row.rowNumber, code, fullName, birthDate, birthDatePrecision, sex, category };
}

/** The optional columns, set on the record only when the file has them (else the stored value is kept). */
function optionalFields(record: CadreRecord, { raw, has, bad }: RowCells<ColumnKey>, ctx: RegistryRowContext): void {
  const { clinicByCode, clinicByName } = ctx;
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
    const scheme = ctx.classScheme ?? 'I-V';
    const h = parseHealthClass(text(raw('healthClass')), scheme);
    if (h === null) record.healthClass = null;
    else {
      if (!h) bad('healthClass', `Phân loại sức khỏe “${text(raw('healthClass'))}” không hợp lệ; ghi một trong ${allowedCodesText(scheme)} hoặc để trống.`);
      record.healthClass = h ?? null;
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

}

/**
 * Finds the header row (the first of the first rows with a "Mã cán bộ" column), then checks every row.
 * Returns the rows that are fine and every problem found; a file is applied only when there are none.
 */
export function checkRegistryRows(rows: SheetRow[], ctx: { clinics: Clinic[]; today: string; classScheme?: ClassSchemeId }): RegistryCheck {
  const layout = readSheetLayout(rows, registryColumns, matchHeader);
  if ('missingHeader' in layout) return { records: [], problems: [layout.missingHeader], rowCount: 0, columns: [], ignoredHeaders: [], skipped: [], rows: [] };
  const { header, positions, ignoredHeaders, dataRows, skipped, problems } = layout;
  if (problems.length) return { records: [], problems, rowCount: dataRows.length, columns: [...positions.keys()], ignoredHeaders, skipped, rows: [], header };

  const rowCtx: RegistryRowContext = {
    today: ctx.today,
    classScheme: ctx.classScheme,
    clinicByCode: new Map(ctx.clinics.map((c) => [c.code.trim().toLowerCase(), c.id])),
    clinicByName: new Map(ctx.clinics.map((c) => [c.name.normalize('NFC').trim().toLowerCase(), c.id])),
    seenCodes: new Map<string, number>(),
  };
  const records: CadreRecord[] = [];
  for (const row of dataRows) {
    const before = problems.length;
    const cells = rowCells(row, positions, problems, columnHeader);
    const record = requiredFields(row, cells, rowCtx);
    optionalFields(record, cells, rowCtx);
    if (problems.length === before) records.push(record);
  }
  return { records, problems, rowCount: dataRows.length, columns: [...positions.keys()], ignoredHeaders, skipped, rows: dataRows, header };
}
