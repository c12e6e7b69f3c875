import { MAX_IMPORT_ROWS, text, type CellValue, type SheetRow } from './registryColumns';
import { type SkippedRow, splitOfficeRows } from './registryFile';

/**
 * The part both imports (registry and results) share: find the header row of an uploaded sheet, map its labels
 * to the template's columns, and keep the data rows under it; then read a row's cells by column.
 */

export interface ImportProblem {
  row: number;
  /** The Vietnamese column header, or '' for a problem with the whole row or file. */
  column: string;
  message: string;
}

/** How many rows from the top the header row is looked for (office files carry several title lines). */
const HEADER_SEARCH_ROWS = 20;

export interface SheetColumn<K extends string> {
  key: K;
  header: string;
  required?: boolean;
}

/** Where the columns sit, the data rows under the header, and what is wrong with the header or the row count. */
export interface SheetLayout<K extends string> {
  header: SheetRow;
  positions: Map<K, number>;
  ignoredHeaders: string[];
  dataRows: SheetRow[];
  /** Rows that are not data (titles, group titles, totals, signature block), with why. */
  skipped: SkippedRow[];
  problems: ImportProblem[];
}

/** The header row is the first of the first rows with a "Mã cán bộ" column; null (with the problem) when there is none. */
export function readSheetLayout<K extends string>(
  rows: SheetRow[],
  columns: readonly SheetColumn<K>[],
  matchHeader: (label: string) => K | undefined,
): SheetLayout<K> | { missingHeader: ImportProblem } {
  const headerAt = rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => r.cells.some((c) => c !== null && matchHeader(text(c)) === 'code'));
  if (headerAt < 0) {
    return { missingHeader: { row: rows[0]?.rowNumber ?? 1, column: 'Mã cán bộ', message: 'Không tìm thấy dòng tiêu đề có cột “Mã cán bộ”. Hãy dùng tệp mẫu.' } };
  }
  const headerOf = (key: K) => columns.find((c) => c.key === key)!.header;
  const header = rows[headerAt]!;
  const problems: ImportProblem[] = [];
  const positions = new Map<K, number>();
  const ignoredHeaders: string[] = [];
  header.cells.forEach((c, i) => {
    const label = text(c);
    if (!label) return;
    const key = matchHeader(label);
    if (!key) ignoredHeaders.push(label);
    else if (positions.has(key)) problems.push({ row: header.rowNumber, column: label, message: `Cột “${headerOf(key)}” xuất hiện hai lần.` });
    else positions.set(key, i);
  });
  for (const col of columns) {
    if (col.required && !positions.has(col.key)) problems.push({ row: header.rowNumber, column: col.header, message: `Thiếu cột “${col.header}”.` });
  }
  // Titles above the header, group titles, totals and the signature block of office files are not data.
  const { data: dataRows, skipped } = splitOfficeRows(rows.slice(headerAt + 1), positions.get('code' as K));
  if (dataRows.length === 0) problems.push({ row: header.rowNumber, column: '', message: 'Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.' });
  if (dataRows.length > MAX_IMPORT_ROWS) {
    problems.push({ row: header.rowNumber, column: '', message: `Tệp có ${dataRows.length} dòng, vượt quá ${MAX_IMPORT_ROWS} dòng mỗi lần nhập.` });
  }
  return { header, positions, ignoredHeaders, dataRows, skipped, problems };
}

/** A row's cells by column, and a way to note a problem in one of them (or in the whole row, with ''). */
export function rowCells<K extends string>(row: SheetRow, positions: Map<K, number>, problems: ImportProblem[], headerOf: (key: K) => string) {
  const raw = (key: K): CellValue => {
    const i = positions.get(key);
    return i === undefined ? null : (row.cells[i] ?? null);
  };
  return {
    raw,
    value: (key: K) => text(raw(key)),
    has: (key: K) => positions.has(key),
    bad: (key: K | '', message: string) => problems.push({ row: row.rowNumber, column: key ? headerOf(key) : '', message }),
  };
}
export type RowCells<K extends string> = ReturnType<typeof rowCells<K>>;
