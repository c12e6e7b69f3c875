import { createHash, randomBytes } from 'node:crypto';

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
 * Consents in progress, kept in this process's memory only (the verifier never leaves the server) for
 * CONSENT_TTL_MS. The callback must come back to the web process that started the consent.
 */
export class PendingConsents {
  private readonly byState = new Map<string, PendingConsent>();

  constructor(private readonly now: () => number) {}

  start(owner: string): PendingConsent {
    this.prune();
    const consent: PendingConsent = { state: randomBytes(16).toString('base64url'), verifier: newVerifier(), owner, createdAt: this.now() };
    this.byState.set(consent.state, consent);
    return consent;
  }

  /**
   * Takes (and forgets) the consent for this callback. With a state, it must be one this owner started;
   * Zalo is not known to echo `state` every time, so without one the owner's latest consent is used.
   */
  take(owner: string, state: string | undefined): PendingConsent | null {
    this.prune();
    let found: PendingConsent | undefined;
    if (state) {
      found = this.byState.get(state);
      if (found && found.owner !== owner) return null;
    } else {
      found = [...this.byState.values()].filter((p) => p.owner === owner).sort((a, b) => b.createdAt - a.createdAt)[0];
    }
    if (!found) return null;
    this.byState.delete(found.state);
    return found;
  }

  private prune(): void {
    const cutoff = this.now() - CONSENT_TTL_MS;
    for (const [state, p] of this.byState) if (p.createdAt < cutoff) this.byState.delete(state);
  }
}
