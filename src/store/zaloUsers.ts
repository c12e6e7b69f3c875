import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './db';
import { proxies, zaloLinks, zaloUsers, type ZaloUser } from './schema';

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

/**
 * The Zalo accounts that speak for a cadre: their own verified account, else their approved proxies.
 * Notices go to these.
 */
export function zaloAccountsOfCadre(db: DbOrTx, cadreId: number): ZaloUser[] {
  const own = db
    .select({ user: zaloUsers })
    .from(zaloLinks)
    .innerJoin(zaloUsers, eq(zaloUsers.id, zaloLinks.zaloUserId))
    .where(eq(zaloLinks.cadreId, cadreId))
    .all()
    .map((r) => r.user);
  if (own.length) return own;
  return db
    .select({ user: zaloUsers })
    .from(proxies)
    .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
    .where(and(eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved')))
    .all()
    .map((r) => r.user);
}

const CS_WINDOW_MS = 7 * 24 * 3600_000;
/** Zalo's clock and ours may differ a little: treat the last hour of the window as closed. */
const WINDOW_MARGIN_MS = 3600_000;

/** Whether Zalo will accept a customer-service message to this user now (ZALO.md §2). */
export function inCustomerServiceWindow(user: Pick<ZaloUser, 'followed' | 'lastInteractionAt'>, now: number): boolean {
  return user.followed && user.lastInteractionAt !== null && now - user.lastInteractionAt < CS_WINDOW_MS - WINDOW_MARGIN_MS;
}
