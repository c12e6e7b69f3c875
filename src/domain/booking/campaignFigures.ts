import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { examSlots } from '../../store/schema';
import { clinicNames } from '../reports/clinicNames';
import { cohortFigures, groupCohort, NO_CLINIC, shareOf, type CohortCounts } from '../reports/examined';
import { campaignClinicList, campaignOr404 } from './campaigns';

interface ClinicFigures {
  clinicId: number | null;
  clinicName: string;
  /** Eligible cadres registered at this clinic (and, below, how many of them booked, were examined, were absent). */
  eligible: number;
  booked: number;
  examined: number;
  noShow: number;
  shareExamined: number | null;
  /** Places in this clinic's slots of the campaign (0 for a clinic not taking part). */
  capacity: number;
  placesTaken: number;
}

/** The cohort's counts (examined through attendance and through a released result may overlap), with shares. */
export interface CampaignFigures extends CohortCounts {
  campaignId: number;
  /** The local date the figures were computed for (attendance counts up to it). */
  today: string;
  /** examined / eligible, 0..1; null when nobody is eligible. */
  shareExamined: number | null;
  shareBooked: number | null;
  clinics: ClinicFigures[];
}

/** What the committee reports for a campaign, by the one definition in `examined.ts`, per registered clinic. */
export function campaignFigures(db: DbOrTx, campaignId: number, now: number): CampaignFigures {
  const c = campaignOr404(db, campaignId);
  const cohort = cohortFigures(db, c, now);
  const names = clinicNames(db);
  const places = new Map(
    db
      .select({ clinicId: examSlots.clinicId, capacity: sql<number>`coalesce(sum(${examSlots.capacity}), 0)`, taken: sql<number>`coalesce(sum(${examSlots.booked}), 0)` })
      .from(examSlots)
      .where(eq(examSlots.campaignId, campaignId))
      .groupBy(examSlots.clinicId)
      .all()
      .map((p) => [p.clinicId, p]),
  );
  const groups = new Map(groupCohort(cohort, (x) => String(x.clinicId ?? '')).map((g) => [g.key, g]));
  const clinicIds = new Set<number | null>([...campaignClinicList(db, campaignId).map((x) => x.id), ...cohort.cells.map((x) => x.clinicId)]);
  const perClinic = [...clinicIds]
    .map((id): ClinicFigures => {
      const g = groups.get(String(id ?? ''));
      const p = id === null ? undefined : places.get(id);
      return {
        clinicId: id,
        clinicName: id === null ? NO_CLINIC : names.nameOf(id),
        eligible: g?.eligible ?? 0,
        booked: g?.booked ?? 0,
        examined: g?.examined ?? 0,
        noShow: g?.noShow ?? 0,
        shareExamined: g?.share ?? null,
        capacity: p?.capacity ?? 0,
        placesTaken: p?.taken ?? 0,
      };
    })
    .sort((a, b) => a.clinicName.localeCompare(b.clinicName, 'vi'));
  const t = cohort.total;
  return {
    campaignId,
    today: cohort.today,
    ...t,
    shareExamined: shareOf(t.examined, t.eligible),
    shareBooked: shareOf(t.booked, t.eligible),
    clinics: perClinic,
  };
}
