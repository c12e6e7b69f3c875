/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { rmSync } from 'node:fs';
import { staffActor as auditActorOf, type ActingStaff } from './domain/staff/actor';
import { honorific } from './domain/shared/vietnamese';
import { and, asc, eq, gt, isNull, like, lt, not, or } from 'drizzle-orm';
import { countSegment, SegmentFilter } from './domain/broadcasts/segments';
import { createBooking } from './domain/booking/effects';
import { addDays } from './domain/shared/dates';
import { createCampaign, setCampaignStatus } from './domain/booking/campaigns';
import { createSlots } from './domain/booking/slots';
import { markAttendance } from './domain/booking/dayBookings';
import { claimRecipient, endRecipient, markRecipientSent } from './domain/broadcasts/recipientSends';
import { createBroadcast } from './domain/broadcasts/broadcasts';
import { fanoutStep, finishIfComplete, markStarted } from './domain/broadcasts/fanout';
import { FaqInput, saveFaq } from './domain/conversations/faq';
import { linkZaloUser, requestProxy } from './domain/linking/linking';
import { vietnamDate, vietnamInstant } from './domain/shared/quietHours';
import { acknowledgeRequest, scheduleRequest } from './domain/requests/staffActions';
import { ackDeadline, type RequestPolicy } from './domain/requests/sla';
import { createRequest, type NewRequest } from './domain/requests/creation';
import { releaseResults } from './domain/results/release';
import { createDraft, startCorrection, updateDraft, ResultInput } from './domain/results/results';
import { broadcastAccountOf, planChannel } from './domain/broadcasts/segments';
import { createStaffUser, findStaffByUsername, generatePassword } from './domain/staff/staff';
import { recordAudit, type AuditActor } from './store/audit';
import { inTransaction, type Db, type Tx } from './store/db';
import { demoCadres, seedDemoData, seededRandom, DEMO_EMAIL_DOMAIN, type DemoCadre, type DemoSeedCounts } from './store/demoSeed';
import { cancelOutbox } from './store/outbox';
import {
  auditLog,
  broadcastRecipients,
  cadres,
  clinics,
  examResults,
  examSlots,
  holidays,
  outbox,
  staffUsers,
  type CadreCategory,
  type StaffRole,
} from './store/schema';
import { recordZaloUser } from './store/zaloUsers';
import type { Config } from './config';
import type { Runtime } from './runtime';

/**
 * The demo's story on top of its fictional registry: staff accounts for every role, this year's open exam round
 * with slots at every clinic for the next four weeks (some days nearly full, one full), earlier rounds with
 * attendance and released results (one of them corrected), a draft waiting for release, requests of every
 * kind in the inbox (one urgent and past its deadline, one home visit scheduled), a pending proxy request, a
 * finished and a scheduled broadcast, and the simulated Zalo users a visitor plays. Everything is dated
 * relative to the seeding instant, in Asia/Ho_Chi_Minh, and written through the domain functions staff and
 * chat use, so the rows are those the service itself would have written. It runs once per data directory.
 */

const DAY = 86_400_000;
const ALL_CATEGORIES: CadreCategory[] = ['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac'];
const SEED_ACTION = 'demo.seed';

// --- who a visitor can be -----------------------------------------------------------------------------------

export interface DemoStaffAccount {
  username: string;
  fullName: string;
  role: StaffRole;
  /** For clinic staff (their only clinic) and the doctor (their home clinic). */
  clinicCode?: string;
  /** What logging in as this account shows. */
  shows: string;
}

export const demoStaffAccounts: readonly DemoStaffAccount[] = [
  { username: 'admin', fullName: 'Quản trị viên (demo)', role: 'admin', shows: 'mọi trang, kể cả nhân viên, nhật ký, kết nối Zalo, hàng đợi' },
  {
    username: 'dieuphoi',
    fullName: 'Đỗ Thị Thu Hà',
    role: 'coordinator',
    shows: 'yêu cầu, lịch khám, kết quả (nhập), người đại diện, thông báo chung; trực khẩn cấp',
  },
  { username: 'bacsi', fullName: 'BS. Nguyễn Minh Hải', role: 'doctor', clinicCode: 'PK-A1', shows: 'công bố kết quả (có 1 bản nháp chờ), báo cáo' },
  {
    username: 'nhanvien.a1',
    fullName: 'Phạm Thị Lan',
    role: 'clinic_staff',
    clinicCode: 'PK-A1',
    shows: 'chỉ cán bộ, lịch khám và yêu cầu của Phòng khám A1',
  },
  { username: 'xem', fullName: 'Lê Minh Tuấn', role: 'viewer', shows: 'chỉ số liệu, báo cáo; không xem kết quả của từng người' },
];

export type DemoUserKind = 'withResults' | 'noEmail' | 'frail' | 'relative';

export interface DemoZaloUser {
  kind: DemoUserKind;
  userId: string;
  displayName: string;
  phone: string;
  cadre?: DemoCadre;
  /** Already linked to their cadre (by a phone share some weeks ago). */
  linked: boolean;
  /** What playing this user shows. */
  shows: string;
}

/** The registry's fourth-from-last digits are never 000111…: a relative's phone that no cadre has. */
function relativePhone(registry: DemoCadre[]): string {
  const taken = new Set(registry.map((c) => c.phone));
  let phone = 84_912_000_111;
  while (taken.has(String(phone))) phone += 1;
  return String(phone);
}

/** The simulated Zalo users, with fixed ids so their chat links stay the same from one start to the next. */
export function demoZaloUsers(registry: DemoCadre[] = demoCadres()): DemoZaloUser[] {
  // Elderly, as most people who message the committee are (born 1956 or before).
  const elderly = registry.filter((c) => c.phone && Number(c.birthDate.slice(0, 4)) <= 1956);
  const withResults = elderly.find((c) => c.category === 'nguyen_chuc' && c.email && !c.frail && c.clinicCode === 'PK-A1')!;
  const noEmail = elderly.find((c) => c.category === 'nguoi_co_cong' && !c.email && !c.frail)!;
  const frail = elderly.find((c) => c.frail && c.category === 'nguyen_chuc')!;
  const title = (c: DemoCadre) => honorific(c.sex);
  return [
    {
      kind: 'withResults',
      userId: '7301946285173904521',
      displayName: withResults.fullName,
      phone: withResults.phone!,
      cadre: withResults,
      linked: true,
      shows: 'đã liên kết; có kết quả hai đợt trước (một bản đã đính chính): đặt lịch, xem kết quả, khám tại nhà, gặp nhân viên',
    },
    {
      kind: 'noEmail',
      userId: '7301946285173904538',
      displayName: noEmail.fullName,
      phone: noEmail.phone!,
      cadre: noEmail,
      linked: false,
      shows: 'không có email: liên kết bằng chia sẻ số điện thoại là cách duy nhất; có một kết quả',
    },
    {
      kind: 'frail',
      userId: '7301946285173904545',
      displayName: frail.fullName,
      phone: frail.phone!,
      cadre: frail,
      linked: false,
      shows: `${title(frail)} yếu: khi đặt lịch được mời khám tại nhà`,
    },
    {
      kind: 'relative',
      userId: '730194628517390455',
      displayName: 'Con gái (người nhà)',
      phone: relativePhone(registry),
      linked: false,
      shows: `không có trong danh sách; đang chờ duyệt làm người đại diện của ${title(frail)} ${frail.fullName} (trang Người đại diện)`,
    },
  ];
}

/** Five things to type in the chat as the first demo user, and what each shows. */
export const tryThis: readonly { text: string; shows: string }[] = [
  { text: 'đặt lịch khám', shows: 'chọn nơi khám, ngày (có ngày sắp kín, một ngày đã kín), giờ; xác nhận "đồng ý"' },
  { text: 'xem kết quả', shows: 'kết quả mới nhất (đã đính chính) và các lần khám trước' },
  { text: 'khám tại nhà', shows: 'yêu cầu bác sĩ đến nhà; có số phiếu, hiện ngay ở trang Yêu cầu' },
  { text: 'tôi bị khó thở', shows: 'câu khẩn cấp: trả lời ngay số 115 và điện thoại phòng khám; báo nhân viên trực' },
  { text: 'gặp nhân viên', shows: 'nói chuyện với nhân viên: trả lời từ trang Yêu cầu (đăng nhập dieuphoi), lời đáp hiện trong chat' },
];

// --- seeding --------------------------------------------------------------------------------------------------

export interface DemoSeedOptions {
  now: number;
  /** The request policy from config, so deadlines are those the service computes. */
  requestPolicy: RequestPolicy;
  /** Zalo templates from config (broadcasts check the names they use). */
  templates?: Record<string, string>;
}

export interface DemoSeedReport {
  registry: DemoSeedCounts;
  /** Accounts created by this call, with their one-time passwords (empty on later starts). */
  createdLogins: { account: DemoStaffAccount; password: string }[];
  /** Whether the story (campaigns, results, requests, ...) was written by this call. */
  scenarioSeeded: boolean;
  users: DemoZaloUser[];
}

/** Whether the story was already written into this database. */
export function demoScenarioSeeded(db: Db): boolean {
  return !!db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, SEED_ACTION)).get();
}

/**
 * Seeds the registry (missing rows only), the staff accounts that do not exist yet, and, once per database,
 * the story. Returns what a first start prints.
 */
export async function seedDemo(db: Db, opts: DemoSeedOptions): Promise<DemoSeedReport> {
  const { now } = opts;
  const registryCounts = seedDemoData(db, now);
  const clinicIds = clinicIdsByCode(db);

  const createdLogins: DemoSeedReport['createdLogins'] = [];
  for (const account of demoStaffAccounts) {
    if (findStaffByUsername(db, account.username)) continue;
    const password = generatePassword();
    await createStaffUser(
      db,
      {
        username: account.username,
        fullName: account.fullName,
        role: account.role,
        password,
        email: `${account.username}@${DEMO_EMAIL_DOMAIN}`,
        clinicId: account.clinicCode ? clinicIds.get(account.clinicCode)! : null,
      },
      now,
    );
    createdLogins.push({ account, password });
  }

  const users = demoZaloUsers();
  let scenarioSeeded = false;
  if (!demoScenarioSeeded(db)) {
    inTransaction(db, (tx) => writeScenario(tx, opts, users, clinicIds));
    scenarioSeeded = true;
  }
  return { registry: registryCounts, createdLogins, scenarioSeeded, users };
}

/**
 * `npm run demo -- --reset`: removes the service's own files under the data directory (SQLite file, private
 * Redis, mail, uploads, session secret), never the directory itself or anything else in it.
 */
export function resetDemoData(config: Config): void {
  for (const file of [config.databaseFile, `${config.databaseFile}-wal`, `${config.databaseFile}-shm`, config.staff.sessionSecretFile]) {
    rmSync(file, { force: true });
  }
  for (const dir of [config.redis.dataDir, config.mail.dir, config.staff.uploadDir]) rmSync(dir, { recursive: true, force: true });
}

/**
 * What the demo does once its runtime runs: seeds (with the request policy and templates of the config), hands
 * the story's live work to the queues, and registers the simulated users with the simulator's Zalo fake.
 */
export async function seedDemoRuntime(runtime: Runtime): Promise<DemoSeedReport> {
  const { config } = runtime;
  const report = await seedDemo(runtime.store.db, {
    now: runtime.clock.now(),
    requestPolicy: {
      urgentAckMs: config.requests.urgentAckMs,
      urgentHeadMs: config.requests.urgentHeadMs,
      normalAckWorkingMs: config.requests.normalAckWorkingMs,
      workingHours: config.requests.workingHours,
    },
    templates: config.zalo.templates,
  });
  runtime.relay.kick();
  for (const u of report.users) runtime.fakeZalo?.upsertUser({ userId: u.userId, displayName: u.displayName, phone: u.phone, isFollower: true });
  return report;
}

function clinicIdsByCode(db: Db): Map<string, number> {
  return new Map(db.select({ id: clinics.id, code: clinics.code }).from(clinics).all().map((c) => [c.code, c.id]));
}

/** The current exam round of a local date: round 1 in January–June, round 2 in July–December. */
export function roundOf(isoDate: string): { year: number; round: 1 | 2 } {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return { year: y, round: m <= 6 ? 1 : 2 };
}
const previousRound = (r: { year: number; round: 1 | 2 }): { year: number; round: 1 | 2 } => (r.round === 2 ? { year: r.year, round: 1 } : { year: r.year - 1, round: 2 });

/** Working days (Monday–Friday) from `from` on, including it. */
function workingDaysFrom(from: string, count: number): string[] {
  const out: string[] = [];
  for (let d = from; out.length < count; d = addDays(d, 1)) {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(d);
  }
  return out;
}

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
function writeScenario(tx: Tx, opts: DemoSeedOptions, users: DemoZaloUser[], clinicIds: Map<string, number>): void {
  const { now, requestPolicy } = opts;
  const db = tx as unknown as Db;
  const rng = seededRandom(21_012_026);
  const today = vietnamDate(now);
  const at = (date: string, hour: number, minute = 0) => vietnamInstant(date, hour, minute);
  const firstOutboxId = tx.select({ id: outbox.id }).from(outbox).orderBy(outbox.id).all().at(-1)?.id ?? 0;

  const staff = new Map(tx.select().from(staffUsers).all().map((s) => [s.username, s]));
  const who = (username: string) => staff.get(username)!;
  const asActingStaff = (username: string): ActingStaff => ({ id: who(username).id, role: who(username).role, clinicId: who(username).clinicId });
  const actor = (username: string): AuditActor => auditActorOf(who(username));
  const coordinator = who('dieuphoi');
  // The doctor heads clinic A1 (escalations reach them second); the coordinator is on call.
  tx.update(staffUsers).set({ isClinicHead: true }).where(eq(staffUsers.id, who('bacsi').id)).run();
  tx.update(staffUsers).set({ onCall: true }).where(eq(staffUsers.id, coordinator.id)).run();

  const registry = demoCadres();
  const cadreIds = new Map(tx.select({ id: cadres.id, code: cadres.code }).from(cadres).all().map((c) => [c.code, c.id]));
  const idOf = (c: DemoCadre) => cadreIds.get(c.code)!;
  const demoCodes = new Set(users.flatMap((u) => (u.cadre ? [u.cadre.code] : [])));
  // Everyone else, in a fixed shuffled order, handed out to the parts of the story as needed.
  const others = registry.filter((c) => !demoCodes.has(c.code));
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  let cursor = 0;
  const take = (n: number, fit: (c: DemoCadre) => boolean = () => true): DemoCadre[] => {
    const out: DemoCadre[] = [];
    for (let i = cursor; i < others.length && out.length < n; i++) {
      const c = others[i]!;
      if (!fit(c)) continue;
      out.push(c);
      [others[cursor], others[i]] = [others[i]!, others[cursor]!];
      cursor += 1;
    }
    return out;
  };
  const user = (kind: DemoUserKind) => users.find((u) => u.kind === kind)!;
  const allClinics = [...clinicIds.values()];

  // --- exam rounds: two earlier ones (closed, attended, results released) and this year's open one ---------
  const current = roundOf(today);
  const previous = previousRound(current);
  const beforeThat = previousRound(previous);
  const roundName = (r: { year: number; round: number }) => `Khám sức khỏe định kỳ đợt ${r.round} năm ${r.year}`;
  const instructions = 'Nhịn ăn sáng, mang theo sổ y bạ, thẻ bảo hiểm y tế và đơn thuốc đang dùng.';

  const openRound = (r: { year: number; round: number }, startDate: string, endDate: string, createdAt: number) =>
    createCampaign(
      db,
      actor('dieuphoi'),
      { ...r, name: roundName(r), startDate, endDate, eligibleCategories: ALL_CATEGORIES, clinicIds: allClinics, instructions, status: 'open', nudgeAfterDays: null },
      coordinator.id,
      createdAt,
    );
  const slotGrid = (campaignId: number, fromDate: string, toDate: string, capacity: number, createdAt: number) => {
    // A1 also works on Saturday mornings (its opening hours say so).
    createSlots(db, actor('dieuphoi'), campaignId, { clinicIds: [clinicIds.get('PK-A1')!], fromDate, toDate, weekdays: [1, 2, 3, 4, 5, 6], startTime: 450, endTime: 630, slotMinutes: 30, capacity }, createdAt);
    const rest = allClinics.filter((id) => id !== clinicIds.get('PK-A1'));
    createSlots(db, actor('dieuphoi'), campaignId, { clinicIds: rest, fromDate, toDate, weekdays: [1, 2, 3, 4, 5], startTime: 450, endTime: 630, slotMinutes: 30, capacity }, createdAt);
  };
  const slotsOn = (campaignId: number, clinicId: number, date: string) =>
    tx
      .select()
      .from(examSlots)
      .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date)))
      .orderBy(asc(examSlots.startsAt))
      .all();
  /** Books a cadre into the first slot with room that day (staff booking by phone, made `bookedAt`). */
  const book = (campaignId: number, clinicId: number, date: string, cadre: DemoCadre, bookedAt: number): { id: number; slotStartsAt: number } | null => {
    const slot = slotsOn(campaignId, clinicId, date).find((s) => s.booked < s.capacity);
    if (!slot) return null;
    const id = createBooking(tx, { cadreId: idOf(cadre), slotId: slot.id, zaloUserId: null, viaProxy: false, staffId: coordinator.id }, bookedAt);
    recordAudit(tx, actor('dieuphoi'), { action: 'booking.create', entity: 'booking', entityId: id, detail: { cadreId: idOf(cadre), slotId: slot.id } }, bookedAt);
    return { id, slotStartsAt: slot.startsAt };
  };
  const attend = (bookingId: number, clinicId: number, startsAt: number, status: 'attended' | 'no_show') =>
    markAttendance(db, actor('dieuphoi'), coordinator.id, bookingId, status, null, startsAt + 2 * 3600_000);

  const classes: [DemoClass, number][] = [['I', 6], ['II', 32], ['III', 42], ['IV', 17], ['V', 3]];
  const pickClass = (c: DemoCadre): DemoClass => {
    if (c.frail) return rng() < 0.75 ? 'IV' : 'V';
    let r = rng() * 100;
    for (const [k, w] of classes) if ((r -= w) < 0) return k;
    return 'III';
  };
  const resultFor = (healthClass: DemoClass, examDate: string, clinicId: number, campaignId: number) =>
    ResultInput.parse({
      examDate,
      clinicId,
      campaignId,
      healthClass,
      ...resultText[healthClass],
      signedBy: who('bacsi').fullName,
    });
  /** Enters a result (clinic staff for their clinic, else the coordinator) and the doctor releases it. */
  const enterResult = (c: DemoCadre, input: ResultInput, enteredAt: number, release: number | null) => {
    const enteredBy = c.clinicCode === 'PK-A1' ? asActingStaff('nhanvien.a1') : asActingStaff('dieuphoi');
    const draft = createDraft(tx, enteredBy, idOf(c), input, enteredAt);
    if (release !== null) releaseResults(tx, asActingStaff('bacsi'), [draft.id], release);
    return draft;
  };

  /** A past round: opened, booked, attended (nine in ten), results entered and released, then closed. */
  const pastRound = (r: { year: number; round: number }, startOffset: number, attendees: DemoCadre[], featured: Map<string, ResultInput>) => {
    const start = addDays(today, -startOffset);
    const end = addDays(start, 27);
    const opened = at(addDays(start, -10), 8, 0);
    const campaign = openRound(r, start, end, opened);
    slotGrid(campaign.id, start, end, 4, opened);
    const days = workingDaysFrom(start, 18);
    attendees.forEach((c, i) => {
      const clinicId = clinicIds.get(c.clinicCode)!;
      const day = days[i % days.length]!;
      const booking = book(campaign.id, clinicId, day, c, opened + (i + 1) * 3600_000);
      if (!booking) return;
      const showed = featured.has(c.code) || rng() < 0.9;
      attend(booking.id, clinicId, booking.slotStartsAt, showed ? 'attended' : 'no_show');
      if (!showed) return;
      const input = featured.get(c.code) ?? resultFor(pickClass(c), day, clinicId, campaign.id);
      enterResult(c, { ...input, examDate: day, clinicId, campaignId: campaign.id }, at(addDays(day, 5), 10), at(addDays(day, 9), 14));
    });
    setCampaignStatus(db, actor('dieuphoi'), campaign.id, 'closed', at(addDays(end, 3), 9));
    return campaign;
  };

  const withResults = user('withResults').cadre!;
  const noEmail = user('noEmail').cadre!;
  const frail = user('frail').cadre!;
  pastRound(
    beforeThat,
    380,
    [withResults, ...take(12)],
    new Map([[withResults.code, resultFor('II', today, 1, 1)]]),
  );
  const lastRound = pastRound(
    previous,
    200,
    [withResults, noEmail, frail, ...take(40)],
    new Map([
      [withResults.code, { ...resultFor('III', today, 1, 1), diagnoses: ['Tăng huyết áp độ 1, đang điều trị ổn định', 'Thoái hóa cột sống thắt lưng'] }],
      [noEmail.code, resultFor('II', today, 1, 1)],
      [frail.code, resultFor('IV', today, 1, 1)],
    ]),
  );

  // The first demo user's last result was corrected a week after release: a lipid test came back late.
  const lastRelease = tx
    .select()
    .from(examResults)
    .where(and(eq(examResults.cadreId, idOf(withResults)), eq(examResults.campaignId, lastRound.id)))
    .get()!;
  const correctedAt = (lastRelease.releasedAt ?? now) + 7 * DAY;
  const correction = startCorrection(tx, asActingStaff('dieuphoi'), lastRelease.id, correctedAt);
  updateDraft(
    tx,
    asActingStaff('dieuphoi'),
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
  releaseResults(tx, asActingStaff('bacsi'), [correction.id], correctedAt + 2 * 3600_000);

  // --- this year's round: open three weeks ago, slots for four weeks ahead --------------------------------
  const start = addDays(today, -21);
  const opened = at(addDays(start, -7), 8, 30);
  const campaign = openRound(current, start, addDays(today, 34), opened);
  slotGrid(campaign.id, start, addDays(today, 27), 2, opened);

  // Past days: booked, then marked attended or absent; the first results are out, one is still a draft.
  const pastDays = workingDaysFrom(start, 14).filter((d) => d < today);
  const attendedNow: { cadre: DemoCadre; day: string; clinicId: number }[] = [];
  take(24).forEach((c, i) => {
    const day = pastDays[i % pastDays.length];
    if (!day) return;
    const clinicId = clinicIds.get(c.clinicCode)!;
    const booking = book(campaign.id, clinicId, day, c, opened + (i + 1) * 5 * 3600_000);
    if (!booking) return;
    const showed = rng() < 0.85;
    attend(booking.id, clinicId, booking.slotStartsAt, showed ? 'attended' : 'no_show');
    if (showed) attendedNow.push({ cadre: c, day, clinicId });
  });
  const earliest = attendedNow.filter((a) => addDays(a.day, 9) < today);
  for (const a of earliest) {
    enterResult(a.cadre, resultFor(pickClass(a.cadre), a.day, a.clinicId, campaign.id), at(addDays(a.day, 4), 10), at(addDays(a.day, 8), 15));
  }
  // The draft waiting for the doctor: a cadre examined recently (by A1's own staff when one of theirs).
  const waiting = attendedNow.find((a) => a.cadre.clinicCode === 'PK-A1' && !earliest.includes(a)) ?? attendedNow.find((a) => !earliest.includes(a));
  if (waiting) enterResult(waiting.cadre, resultFor(pickClass(waiting.cadre), waiting.day, waiting.clinicId, campaign.id), Math.min(now - 3600_000, at(addDays(waiting.day, 1), 10)), null);

  // Coming days: the demo user's clinic has a nearly full day, a full one and another with one place left;
  // the other clinics one nearly full day each; elsewhere a few bookings here and there.
  const upcoming = workingDaysFrom(addDays(today, 1), 19);
  const ownClinic = clinicIds.get(withResults.clinicCode)!;
  const placesPerDay = 12;
  const fill = (clinicId: number, day: string, count: number) => {
    for (const c of take(count)) book(campaign.id, clinicId, day, c, now - Math.floor(rng() * 10) * DAY - 3600_000);
  };
  // Today's lists, for staff to mark who came (none on a Sunday, when no clinic works).
  for (const clinicId of allClinics) fill(clinicId, today, 4);
  fill(ownClinic, upcoming[0]!, placesPerDay - 2);
  fill(ownClinic, upcoming[1]!, placesPerDay);
  fill(ownClinic, upcoming[3]!, placesPerDay - 1);
  for (const clinicId of allClinics.filter((id) => id !== ownClinic)) fill(clinicId, upcoming[2]!, placesPerDay - 2);
  for (const day of upcoming.slice(4)) {
    for (const clinicId of allClinics) if (rng() < 0.4) fill(clinicId, day, 1);
  }

  // --- requests in the inbox ------------------------------------------------------------------------------
  const request = (c: DemoCadre, r: Omit<NewRequest, 'cadreId' | 'clinicId' | 'viaProxy' | 'ackDueAt'>, createdAt: number) =>
    createRequest(
      tx,
      null,
      { ...r, cadreId: idOf(c), clinicId: clinicIds.get(c.clinicCode)!, viaProxy: false, ackDueAt: ackDeadline(r.urgency, createdAt, requestPolicy) },
      createdAt,
    ).id;
  const a1 = (c: DemoCadre) => c.clinicCode === 'PK-A1';
  const [visitNew] = take(1, (c) => c.frail && a1(c));
  const [visitScheduled] = take(1, (c) => c.frail);
  const [medicine] = take(1, (c) => a1(c) && c.category !== 'duong_chuc');
  const [recordBook] = take(1, (c) => a1(c));
  const [question] = take(1, (c) => c.clinicCode !== 'PK-A1');
  const [emergency] = take(1, (c) => a1(c) && c.category !== 'duong_chuc');
  const street = (n: number) => `Số ${n} ngõ ${n + 40} đường Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng`;

  // A home visit asked for three days ago, acknowledged, then given a date.
  const scheduledId = request(
    visitScheduled!,
    { type: 'home_visit', urgency: 'normal', details: 'Đi lại khó khăn sau mổ khớp háng, xin bác sĩ đến khám định kỳ tại nhà.', address: street(14), preferredTime: 'morning' },
    now - 3 * DAY,
  );
  const coordinatorActor = { kind: 'staff' as const, staff: { id: coordinator.id, fullName: coordinator.fullName, role: coordinator.role, clinicId: null } };
  scheduleRequest(tx, scheduledId, coordinatorActor, null, { date: workingDaysFrom(addDays(today, 2), 1)[0]!, time: 'morning' }, now - 2 * DAY);
  // New, inside their deadline.
  request(
    visitNew!,
    { type: 'home_visit', urgency: 'normal', details: 'Mấy hôm nay mệt, ăn kém, huyết áp lúc cao lúc thấp. Nhờ bác sĩ đến nhà khám.', address: street(27), preferredDate: addDays(today, 3), preferredTime: 'any' },
    now - 25 * 60_000,
  );
  request(medicine!, { type: 'medicine', urgency: 'normal', details: 'Sắp hết thuốc huyết áp (Amlodipin 5mg) và tiểu đường, xin cấp thuốc tháng tới tại nhà.', address: street(8) }, now - 40 * 60_000);
  const recordBookId = request(recordBook!, { type: 'record_book', urgency: 'normal', details: 'Sổ y bạ đã hết trang, xin đổi sổ mới.' }, now - 50 * 60_000);
  acknowledgeRequest(tx, recordBookId, { kind: 'staff', staff: { id: who('nhanvien.a1').id, fullName: who('nhanvien.a1').fullName, role: 'clinic_staff', clinicId: clinicIds.get('PK-A1')! } }, clinicIds.get('PK-A1')!, now - 20 * 60_000);
  request(question!, { type: 'question', urgency: 'normal', details: 'Cho tôi hỏi kết quả xét nghiệm máu đợt trước có cần khám lại không?' }, now - 15 * 60_000);
  // Urgent and past its deadline: nobody has acknowledged it, so the escalation runs as soon as the demo starts.
  request(emergency!, { type: 'emergency', urgency: 'urgent', details: 'Bố tôi đau ngực, khó thở từ sáng.' }, now - requestPolicy.urgentAckMs - 25 * 60_000);

  // --- Zalo accounts: the first demo user linked weeks ago; the relative waits for approval as a proxy ----
  const linkedAt = now - 30 * DAY;
  const first = user('withResults');
  recordZaloUser(tx, { id: first.userId, followed: true, interactedAt: linkedAt, displayName: first.displayName, phone: first.phone }, linkedAt);
  linkZaloUser(tx, { cadreId: idOf(withResults), zaloUserId: first.userId, method: 'phone', now: linkedAt });
  const relative = user('relative');
  const askedAt = now - 2 * DAY;
  recordZaloUser(tx, { id: relative.userId, followed: true, interactedAt: askedAt, displayName: relative.displayName, phone: relative.phone }, askedAt);
  // A daughter carries her father's surname.
  requestProxy(tx, { zaloUserId: relative.userId, now: askedAt }, idOf(frail), 'con gái', `${frail.fullName.split(' ')[0]} Thị Mai`);

  // --- broadcasts: one sent when the round opened, one scheduled for next week ----------------------------
  const templates = opts.templates ?? {};
  const sentAt = at(start, 9);
  const staffActor = { staffId: coordinator.id, audit: actor('dieuphoi') };
  const done = createBroadcast(
    tx,
    staffActor,
    {
      title: `Mở đăng ký ${roundName(current).toLowerCase()}`,
      text: `${roundName(current)} bắt đầu nhận đăng ký. Ông/Bà nhắn "đặt lịch khám" để chọn ngày giờ khám tại Khoa Khám bệnh cán bộ – Trung tâm Y tế Thủy Nguyên Bắc.`,
      segment: { clinicIds: [clinicIds.get('PK-TN')!] },
      startAt: sentAt,
      confirmedRecipients: countSegment(tx, SegmentFilter.parse({ clinicIds: [clinicIds.get('PK-TN')!] })),
    },
    { templates, now: sentAt - 2 * DAY },
  ).broadcast;
  sendPastBroadcast(tx, done.id, sentAt);
  createBroadcast(
    tx,
    staffActor,
    {
      title: 'Nhắc đăng ký khám định kỳ',
      text: `${roundName(current)} sắp kết thúc. Ông/Bà chưa đặt lịch khám; xin nhắn "đặt lịch khám" để chọn ngày giờ.`,
      segment: { campaignNotBooked: campaign.id },
      startAt: at(workingDaysFrom(addDays(today, 7), 1)[0]!, 8),
      confirmedRecipients: countSegment(tx, SegmentFilter.parse({ campaignNotBooked: campaign.id })),
    },
    { templates, now },
  );

  // Two answers the committee added to the default ones (address, phones, hours, what to bring, fasting, linking).
  const faq = (question: string, phrasings: string[], answer: string, sortOrder: number) =>
    saveFaq(db, actor('dieuphoi'), null, FaqInput.parse({ question, phrasings: phrasings.join('\n'), answer, active: true, sortOrder }), opened);
  faq(
    'Khám định kỳ có mất tiền không?',
    ['khám có mất tiền không', 'khám có tốn phí không', 'chi phí khám định kỳ', 'khám sức khỏe có miễn phí không'],
    'Khám sức khỏe định kỳ cho cán bộ thuộc diện Ban quản lý là miễn phí. Ông/Bà chỉ cần mang thẻ bảo hiểm y tế và sổ y bạ.',
    70,
  );
  faq(
    'Người nhà đi cùng được không?',
    ['người nhà đi cùng', 'con cháu đi cùng', 'có được đưa người đi kèm không'],
    'Được ạ. Người nhà có thể đi cùng và chờ ở khu vực tiếp đón; khi khám, bác sĩ sẽ mời người nhà vào nếu cần.',
    80,
  );

  // A day the clinics close, added by staff beside the public holidays (after the four weeks of slots).
  tx.insert(holidays)
    .values({ date: addDays(today, 35), name: 'Khoa khám bệnh cán bộ nghỉ kiểm kê', createdByStaffId: coordinator.id, createdAt: now })
    .onConflictDoNothing()
    .run();

  // What the story dated in the past would have sent has been sent: only the request escalations stay live.
  const history = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(gt(outbox.id, firstOutboxId), lt(outbox.dueAt, now), or(isNull(outbox.subject), not(like(outbox.subject, 'request-%')))))
    .all()
    .map((r) => r.id);
  cancelOutbox(tx, history, now);
  recordAudit(tx, { type: 'system', id: 'demo' }, { action: SEED_ACTION, entity: 'demo', detail: { campaignId: campaign.id } }, now);
}

/** Replays a broadcast sent in the past: fan-out, then each recipient reached by email or skipped, as then. */
function sendPastBroadcast(tx: Tx, id: number, sentAt: number): void {
  markStarted(tx, id, sentAt);
  while (!fanoutStep(tx, id, 100, sentAt).done);
  const rows = tx
    .select({ id: broadcastRecipients.id, cadreId: broadcastRecipients.cadreId })
    .from(broadcastRecipients)
    .where(eq(broadcastRecipients.broadcastId, id))
    .orderBy(asc(broadcastRecipients.id))
    .all();
  rows.forEach((r, i) => {
    const when = sentAt + i * 1_000;
    const cadre = tx.select().from(cadres).where(eq(cadres.id, r.cadreId)).get()!;
    const account = broadcastAccountOf(tx, r.cadreId);
    const plan = planChannel(cadre, account, false, when);
    if (plan.channel === 'skipped') {
      endRecipient(tx, r.id, 'skipped', plan.reason!, when);
      return;
    }
    claimRecipient(tx, r.id, plan.channel, plan.channel === 'email' ? null : account!.id, when);
    markRecipientSent(tx, r.id, plan.channel, null, when);
  });
  finishIfComplete(tx, id, sentAt + rows.length * 1_000);
}

/** The demo committee classifies in Loại I–V (the default scheme). */
type DemoClass = 'I' | 'II' | 'III' | 'IV' | 'V';
const resultText: Record<DemoClass, { conclusions: string; diagnoses: string[]; advice: string }> = {
  I: { conclusions: 'Sức khỏe tốt, các chỉ số trong giới hạn bình thường.', diagnoses: [], advice: 'Duy trì tập thể dục đều đặn, khám định kỳ theo lịch.' },
  II: {
    conclusions: 'Sức khỏe khá; có bệnh nhẹ, không ảnh hưởng sinh hoạt.',
    diagnoses: ['Tăng huyết áp độ 1, đang điều trị ổn định'],
    advice: 'Uống thuốc huyết áp đều hằng ngày, ăn nhạt, đo huyết áp tại nhà mỗi tuần.',
  },
  III: {
    conclusions: 'Sức khỏe trung bình; cần theo dõi một số bệnh mạn tính.',
    diagnoses: ['Tăng huyết áp độ 2', 'Đái tháo đường type 2, kiểm soát chưa tốt'],
    advice: 'Giữ chế độ ăn ít đường, ít muối; đi bộ 30 phút mỗi ngày; tái khám nội tiết sau 1 tháng.',
  },
  IV: {
    conclusions: 'Sức khỏe yếu; nhiều bệnh cần điều trị và theo dõi thường xuyên.',
    diagnoses: ['Suy tim độ II', 'Bệnh phổi tắc nghẽn mạn tính', 'Thoái hóa khớp gối hai bên'],
    advice: 'Dùng thuốc đúng đơn, hạn chế đi lại một mình; gia đình theo dõi khó thở, phù chân và báo ngay cho phòng khám.',
  },
  V: {
    conclusions: 'Sức khỏe rất yếu; cần chăm sóc và điều trị đặc biệt.',
    diagnoses: ['Di chứng tai biến mạch máu não, liệt nửa người phải', 'Suy tim độ III'],
    advice: 'Cần người chăm sóc thường xuyên; bác sĩ phòng khám sẽ đến khám tại nhà hằng tháng.',
  },
};
