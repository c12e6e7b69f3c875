import { and, count, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../store/db';
import { rowsOf } from '../store/prepared';
import { cadres, otpChallenges, verificationFailures, zaloLinks } from '../store/schema';
import { otpMatches, VERIFY_WINDOW_MS } from '../domain/linking/linking';
import { createRequestLookups, type RequestLookups } from '../domain/requests/requestChat';
import { createBookingLookups, type BookingLookups } from '../domain/booking/lookups';
import { createAttendanceLookups, type AttendanceLookups } from '../domain/attendance/attendanceTurn';
import { defaultQueueSettings } from '../domain/attendance/attendance';
import { createResultLookups, type ResultLookups } from '../domain/results/resultsInChat';
import type { CatalogContext } from './catalog';
import { cadreCodeIs, toCadreSummary, type CadreSummary, type SummarySource } from '../domain/registry/cadreSummary';
import { createFaqLookups, type FaqLookups } from '../domain/conversations/faq';
import { createAftercareLookups, type AftercareLookups } from '../domain/aftercare/chat';

export type { CadreSummary };


/** Whom a Zalo user may act for: themselves once linked, and cadres whose proxy staff approved. */
export interface Identity {
  self: CadreSummary | null;
  proxyFor: CadreSummary[];
  pendingProxyCadreIds: number[];
  displayName: string | null;
}

type OtpCheck =
  | { status: 'ok'; challengeId: number; cadreId: number }
  | { status: 'wrong'; challengeId: number; attemptsLeft: number }
  | { status: 'locked' | 'expired' | 'none' };

/**
 * Read-only facts a turn may consult. They are synchronous reads inside the turn's own transaction, so what
 * a turn sees cannot change before its effects are written.
 */
export interface Lookups extends CatalogContext {
  identity(): Identity;
  cadreById(id: number): CadreSummary | null;
  activeCadresByPhone(phone: string): CadreSummary[];
  /** `birthDate` is YYYY-MM-DD, or YYYY alone (matches only cadres whose records give just the year). */
  cadreByCodeAndBirthDate(code: string, birthDate: string): CadreSummary | null;
  /** Codes sent in the last hour to this Zalo user, and in the last day for this cadre. */
  otpSentCounts(cadreId: number): { userLastHour: number; cadreLastDay: number };
  checkOtp(code: string): OtpCheck;
  /** Whether the cadre is linked in person to a Zalo account other than this user's. */
  linkedElsewhere(cadreId: number): boolean;
  /** Wrong code + birth date pairs in the last day: by this Zalo user, and for this cadre code by anyone. */
  verificationFailures(code: string): { userLastDay: number; codeLastDay: number };
  /** An example cadre code in the registry's own format (letters kept, digits made up), or null when empty. */
  codeExample?(): string | null;
  /** Requests (home visit, medicine, ...), conversations with staff, the cadre's clinic. */
  requests: RequestLookups;
  /** Answers to simple questions that staff manage (address, phones, hours, ...). */
  faq?: FaqLookups;
  /** Exam campaigns, clinics, free slots and the cadre's bookings. */
  booking: BookingLookups;
  /** The day-before confirmation waiting for an answer, today's bookings and the clinic's queue. */
  attendance?: AttendanceLookups;
  /** Released exam results, only those this Zalo user may see. */
  results: ResultLookups;
  /** Waitlists, and the question the bot last asked on its own (a freed place, a follow-up, a rating). */
  aftercare?: AftercareLookups;
}

const OTP_MAX_ATTEMPTS = 5;

/** "HP-0101" -> "HP-0123", "CB0001" -> "CB0123": the shape of a real code, never a real code's digits. */
/**
 * A typed birth date against the registry: a full date must equal a full stored date; for a cadre whose records
 * give only the year, the year must match (typed alone or as part of a full date).
 */
function birthDateMatches(typed: string) {
  const year = typed.slice(0, 4);
  const yearOnly = and(eq(cadres.birthDatePrecision, 'year'), sql`substr(${cadres.birthDate}, 1, 4) = ${year}`);
  return typed.length === 4 ? yearOnly : or(and(eq(cadres.birthDatePrecision, 'day'), eq(cadres.birthDate, typed)), yearOnly);
}

function codeExampleOf(code: string): string {
  return code.toUpperCase().replace(/\d+/g, (run) => '0123456789'.slice(Math.max(0, 4 - run.length), 4).padStart(run.length, '0').slice(-run.length));
}

/** A cadre's summary columns, read raw: drizzle mapped every column of whole cadre rows for three fields' worth. */
const SUMMARY_COLUMNS = 'c.id AS id, c.code AS code, c.full_name AS fullName, c.sex AS sex, c.clinic_id AS clinicId, c.frail AS frail, c.email AS email';
type SummaryRow = Omit<SummarySource, 'frail'> & { frail: number };
const summaryOf = (row: SummaryRow): CadreSummary => toCadreSummary({ ...row, frail: row.frail === 1 });

/** Who this Zalo user is linked as and acts for; on every turn's path, so its statements are prepared once. */
function readIdentity(tx: DbOrTx, zaloUserId: string): Identity {
  const link = rowsOf<SummaryRow>(
    tx,
    `SELECT ${SUMMARY_COLUMNS} FROM zalo_links l JOIN cadres c ON c.id = l.cadre_id WHERE l.zalo_user_id = ? AND c.active = 1`,
  ).get(zaloUserId);
  const proxyRows = rowsOf<SummaryRow & { status: string }>(
    tx,
    `SELECT p.status AS status, ${SUMMARY_COLUMNS} FROM proxies p JOIN cadres c ON c.id = p.cadre_id
     WHERE p.zalo_user_id = ? AND c.active = 1 ORDER BY p.id`,
  ).all(zaloUserId);
  const user = rowsOf<{ displayName: string | null }>(tx, 'SELECT display_name AS displayName FROM zalo_users WHERE id = ?').get(zaloUserId);
  return {
    self: link ? summaryOf(link) : null,
    proxyFor: proxyRows.filter((p) => p.status === 'approved').map(summaryOf),
    pendingProxyCadreIds: proxyRows.filter((p) => p.status === 'pending').map((p) => p.id),
    displayName: user?.displayName ?? null,
  };
}

/**
 * The lookups of one turn. Built on every turn, so a class: its methods live once on the prototype instead of
 * being closures made per turn, and each capability's lookups are made on first use (most turns ask one or two).
 */
class StoreLookups implements Lookups {
  readonly committeeName: string;
  readonly hotline: string;
  readonly requestInfoImageUrl: string;
  readonly requestSettings: CatalogContext['requestSettings'];
  readonly queueSettings: CatalogContext['queueSettings'];
  private identityOfTurn: Identity | undefined;
  private requestsOfTurn: RequestLookups | undefined;
  private faqOfTurn: FaqLookups | undefined;
  private bookingOfTurn: BookingLookups | undefined;
  private attendanceOfTurn: AttendanceLookups | undefined;
  private resultsOfTurn: ResultLookups | undefined;
  private aftercareOfTurn: AftercareLookups | undefined;

  constructor(
    private readonly tx: DbOrTx,
    private readonly zaloUserId: string,
    private readonly now: number,
    catalog: CatalogContext,
  ) {
    this.committeeName = catalog.committeeName;
    this.hotline = catalog.hotline;
    this.requestInfoImageUrl = catalog.requestInfoImageUrl;
    this.requestSettings = catalog.requestSettings;
    this.queueSettings = catalog.queueSettings;
  }

  get requests(): RequestLookups {
    return (this.requestsOfTurn ??= createRequestLookups(this.tx, this.zaloUserId, this.requestSettings));
  }

  get faq(): FaqLookups {
    return (this.faqOfTurn ??= createFaqLookups(this.tx));
  }

  get booking(): BookingLookups {
    return (this.bookingOfTurn ??= createBookingLookups(this.tx, this.now, this.zaloUserId));
  }

  get attendance(): AttendanceLookups {
    return (this.attendanceOfTurn ??= createAttendanceLookups(this.tx, this.now, this.zaloUserId, this.queueSettings ?? defaultQueueSettings));
  }

  get results(): ResultLookups {
    return (this.resultsOfTurn ??= createResultLookups(this.tx, this.zaloUserId));
  }

  get aftercare(): AftercareLookups {
    return (this.aftercareOfTurn ??= createAftercareLookups(this.tx, this.zaloUserId, this.now));
  }

  identity(): Identity {
    // Asked several times in one turn (flows, then the title every reply is addressed with); nothing the turn
    // does is written before it ends, so one read per turn is the same answer.
    return (this.identityOfTurn ??= readIdentity(this.tx, this.zaloUserId));
  }

  codeExample(): string | null {
    const row = this.tx.select({ code: cadres.code }).from(cadres).where(eq(cadres.active, true)).orderBy(cadres.id).limit(1).get();
    return row ? codeExampleOf(row.code) : null;
  }

  cadreById(id: number): CadreSummary | null {
    const c = this.tx.select().from(cadres).where(and(eq(cadres.id, id), eq(cadres.active, true))).get();
    return c ? toCadreSummary(c) : null;
  }

  activeCadresByPhone(phone: string): CadreSummary[] {
    return this.tx
      .select()
      .from(cadres)
      .where(and(eq(cadres.phone, phone), eq(cadres.active, true)))
      .all()
      .map(toCadreSummary);
  }

  cadreByCodeAndBirthDate(code: string, birthDate: string): CadreSummary | null {
    const c = this.tx
      .select()
      .from(cadres)
      .where(and(cadreCodeIs(code), birthDateMatches(birthDate), eq(cadres.active, true)))
      .get();
    return c ? toCadreSummary(c) : null;
  }

  otpSentCounts(cadreId: number): { userLastHour: number; cadreLastDay: number } {
    const { tx, zaloUserId, now } = this;
    const userLastHour = tx
      .select({ n: count() })
      .from(otpChallenges)
      .where(and(eq(otpChallenges.zaloUserId, zaloUserId), gt(otpChallenges.createdAt, now - 3600_000)))
      .get()!.n;
    const cadreLastDay = tx
      .select({ n: count() })
      .from(otpChallenges)
      .where(and(eq(otpChallenges.cadreId, cadreId), gt(otpChallenges.createdAt, now - 24 * 3600_000)))
      .get()!.n;
    return { userLastHour, cadreLastDay };
  }

  linkedElsewhere(cadreId: number): boolean {
    const linked = this.tx.select({ id: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, cadreId)).get()?.id;
    return linked !== undefined && linked !== this.zaloUserId;
  }

  verificationFailures(code: string): { userLastDay: number; codeLastDay: number } {
    const { tx, zaloUserId } = this;
    const since = this.now - VERIFY_WINDOW_MS;
    const userLastDay = tx
      .select({ n: count() })
      .from(verificationFailures)
      .where(and(eq(verificationFailures.zaloUserId, zaloUserId), gt(verificationFailures.at, since)))
      .get()!.n;
    const codeLastDay = tx
      .select({ n: count() })
      .from(verificationFailures)
      .where(and(eq(verificationFailures.cadreCode, code), gt(verificationFailures.at, since)))
      .get()!.n;
    return { userLastDay, codeLastDay };
  }

  checkOtp(code: string): OtpCheck {
    const challenge = this.tx
      .select()
      .from(otpChallenges)
      .where(and(eq(otpChallenges.zaloUserId, this.zaloUserId), isNull(otpChallenges.consumedAt)))
      .orderBy(desc(otpChallenges.id))
      .get();
    if (!challenge) return { status: 'none' };
    if (challenge.attempts >= OTP_MAX_ATTEMPTS) return { status: 'locked' };
    if (challenge.expiresAt <= this.now) return { status: 'expired' };
    if (otpMatches(challenge.codeHash, challenge.id, code)) {
      return { status: 'ok', challengeId: challenge.id, cadreId: challenge.cadreId };
    }
    return { status: 'wrong', challengeId: challenge.id, attemptsLeft: OTP_MAX_ATTEMPTS - challenge.attempts - 1 };
  }
}

export function createStoreLookups(tx: DbOrTx, zaloUserId: string, now: number, catalog: CatalogContext): Lookups {
  return new StoreLookups(tx, zaloUserId, now, catalog);
}
