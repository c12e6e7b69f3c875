import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded on first use: it costs 10-25 MB and up to a second at start in every process, and only
 * imports and exports need it. Write `import type ExcelJS from 'exceljs'` for its types and
 * `const ExcelJS = await loadExcelJs()` where a workbook is made.
 */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
