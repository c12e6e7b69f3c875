import type { ClassSchemeId } from '../results/classification';
import type { Clock } from '../../clock';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { staffActor, type StaffIdentity } from '../staff/actor';
import { allClinics } from './clinics';
import { vietnamDate } from '../shared/quietHours';
import { applyRegistryImport, previewRegistryImport, type ImportCounts, type RegistryChange } from './registryApply';
import { checkRegistryRows, type RegistryCheck } from './registryCheck';
import { readRegistryFile } from './registryFile';

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
  deps: { db: Db; clock: Clock; committee?: { classScheme: ClassSchemeId } },
  staff: StaffIdentity,
  bytes: Uint8Array,
  fileName: string,
  apply: boolean,
  mode: ImportMode = 'all',
): Promise<ImportOutcome> {
  const rows = await readRegistryFile(bytes, fileName);
  // Everything from here on is synchronous: the clinics checked are the clinics written against.
  const now = deps.clock.now();
  const clinicList = allClinics(deps.db);
  const check = checkRegistryRows(rows, { clinics: clinicList, today: vietnamDate(now), classScheme: deps.committee?.classScheme ?? 'I-V' });
  const { changes, ...counts } = previewRegistryImport(deps.db, check.records, vietnamDate(now), new Map(clinicList.map((c) => [c.id, c.name])));
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
