import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import { examSlots, waitlistEntries } from '../../store/schema';

/**
 * The one place a freed exam place is announced (a cancel, a move away, a no-show-free day reopened): when
 * someone waits at its clinic in its campaign, an outbox row asks the worker to offer it to the waitlist
 * (domain/aftercare/waitlist.ts). Kept apart from the waitlist so booking code can call it without a cycle.
 */
const WAITLIST_OFFER_JOB = 'waitlist.offer' as const;

/** Returns the outbox row id, or null when nobody waits. */
export function offerToWaitlist(tx: DbOrTx, slotId: number, now: number): number | null {
  const slot = tx.select({ campaignId: examSlots.campaignId, clinicId: examSlots.clinicId }).from(examSlots).where(eq(examSlots.id, slotId)).get();
  if (!slot) return null;
  const waiting = tx
    .select({ id: waitlistEntries.id })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.campaignId, slot.campaignId), eq(waitlistEntries.clinicId, slot.clinicId), eq(waitlistEntries.status, 'waiting')))
    .get();
  if (!waiting) return null;
  return enqueue(tx, WAITLIST_OFFER_JOB, { slotId }, { now, subject: `slot-${slotId}-freed` });
}

