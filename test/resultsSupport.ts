import { linkZaloUser } from '../src/domain/linking/linking';
import type { ActingStaff } from '../src/domain/staff/actor';
import { releaseResults } from '../src/domain/results/release';
import { createDraft, ResultInput } from '../src/domain/results/results';
import { inTransaction, type Db } from '../src/store/db';
import { proxies, staffUsers, type ExamResult, type StaffRole } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';

/** Shared set-up for the results tests: staff rows, linked accounts, proxies, drafts and releases. */

let staffSeq = 0;
/** A staff row straight in the database (no password use): enough for domain calls and audit. */
export function staffRow(db: Db, role: StaffRole, clinicId: number | null = null, now = Date.now()): ActingStaff {
  staffSeq += 1;
  const row = db
    .insert(staffUsers)
    .values({ username: `kq-${role}-${staffSeq}-${now}`, fullName: `Nhân viên ${role} ${staffSeq}`, role, clinicId, passwordHash: 'x', createdAt: now, updatedAt: now })
    .returning()
    .get();
  return { id: row.id, role: row.role, clinicId: row.clinicId };
}

/** A followed Zalo user who wrote recently, linked to the cadre (or, with `proxyFor`, an approved proxy). */
export function zaloAccount(db: Db, zaloUserId: string, opts: { cadreId?: number; proxyFor?: number; now?: number }): void {
  const now = opts.now ?? Date.now();
  inTransaction(db, (tx) => {
    recordZaloUser(tx, { id: zaloUserId, followed: true, interactedAt: now }, now);
    if (opts.cadreId) linkZaloUser(tx, { cadreId: opts.cadreId, zaloUserId, method: 'phone', now, staffId: 1 });
    if (opts.proxyFor) {
      tx.insert(proxies)
        .values({ zaloUserId, cadreId: opts.proxyFor, relation: 'con gái', proxyName: 'Người nhà', status: 'approved', requestedAt: now, decidedAt: now })
        .run();
    }
  });
}

export function draft(db: Db, staff: ActingStaff, cadreId: number, input: Partial<ResultInput> & { examDate: string }, now = Date.now()): ExamResult {
  return inTransaction(db, (tx) => createDraft(tx, staff, cadreId, ResultInput.parse(input), now));
}

export function release(db: Db, staff: ActingStaff, ids: number[], now = Date.now()) {
  return inTransaction(db, (tx) => releaseResults(tx, staff, ids, now));
}
