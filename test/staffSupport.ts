import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { createApiToken, createStaffUser } from '../src/domain/staff/staff';
import { clinics, zaloUsers, type StaffRole, type StaffUser } from '../src/store/schema';
import type { Harness } from './harness';

/** Shared set-up for the staff page and API tests: accounts, logins, form posts and spreadsheet files. */

const ORIGIN = 'http://localhost';
export const PASSWORD = 'mat-khau-thu-nghiem-1';

export function seedClinics(h: Harness): { a: number; b: number } {
  const now = h.clock.now();
  const row = (code: string, name: string) =>
    h.runtime.store.db.insert(clinics).values({ code, name, createdAt: now, updatedAt: now }).returning({ id: clinics.id }).get().id;
  return { a: row('PKA', 'Phòng khám A Hải Phòng'), b: row('BVKT', 'Bệnh viện Kiến An') };
}

export function seedZaloUser(h: Harness, id: string, displayName = 'Người dùng Zalo'): void {
  const now = h.clock.now();
  h.runtime.store.db.insert(zaloUsers).values({ id, displayName, followed: true, createdAt: now, updatedAt: now }).onConflictDoNothing().run();
}

export async function makeStaff(h: Harness, username: string, role: StaffRole, clinicId: number | null = null): Promise<StaffUser> {
  return createStaffUser(h.runtime.store.db, { username, fullName: `Nhân viên ${username}`, role, password: PASSWORD, clinicId }, h.clock.now());
}

export function tokenFor(h: Harness, staffId: number): string {
  return createApiToken(h.runtime.store.db, staffId, 'test', h.clock.now()).token;
}

export interface Session {
  cookie: string;
  csrf: string;
}

export const cookieFrom = (res: Response): string => {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('cc_staff='));
  if (!set) throw new Error(`no session cookie (status ${res.status})`);
  return set.split(';')[0]!;
};

export const csrfFrom = (html: string): string => {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
};

export async function postLogin(h: Harness, username: string, password: string): Promise<Response> {
  return h.runtime.app.request('/staff/login', {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

/** Logs in through the real form and reads the CSRF token from a page. */
export async function login(h: Harness, username: string, password = PASSWORD): Promise<Session> {
  const res = await postLogin(h, username, password);
  expect(res.status).toBe(303);
  const cookie = cookieFrom(res);
  const page = await h.runtime.app.request('/staff/registry', { headers: { cookie } });
  const html = await page.text();
  return { cookie, csrf: csrfFrom(html) };
}

export async function get(h: Harness, path: string, s?: Session): Promise<Response> {
  return h.runtime.app.request(path, { headers: s ? { cookie: s.cookie } : {} });
}

/** A browser-like form POST (same-origin, session cookie, the page's CSRF token unless told otherwise). */
export async function postForm(
  h: Harness,
  path: string,
  s: Session | undefined,
  fields: Record<string, string | Blob> = {},
  opts: { csrf?: string | null; origin?: string; multipart?: boolean } = {},
): Promise<Response> {
  const all: Record<string, string | Blob> = { ...fields };
  const token = opts.csrf === undefined ? s?.csrf : opts.csrf;
  if (token) all._csrf = token;
  const headers: Record<string, string> = { origin: opts.origin ?? ORIGIN };
  if (s) headers.cookie = s.cookie;
  let body: FormData | string;
  if (opts.multipart || Object.values(all).some((v) => typeof v !== 'string')) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(all)) fd.append(k, v as string | Blob);
    body = fd;
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(all as Record<string, string>).toString();
  }
  return h.runtime.app.request(path, { method: 'POST', headers, body });
}

export async function api(h: Harness, path: string, token: string | null, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return h.runtime.app.request(path, { ...init, headers });
}

export const HEADERS = [
  'Mã cán bộ',
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Đối tượng',
  'Đơn vị',
  'Điện thoại',
  'Email',
  'Phòng khám',
  'Phân loại sức khỏe',
  'Không đi khám được',
  'Đang quản lý',
];

/** An .xlsx file built with exceljs, the first row being the header. */
export async function xlsxFile(rows: unknown[][], name = 'danh-sach.xlsx'): Promise<File> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow(r);
  const buf = await wb.xlsx.writeBuffer();
  return new File([new Uint8Array(buf as ArrayBuffer)], name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

export function csvFile(text: string, opts: { bom?: boolean; name?: string } = {}): File {
  return new File([(opts.bom ? '\uFEFF' : '') + text], opts.name ?? 'danh-sach.csv', { type: 'text/csv' });
}

/** Five good rows in every accepted shape: a real Excel date, a text date, an ISO date, a numeric phone. */
export const goodRows = (): unknown[][] => [
  HEADERS,
  ['CB001', 'Nguyễn Văn An', new Date(Date.UTC(1950, 4, 19)), 'Nam', 'Nguyên chức', 'Thành ủy Hải Phòng', '0912 345 678', 'an@example.vn', 'PKA', 'II', 'Không', 'Có'],
  ['CB002', 'Trần Thị Bích', '05/09/1958', 'Nữ', 'Đương chức', 'Sở Y tế', 912000111, '', 'Bệnh viện Kiến An', 'I', 'Không', 'Có'],
  ['CB003', 'Lê Văn Cường', '1945-01-02', 'nam', 'Người có công', 'Hội Cựu chiến binh', '+84 903 222 333', '', 'pka', 'IV', 'Có', ''],
  ['CB004', 'Phạm Thị Dung', '1/2/1962', 'NỮ', 'khac', '', '', '', '', '', '', 'Có'],
  ['CB005', 'Hoàng Văn Em', '31/12/1955', 'Nam', 'Nguyen chuc', 'UBND quận Lê Chân', '0225 3 841 222', '', 'BVKT', 'III', 'không', 'có'],
];
