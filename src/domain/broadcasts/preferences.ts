import { eq } from 'drizzle-orm';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { cadres, zaloLinks, zaloUsers } from '../../store/schema';

/** A turn's request to stop (false) or resume (true) broadcasts for the user's account and own cadre. */
export interface BroadcastPreferenceEffect {
  type: 'broadcastPreference';
  receive: boolean;
}

/**
 * Applies "dừng nhận tin" / "nhận tin lại" inside the turn's transaction: the flag on the Zalo user (which
 * also covers proxies and unlinked users) and, when the account is a cadre's own, on the cadre.
 */
export function applyBroadcastPreference(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: BroadcastPreferenceEffect): void {
  const optOut = !effect.receive;
  tx.update(zaloUsers).set({ broadcastOptOut: optOut, updatedAt: ctx.now }).where(eq(zaloUsers.id, ctx.zaloUserId)).run();
  const link = tx.select({ cadreId: zaloLinks.cadreId }).from(zaloLinks).where(eq(zaloLinks.zaloUserId, ctx.zaloUserId)).get();
  if (link) tx.update(cadres).set({ broadcastOptOut: optOut, updatedAt: ctx.now }).where(eq(cadres.id, link.cadreId)).run();
  recordAudit(
    tx,
    { type: 'zalo', id: ctx.zaloUserId },
    { action: optOut ? 'broadcast.opt_out' : 'broadcast.opt_in', entity: 'zalo_user', entityId: ctx.zaloUserId, detail: link ? { cadreId: link.cadreId } : {} },
    ctx.now,
  );
}
