import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './db';
import { zaloUsers, type ZaloUser } from './schema';

export interface ZaloUserSighting {
  id: string;
  userIdByApp?: string;
  /** Set on follow (true) and unfollow (false); left alone otherwise. */
  followed?: boolean;
  /** When the event counts as an interaction that opens Zalo's 7-day window. */
  interactedAt?: number;
  phone?: string;
  displayName?: string;
}

/** Creates or updates the user from an event; never moves lastInteractionAt backwards (retries arrive late). */
export function recordZaloUser(tx: DbOrTx, s: ZaloUserSighting, now: number): void {
  tx.insert(zaloUsers)
    .values({
      id: s.id,
      userIdByApp: s.userIdByApp ?? null,
      followed: s.followed ?? true,
      lastInteractionAt: s.interactedAt ?? null,
      phone: s.phone ?? null,
      displayName: s.displayName ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: zaloUsers.id,
      set: {
        userIdByApp: sql`coalesce(${s.userIdByApp ?? null}, ${zaloUsers.userIdByApp})`,
        followed: s.followed === undefined ? sql`${zaloUsers.followed}` : s.followed,
        lastInteractionAt: sql`max(coalesce(${zaloUsers.lastInteractionAt}, 0), ${s.interactedAt ?? 0})`,
        phone: sql`coalesce(${s.phone ?? null}, ${zaloUsers.phone})`,
        displayName: sql`coalesce(${s.displayName ?? null}, ${zaloUsers.displayName})`,
        updatedAt: now,
      },
    })
    .run();
}

export function getZaloUser(db: DbOrTx, id: string): ZaloUser | undefined {
  return db.select().from(zaloUsers).where(eq(zaloUsers.id, id)).get();
}
