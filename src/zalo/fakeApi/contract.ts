import type { Context } from 'hono';

/** What the fake Zalo API records and how a test steers it: the routes, injected faults, sent messages, users. */

export type FakeRoute = 'send' | 'template' | 'template_phone' | 'quota' | 'profile' | 'token' | 'getoa' | 'conversation';

export interface Fault {
  route: FakeRoute;
  /** Zalo error code to answer with (HTTP 200 envelope). */
  error?: number;
  /** HTTP status to answer with instead (e.g. 500, 503). */
  status?: number;
  /** Only for calls about this user. */
  userId?: string;
  /** How many calls it applies to (default 1). */
  times?: number;
  /**
   * Zalo keeps the message but the answer is lost: the send is recorded, then answered with `status`
   * (default 500) instead of success, as when a gateway fails after the backend accepted.
   */
  accepted?: boolean;
  /** Answer only after this many ms (longer than the client waits: a timeout); with `accepted`, success. */
  delayMs?: number;
}

export interface SentButton {
  title: string;
  type: string;
  payload: unknown;
}

export interface SentMessage {
  messageId: string;
  /** The user id, or for a template sent by phone the phone (84…). */
  userId: string;
  kind: 'text' | 'request_user_info' | 'template' | 'template_phone' | 'other';
  /** Ours, for a template sent by phone. */
  trackingId?: string;
  text?: string;
  buttons: SentButton[];
  at: number;
  body: unknown;
}

export interface FakeUser {
  userId: string;
  displayName: string;
  phone?: string;
  isFollower: boolean;
  /** Epoch ms of the user's last interaction; the 7-day window is enforced from it when set. */
  lastInteractionAt?: number;
}

export const DAY_MS = 24 * 3600_000;
/** Zalo's answer envelope, sent with HTTP 200 on failure too. */
export const envelope = (error: number, message: string, data?: unknown) => (data === undefined ? { error, message } : { error, message, data });

/** An injected fault as Zalo would answer it: an HTTP error, or an error code in the envelope. */
/** A call's JSON body as loose fields (the fake checks each field as Zalo does), or null when it is not JSON. */
export async function jsonBody(c: Context): Promise<Record<string, any> | null> {
  return (await c.req.json().catch(() => null)) as Record<string, any> | null;
}

/**
 * A send refused by a planned fault (one that does not let the message be kept): recorded with its code, or
 * `fallback` when it names none, and answered as planned, after its delay. Undefined when the send goes on.
 */
export async function refusedSend(c: Context, fault: Fault | undefined, record: (outcome: number) => void, fallback: number) {
  if (!fault || fault.accepted) return undefined;
  record(fault.error ?? fault.status ?? fallback);
  if (fault.delayMs) await pause(fault.delayMs);
  return answerFault(c, fault);
}

export function answerFault(c: Context, fault: Fault) {
  if (fault.status) return c.json({ error: -1, message: 'Internal error' }, fault.status as 500);
  return c.json(envelope(fault.error ?? -200, `Injected error ${fault.error}`));
}

/** The answer when Zalo kept the message but the gateway failed after it. */
export const acceptedButFailed = (c: Context, fault: Fault) => c.json({ error: -1, message: 'Internal error' }, (fault.status ?? 500) as 500);

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
