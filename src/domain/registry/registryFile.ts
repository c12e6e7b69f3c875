import { foldLabel } from '../shared/vietnamese';
import { AppError } from '../../errors';
import type ExcelJS from 'exceljs';
import { loadExcelJs } from '../shared/excel';
import { parse as parseCsv } from 'csv-parse/sync';
import type { CellValue, SheetRow } from './registryColumns';

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
    throw new AppError('bad_request', 'Không đọc được tệp Excel: tệp bị hỏng hoặc không phải định dạng .xlsx. Hãy mở tệp bằng Excel và lưu lại dạng .xlsx.');
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new AppError('bad_request', 'Tệp Excel không có trang tính nào có dữ liệu.');
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
    throw new AppError('bad_request', 'Tệp CSV không phải mã UTF-8. Trong Excel, chọn "Lưu thành" → "CSV UTF-8 (phân tách bằng dấu phẩy)".');
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
    throw new AppError('bad_request', `Tệp CSV sai định dạng${line ? ` ở dòng ${line}` : ''} (thường do dấu ngoặc kép không đóng).`);
  }
  return records.map((cells, i) => ({ rowNumber: i + 1, cells }));
}

type RegistryFileFormat = 'xlsx' | 'csv';

/** Picks the format from the bytes and the file name; rejects old .xls and anything else. */
function detectFormat(bytes: Uint8Array, fileName: string): RegistryFileFormat {
  const name = fileName.toLowerCase();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOle = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  if (isOle || name.endsWith('.xls')) {
    throw new AppError('bad_request', 'Tệp .xls (Excel 97–2003) không được hỗ trợ. Hãy mở bằng Excel và lưu lại dạng .xlsx.');
  }
  if (isZip || name.endsWith('.xlsx')) return 'xlsx';
  if (name.endsWith('.csv') || name.endsWith('.txt') || !name.includes('.')) return 'csv';
  throw new AppError('bad_request', 'Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).');
}

/** Reads every non-empty row of the first sheet (xlsx) or of the file (csv). */
export async function readRegistryFile(bytes: Uint8Array, fileName: string): Promise<SheetRow[]> {
  if (bytes.length === 0) throw new AppError('bad_request', 'Tệp trống.');
  const rows = detectFormat(bytes, fileName) === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  return rows.filter((r) => r.cells.some((c) => c !== null && String(c).trim() !== ''));
}

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
