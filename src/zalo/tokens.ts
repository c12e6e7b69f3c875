import { and, eq, isNull } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { oaTokens } from '../store/schema';
import type { AccessTokenSource, TokenPair } from './client';
import { ZaloApiError } from './errors';

const TOKEN_ROW = 1;
/** Refresh a little before Zalo's 25 h expiry so an in-flight send never carries a dying token. */
const EARLY_REFRESH_MS = 5 * 60_000;
/** A refresher that died holding the lock releases it after this long. */
const LOCK_TTL_MS = 30_000;
const LOCK_POLL_MS = 100;

export interface OaTokenDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  refresh: (refreshToken: string) => Promise<TokenPair>;
  /** Told when a refresh fails for a reason a person must fix (re-consent by an OA admin). */
  onRefreshFailed?: (error: ZaloApiError) => void;
}

export function saveTokenPair(db: Db, pair: TokenPair, now: number): void {
  const values = {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: now + pair.expiresIn * 1000,
    refreshedAt: now,
    refreshLockUntil: null,
    lastError: null,
    lastErrorAt: null,
    updatedAt: now,
  };
  db.insert(oaTokens)
    .values({ id: TOKEN_ROW, ...values })
    .onConflictDoUpdate({ target: oaTokens.id, set: values })
    .run();
}

/**
 * The OA token pair, kept in SQLite. The refresh token is single-use, so: one refresher at a time across
 * processes (a lock column updated atomically), and the new pair is committed before anyone uses it.
 */
export class OaTokenManager implements AccessTokenSource {
  private inflight: Promise<string> | null = null;

  constructor(private readonly deps: OaTokenDeps) {}

  private rowQuery: { get(): typeof oaTokens.$inferSelect | undefined } | undefined;
  /** Read on every call (another process may have rotated the pair); prepared once, since every send asks. */
  private row() {
    this.rowQuery ??= this.deps.db.select().from(oaTokens).where(eq(oaTokens.id, TOKEN_ROW)).prepare();
    return this.rowQuery.get();
  }

  async current(): Promise<string> {
    const row = this.row();
    if (!row) throw new ZaloApiError('config', 0, 'no OA access token stored: connect the OA first');
    if (row.accessExpiresAt - EARLY_REFRESH_MS > this.deps.clock.now()) return row.accessToken;
    return this.refreshAfterRejection(row.accessToken);
  }

  refreshAfterRejection(rejected: string): Promise<string> {
    this.inflight ??= this.refreshOnce(rejected).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async refreshOnce(rejected: string): Promise<string> {
    const { db, clock, logger } = this.deps;
    // A real-time bound on waiting: the domain clock may be held still in tests.
    const deadline = Date.now() + LOCK_TTL_MS + 5_000;
    for (;;) {
      const row = this.row();
      if (!row) throw new ZaloApiError('config', 0, 'no OA access token stored: connect the OA first');
      const now = clock.now();
      // Someone else already rotated the pair: use theirs.
      if (row.accessToken !== rejected && row.accessExpiresAt - EARLY_REFRESH_MS > now) return row.accessToken;
      const lockFree = row.refreshLockUntil === null || row.refreshLockUntil < now;
      if (lockFree && this.acquire(now, row.refreshLockUntil)) {
        try {
          const pair = await this.deps.refresh(row.refreshToken);
          saveTokenPair(db, pair, clock.now());
          logger.info({ expiresIn: pair.expiresIn }, 'zalo access token refreshed');
          return pair.accessToken;
        } catch (err) {
          const error = err instanceof ZaloApiError ? err : new ZaloApiError('transient', 0, String(err));
          db.update(oaTokens)
            .set({ refreshLockUntil: null, lastError: error.message, lastErrorAt: clock.now(), updatedAt: clock.now() })
            .where(eq(oaTokens.id, TOKEN_ROW))
            .run();
          logger.error({ code: error.code, kind: error.kind }, 'zalo access token refresh failed');
          if (error.kind !== 'transient') this.deps.onRefreshFailed?.(error);
          throw error;
        }
      }
      if (Date.now() > deadline) throw new ZaloApiError('transient', 0, 'timed out waiting for another token refresh');
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }

  /** Compare-and-set on the lock column: succeeds only if nobody took the lock since we read it. */
  private acquire(now: number, seenLock: number | null): boolean {
    const res = this.deps.db
      .update(oaTokens)
      .set({ refreshLockUntil: now + LOCK_TTL_MS })
      .where(
        and(
          eq(oaTokens.id, TOKEN_ROW),
          seenLock === null ? isNull(oaTokens.refreshLockUntil) : eq(oaTokens.refreshLockUntil, seenLock),
        ),
      )
      .run();
    return res.changes > 0;
  }
}
