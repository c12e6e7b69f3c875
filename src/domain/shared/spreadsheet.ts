import { toCsv } from './csv';
import { VN_OFFSET_MS } from './dates';
import { stripDiacritics } from './vietnamese';
import type ExcelJS from 'exceljs';
import { loadExcelJs } from './excel';

/**
 * The one writer for every xlsx and CSV file the service hands out, so files look the way Excel users
 * expect: dates are date cells (dd/mm/yyyy), counts and shares are numbers (shares formatted as %), a share
 * with no denominator is "—", codes and phone numbers stay text (leading zeros kept), the header row is frozen
 * and filterable on every sheet. CSV goes through csv.ts.
 */

type ColumnKind = 'text' | 'integer' | 'number' | 'percent' | 'date' | 'datetime';
export interface SheetColumn {
  header: string;
  kind?: ColumnKind;
  width?: number;
  /** Long text (help, conclusions): wrapped in its cell. */
  wrap?: boolean;
}
/** A cell whose kind differs from its column's (a share in a column of counts). */
export interface TypedCell {
  kind: ColumnKind;
  value: string | number | boolean | Date | null;
}
/**
 * A cell: text, a number, a boolean, null (empty), or for date columns an ISO date 'YYYY-MM-DD' (or a Date);
 * for datetime columns an instant in epoch ms (shown in Vietnam time).
 */
export type SheetCell = string | number | boolean | Date | null | TypedCell;
export interface SheetSpec {
  name: string;
  /** Lines above the header (committee, title, period); the header row follows them. */
  heading?: string[];
  columns: SheetColumn[];
  rows: SheetCell[][];
  /** Lines under the table (definitions, totals explained). */
  notes?: string[];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_MIME = 'text/csv; charset=utf-8';
const NO_SHARE = '—';
const DATE_FMT = 'dd/mm/yyyy';
const NUM_FMT: Record<ColumnKind, string | undefined> = {
  text: '@',
  integer: '#,##0',
  number: undefined,
  percent: '0.0%',
  date: DATE_FMT,
  datetime: `${DATE_FMT} hh:mm`,
};

/** A cell with the kind it is written as: its own, else its column's. */
const typed = (v: SheetCell, column: SheetColumn): TypedCell =>
  v !== null && typeof v === 'object' && !(v instanceof Date) ? v : { kind: column.kind ?? 'text', value: v as TypedCell['value'] };

/** An ISO date as the UTC-midnight Date Excel stores as that calendar day. */
function dateCell(v: SheetCell): Date | string | null {
  if (v === null || v === '') return null;
  if (v instanceof Date) return v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  return typeof v === 'number' ? null : String(v);
}

/** The value ExcelJS stores for a cell of a kind. */
function excelValue({ kind, value }: TypedCell): ExcelJS.CellValue {
  if (kind === 'date') return dateCell(value);
  if (kind === 'datetime') return typeof value === 'number' ? new Date(value + VN_OFFSET_MS) : value;
  if (kind === 'percent') return value === null ? NO_SHARE : value;
  return value;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique within the workbook. */
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, '-').slice(0, 31) || 'Trang';
  let out = base;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 28)} ${i}`;
  taken.add(out.toLowerCase());
  return out;
}

/** A birth date as a date cell; one known to the year only ("1935" in an office record) stays the year as text. */
export const birthDateCell = (iso: string, precision: 'day' | 'year'): TypedCell =>
  precision === 'year' ? { kind: 'text', value: iso.slice(0, 4) } : { kind: 'date', value: iso };

/** 1-based row of the header in a sheet written by `writeWorkbook`. */
export const headerRowOf = (spec: Pick<SheetSpec, 'heading'>) => (spec.heading?.length ? spec.heading.length + 1 : 0) + 1;

function writeHeading(ws: ExcelJS.Worksheet, heading: string[] | undefined): void {
  if (!heading?.length) return;
  heading.forEach((line, i) => (ws.addRow([line]).font = i === 1 ? { bold: true, size: 13 } : { bold: i === 0 }));
  ws.addRow([]);
}

function writeHeader(ws: ExcelJS.Worksheet, columns: SheetColumn[]): void {
  const headerRow = ws.addRow(columns.map((c) => c.header));
  headerRow.font = { bold: true };
  headerRow.alignment = { vertical: 'middle', wrapText: true };
  headerRow.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7F4EF' } };
    cell.border = { bottom: { style: 'thin' } };
  });
}

/** One data row: each cell as its kind (date cells, numbers, shares as %), "—" for a share with no denominator. */
function writeRow(ws: ExcelJS.Worksheet, columns: SheetColumn[], r: SheetCell[]): void {
  const cells = columns.map((col, i) => typed(r[i] ?? null, col));
  const row = ws.addRow(cells.map(excelValue));
  cells.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    const fmt = NUM_FMT[c.kind];
    if (columns[i]!.wrap) cell.alignment = { wrapText: true, vertical: 'top' };
    if (c.kind === 'text' && typeof cell.value !== 'string') return;
    if (fmt) cell.numFmt = fmt;
    if (c.kind === 'percent' && cell.value === NO_SHARE) cell.alignment = { horizontal: 'right' };
  });
}

/** Widths, the frozen header and its filter. */
function finishSheet(ws: ExcelJS.Worksheet, spec: SheetSpec): void {
  const h = headerRowOf(spec);
  spec.columns.forEach((col, i) => {
    const column = ws.getColumn(i + 1);
    const widest = Math.max(col.header.length, ...spec.rows.map((r) => (col.kind === 'date' ? 10 : String(typed(r[i] ?? null, col).value ?? '').length)));
    column.width = col.width ?? Math.min(60, Math.max(10, widest + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: h, xSplit: 0 }];
  if (spec.columns.length) ws.autoFilter = { from: { row: h, column: 1 }, to: { row: h + spec.rows.length, column: spec.columns.length } };
}

export async function writeWorkbook(sheets: SheetSpec[]): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CadreCare';
  const taken = new Set<string>();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(sheetName(spec.name, taken));
    // Cells typed later into a text column (a template's codes, phone numbers) stay text: leading zeros kept.
    spec.columns.forEach((col, i) => {
      if ((col.kind ?? 'text') === 'text') ws.getColumn(i + 1).numFmt = '@';
    });
    writeHeading(ws, spec.heading);
    writeHeader(ws, spec.columns);
    for (const r of spec.rows) writeRow(ws, spec.columns, r);
    if (spec.notes?.length) {
      ws.addRow([]);
      for (const n of spec.notes) ws.addRow([n]).font = { italic: true };
    }
    finishSheet(ws, spec);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A cell as CSV text: dates dd/mm/yyyy, shares "85,0%", missing share "—", booleans Có/Không. */
function csvText(cell: SheetCell, column: ColumnKind): string {
  const { kind, value: v } = typed(cell, { header: '', kind: column });
  if (v === null) return kind === 'percent' ? NO_SHARE : '';
  if (v instanceof Date) return ddmmyyyy(v.toISOString().slice(0, 10));
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (typeof v === 'number') {
    if (kind === 'percent') return `${(v * 100).toFixed(1).replace('.', ',')}%`;
    if (kind === 'datetime') {
      const local = new Date(v + VN_OFFSET_MS).toISOString();
      return `${ddmmyyyy(local.slice(0, 10))} ${local.slice(11, 16)}`;
    }
    return String(v);
  }
  if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return ddmmyyyy(v);
  return v;
}

/** The same sheet as CSV, through the one CSV writer (csv.ts: BOM, CRLF, formulas defused). */
export function writeCsv(columns: SheetColumn[], rows: SheetCell[][]): string {
  return toCsv(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c, i) => csvText(r[i] ?? null, c.kind ?? 'text'))),
  );
}

/** ASCII file names that say what they hold: "Báo cáo đợt 2/2026" -> "bao-cao-dot-2-2026". */
export function fileSlug(s: string): string {
  return stripDiacritics(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

