import { and, asc, desc, eq, inArray, lte, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { bookings, broadcastRecipients, broadcasts, campaigns, careRequests, examResults, examSlots, type Campaign } from '../../store/schema';
import { vietnamDate } from '../shared/quietHours';
import { clinicNames, type ClinicNames } from './clinicNames';
import { cohortFigures, groupCohort, shareOf } from './examined';
import { openStates, requestTypeLabels, ticketOf, urgencyLabels } from '../requests/labels';

/**
 * What the staff home page shows, read from the tables as they are now. `clinicId` narrows every panel to
 * one clinic (clinic staff); null shows the whole committee.
 */

const SOON_MS = 3600_000;

export interface Dashboard {
  today: string;
  bookingsToday: { clinicId: number; clinicName: string; booked: number; attended: number; noShow: number }[];
  requests: {
    open: number;
    overdue: number;
    dueSoon: number;
    onTime: number;
    acknowledged: number;
    breachedThisMonth: number;
    oldestOverdue: { id: number; ticket: string; type: string; urgency: string; clinicName: string | null; ackDueAt: number }[];
  };
  resultsWaiting: { total: number; byClinic: { clinicName: string; n: number }[] };
  broadcasts: { id: number; title: string; status: string; total: number; done: number; startAt: number }[];
  campaign: { id: number; name: string; eligible: number; examined: number; share: number | null; clinics: { name: string; eligible: number; examined: number; share: number | null }[] } | null;
}

/** The campaign the committee is running: open and covering today, else the latest open, else the latest. */
function currentCampaign(db: DbOrTx, today: string): Campaign | null {
  return (
    db.select().from(campaigns).where(and(eq(campaigns.status, 'open'), lte(campaigns.startDate, today), gte(campaigns.endDate, today))).orderBy(desc(campaigns.startDate)).get() ??
    db.select().from(campaigns).where(eq(campaigns.status, 'open')).orderBy(desc(campaigns.startDate)).get() ??
    db.select().from(campaigns).where(lte(campaigns.startDate, today)).orderBy(desc(campaigns.startDate)).get() ??
    null
  );
}

type ClinicScope = number | null;

/** Today's bookings per clinic: booked (any outcome), attended, absent. */
function bookingsToday(db: DbOrTx, today: string, clinicId: ClinicScope, clinics: ClinicNames): Dashboard['bookingsToday'] {
  const dayRows = db
    .select({ clinicId: examSlots.clinicId, status: bookings.status, n: sql<number>`count(*)` })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(eq(examSlots.localDate, today), inArray(bookings.status, ['booked', 'attended', 'no_show']), clinicId === null ? undefined : eq(examSlots.clinicId, clinicId)))
    .groupBy(examSlots.clinicId, bookings.status)
    .all();
  const perClinic = new Map<number, Dashboard['bookingsToday'][number]>();
  for (const r of dayRows) {
    const e = perClinic.get(r.clinicId) ?? { clinicId: r.clinicId, clinicName: clinics.nameOf(r.clinicId), booked: 0, attended: 0, noShow: 0 };
    e.booked += r.n;
    if (r.status === 'attended') e.attended += r.n;
    if (r.status === 'no_show') e.noShow += r.n;
    perClinic.set(r.clinicId, e);
  }
  return [...perClinic.values()].sort((a, b) => a.clinicName.localeCompare(b.clinicName, 'vi'));
}

/** Open requests by where they stand against their acknowledgement deadline, and this month's breaches. */
function requestFigures(db: DbOrTx, now: number, today: string, clinicId: ClinicScope, clinics: ClinicNames): Dashboard['requests'] {
  const scope = clinicId === null ? undefined : eq(careRequests.clinicId, clinicId);
  const open = db
    .select({ id: careRequests.id, type: careRequests.type, urgency: careRequests.urgency, state: careRequests.state, sla: careRequests.sla, ackDueAt: careRequests.ackDueAt, clinicId: careRequests.clinicId })
    .from(careRequests)
    .where(and(inArray(careRequests.state, openStates), scope))
    .orderBy(asc(careRequests.ackDueAt))
    .all();
  const waiting = open.filter((r) => r.state === 'new');
  const overdue = waiting.filter((r) => r.sla === 'breached' || r.ackDueAt <= now);
  const monthStart = `${today.slice(0, 7)}-01`;
  const breachedThisMonth = db
    .select({ n: sql<number>`count(*)` })
    .from(careRequests)
    .where(and(eq(careRequests.sla, 'breached'), sql`${careRequests.createdAt} >= ${Date.parse(`${monthStart}T00:00:00+07:00`)}`, scope))
    .get()!.n;
  return {
    open: open.length,
    overdue: overdue.length,
    dueSoon: waiting.filter((r) => r.sla === 'pending' && r.ackDueAt > now && r.ackDueAt <= now + SOON_MS).length,
    onTime: waiting.filter((r) => r.sla === 'pending' && r.ackDueAt > now + SOON_MS).length,
    acknowledged: open.length - waiting.length,
    breachedThisMonth,
    oldestOverdue: overdue.slice(0, 5).map((r) => ({
      id: r.id,
      ticket: ticketOf(r.id),
      type: requestTypeLabels[r.type],
      urgency: urgencyLabels[r.urgency],
      clinicName: r.clinicId ? clinics.find(r.clinicId) : null,
      ackDueAt: r.ackDueAt,
    })),
  };
}

/** Draft results not yet released, per clinic, most first. */
function resultsWaiting(db: DbOrTx, clinicId: ClinicScope, clinics: ClinicNames): Dashboard['resultsWaiting'] {
  const drafts = db
    .select({ clinicId: examResults.clinicId, n: sql<number>`count(*)` })
    .from(examResults)
    .where(and(eq(examResults.status, 'draft'), clinicId === null ? undefined : eq(examResults.clinicId, clinicId)))
    .groupBy(examResults.clinicId)
    .all();
  return {
    total: drafts.reduce((s, d) => s + d.n, 0),
    byClinic: drafts.map((d) => ({ clinicName: d.clinicId ? clinics.nameOf(d.clinicId) : '(Không ghi phòng khám)', n: d.n })).sort((a, b) => b.n - a.n),
  };
}

/** Broadcasts running, paused or scheduled, with how many recipients are done. */
function liveBroadcasts(db: DbOrTx): Dashboard['broadcasts'] {
  const live = db
    .select()
    .from(broadcasts)
    .where(inArray(broadcasts.status, ['running', 'paused', 'scheduled']))
    .orderBy(asc(broadcasts.startAt))
    .limit(10)
    .all();
  const progress = live.length
    ? db
        .select({ id: broadcastRecipients.broadcastId, done: sql<number>`sum(case when ${broadcastRecipients.status} in ('sent','skipped','failed','cancelled') then 1 else 0 end)` })
        .from(broadcastRecipients)
        .where(inArray(broadcastRecipients.broadcastId, live.map((b) => b.id)))
        .groupBy(broadcastRecipients.broadcastId)
        .all()
    : [];
  return live.map((b) => ({ id: b.id, title: b.title, status: b.status, total: b.total, done: progress.find((p) => p.id === b.id)?.done ?? 0, startAt: b.startAt }));
}

/** The current campaign's share examined, overall and per clinic (only the own clinic for clinic staff). */
function campaignPanel(db: DbOrTx, now: number, today: string, clinicId: ClinicScope, clinics: ClinicNames): Dashboard['campaign'] {
  const cur = currentCampaign(db, today);
  if (!cur) return null;
  // The one definition of examined (examined.ts), as on the reports and campaign figures pages.
  const cohort = cohortFigures(db, cur, now);
  const ownName = clinicId === null ? null : clinics.find(clinicId);
  return {
    id: cur.id,
    name: cur.name,
    eligible: cohort.total.eligible,
    examined: cohort.total.examined,
    share: shareOf(cohort.total.examined, cohort.total.eligible),
    clinics: groupCohort(cohort, clinics.cohortKey)
      .filter((g) => ownName === null || g.key === ownName)
      .map((g) => ({ name: g.key, eligible: g.eligible, examined: g.examined, share: g.share })),
  };
}

export function buildDashboard(db: DbOrTx, now: number, clinicId: number | null): Dashboard {
  const today = vietnamDate(now);
  const clinics = clinicNames(db);
  return {
    today,
    bookingsToday: bookingsToday(db, today, clinicId, clinics),
    requests: requestFigures(db, now, today, clinicId, clinics),
    resultsWaiting: resultsWaiting(db, clinicId, clinics),
    broadcasts: liveBroadcasts(db),
    campaign: campaignPanel(db, now, today, clinicId, clinics),
  };
}
