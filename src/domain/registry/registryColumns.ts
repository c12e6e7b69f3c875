import { foldLabel } from '../shared/vietnamese';
import type { CadreCategory } from '../../store/schema';

/**
 * The cadre registry as a spreadsheet: its columns with their Vietnamese headers, read from .xlsx and .csv
 * files (registryFile), every row checked (registryCheck), written inside the caller's transaction
 * (registryApply), and written back out in the same layout so an export can be edited and imported again
 * (registryExport). Reading and checking are pure.
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
export const matchHeader = (text: string): ColumnKey | undefined => headerIndex.get(foldLabel(text).replace(/[*:.]+$/, '').trim());

export type CellValue = string | number | boolean | Date | null;
export interface SheetRow {
  /** 1-based, as the spreadsheet program shows it. */
  rowNumber: number;
  cells: CellValue[];
}

/** The file itself cannot be read (not a spreadsheet, damaged, wrong encoding); the message is for staff. */
export const MAX_IMPORT_ROWS = 20_000;

export const text = (v: CellValue): string => {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).normalize('NFC').trim();
};
