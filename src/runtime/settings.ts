import type { CatalogContext } from '../bot/catalog';
import type { Config } from '../config';
import { ackKeyFrom } from '../domain/requests/ackLinks';
import type { RequestPolicy } from '../domain/requests/sla';
import { resolveSessionSecret } from '../http/auth/secret';

/** Values derived from the validated config, computed once at start and shared by every role. */
export interface Settings {
  /** Signs staff session cookies (SESSION_SECRET, or one kept in a file for demo and development instances). */
  sessionSecret: string;
  /** Signs acknowledge links in escalation emails; derived from the session secret. */
  ackKey: Buffer;
  /** The host part of Message-IDs in sent mail. */
  messageIdDomain: string;
  requestPolicy: RequestPolicy;
  /** Retries of a send job (Zalo, email, broadcast). */
  retry: { attempts: number; backoffMs: number };
  /**
   * Every Zalo send settles an attempt left in flight before sending again. An attempt is settled once older than
   * two HTTP timeouts: by then its call has surely ended, on our side and on Zalo's.
   */
  settleAfterMs: number;
  /** How long webhook dedupe keys are kept: at least twice the replay window, and two days. */
  dedupeRetentionMs: number;
  /** Committee facts and policies the dialog quotes. */
  catalog: CatalogContext;
}

export function deriveSettings(config: Config): Settings {
  const sessionSecret = resolveSessionSecret(config.staff.sessionSecret, config.staff.sessionSecretFile);
  const requestPolicy: RequestPolicy = {
    urgentAckMs: config.requests.urgentAckMs,
    urgentHeadMs: config.requests.urgentHeadMs,
    normalAckWorkingMs: config.requests.normalAckWorkingMs,
    workingHours: config.requests.workingHours,
  };
  return {
    sessionSecret,
    ackKey: ackKeyFrom(sessionSecret),
    messageIdDomain: new URL(config.http.publicBaseUrl).hostname,
    requestPolicy,
    retry: { attempts: config.zaloSend.attempts, backoffMs: config.zaloSend.backoffMs },
    settleAfterMs: 2 * config.zalo.httpTimeoutMs + 1_000,
    dedupeRetentionMs: Math.max(config.webhook.replayWindowMs * 2, 48 * 3600_000),
    catalog: {
      committeeName: config.committee.name,
      hotline: config.committee.hotline,
      requestInfoImageUrl: config.zalo.requestInfoImageUrl,
      requestSettings: { policy: requestPolicy, handoffTimeoutMs: config.requests.handoffTimeoutMs, publicBaseUrl: config.http.publicBaseUrl },
      queueSettings: config.attendance.queue,
    },
  };
}
