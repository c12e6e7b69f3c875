import { stringify } from 'csv-stringify/sync';

/** Characters that make a spreadsheet read a cell as a formula (or hide one behind a tab or carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell as text a spreadsheet shows as written: a value starting with = + - @, a tab or a carriage
 * return gets a leading apostrophe, so `=HYPERLINK(…)` or `+cmd|…` from an import never runs when opened.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * The one CSV writer of every export: UTF-8 with a BOM (Excel shows Vietnamese correctly), comma separated,
 * CRLF, every cell passed through csvCell and quoted by csv-stringify where needed.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const records = [header, ...rows].map((r) => r.map(csvCell));
  return '\uFEFF' + stringify(records, { record_delimiter: '\r\n', quoted_match: /^\s|\s$|;/ });
}
