import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { bookings, cadres, careRequests, examSlots, handoffMessages, handoffs } from '../../store/schema';
import { requestTypeLabels, ticketOf } from '../requests/labels';

/**
 * What the live staff pages watch, read from SQLite (the truth) so that every web process sees the same thing
 * whichever process wrote it: high-water marks of requests and conversation messages, a change mark, and the
 * unread counts shown in the menu and the tab title. All of it within a clinic scope (null: every clinic).
 */
export interface LiveMarks {
  /** Highest request id. */
  request: number;
  /** Highest conversation message id. */
  message: number;
  /** Latest change to a request or a conversation (acknowledged, closed, ...). */
  changed: number;
  counts: LiveCounts;
}

export interface LiveCounts {
  /** Requests nobody has acknowledged yet. */
  requests: number;
  /** Open conversations where the cadre wrote last (the assistant's acknowledgements and staff notes aside). */
  conversations: number;
}

const requestScope = (scope: number | null): SQL | undefined => (scope === null ? undefined : eq(careRequests.clinicId, scope));
const handoffScope = (scope: number | null): SQL | undefined => (scope === null ? undefined : eq(handoffs.clinicId, scope));

export function liveMarks(tx: DbOrTx, scope: number | null): LiveMarks {
  const req = tx
    .select({
      maxId: sql<number>`coalesce(max(${careRequests.id}), 0)`,
      changed: sql<number>`coalesce(max(${careRequests.updatedAt}), 0)`,
      waiting: sql<number>`coalesce(sum(case when ${careRequests.state} = 'new' then 1 else 0 end), 0)`,
    })
    .from(careRequests)
    .where(requestScope(scope))
    .get()!;
  const conv = tx
    .select({
      changed: sql<number>`coalesce(max(${handoffs.lastActivityAt}), 0)`,
      closed: sql<number>`coalesce(max(${handoffs.closedAt}), 0)`,
      waiting: sql<number>`coalesce(sum(case when ${handoffs.status} = 'open' and (select m.direction from ${handoffMessages} m where m.zalo_user_id = ${handoffs.zaloUserId} and m.direction in ('in', 'staff') order by m.id desc limit 1) = 'in' then 1 else 0 end), 0)`,
    })
    .from(handoffs)
    .where(handoffScope(scope))
    .get()!;
  const msg = tx
    .select({ maxId: sql<number>`coalesce(max(${handoffMessages.id}), 0)` })
    .from(handoffMessages)
    .where(scope === null ? undefined : inArray(handoffMessages.zaloUserId, tx.select({ id: handoffs.zaloUserId }).from(handoffs).where(handoffScope(scope))))
    .get()!;
  return {
    request: req.maxId,
    message: msg.maxId,
    changed: Math.max(req.changed, conv.changed, conv.closed),
    counts: { requests: req.waiting, conversations: conv.waiting },
  };
}

export interface LiveRequest {
  id: number;
  ticket: string;
  typeLabel: string;
  urgent: boolean;
  cadreName: string | null;
}

/** Requests created after the mark, oldest first (at most 50: a page refresh shows the rest). */
export function requestsSince(tx: DbOrTx, scope: number | null, afterId: number): LiveRequest[] {
  const where = [gt(careRequests.id, afterId), requestScope(scope)].filter((w): w is SQL => !!w);
  return tx
    .select({ id: careRequests.id, type: careRequests.type, urgency: careRequests.urgency, cadreName: cadres.fullName })
    .from(careRequests)
    .leftJoin(cadres, eq(cadres.id, careRequests.cadreId))
    .where(and(...where))
    .orderBy(careRequests.id)
    .limit(50)
    .all()
    .map((r) => ({ id: r.id, ticket: ticketOf(r.id), typeLabel: requestTypeLabels[r.type], urgent: r.urgency === 'urgent' || r.type === 'emergency', cadreName: r.cadreName }));
}

/**
 * A mark that changes whenever a clinic queue moves (a check-in, a number called) within the scope, for the
 * counter page. Counts as well as the latest times, so two steps within the same millisecond still change it.
 */
export function queueMark(tx: DbOrTx, scope: number | null, since: number): string {
  const r = tx
    .select({
      checkedIn: sql<number>`count(*)`,
      called: sql<number>`count(${bookings.calledAt})`,
      last: sql<number>`coalesce(max(max(${bookings.checkedInAt}), coalesce(max(${bookings.calledAt}), 0)), 0)`,
    })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(gt(bookings.checkedInAt, since), scope === null ? undefined : eq(examSlots.clinicId, scope)))
    .get()!;
  return `${r.checkedIn}:${r.called}:${r.last}`;
}
