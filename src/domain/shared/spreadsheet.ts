import { toCsv } from './csv';
import { VN_OFFSET_MS } from './dates';
import { stripDiacritics } from './vietnamese';
import { loadExcelJs } from './excel';

/**
 * The one writer for every xlsx and CSV file the service hands out, so files look the way Excel users
 * expect: dates are date cells (dd/mm/yyyy), counts and shares are numbers (shares formatted as %), a share
 * with no denominator is "—", codes and phone numbers stay text (leading zeros kept), the header row is frozen
 * and filterable on every sheet. CSV goes through csv.ts.
 */

export type ColumnKind = 'text' | 'integer' | 'number' | 'percent' | 'date' | 'datetime';
export interface SheetColumn {
  header: string;
  kind?: ColumnKind;
  width?: number;
}
/**
 * A cell: text, a number, a boolean, null (empty), or for date columns an ISO date 'YYYY-MM-DD' (or a Date);
 * for datetime columns an instant in epoch ms (shown in Vietnam time).
 */
export type SheetCell = string | number | boolean | Date | null;
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
export const NO_SHARE = '—';
const DATE_FMT = 'dd/mm/yyyy';

/** An ISO date as the UTC-midnight Date Excel stores as that calendar day. */
function dateCell(v: SheetCell): Date | string | null {
  if (v === null || v === '') return null;
  if (v instanceof Date) return v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  return typeof v === 'number' ? null : String(v);
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique within the workbook. */
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, '-').slice(0, 31) || 'Trang';
  let out = base;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 28)} ${i}`;
  taken.add(out.toLowerCase());
  return out;
}

/** 1-based row of the header in a sheet written by `writeWorkbook`. */
export const headerRowOf = (spec: Pick<SheetSpec, 'heading'>) => (spec.heading?.length ? spec.heading.length + 1 : 0) + 1;

export async function writeWorkbook(sheets: SheetSpec[]): Promise<Buffer> {
  const ExcelJS = await loadExcelJs();
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CadreCare';
  const taken = new Set<string>();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(sheetName(spec.name, taken));
    if (spec.heading?.length) {
      spec.heading.forEach((line, i) => (ws.addRow([line]).font = i === 1 ? { bold: true, size: 13 } : { bold: i === 0 }));
      ws.addRow([]);
    }
    const headerRow = ws.addRow(spec.columns.map((c) => c.header));
    headerRow.font = { bold: true };
    headerRow.alignment = { vertical: 'middle', wrapText: true };
    headerRow.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7F4EF' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    for (const r of spec.rows) {
      const row = ws.addRow(
        spec.columns.map((col, i) => {
          const v = r[i] ?? null;
          switch (col.kind ?? 'text') {
            case 'date':
              return dateCell(v);
            case 'datetime':
              return typeof v === 'number' ? new Date(v + VN_OFFSET_MS) : v;
            case 'percent':
              return v === null ? NO_SHARE : v;
            default:
              return v;
          }
        }),
      );
      spec.columns.forEach((col, i) => {
        const cell = row.getCell(i + 1);
        const kind = col.kind ?? 'text';
        if (kind === 'date') cell.numFmt = DATE_FMT;
        else if (kind === 'datetime') cell.numFmt = `${DATE_FMT} hh:mm`;
        else if (kind === 'percent') {
          cell.numFmt = '0.0%';
          if (cell.value === NO_SHARE) cell.alignment = { horizontal: 'right' };
        } else if (kind === 'integer') cell.numFmt = '#,##0';
        else if (kind === 'text' && typeof cell.value === 'string') cell.numFmt = '@';
      });
    }
    if (spec.notes?.length) {
      ws.addRow([]);
      for (const n of spec.notes) ws.addRow([n]).font = { italic: true };
    }
    const h = headerRowOf(spec);
    spec.columns.forEach((col, i) => {
      const widest = Math.max(col.header.length, ...spec.rows.map((r) => (col.kind === 'date' ? 10 : String(r[i] ?? '').length)));
      ws.getColumn(i + 1).width = col.width ?? Math.min(60, Math.max(10, widest + 2));
    });
    ws.views = [{ state: 'frozen', ySplit: h, xSplit: 0 }];
    if (spec.columns.length) ws.autoFilter = { from: { row: h, column: 1 }, to: { row: h + spec.rows.length, column: spec.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A cell as CSV text: dates dd/mm/yyyy, shares "85,0%", missing share "—", booleans Có/Không. */
function csvText(v: SheetCell, kind: ColumnKind): string {
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

export const attachment = (fileName: string) => `attachment; filename="${fileName}"`;
