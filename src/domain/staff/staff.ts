import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { fieldProblem } from '../shared/validationText';
import type { DbOrTx } from '../../store/db';
import { apiTokens, clinics, staffUsers, type StaffRole, type StaffUser } from '../../store/schema';

/** Vietnamese labels for staff roles, shown on every staff page. */
export const roleLabels: Record<StaffRole, string> = {
  admin: 'Quản trị',
  coordinator: 'Điều phối',
  doctor: 'Bác sĩ',
  clinic_staff: 'Nhân viên phòng khám',
  viewer: 'Chỉ xem',
};

// scrypt with N=2^15, r=8, p=1 (OWASP's minimum for scrypt); 32 MiB of memory per hash.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$key` (base64url parts), so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LEN, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length === 0) return false;
  const key = await scryptAsync(password.normalize('NFC'), salt, expected.length, { N, r, p, maxmem: Math.max(SCRYPT.maxmem, 256 * N * r) });
  return timingSafeEqual(key, expected);
}

/** A hash to compare against when the username is unknown, so a miss costs as much time as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoyPasswordHash = () => (decoyHash ??= hashPassword(randomBytes(12).toString('hex')));

const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A readable random password (no 0/O, 1/l/I), 16 characters, about 92 bits. */
export function generatePassword(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

export const MIN_PASSWORD_LENGTH = 10;

/** A password change as the page and the API take it (the page asks for the new one twice). */
export const PasswordChange = z.object({
  currentPassword: z.string().max(500).default(''),
  newPassword: z.string().max(500).default(''),
  confirmPassword: z.string().max(500).optional(),
});

export interface NewStaffUser {
  username: string;
  fullName: string;
  role: StaffRole;
  password: string;
  email?: string | null;
  clinicId?: number | null;
  zaloUserId?: string | null;
}

const normalizeUsername = (u: string) => u.trim().toLowerCase();

function checkClinicRule(db: DbOrTx, role: StaffRole, clinicId: number | null | undefined): void {
  if (role === 'clinic_staff' && !clinicId) throw new AppError('validation_failed', 'Nhân viên phòng khám phải thuộc một phòng khám.');
  if (clinicId && !db.select({ id: clinics.id }).from(clinics).where(eq(clinics.id, clinicId)).get()) {
    throw new AppError('validation_failed', 'Phòng khám không tồn tại.');
  }
}

/** Creates a staff account; the username is unique (case-insensitive). Hash first, then write synchronously. */
export async function createStaffUser(db: DbOrTx, input: NewStaffUser, now: number): Promise<StaffUser> {
  const username = normalizeUsername(input.username);
  if (!/^[a-z0-9._-]{3,40}$/.test(username)) {
    throw new AppError('validation_failed', 'Tên đăng nhập gồm 3–40 ký tự: chữ không dấu, số, dấu chấm, gạch.');
  }
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('validation_failed', `Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`);
  }
  const passwordHash = await hashPassword(input.password);
  checkClinicRule(db, input.role, input.clinicId);
  if (findStaffByUsername(db, username)) throw new AppError('conflict', `Tên đăng nhập "${username}" đã có.`);
  return db
    .insert(staffUsers)
    .values({
      username,
      fullName: input.fullName.trim(),
      role: input.role,
      passwordHash,
      email: input.email?.trim() || null,
      clinicId: input.clinicId ?? null,
      zaloUserId: input.zaloUserId?.trim() || null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export function findStaffByUsername(db: DbOrTx, username: string): StaffUser | undefined {
  return db.select().from(staffUsers).where(eq(staffUsers.username, normalizeUsername(username))).get();
}

export function getStaff(db: DbOrTx, id: number): StaffUser | undefined {
  return db.select().from(staffUsers).where(eq(staffUsers.id, id)).get();
}

export interface StaffChanges {
  fullName?: string;
  role?: StaffRole;
  clinicId?: number | null;
  email?: string | null;
  zaloUserId?: string | null;
  active?: boolean;
  /** Told at the second escalation step of their clinic's requests. */
  isClinicHead?: boolean;
  /** On the on-call list: told at the last step and of every emergency. */
  onCall?: boolean;
}

/**
 * Updates a staff account. A change of role, clinic or a deactivation raises sessionVersion so existing
 * sessions end and the new rights apply at the next login.
 */
export function updateStaffUser(db: DbOrTx, id: number, changes: StaffChanges, now: number): StaffUser {
  const current = getStaff(db, id);
  if (!current) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
  const role = changes.role ?? current.role;
  const clinicId = changes.clinicId === undefined ? current.clinicId : changes.clinicId;
  checkClinicRule(db, role, clinicId);
  const rightsChanged = role !== current.role || clinicId !== current.clinicId || (changes.active === false && current.active);
  if (changes.active === false && current.active) revokeAllApiTokens(db, id, now);
  return db
    .update(staffUsers)
    .set({
      fullName: changes.fullName?.trim() || current.fullName,
      role,
      clinicId,
      email: changes.email === undefined ? current.email : changes.email?.trim() || null,
      zaloUserId: changes.zaloUserId === undefined ? current.zaloUserId : changes.zaloUserId?.trim() || null,
      active: changes.active ?? current.active,
      isClinicHead: changes.isClinicHead ?? current.isClinicHead,
      onCall: changes.onCall ?? current.onCall,
      sessionVersion: rightsChanged ? current.sessionVersion + 1 : current.sessionVersion,
      updatedAt: now,
    })
    .where(eq(staffUsers.id, id))
    .returning()
    .get();
}

/** Sets a new password, ends every session of the account and revokes its API tokens. */
export async function setStaffPassword(db: DbOrTx, id: number, password: string, now: number): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('validation_failed', `Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`);
  const passwordHash = await hashPassword(password);
  const current = getStaff(db, id);
  if (!current) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
  db.update(staffUsers)
    .set({ passwordHash, sessionVersion: current.sessionVersion + 1, updatedAt: now })
    .where(eq(staffUsers.id, id))
    .run();
  revokeAllApiTokens(db, id, now);
}

/** A staff member changes their own password: the current one must be right; other sessions and API tokens end. */
export async function changeOwnPassword(db: DbOrTx, id: number, currentPassword: string, newPassword: string, now: number): Promise<StaffUser> {
  const user = getStaff(db, id);
  if (!user || !user.active) throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) throw new AppError('validation_failed', 'Mật khẩu hiện tại không đúng.', [fieldProblem('currentPassword', 'Mật khẩu hiện tại không đúng.')]);
  if (newPassword === currentPassword) throw new AppError('validation_failed', 'Mật khẩu mới cần khác mật khẩu hiện tại.', [fieldProblem('newPassword', 'Mật khẩu mới cần khác mật khẩu hiện tại.')]);
  await setStaffPassword(db, id, newPassword, now);
  return getStaff(db, id)!;
}

/** Checks a username and password; the same work is done whether or not the user exists. */
export async function authenticateStaff(db: DbOrTx, username: string, password: string): Promise<StaffUser | null> {
  const user = findStaffByUsername(db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  return user && ok && user.active ? user : null;
}

// --- API tokens -----------------------------------------------------------------------------------------

const TOKEN_PREFIX = 'cc_';
const hashApiToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** How long an API token works; a longer-lived integration gets a new token before then. */
const API_TOKEN_TTL_MS = 90 * 24 * 3600_000;
export const apiTokenExpiry = (t: { createdAt: number; expiresAt: number | null }) => t.expiresAt ?? t.createdAt + API_TOKEN_TTL_MS;

/** Creates an API token for a staff member; the token itself is returned once and only its hash is stored. */
export function createApiToken(db: DbOrTx, staffId: number, name: string, now: number, ttlMs = API_TOKEN_TTL_MS): { id: number; token: string; expiresAt: number } {
  if (!getStaff(db, staffId)) throw new AppError('not_found', 'Không tìm thấy tài khoản.');
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  const row = db
    .insert(apiTokens)
    .values({ staffId, name: name.trim() || 'API', tokenHash: hashApiToken(token), createdAt: now, expiresAt })
    .returning({ id: apiTokens.id })
    .get();
  return { id: row.id, token, expiresAt };
}

/** Revokes every live token of a staff member (password reset, deactivation). */
function revokeAllApiTokens(db: DbOrTx, staffId: number, now: number): number {
  return db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.staffId, staffId), isNull(apiTokens.revokedAt)))
    .run().changes;
}

export function revokeApiToken(db: DbOrTx, tokenId: number, now: number): boolean {
  const res = db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .run();
  return res.changes > 0;
}

/** The active staff member a bearer token belongs to, or null; records when the token was last used. */
export function authenticateApiToken(db: DbOrTx, token: string, now: number): { staff: StaffUser; tokenId: number } | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = db
    .select({ tokenId: apiTokens.id, createdAt: apiTokens.createdAt, expiresAt: apiTokens.expiresAt, staff: staffUsers })
    .from(apiTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, apiTokens.staffId))
    .where(and(eq(apiTokens.tokenHash, hashApiToken(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row || !row.staff.active || apiTokenExpiry(row) <= now) return null;
  db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId)).run();
  return { staff: row.staff, tokenId: row.tokenId };
}
