import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CatalogContext } from '../../bot/catalog';
import { inboundTurn } from '../../bot/inbound';
import { isTransientFault, recordFailedEvent } from '../../domain/conversations/failedEvents';
import { DeliveryReceipt, recordDeliveryReceipt } from '../../domain/outreach/receipts';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import { fieldProblems } from '../../domain/shared/validationText';
import type { Logger } from '../../logger';
import type { Db } from '../../store/db';
import type { ClaimedRow } from '../../store/outbox';
import type { CommitBatcher } from '../../store/commitBatcher';
import { EventEnvelope, HandledEvent, isHandledEventName, toInboundEvent } from '../../zalo/events';
import { verifyZaloSignature } from '../../zalo/signature';
import type { WebhookOutcome } from '../../metrics';

export interface ZaloWebhookDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  zaloWebhook: { appId: string; oaSecretKey: string; replayWindowMs: number; maxSkewMs: number; maxBodyBytes: number };
  /** Committee facts the dialog quotes (name, hotline), read per turn so config stays the one source. */
  catalog: () => CatalogContext;
  /** Called after a turn committed outbox rows, to move them to the queues now rather than at the next reconcile. */
  afterCommit: () => void;
  /** Told of every delivery that reached the handler: outcome, event name once the signature holds, seconds. */
  observeWebhook?: (outcome: WebhookOutcome, eventName: string | null, seconds: number) => void;
  /** Group commit for the turns: concurrent deliveries share one SQLite commit. */
  commits: CommitBatcher;
  /** Adds the jobs of outbox rows the turn's transaction already marked queued. */
  enqueueClaimed: (rows: ClaimedRow[]) => void;
}

/** A delivery whose envelope and signature held: Zalo sent it, so its event name may label metrics. */
interface SignedDelivery {
  json: unknown;
  raw: Uint8Array;
  eventName: string;
  timestamp: number;
}

/** A signed delivery young enough to take, with the time it is taken at. */
type TimelyDelivery = SignedDelivery & { now: number };

/**
 * Signature header present (401), JSON (400), envelope fields (400), signature over the raw bytes (401).
 * Throws the AppError of the first check that fails.
 */
async function readSignedDelivery(c: Context, deps: ZaloWebhookDeps): Promise<SignedDelivery> {
  const cfg = deps.zaloWebhook;
  const header = c.req.header('x-zevent-signature');
  if (!header) throw new AppError('invalid_signature', 'missing X-ZEvent-Signature');
  const raw = new Uint8Array(await c.req.arrayBuffer());
  let json: unknown;
  try {
    // A view of the same bytes: Buffer.from(raw) would copy the body only to decode it.
    json = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    throw new AppError('invalid_json', 'body is not valid JSON');
  }
  const envelope = EventEnvelope.safeParse(json);
  if (!envelope.success) {
    throw new AppError('validation_failed', 'event lacks app_id, event_name or timestamp', fieldProblems(envelope.error.issues));
  }
  const { app_id: appId, timestamp, event_name: eventName } = envelope.data;
  if (appId !== cfg.appId || !verifyZaloSignature(header, appId, raw, timestamp, cfg.oaSecretKey)) {
    throw new AppError('invalid_signature', 'signature does not match');
  }
  return { json, raw, eventName, timestamp: Number(timestamp) };
}

/** Event age (401): a replay outside the window, or a timestamp from the future. Returns the time of the turn. */
function checkAge(deps: ZaloWebhookDeps, timestamp: number): number {
  const now = deps.clock.now();
  const age = now - timestamp;
  if (age > deps.zaloWebhook.replayWindowMs) throw new AppError('stale_event', 'event is older than the replay window');
  if (-age > deps.zaloWebhook.maxSkewMs) throw new AppError('stale_event', 'event timestamp is in the future');
  return now;
}

type Answer = { outcome: WebhookOutcome; body: Record<string, unknown> };

/** A delivery receipt (from the ZNS server for templates by phone): recorded on the notice it names. */
function takeReceipt(c: Context, deps: ZaloWebhookDeps, d: TimelyDelivery): Answer {
  const receipt = DeliveryReceipt.safeParse(d.json);
  if (!receipt.success) throw new AppError('validation_failed', 'malformed user_received_message event');
  const matched = recordDeliveryReceipt(deps.db, receipt.data, d.now);
  deps.logger.info({ event: d.eventName, server: c.req.header('x-zevent-server') ?? null, matched }, 'delivery receipt');
  return matched ? { outcome: 'processed', body: { ok: true, receipt: true } } : { outcome: 'ignored', body: { ok: true, receipt: true, ignored: true } };
}

/** The dialog turn of a handled event, group-committed; its reply rows go to the queues right after commit. */
async function takeTurn(deps: ZaloWebhookDeps, d: TimelyDelivery): Promise<Answer> {
  const event = HandledEvent.safeParse(d.json);
  if (!event.success) {
    throw new AppError('validation_failed', `malformed ${d.eventName} event`, fieldProblems(event.error.issues));
  }
  const inbound = toInboundEvent(event.data);
  let outcome;
  try {
    outcome = await deps.commits.run((tx) => inboundTurn(tx, inbound, d.now, deps.catalog()));
  } catch (err) {
    // A passing fault (database busy, disk full) answers 5xx so Zalo retries; anything else would fail
    // again on every retry, and Zalo switches off a webhook that keeps failing: keep it, answer 200.
    if (isTransientFault(err)) throw err;
    const kept = recordFailedEvent(deps.db, inbound, Buffer.from(d.raw).toString('utf8'), err, d.now, deps.catalog().hotline);
    deps.logger.error(
      { event: d.eventName, failedEventId: kept.id, err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) },
      'zalo event failed; kept for replay',
    );
    if (kept.outboxIds.length) deps.afterCommit();
    return { outcome: 'failed', body: { ok: true, failed: true } };
  }
  if (outcome.status === 'duplicate') return { outcome: 'duplicate', body: { ok: true, duplicate: true } };
  deps.logger.info({ event: d.eventName, outbox: outcome.outboxIds.length }, 'zalo event processed');
  deps.enqueueClaimed(outcome.claimed);
  if (outcome.pendingForRelay > 0) deps.afterCommit();
  return { outcome: 'processed', body: { ok: true } };
}

/**
 * 413 over `maxBytes`. A body with a Content-Length (Zalo always sends one) is judged by it: node's parser holds
 * the body to that length, and not touching the body stream lets the handler read the bytes straight from the
 * socket instead of through a web Request built for each event. A chunked body is counted as it streams.
 */
function webhookSizeLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new AppError('payload_too_large', `body over ${maxBytes} bytes`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxBytes) tooLarge();
    await next();
  };
}

/**
 * POST /webhooks/zalo. Order of checks: size (413), the signed delivery's (readSignedDelivery), event age
 * (401), then ignored types (200), schema (400), dedupe and the turn. Every rejection happens before anything is written.
 */
export function zaloWebhookRoutes(deps: ZaloWebhookDeps) {
  const cfg = deps.zaloWebhook;
  return new Hono().post(
    '/',
    webhookSizeLimit(cfg.maxBodyBytes),
    async (c) => {
      const started = performance.now();
      let signedEvent: string | null = null;
      let result: WebhookOutcome = 'error';
      try {
        const signed = await readSignedDelivery(c, deps);
        signedEvent = /^[a-z_]{1,48}$/.test(signed.eventName) ? signed.eventName : 'other';
        const delivery = { ...signed, now: checkAge(deps, signed.timestamp) };
        let answer: Answer;
        if (delivery.eventName === 'user_received_message') answer = takeReceipt(c, deps, delivery);
        else if (!isHandledEventName(delivery.eventName)) answer = { outcome: 'ignored', body: { ok: true, ignored: true } };
        else answer = await takeTurn(deps, delivery);
        result = answer.outcome;
        return c.json(answer.body);
      } catch (err) {
        result = err instanceof AppError ? 'rejected' : 'error';
        throw err;
      } finally {
        deps.observeWebhook?.(result, signedEvent, (performance.now() - started) / 1000);
      }
    },
  );
}
