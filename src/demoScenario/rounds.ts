import { and, eq } from 'drizzle-orm';
import { createBooking } from '../domain/booking/effects';
import { createCampaign, setCampaignStatus } from '../domain/booking/campaigns';
import { createSlots } from '../domain/booking/slots';
import { markAttendance } from '../domain/booking/dayBookings';
import { releaseResults } from '../domain/results/release';
import { createDraft, startCorrection, updateDraft, ResultInput } from '../domain/results/results';
import { addDays } from '../domain/shared/dates';
import { recordAudit } from '../store/audit';
import type { DemoCadre } from '../store/demoSeed';
import { examResults, type Campaign, type CadreCategory } from '../store/schema';
import { DAY, resultText, slotsOn, workingDaysFrom, type DemoClass, type Story } from './story';

/**
 * The exam rounds of the demo's story: two earlier ones (closed, attended, results released, one corrected) and
 * this year's open one, with past days attended, results out or waiting, and coming days filling up.
 */

const ALL_CATEGORIES: CadreCategory[] = ['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac'];
type Round = { year: number; round: number };

/** The current exam round of a local date: round 1 in January–June, round 2 in July–December. */
export function roundOf(isoDate: string): { year: number; round: 1 | 2 } {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return { year: y, round: m <= 6 ? 1 : 2 };
}
const previousRound = (r: { year: number; round: 1 | 2 }): { year: number; round: 1 | 2 } => (r.round === 2 ? { year: r.year, round: 1 } : { year: r.year - 1, round: 2 });
export const roundName = (r: Round) => `Khám sức khỏe định kỳ đợt ${r.round} năm ${r.year}`;
const instructions = 'Nhịn ăn sáng, mang theo sổ y bạ, thẻ bảo hiểm y tế và đơn thuốc đang dùng.';

function openRound(s: Story, r: Round, startDate: string, endDate: string, createdAt: number): Campaign {
  return createCampaign(
    s.db,
    s.actor('dieuphoi'),
    { ...r, name: roundName(r), startDate, endDate, eligibleCategories: ALL_CATEGORIES, clinicIds: s.allClinics, instructions, status: 'open', nudgeAfterDays: null },
    s.coordinator.id,
    createdAt,
  );
}

function slotGrid(s: Story, campaignId: number, fromDate: string, toDate: string, capacity: number, createdAt: number): void {
  // A1 also works on Saturday mornings (its opening hours say so).
  createSlots(s.db, s.actor('dieuphoi'), campaignId, { clinicIds: [s.clinicIds.get('PK-A1')!], fromDate, toDate, weekdays: [1, 2, 3, 4, 5, 6], startTime: 450, endTime: 630, slotMinutes: 30, capacity }, createdAt);
  const rest = s.allClinics.filter((id) => id !== s.clinicIds.get('PK-A1'));
  createSlots(s.db, s.actor('dieuphoi'), campaignId, { clinicIds: rest, fromDate, toDate, weekdays: [1, 2, 3, 4, 5], startTime: 450, endTime: 630, slotMinutes: 30, capacity }, createdAt);
}

/** Books a cadre into the first slot with room that day (staff booking by phone, made `bookedAt`). */
function book(s: Story, campaignId: number, clinicId: number, date: string, cadre: DemoCadre, bookedAt: number): { id: number; slotStartsAt: number } | null {
  const slot = slotsOn(s, campaignId, clinicId, date).find((x) => x.booked < x.capacity);
  if (!slot) return null;
  const id = createBooking(s.tx, { cadreId: s.idOf(cadre), slotId: slot.id, zaloUserId: null, viaProxy: false, staffId: s.coordinator.id }, bookedAt);
  recordAudit(s.tx, s.actor('dieuphoi'), { action: 'booking.create', entity: 'booking', entityId: id, detail: { cadreId: s.idOf(cadre), slotId: slot.id } }, bookedAt);
  return { id, slotStartsAt: slot.startsAt };
}

const attend = (s: Story, bookingId: number, startsAt: number, status: 'attended' | 'no_show') =>
  markAttendance(s.db, s.actor('dieuphoi'), s.coordinator.id, bookingId, status, null, startsAt + 2 * 3600_000);

const classes: [DemoClass, number][] = [['I', 6], ['II', 32], ['III', 42], ['IV', 17], ['V', 3]];
function pickClass(s: Story, c: DemoCadre): DemoClass {
  if (c.frail) return s.rng() < 0.75 ? 'IV' : 'V';
  let r = s.rng() * 100;
  for (const [k, w] of classes) if ((r -= w) < 0) return k;
  return 'III';
}

const resultFor = (s: Story, healthClass: DemoClass, examDate: string, clinicId: number, campaignId: number) =>
  ResultInput.parse({ examDate, clinicId, campaignId, healthClass, ...resultText[healthClass], signedBy: s.who('bacsi').fullName });

/** Enters a result (clinic staff for their clinic, else the coordinator) and the doctor releases it. */
function enterResult(s: Story, c: DemoCadre, input: ResultInput, enteredAt: number, release: number | null) {
  const enteredBy = c.clinicCode === 'PK-A1' ? s.asActingStaff('nhanvien.a1') : s.asActingStaff('dieuphoi');
  const draft = createDraft(s.tx, enteredBy, s.idOf(c), input, enteredAt);
  if (release !== null) releaseResults(s.tx, s.asActingStaff('bacsi'), [draft.id], release);
  return draft;
}

/** A past round: opened, booked, attended (nine in ten), results entered and released, then closed. */
function pastRound(s: Story, r: Round, startOffset: number, attendees: DemoCadre[], featured: Map<string, ResultInput>): Campaign {
  const start = addDays(s.today, -startOffset);
  const end = addDays(start, 27);
  const opened = s.at(addDays(start, -10), 8, 0);
  const campaign = openRound(s, r, start, end, opened);
  slotGrid(s, campaign.id, start, end, 4, opened);
  const days = workingDaysFrom(start, 18);
  attendees.forEach((c, i) => {
    const clinicId = s.clinicIds.get(c.clinicCode)!;
    const day = days[i % days.length]!;
    const booking = book(s, campaign.id, clinicId, day, c, opened + (i + 1) * 3600_000);
    if (!booking) return;
    const showed = featured.has(c.code) || s.rng() < 0.9;
    attend(s, booking.id, booking.slotStartsAt, showed ? 'attended' : 'no_show');
    if (!showed) return;
    const input = featured.get(c.code) ?? resultFor(s, pickClass(s, c), day, clinicId, campaign.id);
    enterResult(s, c, { ...input, examDate: day, clinicId, campaignId: campaign.id }, s.at(addDays(day, 5), 10), s.at(addDays(day, 9), 14));
  });
  setCampaignStatus(s.db, s.actor('dieuphoi'), campaign.id, 'closed', s.at(addDays(end, 3), 9));
  return campaign;
}

/** The two earlier rounds; the demo users with a cadre have their results in the last one. Returns the last. */
export function pastRounds(s: Story): Campaign {
  const previous = previousRound(roundOf(s.today));
  const beforeThat = previousRound(previous);
  const withResults = s.user('withResults').cadre!;
  const noEmail = s.user('noEmail').cadre!;
  const frail = s.user('frail').cadre!;
  pastRound(s, beforeThat, 380, [withResults, ...s.take(12)], new Map([[withResults.code, resultFor(s, 'II', s.today, 1, 1)]]));
  return pastRound(
    s,
    previous,
    200,
    [withResults, noEmail, frail, ...s.take(40)],
    new Map([
      [withResults.code, { ...resultFor(s, 'III', s.today, 1, 1), diagnoses: ['Tăng huyết áp độ 1, đang điều trị ổn định', 'Thoái hóa cột sống thắt lưng'] }],
      [noEmail.code, resultFor(s, 'II', s.today, 1, 1)],
      [frail.code, resultFor(s, 'IV', s.today, 1, 1)],
    ]),
  );
}

/** The first demo user's last result was corrected a week after release: a lipid test came back late. */
export function correctLastResult(s: Story, lastRound: Campaign): void {
  const withResults = s.user('withResults').cadre!;
  const lastRelease = s.tx
    .select()
    .from(examResults)
    .where(and(eq(examResults.cadreId, s.idOf(withResults)), eq(examResults.campaignId, lastRound.id)))
    .get()!;
  const correctedAt = (lastRelease.releasedAt ?? s.now) + 7 * DAY;
  const correction = startCorrection(s.tx, s.asActingStaff('dieuphoi'), lastRelease.id, correctedAt);
  updateDraft(
    s.tx,
    s.asActingStaff('dieuphoi'),
    correction.id,
    ResultInput.parse({
      ...lastRelease,
      diagnoses: [...lastRelease.diagnoses, 'Rối loạn lipid máu (bổ sung sau xét nghiệm mỡ máu)'],
      advice: `${lastRelease.advice} Ăn ít mỡ động vật; xét nghiệm lại mỡ máu sau 3 tháng.`,
      followUp: true,
      followUpWhere: 'Phòng khám Nội tim mạch, Phòng khám Cán bộ A1',
    }),
    correctedAt + 3600_000,
  );
  releaseResults(s.tx, s.asActingStaff('bacsi'), [correction.id], correctedAt + 2 * 3600_000);
}

/**
 * This year's round, open three weeks ago with slots for four weeks ahead. Past days: booked, then marked
 * attended or absent; the first results are out, one is still a draft.
 */
export function currentRound(s: Story): { campaign: Campaign; start: string; opened: number } {
  const start = addDays(s.today, -21);
  const opened = s.at(addDays(start, -7), 8, 30);
  const campaign = openRound(s, roundOf(s.today), start, addDays(s.today, 34), opened);
  slotGrid(s, campaign.id, start, addDays(s.today, 27), 2, opened);
  const pastDays = workingDaysFrom(start, 14).filter((d) => d < s.today);
  const attendedNow: { cadre: DemoCadre; day: string; clinicId: number }[] = [];
  s.take(24).forEach((c, i) => {
    const day = pastDays[i % pastDays.length];
    if (!day) return;
    const clinicId = s.clinicIds.get(c.clinicCode)!;
    const booking = book(s, campaign.id, clinicId, day, c, opened + (i + 1) * 5 * 3600_000);
    if (!booking) return;
    const showed = s.rng() < 0.85;
    attend(s, booking.id, booking.slotStartsAt, showed ? 'attended' : 'no_show');
    if (showed) attendedNow.push({ cadre: c, day, clinicId });
  });
  const earliest = attendedNow.filter((a) => addDays(a.day, 9) < s.today);
  for (const a of earliest) {
    enterResult(s, a.cadre, resultFor(s, pickClass(s, a.cadre), a.day, a.clinicId, campaign.id), s.at(addDays(a.day, 4), 10), s.at(addDays(a.day, 8), 15));
  }
  // The draft waiting for the doctor: a cadre examined recently (by A1's own staff when one of theirs).
  const waiting = attendedNow.find((a) => a.cadre.clinicCode === 'PK-A1' && !earliest.includes(a)) ?? attendedNow.find((a) => !earliest.includes(a));
  if (waiting) enterResult(s, waiting.cadre, resultFor(s, pickClass(s, waiting.cadre), waiting.day, waiting.clinicId, campaign.id), Math.min(s.now - 3600_000, s.at(addDays(waiting.day, 1), 10)), null);
  return { campaign, start, opened };
}

/**
 * Coming days: the demo user's clinic has a nearly full day, a full one and another with one place left; the
 * other clinics one nearly full day each; elsewhere a few bookings here and there. Today's lists too, for staff
 * to mark who came (none on a Sunday, when no clinic works).
 */
export function fillComingDays(s: Story, campaignId: number): void {
  const upcoming = workingDaysFrom(addDays(s.today, 1), 19);
  const ownClinic = s.clinicIds.get(s.user('withResults').cadre!.clinicCode)!;
  const placesPerDay = 12;
  const fill = (clinicId: number, day: string, count: number) => {
    for (const c of s.take(count)) book(s, campaignId, clinicId, day, c, s.now - Math.floor(s.rng() * 10) * DAY - 3600_000);
  };
  for (const clinicId of s.allClinics) fill(clinicId, s.today, 4);
  fill(ownClinic, upcoming[0]!, placesPerDay - 2);
  fill(ownClinic, upcoming[1]!, placesPerDay);
  fill(ownClinic, upcoming[3]!, placesPerDay - 1);
  for (const clinicId of s.allClinics.filter((id) => id !== ownClinic)) fill(clinicId, upcoming[2]!, placesPerDay - 2);
  for (const day of upcoming.slice(4)) {
    for (const clinicId of s.allClinics) if (s.rng() < 0.4) fill(clinicId, day, 1);
  }
}
