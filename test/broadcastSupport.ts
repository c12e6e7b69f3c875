import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { broadcastRecipients, broadcasts, type BroadcastRecipient } from '../src/store/schema';
import { vietnamInstant } from '../src/domain/shared/quietHours';
import type { Harness } from './harness';

/** Shared set-up for the broadcast tests: many cadres at once, each with a linked Zalo account. */

export interface SeedOptions {
  /** Zalo user ids start here (strings of digits, as Zalo's). */
  firstUserId?: bigint;
  /** When the users last interacted (defaults to now: inside the 7-day window). */
  interactedAt?: number | null;
  unit?: string;
  codePrefix?: string;
  /** Also give each cadre an email. */
  email?: boolean;
  /** Link a Zalo account (default true). */
  linked?: boolean;
}

/** Inserts `n` active cadres (and their linked Zalo users) in one transaction; returns their ids and user ids. */
export function seedCadres(sqlite: Database.Database, n: number, now: number, o: SeedOptions = {}): { cadreIds: number[]; userIds: string[] } {
  const first = o.firstUserId ?? 700_000_000_000_000_000n;
  const prefix = o.codePrefix ?? 'BC';
  const insCadre = sqlite.prepare(
    `INSERT INTO cadres (code, full_name, birth_date, sex, category, unit, email, active, created_at, updated_at)
     VALUES (?, ?, '1950-01-01', ?, 'nguyen_chuc', ?, ?, 1, ?, ?) RETURNING id`,
  );
  const insUser = sqlite.prepare(
    `INSERT INTO zalo_users (id, followed, last_interaction_at, created_at, updated_at) VALUES (?, 1, ?, ?, ?)`,
  );
  const insLink = sqlite.prepare(`INSERT INTO zalo_links (zalo_user_id, cadre_id, method, linked_at) VALUES (?, ?, 'staff', ?)`);
  const cadreIds: number[] = [];
  const userIds: string[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const code = `${prefix}-${String(i).padStart(6, '0')}`;
      const { id } = insCadre.get(code, `Cán bộ ${code}`, i % 2 ? 'female' : 'male', o.unit ?? 'Sở Y tế', o.email ? `${code.toLowerCase()}@example.test` : null, now, now) as {
        id: number;
      };
      cadreIds.push(id);
      if (o.linked === false) continue;
      const userId = String(first + BigInt(i));
      insUser.run(userId, o.interactedAt === undefined ? now : o.interactedAt, now, now);
      insLink.run(userId, id, now);
      userIds.push(userId);
    }
  })();
  return { cadreIds, userIds };
}

export const recipientsOf = (h: Harness, broadcastId: number): BroadcastRecipient[] =>
  h.runtime.store.db.select().from(broadcastRecipients).where(eq(broadcastRecipients.broadcastId, broadcastId)).all();

export const broadcastRow = (h: Harness, id: number) => h.runtime.store.db.select().from(broadcasts).where(eq(broadcasts.id, id)).get()!;

/** How many messages each user got, from the fake Zalo API's record. */
export function sendsPerUser(h: Harness, users: Iterable<string>): Map<string, number> {
  const wanted = new Set(users);
  const counts = new Map<string, number>();
  for (const m of h.fake.sent) if (wanted.has(m.userId)) counts.set(m.userId, (counts.get(m.userId) ?? 0) + 1);
  return counts;
}

/**
 * A clock running at real speed but set to 10:00 Vietnam time today, so broadcasts are outside quiet hours
 * whenever the suite runs. Timers (BullMQ delays, the claim timeout) still measure real durations.
 */
export function daytimeClock(hour = 10): { now(): number; offsetMs: number } {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const offsetMs = vietnamInstant(today, hour, 0) - Date.now();
  return { now: () => Date.now() + offsetMs, offsetMs };
}
