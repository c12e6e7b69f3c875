import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { broadcastRecipients, type RecipientChannel } from '../../store/schema';

/**
 * Takes the recipient for sending: pending -> sending, or a stale claim (`expected` = its claimedAt) ->
 * a fresh one. Atomic, so two workers (a stalled job and its replacement) never both send.
 */
export function claimRecipient(db: DbOrTx, id: number, channel: RecipientChannel, zaloUserId: string | null, now: number, expectedClaim?: number): boolean {
  const where =
    expectedClaim === undefined
      ? and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'pending'))
      : and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'sending'), eq(broadcastRecipients.claimedAt, expectedClaim));
  return (
    db
      .update(broadcastRecipients)
      .set({ status: 'sending', channel, zaloUserId, claimedAt: now, attempts: sql`${broadcastRecipients.attempts} + 1`, updatedAt: now })
      .where(where)
      .run().changes > 0
  );
}

/** Zalo or the SMTP server accepted: sent, with the channel and the message id. */
export function markRecipientSent(db: DbOrTx, id: number, channel: RecipientChannel, externalId: string | null, now: number): void {
  db.update(broadcastRecipients)
    .set({ status: 'sent', channel, externalId, sentAt: now, reason: null, updatedAt: now })
    .where(and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'sending')))
    .run();
}

/** Ends a recipient without a send: skipped (opt-out, no channel) or failed (permanent refusal). */
export function endRecipient(db: DbOrTx, id: number, status: 'skipped' | 'failed', reason: string, now: number): void {
  db.update(broadcastRecipients)
    .set({ status, reason: reason.slice(0, 300), updatedAt: now })
    .where(and(eq(broadcastRecipients.id, id), inArray(broadcastRecipients.status, ['pending', 'sending'])))
    .run();
}
