import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { cadres, type Cadre } from '../../store/schema';
import { formatPhone } from '../shared/phone';
import { vietnamDate } from '../shared/quietHours';
import { type CadreRecord, displayBirthDate } from './registryCheck';
import { categoryLabels, sexLabels } from './registryColumns';
import { displayDate } from './registryExport';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

// folded_name is written by the database's own triggers.
type CadreValues = Omit<typeof cadres.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'broadcastOptOut' | 'foldedName'>;

/** The stored values a record leads to: absent columns keep what is stored (or the default for a new cadre). */
function valuesFor(r: CadreRecord, existing: Cadre | undefined, today: string): Required<Omit<CadreValues, 'code'>> & { code: string } {
  const keep = <K extends keyof Cadre>(k: K, fallback: Cadre[K]) => (existing ? existing[k] : fallback);
  const active = r.active ?? keep('active', true);
  // Marked no longer managed: the leaving date is the day of the import unless the registry already had one.
  const leftOn = active ? null : (keep('leftOn', null) ?? today);
  return {
    code: existing?.code ?? r.code,
    fullName: r.fullName,
    birthDate: r.birthDate,
    sex: r.sex,
    category: r.category,
    unit: r.unit ?? keep('unit', ''),
    phone: r.phone === undefined ? keep('phone', null) : r.phone,
    email: r.email === undefined ? keep('email', null) : r.email,
    clinicId: r.clinicId === undefined ? keep('clinicId', null) : r.clinicId,
    healthClass: r.healthClass === undefined ? keep('healthClass', null) : r.healthClass,
    frail: r.frail ?? keep('frail', false),
    active,
    birthDatePrecision: r.birthDatePrecision ?? 'day',
    managedFrom: keep('managedFrom', null),
    leftOn,
    leftReason: active ? null : (keep('leftReason', null) ?? 'left'),
  };
}

/** Stored cadres by lower-cased code: codes are matched without regard to case ("cb0007" is CB0007). */
function loadByCode(db: DbOrTx, codes: string[]): Map<string, Cadre> {
  const out = new Map<string, Cadre>();
  const lowered = [...new Set(codes.map((c) => c.toLowerCase()))];
  for (let i = 0; i < lowered.length; i += 500) {
    for (const c of db.select().from(cadres).where(inArray(sql`lower(${cadres.code})`, lowered.slice(i, i + 500))).all()) out.set(c.code.toLowerCase(), c);
  }
  return out;
}

function plan(db: DbOrTx, records: CadreRecord[], today: string) {
  const existing = loadByCode(db, records.map((r) => r.code));
  return records.map((r) => {
    const current = existing.get(r.code.toLowerCase());
    const values = valuesFor(r, current, today);
    const changed = current ? (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== current[k]) : [];
    return { current, values, changed };
  });
}

/** One update an import would make: the cadre and, per changed column, the stored value and the new one. */
export interface RegistryChange {
  row: number;
  code: string;
  fullName: string;
  fields: { column: string; from: string; to: string }[];
}

const changeLabels: Partial<Record<keyof Cadre, string>> = {
  fullName: 'Họ và tên',
  birthDate: 'Ngày sinh',
  birthDatePrecision: 'Ngày sinh',
  sex: 'Giới tính',
  category: 'Đối tượng',
  unit: 'Đơn vị',
  phone: 'Điện thoại',
  email: 'Email',
  clinicId: 'Phòng khám',
  healthClass: 'Phân loại sức khỏe',
  frail: 'Không đi khám được',
  active: 'Đang quản lý',
  leftOn: 'Ngày thôi quản lý',
};

function shown(key: keyof Cadre, v: Cadre, clinicNames: Map<number, string>): string {
  switch (key) {
    case 'birthDate':
    case 'birthDatePrecision':
      return displayBirthDate(v.birthDate, v.birthDatePrecision);
    case 'sex':
      return sexLabels[v.sex];
    case 'category':
      return categoryLabels[v.category];
    case 'phone':
      return formatPhone(v.phone);
    case 'clinicId':
      return v.clinicId ? (clinicNames.get(v.clinicId) ?? `#${v.clinicId}`) : '';
    case 'frail':
    case 'active':
      return v[key] ? 'Có' : 'Không';
    case 'leftOn':
      return v.leftOn ? displayDate(v.leftOn) : '';
    default:
      return String(v[key] ?? '');
  }
}

/** What applying would do, without writing: the counts and, for each update, old → new per column. */
export function previewRegistryImport(db: DbOrTx, records: CadreRecord[], today: string, clinicNames = new Map<number, string>()): ImportCounts & { changes: RegistryChange[] } {
  const counts = { created: 0, updated: 0, unchanged: 0, changes: [] as RegistryChange[] };
  for (const [i, p] of plan(db, records, today).entries()) {
    if (!p.current) counts.created++;
    else if (p.changed.length) {
      counts.updated++;
      const next = { ...p.current, ...p.values } as Cadre;
      const columns = new Map<string, { column: string; from: string; to: string }>();
      for (const k of p.changed) {
        const column = changeLabels[k as keyof Cadre];
        if (!column || columns.has(column)) continue;
        columns.set(column, { column, from: shown(k as keyof Cadre, p.current, clinicNames), to: shown(k as keyof Cadre, next, clinicNames) });
      }
      counts.changes.push({ row: records[i]!.rowNumber, code: p.current.code, fullName: p.current.fullName, fields: [...columns.values()].filter((f) => f.from !== f.to) });
    } else counts.unchanged++;
  }
  return counts;
}

/** Upserts by code inside the caller's transaction; rows equal to what is stored are left untouched. */
export function applyRegistryImport(tx: DbOrTx, records: CadreRecord[], now: number): ImportCounts {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const p of plan(tx, records, vietnamDate(now))) {
    if (!p.current) {
      tx.insert(cadres).values({ ...p.values, createdAt: now, updatedAt: now }).run();
      counts.created++;
    } else if (p.changed.length) {
      tx.update(cadres)
        .set({ ...p.values, updatedAt: now })
        .where(inArray(cadres.id, [p.current.id]))
        .run();
      counts.updated++;
    } else counts.unchanged++;
  }
  return counts;
}
