import { toCsv } from '../shared/csv';
import { birthDateCell, writeWorkbook, type SheetCell, type SheetSpec } from '../shared/spreadsheet';
import type { Cadre, Clinic } from '../../store/schema';
import { formatPhone } from '../shared/phone';
import { categoryLabels, type ColumnKey, registryColumns, sexLabels } from './registryColumns';
import { displayBirthDate, type RegistryCheck } from './registryCheck';
import { healthClassHelp, type ClassSchemeId } from '../results/classification';

export interface RegistryExportRow extends Cadre {
  clinicCode: string | null;
}

export const displayDate = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso);

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

const columnWidth = (key: ColumnKey) => (key === 'fullName' || key === 'unit' ? 30 : key === 'email' ? 26 : 16);

/** What the template's help sheet says of each column. */
function templateHelp(opts: { clinics?: Clinic[]; classScheme?: ClassSchemeId }): string[][] {
  return [
    ['Mã cán bộ', 'Bắt buộc, không trùng. Nhập lại cùng mã sẽ cập nhật cán bộ đó.'],
    ['Họ và tên', 'Bắt buộc, có dấu.'],
    ['Ngày sinh', 'Bắt buộc, dạng dd/mm/yyyy (ví dụ 05/09/1952); hồ sơ chỉ có năm sinh thì ghi năm (ví dụ 1935).'],
    ['Giới tính', 'Nam hoặc Nữ.'],
    ['Đối tượng', 'Đương chức, Nguyên chức, Người có công hoặc Khác.'],
    ['Đơn vị', 'Cơ quan, đơn vị công tác (hoặc nguyên công tác).'],
    ['Điện thoại', 'Số di động, ví dụ 0912 345 678. Dùng để nhận ra cán bộ khi nhắn tin Zalo.'],
    ['Email', 'Có thể để trống.'],
    ['Phòng khám', `Mã phòng khám hoặc đúng tên phòng khám${opts.clinics?.length ? ': ' + opts.clinics.map((c) => c.code).join(', ') : ''}.`],
    ['Phân loại sức khỏe', `${healthClassHelp(opts.classScheme ?? 'I-V')} Để trống khi chưa phân loại.`],
    ['Không đi khám được', 'Có (được đề nghị khám tại nhà) hoặc Không.'],
    ['Đang quản lý', 'Có hoặc Không. Để trống là Có.'],
  ];
}

/**
 * The registry (or, with no rows, the blank template) as an .xlsx workbook through the one writer: birth dates as
 * date cells (a year alone stays the year), codes and phone numbers as text (leading zeros kept).
 */
export async function registryWorkbook(rows: RegistryExportRow[], opts: { template?: boolean; clinics?: Clinic[]; classScheme?: ClassSchemeId } = {}): Promise<Buffer> {
  const sheets: SheetSpec[] = [
    {
      name: 'Danh sách cán bộ',
      columns: registryColumns.map((c) => ({ header: c.header, kind: c.key === 'birthDate' ? 'date' : 'text', width: columnWidth(c.key) })),
      rows: rows.map((r) => {
        const cells: Record<ColumnKey, SheetCell> = { ...exportCells(r), birthDate: birthDateCell(r.birthDate, r.birthDatePrecision) };
        return registryColumns.map((c) => cells[c.key]);
      }),
    },
  ];
  if (opts.template) sheets.push({ name: 'Hướng dẫn', columns: [{ header: 'Cột', width: 24 }, { header: 'Cách ghi', width: 90, wrap: true }], rows: templateHelp(opts) });
  return writeWorkbook(sheets);
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
