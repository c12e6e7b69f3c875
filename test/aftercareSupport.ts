import { and, eq } from 'drizzle-orm';
import { inTransaction } from '../src/store/db';
import { examSlots, type Cadre, type Campaign, type Clinic } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { campaignWithSlots, linkUser } from './bookingSupport';

/** Monday 02/03/2026, 08:00 local. */
export const START = Date.parse('2026-03-02T01:00:00Z');
export const MIN = 60_000;

export interface AftercareWorld {
  h: Harness;
  clock: ManualClock;
  clinic: Clinic;
  cadres: Cadre[];
  users: string[];
  campaign: Campaign;
  db: Harness['runtime']['store']['db'];
}

/**
 * A clinic, cadres each linked to their own Zalo user, and an open campaign whose only day (Wednesday
 * 04/03) has the given places at 7:00.
 */
export async function aftercareWorld(people: { code: string; fullName: string; sex?: 'male' | 'female'; birthDate?: string; frail?: boolean; phone?: string }[], places = 1, env: Record<string, string> = {}): Promise<AftercareWorld> {
  const clock = new ManualClock(START);
  const h = await startHarness({ clock, env: { OUTBOX_RECONCILE_INTERVAL_MS: '60000', ...env } });
  const db = h.runtime.store.db;
  const seeded = seedRegistry(db, people.map((p) => ({ email: `${p.code.toLowerCase()}@example.test`, ...p })), START);
  const campaign = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-04', startTime: 7 * 60, endTime: 7 * 60 + 30, capacity: places });
  const users = seeded.cadres.map((c, i) => {
    const user = `86000000000000${String(100 + i)}`;
    linkUser(h, user, c.id);
    return user;
  });
  return { h, clock, clinic: seeded.clinic, cadres: seeded.cadres, users, campaign, db };
}

/** Moves the clock and lets the relay and the reconciler start whatever is due now. */
export async function at(w: AftercareWorld, instant: number): Promise<void> {
  w.clock.set(instant);
  await w.h.runtime.relay.flush();
  await w.h.runtime.reconcile();
}

export const onlySlot = (w: AftercareWorld) => w.db.select().from(examSlots).where(and(eq(examSlots.campaignId, w.campaign.id))).get()!;

export const tx = <T>(w: AftercareWorld, fn: Parameters<typeof inTransaction<T>>[1]): T => {
  const r = inTransaction(w.db, fn);
  w.h.runtime.relay.kick();
  return r;
};
