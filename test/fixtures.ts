import type { Db } from '../src/store/db';
import { cadres, clinics, type Cadre, type Clinic } from '../src/store/schema';

type NewCadre = Partial<typeof cadres.$inferInsert> & { code: string; fullName: string };

/** Inserts a clinic and the given cadres (with sensible defaults) straight into the test database. */
export function seedRegistry(db: Db, list: NewCadre[], now = Date.now()): { clinic: Clinic; cadres: Cadre[] } {
  const clinic = db
    .insert(clinics)
    .values({
      code: 'PK-A',
      name: 'Phòng khám A Hải Phòng',
      address: '12 Lê Đại Hành, Hồng Bàng, Hải Phòng',
      phone: '0225 3 700 700',
      workingHours: 'Thứ Hai – Thứ Sáu, 7:00–16:30',
      email: 'pk-a@example.test',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({ target: clinics.code, set: { updatedAt: now } })
    .returning()
    .get();
  const rows = list.map((c) =>
    db
      .insert(cadres)
      .values({
        birthDate: '1950-09-05',
        sex: 'male',
        category: 'nguyen_chuc',
        unit: 'Sở Y tế',
        clinicId: clinic.id,
        createdAt: now,
        updatedAt: now,
        ...c,
      })
      .returning()
      .get(),
  );
  return { clinic, cadres: rows };
}
