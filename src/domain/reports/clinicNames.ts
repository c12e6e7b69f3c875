import type { DbOrTx } from '../../store/db';
import { clinics } from '../../store/schema';
import { NO_CLINIC, type CohortCadre } from './examined';

/** Clinic names read once for a page of figures. */
export interface ClinicNames {
  /** The clinic's name; an id no longer in the table shows as "#id". */
  nameOf(id: number): string;
  /** The name, or null for an id no longer in the table. */
  find(id: number): string | null;
  /** The grouping key of a cadre by registered clinic; a cadre with none falls under NO_CLINIC. */
  cohortKey(c: Pick<CohortCadre, 'clinicId'>): string;
}

export function clinicNames(db: DbOrTx): ClinicNames {
  const names = new Map(db.select({ id: clinics.id, name: clinics.name }).from(clinics).all().map((c) => [c.id, c.name]));
  const nameOf = (id: number) => names.get(id) ?? `#${id}`;
  return {
    nameOf,
    find: (id) => names.get(id) ?? null,
    cohortKey: (c) => (c.clinicId ? nameOf(c.clinicId) : NO_CLINIC),
  };
}
