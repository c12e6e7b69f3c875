import { z } from 'zod';
/** Dates as Vietnamese people write and read them; instants are stored in UTC, shown in Asia/Ho_Chi_Minh. */
export const VIETNAM_TZ = 'Asia/Ho_Chi_Minh';

/** A calendar date (YYYY-MM-DD) moved by whole days. */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** YYYY-MM-DD when (y, m, d) is a real calendar date, else null. */
export function isoIfValid(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Reads a calendar date typed the Vietnamese way (day first): 05/09/1950, 5-9-1950, 05.09.1950, 05091950,
 * "ngày 5 tháng 9 năm 1950", and ISO 1950-09-05. Returns YYYY-MM-DD, or null.
 */
export function parseVietnameseDate(input: string): string | null {
  const s = input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return isoIfValid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/.exec(s);
  if (m) return isoIfValid(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{2})(\d{2})(\d{4})$/.exec(s);
  if (m) return isoIfValid(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$/.exec(s);
  if (m) return isoIfValid(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** 1950-09-05 -> 05/09/1950 */
export function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const WEEKDAYS = ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
/** Vietnam is UTC+7 all year (no daylight saving): a local wall-clock reading is the instant plus this. */
export const VN_OFFSET_MS = 7 * 3600_000;

/** "Thứ Hai, 02/03/2026" for a local date (YYYY-MM-DD). */
export function formatVietnamDay(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  return `${weekday}, ${formatIsoDate(isoDate)}`;
}

/** "7:30" in Vietnam time for an instant. */
export function formatVietnamTime(instant: number): string {
  const local = new Date(instant + VN_OFFSET_MS);
  return `${local.getUTCHours()}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

/** "Thứ Hai, 02/03/2026, 7:30" in Vietnam time for an instant. */
export function formatVietnamDateTime(instant: number): string {
  const isoDate = new Date(instant + VN_OFFSET_MS).toISOString().slice(0, 10);
  return `${formatVietnamDay(isoDate)}, ${formatVietnamTime(instant)}`;
}

/**
 * A date field typed the Vietnamese way (dd/mm/yyyy; ISO also accepted, for links and programs), as YYYY-MM-DD.
 * Staff pages use text inputs with this, never the browser's date picker (which shows mm/dd/yyyy in many locales).
 */
export const vietnameseDateField = z
  .string()
  .trim()
  .transform((typed, ctx) => {
    const iso = parseVietnameseDate(typed);
    if (!iso) ctx.addIssue({ code: 'custom', message: `“${typed.slice(0, 20)}” chưa đúng dạng ngày/tháng/năm, ví dụ 05/03/2026` });
    return iso ?? '';
  });

/** An optional date field: empty means none. */
export const optionalVietnameseDateField = z.preprocess((v) => (v === '' ? undefined : v), vietnameseDateField.optional());
