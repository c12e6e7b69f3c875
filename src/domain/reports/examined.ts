import { and, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { bookings, cadres, careRequests, examResults, examSlots, type Cadre, type Campaign } from '../../store/schema';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';

/**
 * Who counts in a campaign's figures, defined once. Every page, API answer, xlsx file and the dashboard read
 * their numbers from `campaignCohort`, so "đã khám" means the same everywhere (docs/figures.md says it in words).
 *
 * - eligible: cadres of a category the campaign targets, managed on its start date: managed from that date or
 *   earlier (or since before any record), and not left or died before it. A cadre marked inactive with no
 *   leaving date is taken as gone before the campaign.
 * - examined (only eligible cadres count): attendance recorded for a slot of the campaign dated today or
 *   earlier, OR a released result dated inside the campaign's dates that belongs to the campaign or to no
 *   campaign. Drafts, attendance recorded for a future slot and results dated outside the campaign do not count.
 * - booked: eligible cadres holding a booking of the campaign (booked, attended or no-show), or examined.
 * - no-show: eligible cadres marked absent and not examined otherwise.
 * - home exams: eligible cadres with a home visit request made during the campaign's dates (not cancelled).
 */

export interface CohortCadre {
  id: number;
  unit: string;
  clinicId: number | null;
  category: Cadre['category'];
  frail: boolean;
}

export interface CampaignCohort {
  campaign: Campaign;
  /** Local date the figures were computed for. */
  today: string;
  eligible: CohortCadre[];
  examined: Set<number>;
  /** Why each examined cadre counts (a cadre may count for both). */
  examinedByAttendance: Set<number>;
  examinedByResult: Set<number>;
  booked: Set<number>;
  noShow: Set<number>;
  homeExams: Set<number>;
}

/** Whether the registry row counts as managed on a local date. */
export function managedOn(c: Pick<Cadre, 'active' | 'managedFrom' | 'leftOn'>, date: string): boolean {
  if (c.managedFrom && c.managedFrom > date) return false;
  if (c.leftOn) return c.leftOn >= date;
  return c.active;
}

export function eligibleCadres(db: DbOrTx, campaign: Campaign): CohortCadre[] {
  if (!campaign.eligibleCategories.length) return [];
  return db
    .select({ id: cadres.id, unit: cadres.unit, clinicId: cadres.clinicId, category: cadres.category, frail: cadres.frail, active: cadres.active, managedFrom: cadres.managedFrom, leftOn: cadres.leftOn })
    .from(cadres)
    .where(inArray(cadres.category, campaign.eligibleCategories))
    .all()
    .filter((c) => managedOn(c, campaign.startDate))
    .map(({ id, unit, clinicId, category, frail }) => ({ id, unit, clinicId, category, frail }));
}

/** The results that count for a campaign: released, dated inside its dates, of this campaign or of none. */
export function campaignResultScope(campaign: Campaign) {
  return and(
    eq(examResults.status, 'released'),
    gte(examResults.examDate, campaign.startDate),
    lte(examResults.examDate, campaign.endDate),
    or(eq(examResults.campaignId, campaign.id), isNull(examResults.campaignId)),
  );
}

export function campaignCohort(db: DbOrTx, campaign: Campaign, now: number): CampaignCohort {
  const today = vietnamDate(now);
  const eligible = eligibleCadres(db, campaign);
  const isEligible = new Set(eligible.map((c) => c.id));
  const only = (ids: number[]) => new Set(ids.filter((id) => isEligible.has(id)));

  const held = db
    .select({ cadreId: bookings.cadreId, status: bookings.status, slotDate: examSlots.localDate })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(eq(bookings.campaignId, campaign.id), inArray(bookings.status, ['booked', 'attended', 'no_show'])))
    .all();
  const examinedByAttendance = only(held.filter((b) => b.status === 'attended' && b.slotDate <= today).map((b) => b.cadreId));
  const examinedByResult = only(db.selectDistinct({ id: examResults.cadreId }).from(examResults).where(campaignResultScope(campaign)).all().map((r) => r.id));
  const examined = new Set([...examinedByAttendance, ...examinedByResult]);
  const booked = new Set([...only(held.map((b) => b.cadreId)), ...examined]);
  const noShow = new Set([...only(held.filter((b) => b.status === 'no_show').map((b) => b.cadreId))].filter((id) => !examined.has(id)));
  const homeExams = only(
    db
      .selectDistinct({ id: careRequests.cadreId })
      .from(careRequests)
      .where(
        and(
          eq(careRequests.type, 'home_visit'),
          inArray(careRequests.state, ['new', 'acknowledged', 'scheduled', 'done']),
          gte(careRequests.createdAt, vietnamInstant(campaign.startDate, 0)),
          lte(careRequests.createdAt, vietnamInstant(campaign.endDate, 24) - 1),
        ),
      )
      .all()
      .flatMap((r) => (r.id === null ? [] : [r.id])),
  );
  return { campaign, today, eligible, examined, examinedByAttendance, examinedByResult, booked, noShow, homeExams };
}

/** A share 0..1 rounded to 4 places; null when nobody is in the denominator (shown as "—"). */
export const shareOf = (part: number, whole: number): number | null => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

export interface CohortGroup {
  key: string;
  eligible: number;
  booked: number;
  examined: number;
  noShow: number;
  share: number | null;
}

/** The cohort's counts grouped by a key of each eligible cadre (unit, clinic), sorted by key. */
export function groupCohort(cohort: CampaignCohort, keyOf: (c: CohortCadre) => string): CohortGroup[] {
  const m = new Map<string, CohortGroup>();
  for (const c of cohort.eligible) {
    const key = keyOf(c);
    const g = m.get(key) ?? { key, eligible: 0, booked: 0, examined: 0, noShow: 0, share: null };
    g.eligible += 1;
    if (cohort.booked.has(c.id)) g.booked += 1;
    if (cohort.examined.has(c.id)) g.examined += 1;
    if (cohort.noShow.has(c.id)) g.noShow += 1;
    m.set(key, g);
  }
  return [...m.values()].map((g) => ({ ...g, share: shareOf(g.examined, g.eligible) })).sort((a, b) => a.key.localeCompare(b.key, 'vi'));
}

export const NO_UNIT = '(Chưa ghi đơn vị)';
export const NO_CLINIC = '(Chưa đăng ký phòng khám)';
export const unitKey = (c: CohortCadre) => c.unit.trim() || NO_UNIT;

/** "85,0 %", or "—" when the share has no denominator. */
export const formatShare = (x: number | null) =>
  x === null ? '—' : `${(x * 100).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

/** The definition in one sentence, printed under every table of the share examined. */
export const EXAMINED_DEFINITION =
  'Đã khám: có lượt khám được ghi nhận (ngày khám đến hôm nay) trong đợt, hoặc có kết quả đã công bố với ngày khám trong thời gian của đợt. ' +
  'Thuộc diện: đúng đối tượng của đợt và đang được quản lý vào ngày bắt đầu đợt. Tỷ lệ đã khám = đã khám / thuộc diện.';

/**
 * No-shows of a campaign by the clinic of the booking, split by the answer to the day-before question, so the
 * committee sees what the reminders and confirmations are worth. Counted over eligible cadres whose booking of
 * the campaign, dated today or earlier, has an outcome recorded (attended, by check-in or by staff, or marked
 * absent); a no-show is the cohort's (marked absent and not examined otherwise). "Đã xác nhận" is a "Sẽ đến"
 * answer; a cadre who answered "Không đến được" freed the place and is not counted.
 */
export interface NoShowGroup {
  clinicId: number;
  confirmed: { recorded: number; noShow: number };
  unconfirmed: { recorded: number; noShow: number };
}

export function noShowsByClinic(db: DbOrTx, cohort: CampaignCohort): NoShowGroup[] {
  const eligible = new Set(cohort.eligible.map((c) => c.id));
  const rows = db
    .select({ cadreId: bookings.cadreId, clinicId: examSlots.clinicId, confirmation: bookings.confirmation, slotDate: examSlots.localDate })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .where(and(eq(bookings.campaignId, cohort.campaign.id), inArray(bookings.status, ['attended', 'no_show'])))
    .all()
    .filter((r) => eligible.has(r.cadreId) && r.slotDate <= cohort.today);
  const groups = new Map<number, NoShowGroup>();
  for (const r of rows) {
    const g = groups.get(r.clinicId) ?? { clinicId: r.clinicId, confirmed: { recorded: 0, noShow: 0 }, unconfirmed: { recorded: 0, noShow: 0 } };
    const side = r.confirmation === 'confirmed' ? g.confirmed : g.unconfirmed;
    side.recorded += 1;
    if (cohort.noShow.has(r.cadreId)) side.noShow += 1;
    groups.set(r.clinicId, g);
  }
  return [...groups.values()].sort((a, b) => a.clinicId - b.clinicId);
}

/** The definition in one sentence, printed under the no-show table. */
export const NO_SHOW_DEFINITION =
  'Vắng: cán bộ thuộc diện có lịch khám đến ngày, bị ghi vắng và không có lượt khám nào khác trong đợt. Số lịch: lịch đã ghi nhận đến khám (nhận số hoặc nhân viên ghi) hoặc vắng. ' +
  'Đã xác nhận: đã trả lời "Sẽ đến" tin nhắc một ngày trước; người trả lời "Không đến được" đã nhường chỗ và không được tính. Tỷ lệ vắng = vắng / số lịch.';
