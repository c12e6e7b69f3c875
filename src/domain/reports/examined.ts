import { and, eq, gte, isNull, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { examResults, type Cadre, type Campaign } from '../../store/schema';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';

/**
 * Who counts in a campaign's figures, defined once. Every page, API answer, xlsx file and the dashboard read
 * their numbers from `cohortFigures` (lists of people from `campaignCohort`), both selecting from COHORT_CTE, so "đã khám" means the same everywhere (docs/figures.md says it in words).
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

/**
 * The cohort in SQL, the only place the definition above is written as code. `facts` gathers, per cadre, what
 * the campaign's bookings, results and home-visit requests say; `cohort` keeps the eligible cadres (managed on
 * the start date: a managed-from date on or before it, and a leaving date on or after it, or none and still
 * active) with one flag per figure. Everything else (the sets, the counts per unit and clinic, the no-shows)
 * selects from it, so a page of 50,000 cadres is counted in SQLite instead of being read into memory.
 */
const COHORT_CTE = `
  facts AS MATERIALIZED (
    SELECT cadre_id, max(by_attendance) AS by_attendance, max(by_result) AS by_result, max(held) AS held, max(absent) AS absent, max(home) AS home
    FROM (
      SELECT b.cadre_id, 0 AS by_attendance, 0 AS by_result, 1 AS held, (b.status = 'no_show') AS absent, 0 AS home
        FROM bookings b WHERE b.campaign_id = @campaignId AND b.status IN ('booked', 'no_show')
      UNION ALL
      SELECT b.cadre_id, s.local_date <= @today, 0, 1, 0, 0
        FROM bookings b JOIN exam_slots s ON s.id = b.slot_id WHERE b.campaign_id = @campaignId AND b.status = 'attended'
      UNION ALL
      SELECT cadre_id, 0, 1, 0, 0, 0 FROM exam_results
        WHERE campaign_id = @campaignId AND status = 'released' AND exam_date BETWEEN @startDate AND @endDate
      UNION ALL
      SELECT cadre_id, 0, 1, 0, 0, 0 FROM exam_results
        WHERE campaign_id IS NULL AND status = 'released' AND exam_date BETWEEN @startDate AND @endDate
      UNION ALL
      SELECT cadre_id, 0, 0, 0, 0, 1 FROM care_requests
        WHERE type = 'home_visit' AND state IN ('new', 'acknowledged', 'scheduled', 'done') AND cadre_id IS NOT NULL
          AND created_at BETWEEN @homeFrom AND @homeTo
    )
    GROUP BY cadre_id
  ),
  cohort AS (
    SELECT c.id, c.unit, c.clinic_id, c.category, c.frail,
      coalesce(f.by_attendance, 0) AS by_attendance,
      coalesce(f.by_result, 0) AS by_result,
      coalesce(f.by_attendance OR f.by_result, 0) AS examined,
      coalesce(f.held OR f.by_result, 0) AS booked,
      coalesce(f.absent AND NOT (f.by_attendance OR f.by_result), 0) AS no_show,
      coalesce(f.home, 0) AS home_exam
    FROM cadres c LEFT JOIN facts f ON f.cadre_id = c.id
    WHERE c.category IN (SELECT value FROM json_each(@categories))
      AND (coalesce(c.managed_from, '') = '' OR c.managed_from <= @startDate)
      AND (CASE WHEN coalesce(c.left_on, '') <> '' THEN c.left_on >= @startDate ELSE c.active END)
  )`;

const cohortParams = (campaign: Campaign, today: string) => ({
  campaignId: campaign.id,
  today,
  startDate: campaign.startDate,
  endDate: campaign.endDate,
  homeFrom: vietnamInstant(campaign.startDate, 0),
  homeTo: vietnamInstant(campaign.endDate, 24) - 1,
  categories: JSON.stringify(campaign.eligibleCategories),
});

interface CohortRow {
  id: number;
  unit: string;
  clinic_id: number | null;
  category: Cadre['category'];
  frail: number;
  by_attendance: number;
  by_result: number;
  examined: number;
  booked: number;
  no_show: number;
  home_exam: number;
}

/** Every eligible cadre with the sets they belong to; for lists of people (the call list). Pages count instead. */
export function campaignCohort(db: DbOrTx, campaign: Campaign, now: number): CampaignCohort {
  const today = vietnamDate(now);
  const rows = rowsOf<CohortRow>(db, `WITH ${COHORT_CTE} SELECT * FROM cohort ORDER BY id`).all(cohortParams(campaign, today));
  const setOf = (flag: keyof CohortRow) => new Set(rows.filter((r) => r[flag]).map((r) => r.id));
  return {
    campaign,
    today,
    eligible: rows.map((r) => ({ id: r.id, unit: r.unit, clinicId: r.clinic_id, category: r.category, frail: r.frail === 1 })),
    examined: setOf('examined'),
    examinedByAttendance: setOf('by_attendance'),
    examinedByResult: setOf('by_result'),
    booked: setOf('booked'),
    noShow: setOf('no_show'),
    homeExams: setOf('home_exam'),
  };
}

/** The cohort's figures: how many cadres are in each set. */
export interface CohortCounts {
  eligible: number;
  booked: number;
  examined: number;
  examinedByAttendance: number;
  examinedByResult: number;
  noShow: number;
  homeExams: number;
}

/** The counts of the cadres of one unit registered at one clinic. */
interface CohortCell extends CohortCounts {
  unit: string;
  clinicId: number | null;
}

export interface CohortFigures {
  campaign: Campaign;
  /** Local date the figures were computed for. */
  today: string;
  total: CohortCounts;
  /** Counts per (unit, registered clinic): every grouping the pages show is a sum of these. */
  cells: CohortCell[];
}

const countKeys = ['eligible', 'booked', 'examined', 'examinedByAttendance', 'examinedByResult', 'noShow', 'homeExams'] as const;
const zeroCounts = (): CohortCounts => ({ eligible: 0, booked: 0, examined: 0, examinedByAttendance: 0, examinedByResult: 0, noShow: 0, homeExams: 0 });

/** The campaign's figures, counted by SQLite in one query grouped by unit and clinic. */
export function cohortFigures(db: DbOrTx, campaign: Campaign, now: number): CohortFigures {
  const today = vietnamDate(now);
  const cells = rowsOf<CohortCell>(
    db,
    `WITH ${COHORT_CTE}
     SELECT unit, clinic_id AS clinicId, count(*) AS eligible, sum(booked) AS booked, sum(examined) AS examined,
       sum(by_attendance) AS examinedByAttendance, sum(by_result) AS examinedByResult, sum(no_show) AS noShow, sum(home_exam) AS homeExams
     FROM cohort GROUP BY unit, clinic_id`,
  ).all(cohortParams(campaign, today));
  const total = zeroCounts();
  for (const cell of cells) for (const k of countKeys) total[k] += cell[k];
  return { campaign, today, total, cells };
}

/**
 * The results that count for a campaign: released, dated inside its dates, of this campaign or of none (the same
 * condition as the cohort's results in COHORT_CTE); the classification mix reads them.
 */
export function campaignResultScope(campaign: Campaign) {
  return and(
    eq(examResults.status, 'released'),
    gte(examResults.examDate, campaign.startDate),
    lte(examResults.examDate, campaign.endDate),
    or(eq(examResults.campaignId, campaign.id), isNull(examResults.campaignId)),
  );
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

/** The cohort's counts grouped by a key of the unit and clinic (unit, clinic name), sorted by key. */
export function groupCohort(figures: CohortFigures, keyOf: (c: Pick<CohortCadre, 'unit' | 'clinicId'>) => string): CohortGroup[] {
  const m = new Map<string, CohortGroup>();
  for (const c of figures.cells) {
    const key = keyOf(c);
    const g = m.get(key) ?? { key, eligible: 0, booked: 0, examined: 0, noShow: 0, share: null };
    g.eligible += c.eligible;
    g.booked += c.booked;
    g.examined += c.examined;
    g.noShow += c.noShow;
    m.set(key, g);
  }
  return [...m.values()].map((g) => ({ ...g, share: shareOf(g.examined, g.eligible) })).sort((a, b) => a.key.localeCompare(b.key, 'vi'));
}

const NO_UNIT = '(Chưa ghi đơn vị)';
export const NO_CLINIC = '(Chưa đăng ký phòng khám)';
export const unitKey = (c: Pick<CohortCadre, 'unit'>) => c.unit.trim() || NO_UNIT;

// Built once: toLocaleString with options builds a formatter on every call, and a report prints hundreds of shares.
const shareFormat = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "85,0 %", or "—" when the share has no denominator. */
export const formatShare = (x: number | null) => (x === null ? '—' : `${shareFormat.format(x * 100)} %`);

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

export function noShowsByClinic(db: DbOrTx, figures: Pick<CohortFigures, 'campaign' | 'today'>): NoShowGroup[] {
  const rows = rowsOf<{ clinicId: number; confirmed: number | null; recorded: number; noShow: number }>(
    db,
    `WITH ${COHORT_CTE}
     SELECT s.clinic_id AS clinicId, b.confirmation = 'confirmed' AS confirmed, count(*) AS recorded, sum(co.no_show) AS noShow
     FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN cohort co ON co.id = b.cadre_id
     WHERE b.campaign_id = @campaignId AND b.status IN ('attended', 'no_show') AND s.local_date <= @today
     GROUP BY 1, 2`,
  ).all(cohortParams(figures.campaign, figures.today));
  const groups = new Map<number, NoShowGroup>();
  for (const r of rows) {
    const g = groups.get(r.clinicId) ?? { clinicId: r.clinicId, confirmed: { recorded: 0, noShow: 0 }, unconfirmed: { recorded: 0, noShow: 0 } };
    const side = r.confirmed ? g.confirmed : g.unconfirmed;
    side.recorded += r.recorded;
    side.noShow += r.noShow;
    groups.set(r.clinicId, g);
  }
  return [...groups.values()].sort((a, b) => a.clinicId - b.clinicId);
}

/** The definition in one sentence, printed under the no-show table. */
export const NO_SHOW_DEFINITION =
  'Vắng: cán bộ thuộc diện có lịch khám đến ngày, bị ghi vắng và không có lượt khám nào khác trong đợt. Số lịch: lịch đã ghi nhận đến khám (nhận số hoặc nhân viên ghi) hoặc vắng. ' +
  'Đã xác nhận: đã trả lời "Sẽ đến" tin nhắc một ngày trước; người trả lời "Không đến được" đã nhường chỗ và không được tính. Tỷ lệ vắng = vắng / số lịch.';
