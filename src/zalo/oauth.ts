import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { inTransaction, type Db } from '../store/db';
import { oaConsents } from '../store/schema';

/**
 * OAuth v4 consent for the OA (ZALO.md §4): an OA admin opens the permission page with a PKCE challenge,
 * Zalo sends them back with a single-use code, and the code plus the verifier buy the first token pair.
 */

/** How long a started consent (its verifier) stays usable; Zalo's code itself lives 10 minutes. */
export const CONSENT_TTL_MS = 10 * 60_000;

/** A PKCE verifier: 43 base64url characters (32 random bytes), within RFC 7636's 43..128. */
export const newVerifier = () => randomBytes(32).toString('base64url');

/** base64url(SHA-256(verifier)) without padding; Zalo takes no code_challenge_method parameter. */
export const challengeOf = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export interface ConsentUrlParams {
  oauthBase: string;
  appId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
}

export function consentUrl(p: ConsentUrlParams): string {
  const url = new URL('/v4/oa/permission', p.oauthBase);
  url.searchParams.set('app_id', p.appId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('code_challenge', p.codeChallenge);
  url.searchParams.set('state', p.state);
  return url.toString();
}

export interface PendingConsent {
  state: string;
  verifier: string;
  /** Who started it (a staff id, or 'cli'). */
  owner: string;
  createdAt: number;
}

/**
 * Consents in progress, stored in SQLite (table oa_consents) for CONSENT_TTL_MS so that the callback may come
 * back to any web process; the verifier never leaves the server. A consent is taken (deleted) once.
 */
export class PendingConsents {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  start(owner: string): PendingConsent {
    const consent: PendingConsent = { state: randomBytes(16).toString('base64url'), verifier: newVerifier(), owner, createdAt: this.now() };
    inTransaction(this.db, (tx) => {
      tx.delete(oaConsents).where(lt(oaConsents.createdAt, consent.createdAt - CONSENT_TTL_MS)).run();
      tx.insert(oaConsents).values(consent).run();
    });
    return consent;
  }

  /**
   * Takes (and forgets) the consent for this callback. With a state, it must be one this owner started;
   * Zalo is not known to echo `state` every time, so without one the owner's latest consent is used.
   */
  take(owner: string, state: string | undefined): PendingConsent | null {
    const fresh = gte(oaConsents.createdAt, this.now() - CONSENT_TTL_MS);
    const mine = eq(oaConsents.owner, owner);
    // One IMMEDIATE transaction: two processes answering the same callback cannot both take it.
    return inTransaction(this.db, (tx) => {
      const found = state
        ? tx.select().from(oaConsents).where(and(eq(oaConsents.state, state), mine, fresh)).get()
        : tx.select().from(oaConsents).where(and(mine, fresh)).orderBy(desc(oaConsents.createdAt)).limit(1).get();
      if (!found) return null;
      tx.delete(oaConsents).where(eq(oaConsents.state, found.state)).run();
      return found;
    });
  }
}
