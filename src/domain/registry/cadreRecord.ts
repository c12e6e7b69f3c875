import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { foldVietnamese } from '../shared/vietnamese';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { bookings, cadreCategories, cadres, clinics, examSlots, zaloLinks, zaloUsers, type Cadre } from '../../store/schema';
import { cancelBooking } from '../booking/effects';
import { formatIsoDate, optionalVietnameseDateField } from '../shared/dates';
import { formatPhone, normalizePhone } from '../shared/phone';
import { vietnamDate } from '../shared/quietHours';
import { categoryLabels } from './registryColumns';

/**
 * Editing one cadre's record from their page (a phone call, a letter from the unit) instead of re-importing a
 * spreadsheet. Every change is one audit row listing each field before → after, in words staff read.
 */

export const cadreStatuses = ['active', 'left', 'died'] as const;
export type CadreStatus = (typeof cadreStatuses)[number];
export const cadreStatusLabels: Record<CadreStatus, string> = { active: 'Đang quản lý', left: 'Chuyển đi', died: 'Từ trần' };
export const statusOf = (c: Pick<Cadre, 'active' | 'leftReason'>): CadreStatus => (c.active ? 'active' : c.leftReason === 'died' ? 'died' : 'left');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

export const CadreEditInput = z.object({
  phone: z.preprocess(
    blankToNull,
    z
      .string()
      .nullable()
      .transform((v, ctx) => {
        if (v === null) return null;
        const p = normalizePhone(v);
        if (!p) ctx.addIssue({ code: 'custom', message: 'Số điện thoại chưa đúng (ví dụ 0912 345 678).' });
        return p;
      }),
  ),
  email: z.preprocess(
    blankToNull,
    z
      .string()
      .trim()
      .toLowerCase()
      .max(200, 'Email quá dài.')
      .regex(EMAIL, 'Email chưa đúng (ví dụ ten@gmail.com).')
      .nullable(),
  ),
  clinicId: z.preprocess(blankToNull, z.coerce.number().int().positive().nullable()),
  unit: z.string().trim().max(200, 'Tên đơn vị tối đa 200 ký tự.').default(''),
  category: z.enum(cadreCategories, { message: 'Chọn đối tượng.' }),
  /** Absent for roles that may not see the home-visit need: left as it is. */
  frail: z.enum(['yes', 'no']).optional(),
  status: z.enum(cadreStatuses, { message: 'Chọn tình trạng.' }),
  leftOn: optionalVietnameseDateField,
});
export type CadreEditInput = z.infer<typeof CadreEditInput>;

export interface FieldChange {
  field: string;
  label: string;
  from: string;
  to: string;
}

/** The cadre's future active bookings: what leaving or dying cancels. */
export function futureBookingsOf(db: DbOrTx, cadreId: number, now: number) {
  return db
    .select({ b: bookings })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(eq(bookings.cadreId, cadreId), eq(bookings.status, 'booked'), gt(examSlots.endsAt, now)))
    .all()
    .map((r) => r.b);
}

/** What an edit would change, field by field, in the words of the page (nothing written). */
export function cadreEditChanges(db: DbOrTx, before: Cadre, input: CadreEditInput, now: number): { changes: FieldChange[]; next: Partial<Cadre> } {
  const clinicName = (id: number | null) => (id === null ? '' : (db.select({ name: clinics.name }).from(clinics).where(eq(clinics.id, id)).get()?.name ?? `#${id}`));
  if (input.clinicId !== null && !db.select({ id: clinics.id }).from(clinics).where(eq(clinics.id, input.clinicId)).get()) {
    throw new AppError('validation_failed', 'Phòng khám không tồn tại.');
  }
  const status = input.status;
  const leftOn = status === 'active' ? null : (input.leftOn ?? (statusOf(before) === status ? before.leftOn : null) ?? vietnamDate(now));
  const next: Partial<Cadre> = {
    phone: input.phone,
    email: input.email,
    clinicId: input.clinicId,
    unit: input.unit,
    category: input.category,
    ...(input.frail === undefined ? {} : { frail: input.frail === 'yes' }),
    active: status === 'active',
    leftReason: status === 'active' ? null : status === 'died' ? 'died' : 'left',
    leftOn,
  };
  const changes: FieldChange[] = [];
  const add = (field: string, label: string, from: string, to: string) => {
    if (from !== to) changes.push({ field, label, from, to });
  };
  add('phone', 'Điện thoại', formatPhone(before.phone), formatPhone(next.phone));
  add('email', 'Email', before.email ?? '', next.email ?? '');
  add('clinicId', 'Phòng khám', clinicName(before.clinicId), clinicName(next.clinicId ?? null));
  add('unit', 'Đơn vị', before.unit, next.unit ?? '');
  add('category', 'Đối tượng', categoryLabels[before.category], categoryLabels[next.category!]);
  if (next.frail !== undefined) add('frail', 'Khám tại nhà', before.frail ? 'Có' : 'Không', next.frail ? 'Có' : 'Không');
  add('status', 'Tình trạng', cadreStatusLabels[statusOf(before)], cadreStatusLabels[status]);
  add('leftOn', 'Ngày thôi quản lý', before.leftOn ? formatIsoDate(before.leftOn) : '', leftOn ? formatIsoDate(leftOn) : '');
  return { changes, next };
}

/**
 * Saves the edit: one audit row with every change before → after. A cadre who moved away or died keeps no
 * booking: their future bookings are cancelled (reminders with them) and nobody is messaged about it.
 */
export function updateCadreRecord(db: Db, actor: AuditActor, before: Cadre, input: CadreEditInput, now: number): { changes: FieldChange[]; cancelledBookings: number } {
  return inTransaction(db, (tx) => {
    const fresh = tx.select().from(cadres).where(eq(cadres.id, before.id)).get();
    if (!fresh) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
    const { changes, next } = cadreEditChanges(tx, fresh, input, now);
    if (!changes.length) return { changes, cancelledBookings: 0 };
    tx.update(cadres).set({ ...next, updatedAt: now }).where(eq(cadres.id, fresh.id)).run();
    let cancelledBookings = 0;
    if (fresh.active && next.active === false) {
      for (const b of futureBookingsOf(tx, fresh.id, now)) {
        cancelBooking(tx, b, next.leftReason === 'died' ? 'Cán bộ từ trần' : 'Cán bộ chuyển đi', now);
        cancelledBookings += 1;
      }
    }
    recordAudit(
      tx,
      { ...actor, onBehalfOfCadreId: fresh.id },
      { action: 'cadre.update', entity: 'cadre', entityId: fresh.id, detail: { code: fresh.code, changes: changes.map(({ field, label, from, to }) => ({ field, label, from, to })), cancelledBookings } },
      now,
    );
    return { changes, cancelledBookings };
  });
}

// --- choosing a Zalo account to link -------------------------------------------------------------------------

export interface RecentZaloUser {
  id: string;
  displayName: string | null;
  phone: string | null;
  lastInteractionAt: number | null;
  /** The number shared in Zalo is the one in the cadre's record. */
  phoneMatches: boolean;
}

/**
 * Zalo users who messaged or followed the OA and are linked to no cadre, most recent first; those who shared
 * the cadre's own number first of all. `q` narrows by name (with or without diacritics) or phone digits.
 */
export function recentUnlinkedZaloUsers(db: DbOrTx, cadre: Pick<Cadre, 'phone'>, q: string | undefined, limit = 20): RecentZaloUser[] {
  const rows = db
    .select({ id: zaloUsers.id, displayName: zaloUsers.displayName, phone: zaloUsers.phone, lastInteractionAt: zaloUsers.lastInteractionAt })
    .from(zaloUsers)
    .leftJoin(zaloLinks, eq(zaloLinks.zaloUserId, zaloUsers.id))
    .where(isNull(zaloLinks.cadreId))
    .orderBy(sql`${zaloUsers.phone} = ${cadre.phone ?? ''} DESC`, desc(sql`coalesce(${zaloUsers.lastInteractionAt}, 0)`), desc(zaloUsers.updatedAt))
    .limit(q ? 2000 : limit)
    .all();
  const folded = q ? foldVietnamese(q.trim()) : '';
  const digits = q ? (normalizePhone(q) ?? q.replace(/\D/g, '')) : '';
  const matching = q
    ? rows.filter((r) => (folded && foldVietnamese(r.displayName ?? '').includes(folded)) || (digits.length >= 3 && (r.phone ?? '').includes(digits.replace(/^0/, ''))))
    : rows;
  return matching.slice(0, limit).map((r) => ({ ...r, phoneMatches: !!cadre.phone && r.phone === cadre.phone }));
}
