import { rmSync } from 'node:fs';
import { and, gt, isNull, like, lt, not, or, eq } from 'drizzle-orm';
import { createStaffUser, findStaffByUsername, generatePassword } from './domain/staff/staff';
import { recordAudit } from './store/audit';
import { inTransaction, type Db, type Tx } from './store/db';
import { seedDemoData, DEMO_EMAIL_DOMAIN, type DemoSeedCounts } from './store/demoSeed';
import { cancelOutbox } from './store/outbox';
import { auditLog, clinics, outbox, staffUsers } from './store/schema';
import type { Config } from './config';
import type { Runtime } from './runtime';
import { demoStaffAccounts, demoZaloUsers, type DemoStaffAccount, type DemoZaloUser } from './demoScenario/people';
import { broadcasts, closingDay, committeeAnswers, zaloAccounts } from './demoScenario/outreach';
import { inboxRequests } from './demoScenario/requests';
import { correctLastResult, currentRound, fillComingDays, pastRounds } from './demoScenario/rounds';
import { storyOf, type DemoSeedOptions } from './demoScenario/story';

/**
 * The demo's story on top of its fictional registry: staff accounts for every role, this year's open exam round
 * with slots at every clinic for the next four weeks (some days nearly full, one full), earlier rounds with
 * attendance and released results (one of them corrected), a draft waiting for release, requests of every
 * kind in the inbox (one urgent and past its deadline, one home visit scheduled), a pending proxy request, a
 * finished and a scheduled broadcast, and the simulated Zalo users a visitor plays. Everything is dated
 * relative to the seeding instant, in Asia/Ho_Chi_Minh, and written through the domain functions staff and
 * chat use, so the rows are those the service itself would have written. It runs once per data directory.
 */

const SEED_ACTION = 'demo.seed';

// --- seeding --------------------------------------------------------------------------------------------------

export interface DemoSeedReport {
  registry: DemoSeedCounts;
  /** Accounts created by this call, with their one-time passwords (empty on later starts). */
  createdLogins: { account: DemoStaffAccount; password: string }[];
  /** Whether the story (campaigns, results, requests, ...) was written by this call. */
  scenarioSeeded: boolean;
  users: DemoZaloUser[];
}

/** Whether the story was already written into this database. */
function demoScenarioSeeded(db: Db): boolean {
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

/** The story, part by part, in the order the seeded random source expects. */
function writeScenario(tx: Tx, opts: DemoSeedOptions, users: DemoZaloUser[], clinicIds: Map<string, number>): void {
  const { now } = opts;
  const firstOutboxId = tx.select({ id: outbox.id }).from(outbox).orderBy(outbox.id).all().at(-1)?.id ?? 0;
  const s = storyOf(tx, opts, users, clinicIds);
  // The doctor heads clinic A1 (escalations reach them second); the coordinator is on call.
  tx.update(staffUsers).set({ isClinicHead: true }).where(eq(staffUsers.id, s.who('bacsi').id)).run();
  tx.update(staffUsers).set({ onCall: true }).where(eq(staffUsers.id, s.coordinator.id)).run();

  correctLastResult(s, pastRounds(s));
  const { campaign, start, opened } = currentRound(s);
  fillComingDays(s, campaign.id);
  inboxRequests(s);
  zaloAccounts(s);
  broadcasts(s, campaign, start);
  committeeAnswers(s, opened);
  closingDay(s);

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
