import { queueCallListMails, scheduleNextCallList } from '../domain/attendance/callListMail';
import { inTransaction } from '../store/db';
import { markDone } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import { CallListPayload } from './catalog';
import type { JobDeps } from './jobDeps';


export interface CallListDeps extends JobDeps {
  /** Local hour, the day before an exam day, when its call list goes out. */
  hour: number;
  publicBaseUrl: string;
}

/**
 * 'attendance.callList': the day before an exam day, at the configured hour, clinic staff get the cadres who
 * have not answered the day-before question, to call them, with a link to the campaign's call list page
 * (/staff/booking/:id/calls) where each call's outcome is recorded. In one transaction it queues the mails, finishes
 * its own row and schedules the next day's list, so a retry or a reconciler pass sends nothing twice.
 */
export async function runCallList(deps: CallListDeps, row: OutboxRow): Promise<void> {
  const { examDate } = CallListPayload.parse(row.payload);
  const now = deps.clock.now();
  const mails = inTransaction(deps.db, (tx) => {
    const n = queueCallListMails(tx, examDate, deps.publicBaseUrl, now);
    markDone(tx, row.id, n ? 'email' : 'none', now);
    scheduleNextCallList(tx, deps.hour, now);
    return n;
  });
  deps.logger.info({ outboxId: row.id, examDate, mails }, 'call list of unconfirmed bookings queued');
}
