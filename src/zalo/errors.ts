/**
 * Zalo error codes (ZALO.md §5) sorted by what the caller should do about them.
 * - transient: retry with backoff (HTTP 5xx, network, rate limit, quota)
 * - auth: the access token was refused; refresh once and retry once
 * - outside_window: no customer-service message possible; use a template or email
 * - permanent: this message to this user will never go; record and stop
 * - config: the OA or app is not set up for this call; stop and alert staff
 * - quota: the day's template-message quota (or the account balance) is spent; send another way or tomorrow
 */
export type ZaloErrorKind = 'transient' | 'auth' | 'outside_window' | 'permanent' | 'config' | 'quota';

const byCode: Record<number, ZaloErrorKind> = {
  [-32]: 'transient',
  [-211]: 'transient',
  [-218]: 'transient',
  [-234]: 'transient',
  [-216]: 'auth',
  [-220]: 'auth',
  [-124]: 'auth',
  [-230]: 'outside_window',
  [-232]: 'outside_window',
  [-201]: 'permanent',
  [-210]: 'permanent',
  [-213]: 'permanent',
  [-217]: 'permanent',
  [-227]: 'permanent',
  [-233]: 'permanent',
  [-244]: 'permanent',
  [-100]: 'permanent',
  [-108]: 'permanent',
  [-131]: 'config',
  [-204]: 'config',
  [-205]: 'config',
  [-209]: 'config',
  [-212]: 'config',
  [-219]: 'config',
  [-221]: 'config',
  [-223]: 'config',
  [-224]: 'config',
  [-235]: 'config',
  [-240]: 'config',
  [-242]: 'config',
  [-320]: 'config',
  [-321]: 'config',
};

export function classifyZaloCode(code: number): ZaloErrorKind {
  // -200 is a generic send failure: Zalo gives no reason, so try again later.
  return byCode[code] ?? 'transient';
}

export class ZaloApiError extends Error {
  constructor(
    public readonly kind: ZaloErrorKind,
    /** Zalo's `error` field, or the HTTP status for transport failures (positive). */
    public readonly code: number,
    message: string,
  ) {
    super(`Zalo ${kind} error ${code}: ${message}`);
    this.name = 'ZaloApiError';
  }
}
