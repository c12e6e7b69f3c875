import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Clock } from '../../clock';
import type { DbOrTx } from '../../store/db';
import { loginFailures } from '../../store/schema';

export interface LoginThrottleOptions {
  /** Failures from one address, across usernames, before it must wait out the window. */
  maxPerAddress: number;
  /** Failures of one account before each further try waits (1 s, 2 s, 4 s … up to maxDelayMs). */
  freeTriesPerAccount: number;
  maxDelayMs: number;
  windowMs: number;
}

const defaultLoginThrottle: LoginThrottleOptions = { maxPerAddress: 20, freeTriesPerAccount: 3, maxDelayMs: 60_000, windowMs: 15 * 60_000 };

/**
 * Login throttling kept in SQLite, so several web processes share it. An address that fails often (password
 * spraying over many usernames) waits out the window; an account that fails often gets a growing delay
 * between tries, never a lockout, so an attacker elsewhere cannot lock a colleague out for long.
 */
export class LoginRateLimiter {
  constructor(
    private readonly db: DbOrTx,
    private readonly clock: Clock,
    readonly opts: LoginThrottleOptions = defaultLoginThrottle,
  ) {}

  /** Milliseconds until this username may be tried from this address, or 0 when it may try now. */
  retryAfterMs(username: string, address: string): number {
    const now = this.clock.now();
    const since = now - this.opts.windowMs;
    const byAddress = this.db
      .select({ n: sql<number>`count(*)` })
      .from(loginFailures)
      .where(and(eq(loginFailures.address, address), gt(loginFailures.at, since)))
      .get() ?? { n: 0 };
    let wait = 0;
    if (byAddress.n >= this.opts.maxPerAddress) {
      // The window slides: the oldest failures leave it one by one.
      const oldest = this.db
        .select({ at: loginFailures.at })
        .from(loginFailures)
        .where(and(eq(loginFailures.address, address), gt(loginFailures.at, since)))
        .orderBy(loginFailures.at)
        .limit(1)
        .offset(byAddress.n - this.opts.maxPerAddress)
        .get();
      if (oldest) wait = oldest.at + this.opts.windowMs - now;
    }
    const byAccount = this.db
      .select({ n: sql<number>`count(*)`, last: sql<number>`max(${loginFailures.at})` })
      .from(loginFailures)
      .where(and(eq(loginFailures.username, username.toLowerCase()), gt(loginFailures.at, since)))
      .get() ?? { n: 0, last: 0 };
    const over = byAccount.n - this.opts.freeTriesPerAccount;
    if (over >= 0) {
      const delay = Math.min(this.opts.maxDelayMs, 1000 * 2 ** over);
      wait = Math.max(wait, byAccount.last + delay - now);
    }
    return Math.max(0, wait);
  }

  recordFailure(username: string, address: string): void {
    const now = this.clock.now();
    this.db.delete(loginFailures).where(lt(loginFailures.at, now - this.opts.windowMs)).run();
    this.db.insert(loginFailures).values({ username: username.toLowerCase(), address, at: now }).run();
  }

  /** A successful login clears the account's failures (not the address's). */
  reset(username: string): void {
    this.db.delete(loginFailures).where(eq(loginFailures.username, username.toLowerCase())).run();
  }
}
