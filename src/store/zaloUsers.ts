import { and, eq } from 'drizzle-orm';
import { statement } from './prepared';
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

/**
 * Creates or updates the user from an event; never moves lastInteractionAt backwards (retries arrive late). A
 * sighting that changes nothing writes nothing (every message of a known user would otherwise rewrite the row
 * only to move updated_at, which therefore says when the row last changed).
 */
export function recordZaloUser(tx: DbOrTx, s: ZaloUserSighting, now: number): void {
  statement(
    tx,
    `INSERT INTO zalo_users (id, user_id_by_app, followed, last_interaction_at, phone, display_name, created_at, updated_at)
     VALUES (@id, @byApp, coalesce(@followed, 1), @interactedAt, @phone, @displayName, @now, @now)
     ON CONFLICT(id) DO UPDATE SET
       user_id_by_app = coalesce(excluded.user_id_by_app, user_id_by_app),
       followed = coalesce(@followed, followed),
       last_interaction_at = nullif(max(coalesce(last_interaction_at, 0), coalesce(@interactedAt, 0)), 0),
       phone = coalesce(excluded.phone, phone),
       display_name = coalesce(excluded.display_name, display_name),
       updated_at = @now
     WHERE coalesce(excluded.user_id_by_app, user_id_by_app) IS NOT user_id_by_app
        OR coalesce(@followed, followed) IS NOT followed
        OR coalesce(@interactedAt, 0) > coalesce(last_interaction_at, 0)
        OR coalesce(excluded.phone, phone) IS NOT phone
        OR coalesce(excluded.display_name, display_name) IS NOT display_name`,
  ).run({
    id: s.id,
    byApp: s.userIdByApp ?? null,
    followed: s.followed === undefined ? null : s.followed ? 1 : 0,
    interactedAt: s.interactedAt ?? null,
    phone: s.phone ?? null,
    displayName: s.displayName ?? null,
    now,
  });
}

export function getZaloUser(db: DbOrTx, id: string): ZaloUser | undefined {
  return db.select().from(zaloUsers).where(eq(zaloUsers.id, id)).get();
}

/**
 * The Zalo accounts that speak for a cadre: their own verified account first, then their approved proxies
 * (left out with `withProxies` false, for what is the cadre's alone). Notices go to these.
 */
export function zaloAccountsOfCadre(db: DbOrTx, cadreId: number, withProxies = true): ZaloUser[] {
  const own = db
    .select({ user: zaloUsers })
    .from(zaloLinks)
    .innerJoin(zaloUsers, eq(zaloUsers.id, zaloLinks.zaloUserId))
    .where(eq(zaloLinks.cadreId, cadreId))
    .all()
    .map((r) => r.user);
  if (!withProxies) return own;
  // Approved proxies act for the cadre, so they are told too (reminders, results ready), after the cadre.
  const acting = db
    .select({ user: zaloUsers })
    .from(proxies)
    .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
    .where(and(eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved')))
    .all()
    .map((r) => r.user);
  return [...own, ...acting.filter((a) => !own.some((o) => o.id === a.id))];
}

const CS_WINDOW_MS = 7 * 24 * 3600_000;
/** Zalo's clock and ours may differ a little: treat the last hour of the window as closed. */
const WINDOW_MARGIN_MS = 3600_000;

/** Whether Zalo will accept a customer-service message to this user now (ZALO.md §2). */
export function inCustomerServiceWindow(user: Pick<ZaloUser, 'followed' | 'lastInteractionAt'>, now: number): boolean {
  return user.followed && user.lastInteractionAt !== null && now - user.lastInteractionAt < CS_WINDOW_MS - WINDOW_MARGIN_MS;
}
