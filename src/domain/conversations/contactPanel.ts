import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { careRequests, examResults, proxies, type Cadre } from '../../store/schema';
import { upcomingBookingsOf } from '../booking/bookingForCadre';
import type { BookingInfo } from '../booking/lookups';
import { openStates, requestStateLabels, requestTypeLabels, ticketOf } from '../requests/labels';

/**
 * What an agent sees beside a conversation (in the spirit of a help desk's contact panel): the cadre's phone,
 * coming exams, open requests, proxies, and, only for roles that may read results, a summary of released
 * results (how many, the latest date and health class; never the conclusions).
 */
export interface ContactPanel {
  cadre: Cadre;
  bookings: BookingInfo[];
  openRequests: { id: number; ticket: string; typeLabel: string; stateLabel: string; urgent: boolean }[];
  proxies: { name: string; relation: string; phone: string | null; status: 'pending' | 'approved' }[];
  /** Null when the role may not read results. */
  results: { released: number; latestIds: number[]; latestDate: string | null; latestClass: string | null } | null;
}

export function contactPanel(tx: DbOrTx, cadre: Cadre, now: number, opts: { withResults: boolean }): ContactPanel {
  const openRequests = tx
    .select({ id: careRequests.id, type: careRequests.type, state: careRequests.state, urgency: careRequests.urgency })
    .from(careRequests)
    .where(and(eq(careRequests.cadreId, cadre.id), inArray(careRequests.state, openStates)))
    .orderBy(desc(careRequests.id))
    .limit(10)
    .all()
    .map((r) => ({ id: r.id, ticket: ticketOf(r.id), typeLabel: requestTypeLabels[r.type], stateLabel: requestStateLabels[r.state], urgent: r.urgency === 'urgent' }));
  const proxyRows = tx
    .select({ name: proxies.proxyName, relation: proxies.relation, phone: proxies.requesterPhone, status: proxies.status })
    .from(proxies)
    .where(and(eq(proxies.cadreId, cadre.id), inArray(proxies.status, ['pending', 'approved'])))
    .all()
    .map((p) => ({ ...p, status: p.status as 'pending' | 'approved' }));
  let results: ContactPanel['results'] = null;
  if (opts.withResults) {
    const released = tx
      .select({ id: examResults.id, examDate: examResults.examDate, healthClass: examResults.healthClass })
      .from(examResults)
      .where(and(eq(examResults.cadreId, cadre.id), eq(examResults.status, 'released'), isNull(examResults.supersededAt)))
      .orderBy(desc(examResults.examDate), desc(examResults.id))
      .all();
    const latest = released[0];
    results = { released: released.length, latestIds: latest ? [latest.id] : [], latestDate: latest?.examDate ?? null, latestClass: latest?.healthClass ?? null };
  }
  return { cadre, bookings: upcomingBookingsOf(tx, cadre.id, now), openRequests, proxies: proxyRows, results };
}
