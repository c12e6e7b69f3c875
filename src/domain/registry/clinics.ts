import { asc } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { clinics, type Clinic } from '../../store/schema';

/** Every clinic, by name: the choices of the staff pages' clinic pickers. */
export function allClinics(db: DbOrTx): Clinic[] {
  return db.select().from(clinics).orderBy(asc(clinics.name)).all();
}
