import { eq } from 'drizzle-orm';
import { escalateOverdueFollowUp } from '../domain/aftercare/followUps';
import { expireOffer, offerFreedPlace } from '../domain/aftercare/waitlist';
import { FollowUpDuePayload, WaitlistExpirePayload, WaitlistOfferPayload } from './catalog';
import type { RequestPolicy } from '../domain/requests/sla';
import { inTransaction, type DbOrTx } from '../store/db';
import { markDone } from '../store/outbox';
import { outbox, type OutboxRow } from '../store/schema';
import type { JobDeps } from './jobDeps';

export interface AftercareJobDeps extends JobDeps {
  /** How long a waitlist offer stays open (WAITLIST_OFFER_MINUTES). */
  waitlistOfferMs: number;
  policy: RequestPolicy;
}

/** Runs a step and finishes its row in one transaction, only while the row is still open: a retry does nothing twice. */
function once<T>(deps: AftercareJobDeps, row: OutboxRow, step: (tx: DbOrTx, now: number) => { result: T; done: boolean; channel: string }): T | null {
  const now = deps.clock.now();
  return inTransaction(deps.db, (tx) => {
    const current = tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, row.id)).get();
    if (!current || (current.status !== 'pending' && current.status !== 'queued')) return null;
    const r = step(tx, now);
    if (r.done) markDone(tx, row.id, r.channel, now);
    return r.result;
  });
}

/** 'waitlist.offer': offers a freed place to the next cadre in line (holding it until they answer). */
export async function runWaitlistOffer(deps: AftercareJobDeps, row: OutboxRow): Promise<void> {
  const { slotId } = WaitlistOfferPayload.parse(row.payload);
  const offer = once(deps, row, (tx, now) => {
    const o = offerFreedPlace(tx, slotId, deps.waitlistOfferMs, now);
    return { result: o, done: true, channel: o ? 'offer' : 'none' };
  });
  if (offer) deps.logger.info({ outboxId: row.id, slotId, offerId: offer.id }, 'waitlist place offered');
}

/**
 * 'waitlist.expire': at the offer's deadline an unanswered offer lapses and the place passes on. A job that
 * runs early (clock skew) leaves its row open; the reconciler runs it again once it is due.
 */
export async function runWaitlistExpire(deps: AftercareJobDeps, row: OutboxRow): Promise<void> {
  const { offerId } = WaitlistExpirePayload.parse(row.payload);
  const r = once(deps, row, (tx, now) => {
    const outcome = expireOffer(tx, offerId, now);
    return { result: outcome, done: outcome !== 'not_yet', channel: outcome === 'expired' ? 'expired' : 'none' };
  });
  if (r === 'expired') deps.logger.info({ outboxId: row.id, offerId }, 'waitlist offer expired');
}

/** 'followUp.due': a follow-up still open at its due time escalates as a request. */
export async function runFollowUpDue(deps: AftercareJobDeps, row: OutboxRow): Promise<void> {
  const { followUpId } = FollowUpDuePayload.parse(row.payload);
  const requestId = once(deps, row, (tx, now) => {
    const id = escalateOverdueFollowUp(tx, followUpId, deps.policy, now);
    return { result: id, done: true, channel: id ? 'request' : 'none' };
  });
  if (requestId) deps.logger.info({ outboxId: row.id, followUpId, requestId }, 'overdue follow-up escalated');
}
