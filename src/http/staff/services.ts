import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, desc, eq, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { applyEffects } from '../../bot/effects';
import type { CatalogContext } from '../../bot/catalog';
import type { Clock } from '../../clock';
import {
  applyRegistryImport,
  checkRegistryRows,
  previewRegistryImport,
  type RegistryChange,
  readRegistryFile,
  RegistryFileError,
  type ImportCounts,
  type RegistryCheck,
  type RegistryExportRow,
} from '../../domain/registry/registryImport';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import {
  auditLog,
  cadreCategories,
  cadres,
  clinics,
  healthClasses,
  proxies,
  staffUsers,
  zaloLinks,
  zaloUsers,
  type Cadre,
  type Clinic,
  type Proxy,
} from '../../store/schema';
import { auditHealthRead } from '../../domain/staff/staffReads';
import { optionalVietnameseDateField } from '../../domain/shared/dates';
import { vietnamInstant } from '../../domain/shared/quietHours';
import { listParams, orderFor, PAGE_SIZE, pageWindow, personSearch, withFold, type PageWindow } from '../../domain/shared/listing';
import { tellCadreAboutProxy } from '../../domain/linking/proxies';
import { allowed, clinicScope, type StaffIdentity } from '../auth/session';

/** What the staff pages and the staff API need; built by createApp from AppDeps. */
export interface StaffDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  sessionSecret: string;
  sessionTtlMs: number;
  secureCookies: boolean;
  publicBaseUrl: string;
  importMaxBytes: number;
  /** Largest JSON body of the staff API. */
  apiJsonMaxBytes: number;
  /** Where checked uploads wait for "apply" (one file per upload, removed after an hour). */
  uploadDir: string;
  committee: { name: string; hotline: string };
  /** How long a conversation with staff stays open without a message (a conversation staff start included). */
  handoffTimeoutMs: number;
  /** Moves outbox rows written by a committed transaction to the queues now. */
  onCommitted: (outboxIds: number[]) => void;
  /** What a dialog turn quotes (committee, hotline): replaying a failed event runs a turn. */
  catalog: () => CatalogContext;
}

export const staffActor = (s: StaffIdentity): AuditActor => ({ type: 'staff', id: String(s.id) });

/** Today's date (YYYY-MM-DD) in Vietnam. */
export const localDate = (now: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);

// --- registry list and detail -------------------------------------------------------------------------------

const registrySortable = ['code', 'name', 'birthDate', 'unit', 'clinic', 'category'] as const;
export type RegistrySort = (typeof registrySortable)[number];

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

export { PAGE_SIZE };

/**
 * The registry rows a staff member asked for: their clinic only for clinic staff, the filters, and a search by
 * name (with or without diacritics), code or phone. The same condition drives the list and its export.
 */
function registryFilter(db: DbOrTx, staff: StaffIdentity, q: Omit<RegistryQuery, 'page' | 'sort' | 'dir'>): SQL | undefined {
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
  const byPerson = personSearch(db, q.q, cadres.fullName, cadres.code);
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
    { code: cadres.code, name: sql`vi_fold(${cadres.fullName})`, birthDate: cadres.birthDate, unit: cadres.unit, clinic: clinics.name, category: cadres.category },
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
  const filter = registryFilter(db, staff, q);
  withFold(db);
  const counted = db.select({ n: sql<number>`count(*)` }).from(cadres);
  // The Zalo link is joined only when the filter asks about it: 50,000 index lookups otherwise.
  const total = (q.linked ? counted.leftJoin(zaloLinks, eq(zaloLinks.cadreId, cadres.id)) : counted).where(filter).get()?.n ?? 0;
  const window = pageWindow(total, q.page);
  const items = db
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
    .orderBy(...registryOrder(q))
    .limit(window.pageSize)
    .offset(window.offset)
    .all() as CadreListItem[];
  if (seesHealth) {
    auditHealthRead(db, staff.id, 'healthClass', items.filter((r) => r.healthClass !== null || r.frail).map((r) => r.id), now, where_);
  } else {
    for (const r of items) {
      delete r.healthClass;
      delete r.frail;
    }
  }
  return { items, total, page: window.page, pages: window.pages, window };
}

export function allClinics(db: DbOrTx): Clinic[] {
  return db.select().from(clinics).orderBy(asc(clinics.name)).all();
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

// --- linking a Zalo account by hand -------------------------------------------------------------------------

export const ZaloUserId = z.string().trim().regex(/^\d{1,32}$/, 'Mã Zalo gồm các chữ số.');

export function linkZaloAccount(db: Db, staff: StaffIdentity, cadreId: number, zaloUserId: string, now: number): void {
  inTransaction(db, (tx) => {
    cadreInScope(tx, staff, cadreId);
    if (!tx.select({ id: zaloUsers.id }).from(zaloUsers).where(eq(zaloUsers.id, zaloUserId)).get()) {
      throw new AppError('not_found', 'Tài khoản Zalo này chưa từng nhắn tin hay quan tâm OA, nên chưa thể liên kết.');
    }
    const other = tx.select().from(zaloLinks).where(eq(zaloLinks.zaloUserId, zaloUserId)).get();
    if (other) {
      throw new AppError('conflict', other.cadreId === cadreId ? 'Tài khoản Zalo này đã liên kết với cán bộ này.' : 'Tài khoản Zalo này đã liên kết với một cán bộ khác.');
    }
    if (tx.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get()) {
      throw new AppError('conflict', 'Cán bộ đã có tài khoản Zalo liên kết; hãy gỡ liên kết cũ trước.');
    }
    tx.insert(zaloLinks).values({ zaloUserId, cadreId, method: 'staff', linkedAt: now, linkedByStaffId: staff.id }).run();
    recordAudit(tx, staffActor(staff), { action: 'cadre.link', entity: 'cadre', entityId: cadreId, detail: { zaloUserId, method: 'staff' } }, now);
  });
}

export function unlinkZaloAccount(db: Db, staff: StaffIdentity, cadreId: number, now: number): void {
  inTransaction(db, (tx) => {
    cadreInScope(tx, staff, cadreId);
    const link = tx.select().from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get();
    if (!link) throw new AppError('not_found', 'Cán bộ chưa có tài khoản Zalo liên kết.');
    tx.delete(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).run();
    recordAudit(tx, staffActor(staff), { action: 'cadre.unlink', entity: 'cadre', entityId: cadreId, detail: { zaloUserId: link.zaloUserId, method: link.method } }, now);
  });
}

// --- proxies ------------------------------------------------------------------------------------------------

export const ProxyDecision = z.enum(['approve', 'reject', 'revoke']);
export type ProxyDecision = z.infer<typeof ProxyDecision>;

/** One page of proxy requests with the given status and where it sits in the whole list: none silently cut. */
export function listProxies(db: Db, status: Proxy['status'] | 'all', page = 1) {
  const filter = status === 'all' ? undefined : eq(proxies.status, status);
  const total = db.select({ n: sql<number>`count(*)` }).from(proxies).where(filter).get()?.n ?? 0;
  const window = pageWindow(total, page);
  const items = db
    .select({
      proxy: proxies,
      displayName: zaloUsers.displayName,
      cadreName: cadres.fullName,
      cadreCode: cadres.code,
      cadreId: cadres.id,
      cadrePhone: cadres.phone,
      decidedBy: staffUsers.fullName,
    })
    .from(proxies)
    .innerJoin(cadres, eq(cadres.id, proxies.cadreId))
    .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
    .leftJoin(staffUsers, eq(staffUsers.id, proxies.decidedByStaffId))
    .where(filter)
    // The id breaks ties so that pages never overlap nor skip a request.
    .orderBy(...(status === 'pending' ? [asc(proxies.requestedAt), asc(proxies.id)] : [desc(sql`coalesce(${proxies.decidedAt}, ${proxies.requestedAt})`), desc(proxies.id)]))
    .limit(window.pageSize)
    .offset(window.offset)
    .all();
  return { items, window };
}

function proxyNotice(decision: ProxyDecision, cadre: Cadre, note: string, committee: StaffDeps['committee']): string {
  const who = `${cadre.sex === 'female' ? 'bà' : 'ông'} ${cadre.fullName}`;
  switch (decision) {
    case 'approve':
      return `${committee.name} đã đồng ý để anh/chị thay mặt ${who}. Từ nay anh/chị có thể đặt lịch khám, xem kết quả và đề nghị khám tại nhà cho ${who} ngay tại đây. Gõ "menu" để bắt đầu.`;
    case 'reject':
      return `${committee.name} chưa thể đồng ý để anh/chị thay mặt ${who}${note ? `. Lý do: ${note}` : ''}. Cần hỗ trợ, xin gọi ${committee.hotline}.`;
    case 'revoke':
      return `${committee.name} thông báo: anh/chị không còn thay mặt ${who} qua Zalo này${note ? `. Lý do: ${note}` : ''}. Cần hỗ trợ, xin gọi ${committee.hotline}.`;
  }
}

/**
 * Approves or rejects a pending request (or revokes an approved one), audits it and, in the same transaction,
 * queues a Zalo message telling the proxy; the outbox rows are handed to the relay after commit.
 */
export function decideProxy(
  deps: Pick<StaffDeps, 'db' | 'clock' | 'committee' | 'onCommitted'>,
  staff: StaffIdentity,
  proxyId: number,
  decision: ProxyDecision,
  note: string,
): Proxy {
  const now = deps.clock.now();
  const { proxy, outboxIds } = inTransaction(deps.db, (tx) => {
    const current = tx.select().from(proxies).where(eq(proxies.id, proxyId)).get();
    if (!current) throw new AppError('not_found', 'Không tìm thấy yêu cầu.');
    const cadre = cadreInScope(tx, staff, current.cadreId);
    const from = decision === 'revoke' ? 'approved' : 'pending';
    if (current.status !== from) {
      throw new AppError('conflict', decision === 'revoke' ? 'Người này hiện không phải người đại diện đã duyệt.' : 'Yêu cầu này đã được xử lý trước đó.');
    }
    const status = ({ approve: 'approved', reject: 'rejected', revoke: 'revoked' } as const)[decision];
    const updated = tx
      .update(proxies)
      .set({ status, decidedAt: now, decidedByStaffId: staff.id, note: note || null })
      .where(and(eq(proxies.id, proxyId), eq(proxies.status, from)))
      .returning()
      .get();
    recordAudit(
      tx,
      staffActor(staff),
      { action: `proxy.${decision}`, entity: 'proxy', entityId: proxyId, detail: { cadreId: cadre.id, zaloUserId: current.zaloUserId } },
      now,
    );
    const ids = applyEffects(tx, current.zaloUserId, [{ type: 'reply', messages: [{ type: 'text', text: proxyNotice(decision, cadre, note, deps.committee) }] }], now);
    // The cadre hears of it from us too, so nobody acts for them unseen.
    if (decision === 'approve') ids.push(tellCadreAboutProxy(tx, proxyId, cadre.id, 'approved', now));
    return { proxy: updated, outboxIds: ids };
  });
  deps.onCommitted(outboxIds);
  return proxy;
}

// --- import and export --------------------------------------------------------------------------------------

export interface ImportOutcome {
  fileName: string;
  check: RegistryCheck;
  counts: ImportCounts;
  /** For each update (to be) made: old → new per column. */
  changes: RegistryChange[];
  applied: boolean;
}

/**
 * 'all': all or nothing, the file is written only when no row is wrong. 'good': the good rows are written and
 * the bad ones handed back (with their reasons) to be fixed and imported again.
 */
export type ImportMode = 'all' | 'good';

/** Reads and checks a file; with `apply`, writes in one transaction what the mode allows. */
export async function importRegistryFile(
  deps: Pick<StaffDeps, 'db' | 'clock'>,
  staff: StaffIdentity,
  bytes: Uint8Array,
  fileName: string,
  apply: boolean,
  mode: ImportMode = 'all',
): Promise<ImportOutcome> {
  let rows;
  try {
    rows = await readRegistryFile(bytes, fileName);
  } catch (err) {
    if (err instanceof RegistryFileError) throw new AppError('bad_request', err.message);
    throw err;
  }
  // Everything from here on is synchronous: the clinics checked are the clinics written against.
  const now = deps.clock.now();
  const clinicList = allClinics(deps.db);
  const check = checkRegistryRows(rows, { clinics: clinicList, today: localDate(now) });
  const { changes, ...counts } = previewRegistryImport(deps.db, check.records, localDate(now), new Map(clinicList.map((c) => [c.id, c.name])));
  if (!apply || (check.problems.length && mode === 'all') || check.records.length === 0) return { fileName, check, counts, changes, applied: false };
  const applied = inTransaction(deps.db, (tx) => {
    const c = applyRegistryImport(tx, check.records, now);
    recordAudit(
      tx,
      staffActor(staff),
      { action: 'registry.import', entity: 'registry', detail: { fileName, rows: check.rowCount, mode, rejectedRows: new Set(check.problems.map((p) => p.row)).size, ...c } },
      now,
    );
    return c;
  });
  return { fileName, check, counts: applied, changes, applied: true };
}

/** The rows of an export: the list's filter and order when given (what staff see is what they get), all otherwise. */
export function registryExportRows(db: Db, filter?: { staff: StaffIdentity; query: Omit<RegistryQuery, 'page'> }): RegistryExportRow[] {
  const where = filter ? registryFilter(db, filter.staff, filter.query) : undefined;
  withFold(db);
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

export function auditExport(db: Db, staff: StaffIdentity, format: string, count: number, now: number): void {
  recordAudit(db, staffActor(staff), { action: 'registry.export', entity: 'registry', detail: { format, rows: count } }, now);
}

/** A checked upload waits on disk under a random id, bound to the staff member, until applied or an hour passes. */
export const uploads = {
  save(dir: string, staffId: number, fileName: string, bytes: Uint8Array, now: number): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      try {
        if (now - statSync(join(dir, f)).mtimeMs > 3600_000) unlinkSync(join(dir, f));
      } catch {
        /* removed by another request */
      }
    }
    const id = randomBytes(12).toString('hex');
    const ext = fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
    writeFileSync(join(dir, `${staffId}-${id}.${ext}`), bytes, { mode: 0o600 });
    return id;
  },
  load(dir: string, staffId: number, id: string): { bytes: Uint8Array; fileName: string; path: string } {
    if (/^[0-9a-f]{24}$/.test(id)) {
      for (const ext of ['xlsx', 'csv']) {
        const path = join(dir, `${staffId}-${id}.${ext}`);
        try {
          return { bytes: readFileSync(path), fileName: `upload.${ext}`, path };
        } catch {
          /* try the other extension */
        }
      }
    }
    throw new AppError('not_found', 'Không còn tệp đã kiểm tra (quá một giờ hoặc đã nhập). Hãy chọn lại tệp.');
  },
  remove(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  },
};

// --- audit log ----------------------------------------------------------------------------------------------

export const AuditQuery = z.object({
  /** A staff member's id or username (part of it), or "zalo" / "system" for those kinds of actor. */
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  entity: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: optionalVietnameseDateField,
  to: optionalVietnameseDateField,
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

function auditFilter(db: Db, q: Omit<AuditQuery, 'page'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.actor === 'zalo' || q.actor === 'system') where.push(eq(auditLog.actorType, q.actor));
  else if (q.actor) {
    const byName = db.select({ id: staffUsers.id }).from(staffUsers).where(like(staffUsers.username, `%${q.actor.toLowerCase()}%`)).all();
    const ids = [q.actor, ...byName.map((s) => String(s.id))];
    where.push(and(eq(auditLog.actorType, 'staff'), inArray(auditLog.actorId, ids)) as SQL);
  }
  if (q.action) where.push(like(auditLog.action, `${q.action}%`));
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  // Dates are Vietnam days: from 00:00 of the first to the end of the last.
  if (q.from) where.push(sql`${auditLog.at} >= ${vietnamInstant(q.from, 0)}`);
  if (q.to) where.push(sql`${auditLog.at} < ${vietnamInstant(q.to, 24)}`);
  return where.length ? and(...where) : undefined;
}

const auditRows = (db: Db, cond: SQL | undefined) =>
  db
    .select({ entry: auditLog, username: staffUsers.username, actorName: staffUsers.fullName })
    .from(auditLog)
    .leftJoin(staffUsers, and(eq(auditLog.actorType, 'staff'), eq(sql`cast(${staffUsers.id} as text)`, auditLog.actorId)))
    .where(cond)
    .orderBy(desc(auditLog.at), desc(auditLog.id));

export function searchAudit(db: Db, q: AuditQuery) {
  const cond = auditFilter(db, q);
  const total = (db.select({ n: sql<number>`count(*)` }).from(auditLog).where(cond).get()?.n ?? 0) as number;
  const window = pageWindow(total, q.page);
  const items = auditRows(db, cond).limit(window.pageSize).offset(window.offset).all();
  const distinct = (col: typeof auditLog.action | typeof auditLog.entity) =>
    db.selectDistinct({ v: col }).from(auditLog).orderBy(asc(col)).all().map((r) => r.v);
  const actors = db.select({ id: staffUsers.id, username: staffUsers.username, fullName: staffUsers.fullName }).from(staffUsers).orderBy(asc(staffUsers.fullName)).all();
  return { items, total, page: window.page, pages: window.pages, window, actions: distinct(auditLog.action), entities: distinct(auditLog.entity), actors };
}

/** Every entry the filter matches (no page), newest first: what the export holds. */
export function auditEntriesMatching(db: Db, q: Omit<AuditQuery, 'page'>) {
  return auditRows(db, auditFilter(db, q)).all();
}
