import { and, asc, desc, eq, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { Db, DbOrTx } from '../../store/db';
import { cadreCategories, cadres, clinics, healthClasses, proxies, staffUsers, zaloLinks, zaloUsers, type Cadre } from '../../store/schema';
import { allowed, clinicScope, staffActor, type StaffIdentity } from '../staff/actor';
import { listParams, orderFor, personSearch, readPage, rowCount, type PageWindow } from '../shared/listing';
import type { RegistryExportRow } from './registryExport';
import { auditHealthRead } from '../staff/staffReads';

/**
 * The registry as staff see it: the list with its filters and search, one cadre's record, and the export, all
 * limited to what the staff member may see (their clinic only for clinic_staff; health data only for roles
 * allowed to read it, and then the read is audited).
 */

const registrySortable = ['code', 'name', 'birthDate', 'unit', 'clinic', 'category'] as const;

export const RegistryQuery = z.object({
  q: z.string().max(100).optional(),
  category: z.enum(cadreCategories).or(z.literal('')).optional(),
  clinic: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  unit: z.string().max(200).optional(),
  health: z.enum([...healthClasses, 'none', '']).optional(),
  linked: z.enum(['yes', 'no', '']).optional(),
  active: z.enum(['yes', 'no', 'all', '']).optional(),
  ...listParams(registrySortable),
});
export type RegistryQuery = z.infer<typeof RegistryQuery>;

export interface CadreListItem {
  id: number;
  code: string;
  fullName: string;
  birthDate: string;
  sex: Cadre['sex'];
  category: Cadre['category'];
  unit: string;
  phone: string | null;
  /** Absent for roles that may not see health data. */
  healthClass?: Cadre['healthClass'];
  frail?: boolean;
  active: boolean;
  clinicId: number | null;
  clinicName: string | null;
  linkedZaloUserId: string | null;
}

/**
 * The registry rows a staff member asked for: their clinic only for clinic staff, the filters, and a search by
 * name (with or without diacritics), code or phone. The same condition drives the list and its export.
 */
function registryFilter(staff: StaffIdentity, q: Omit<RegistryQuery, 'page' | 'sort' | 'dir'>): SQL | undefined {
  const seesHealth = allowed(staff, 'registry', 'readHealth');
  if (q.health && !seesHealth) throw new AppError('forbidden', 'Tài khoản của bạn không được xem phân loại sức khỏe.');
  const where: SQL[] = [];
  const scope = clinicScope(staff);
  if (scope !== null) where.push(eq(cadres.clinicId, scope));
  if (q.category) where.push(eq(cadres.category, q.category));
  if (q.clinic) where.push(eq(cadres.clinicId, q.clinic));
  if (q.unit) where.push(eq(cadres.unit, q.unit));
  if (q.health === 'none') where.push(isNull(cadres.healthClass));
  else if (q.health) where.push(eq(cadres.healthClass, q.health));
  if (q.linked === 'yes') where.push(sql`${zaloLinks.cadreId} is not null`);
  if (q.linked === 'no') where.push(sql`${zaloLinks.cadreId} is null`);
  if (q.active === 'no') where.push(eq(cadres.active, false));
  else if (q.active !== 'all') where.push(eq(cadres.active, true));
  const byPerson = personSearch(q.q, cadres.foldedName, cadres.code);
  if (byPerson) {
    const digits = (q.q ?? '').replace(/\D/g, '');
    // A phone typed as 0912..., 84912... or a tail of it all match the stored 84912...
    const phoneNeedle = digits.length >= 4 ? digits.replace(/^0/, '').replace(/^84(?=\d{9})/, '') : '';
    where.push(phoneNeedle ? (or(byPerson, like(cadres.phone, `%${phoneNeedle}%`)) as SQL) : byPerson);
  }
  return where.length ? and(...where) : undefined;
}

const registryOrder = (q: Pick<RegistryQuery, 'sort' | 'dir'>) =>
  orderFor(
    { code: cadres.code, name: cadres.foldedName, birthDate: cadres.birthDate, unit: cadres.unit, clinic: clinics.name, category: cadres.category },
    q,
    { sort: 'code', dir: 'asc' },
    cadres.code,
  );

/**
 * Searches the registry the staff member may see: name/code/phone without caring about diacritics or case.
 * Health data (class, home-visit need) only for roles allowed to read it, and then the read is audited.
 * Only one page of full rows is read: 50,000 cadres are counted on a few narrow columns.
 */
export function listCadres(db: Db, staff: StaffIdentity, q: RegistryQuery, now: number, where_ = 'list'): { items: CadreListItem[]; total: number; page: number; pages: number; window: PageWindow } {
  const seesHealth = allowed(staff, 'registry', 'readHealth');
  const filter = registryFilter(staff, q);
  const counted = db.select(rowCount).from(cadres);
  // The Zalo link is joined only when the filter asks about it: 50,000 index lookups otherwise.
  const countQuery = (q.linked ? counted.leftJoin(zaloLinks, eq(zaloLinks.cadreId, cadres.id)) : counted).where(filter);
  const rows = db
    .select({
      id: cadres.id,
      code: cadres.code,
      fullName: cadres.fullName,
      birthDate: cadres.birthDate,
      sex: cadres.sex,
      category: cadres.category,
      unit: cadres.unit,
      phone: cadres.phone,
      healthClass: cadres.healthClass,
      frail: cadres.frail,
      active: cadres.active,
      clinicId: cadres.clinicId,
      clinicName: clinics.name,
      linkedZaloUserId: zaloLinks.zaloUserId,
    })
    .from(cadres)
    .leftJoin(clinics, eq(clinics.id, cadres.clinicId))
    .leftJoin(zaloLinks, eq(zaloLinks.cadreId, cadres.id))
    .where(filter)
    .orderBy(...registryOrder(q));
  const { items, window } = readPage<CadreListItem>(countQuery, rows, q.page);
  if (seesHealth) {
    auditHealthRead(db, staff.id, 'healthClass', items.filter((r) => r.healthClass !== null || r.frail).map((r) => r.id), now, where_);
  } else {
    for (const r of items) {
      delete r.healthClass;
      delete r.frail;
    }
  }
  return { items, total: window.total, page: window.page, pages: window.pages, window };
}

export function unitsFor(db: Db, staff: StaffIdentity): string[] {
  const scope = clinicScope(staff);
  return db
    .selectDistinct({ unit: cadres.unit })
    .from(cadres)
    .where(scope === null ? sql`${cadres.unit} <> ''` : and(eq(cadres.clinicId, scope), sql`${cadres.unit} <> ''`))
    .orderBy(asc(cadres.unit))
    .all()
    .map((r) => r.unit);
}

/** The cadre, if the staff member may see them: 404 when there is none, 403 outside a clinic_staff's clinic. */
export function cadreInScope(db: DbOrTx, staff: StaffIdentity, id: number): Cadre {
  const cadre = db.select().from(cadres).where(eq(cadres.id, id)).get();
  if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
  const scope = clinicScope(staff);
  if (scope !== null && cadre.clinicId !== scope) throw new AppError('forbidden', 'Cán bộ này không thuộc phòng khám của bạn.');
  return cadre;
}

/** A cadre with clinic, Zalo link and proxies; the health class and home-visit need only for roles that may read them (audited). */
export function cadreDetail(db: Db, staff: StaffIdentity, id: number, now: number, where = 'detail') {
  const found = cadreInScope(db, staff, id);
  const seesHealth = allowed(staff, 'registry', 'readHealth');
  const { healthClass, frail, ...rest } = found;
  const cadre: Omit<Cadre, 'healthClass' | 'frail'> & Partial<Pick<Cadre, 'healthClass' | 'frail'>> = seesHealth ? found : rest;
  if (seesHealth && (healthClass !== null || frail)) auditHealthRead(db, staff.id, 'healthClass', [id], now, where);
  const clinic = cadre.clinicId ? db.select().from(clinics).where(eq(clinics.id, cadre.clinicId)).get() ?? null : null;
  const link =
    db
      .select({ zaloUserId: zaloLinks.zaloUserId, method: zaloLinks.method, linkedAt: zaloLinks.linkedAt, displayName: zaloUsers.displayName, linkedBy: staffUsers.fullName })
      .from(zaloLinks)
      .innerJoin(zaloUsers, eq(zaloUsers.id, zaloLinks.zaloUserId))
      .leftJoin(staffUsers, eq(staffUsers.id, zaloLinks.linkedByStaffId))
      .where(eq(zaloLinks.cadreId, id))
      .get() ?? null;
  const proxyRows = db
    .select({ proxy: proxies, displayName: zaloUsers.displayName })
    .from(proxies)
    .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
    .where(eq(proxies.cadreId, id))
    .orderBy(desc(proxies.requestedAt))
    .all();
  return { cadre, clinic, link, proxies: proxyRows };
}

/** The rows of an export: the list's filter and order when given (what staff see is what they get), all otherwise. */
export function registryExportRows(db: Db, filter?: { staff: StaffIdentity; query: Omit<RegistryQuery, 'page'> }): RegistryExportRow[] {
  const where = filter ? registryFilter(filter.staff, filter.query) : undefined;
  return db
    .select({ cadre: cadres, clinicCode: clinics.code })
    .from(cadres)
    .leftJoin(clinics, eq(clinics.id, cadres.clinicId))
    .leftJoin(zaloLinks, eq(zaloLinks.cadreId, cadres.id))
    .where(where)
    .orderBy(...(filter ? registryOrder(filter.query) : [asc(cadres.code)]))
    .all()
    .map((r) => ({ ...r.cadre, clinicCode: r.clinicCode }));
}

export function auditRegistryExport(db: Db, staff: StaffIdentity, format: string, count: number, now: number): void {
  recordAudit(db, staffActor(staff), { action: 'registry.export', entity: 'registry', detail: { format, rows: count } }, now);
}

