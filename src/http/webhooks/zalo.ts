import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CatalogContext } from '../../bot/catalog';
import { processInboundEvent } from '../../bot/inbound';
import { isTransientFault, recordFailedEvent } from '../../domain/conversations/failedEvents';
import { DeliveryReceipt, recordDeliveryReceipt } from '../../domain/outreach/receipts';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
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

/**
 * POST /webhooks/zalo. Order of checks: size (413), signature header present (401), JSON (400), envelope
 * fields (400), signature over the raw bytes (401), event age (401), then ignored types (200), schema (400),
 * dedupe and the turn. Every rejection happens before anything is written.
 */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function zaloWebhookRoutes(deps: ZaloWebhookDeps) {
  const cfg = deps.zaloWebhook;
  return new Hono().post(
    '/',
    bodyLimit({
      maxSize: cfg.maxBodyBytes,
      onError: () => {
        throw new AppError('payload_too_large', `body over ${cfg.maxBodyBytes} bytes`);
      },
    }),
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    async (c) => {
      const started = performance.now();
      let signedEvent: string | null = null;
      let result: WebhookOutcome = 'error';
      try {
        const header = c.req.header('x-zevent-signature');
        if (!header) throw new AppError('invalid_signature', 'missing X-ZEvent-Signature');
        const raw = new Uint8Array(await c.req.arrayBuffer());

        let json: unknown;
        try {
          json = JSON.parse(Buffer.from(raw).toString('utf8'));
        } catch {
          throw new AppError('invalid_json', 'body is not valid JSON');
        }
        const envelope = EventEnvelope.safeParse(json);
        if (!envelope.success) {
          throw new AppError('validation_failed', 'event lacks app_id, event_name or timestamp', envelope.error.issues.map((i) => i.path.join('.')));
        }
        const { app_id: appId, timestamp, event_name: eventName } = envelope.data;
        if (appId !== cfg.appId || !verifyZaloSignature(header, appId, raw, timestamp, cfg.oaSecretKey)) {
          throw new AppError('invalid_signature', 'signature does not match');
        }
        // Signed by Zalo from here on, so the event name may label metrics.
        signedEvent = /^[a-z_]{1,48}$/.test(eventName) ? eventName : 'other';
        const now = deps.clock.now();
        const age = now - Number(timestamp);
        if (age > cfg.replayWindowMs) throw new AppError('stale_event', 'event is older than the replay window');
        if (-age > cfg.maxSkewMs) throw new AppError('stale_event', 'event timestamp is in the future');

        if (eventName === 'user_received_message') {
          // A delivery receipt (from the ZNS server for templates by phone): recorded on the notice it names.
          const receipt = DeliveryReceipt.safeParse(json);
          if (!receipt.success) throw new AppError('validation_failed', 'malformed user_received_message event');
          const matched = recordDeliveryReceipt(deps.db, receipt.data, now);
          deps.logger.info({ event: eventName, server: c.req.header('x-zevent-server') ?? null, matched }, 'delivery receipt');
          result = matched ? 'processed' : 'ignored';
          return c.json(matched ? { ok: true, receipt: true } : { ok: true, receipt: true, ignored: true });
        }
        if (!isHandledEventName(eventName)) {
          result = 'ignored';
          return c.json({ ok: true, ignored: true });
        }
        const event = HandledEvent.safeParse(json);
        if (!event.success) {
          throw new AppError(
            'validation_failed',
            `malformed ${eventName} event`,
            event.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          );
        }
        const inbound = toInboundEvent(event.data);
        let outcome;
        try {
          outcome = await deps.commits.run(() => processInboundEvent(deps.db, inbound, now, deps.catalog()));
        } catch (err) {
          // A passing fault (database busy, disk full) answers 5xx so Zalo retries; anything else would fail
          // again on every retry, and Zalo switches off a webhook that keeps failing: keep it, answer 200.
          if (isTransientFault(err)) throw err;
          const kept = recordFailedEvent(deps.db, inbound, Buffer.from(raw).toString('utf8'), err, now, deps.catalog().hotline);
          deps.logger.error(
            { event: eventName, failedEventId: kept.id, err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) },
            'zalo event failed; kept for replay',
          );
          if (kept.outboxIds.length) deps.afterCommit();
          result = 'failed';
          return c.json({ ok: true, failed: true });
        }
        if (outcome.status === 'duplicate') {
          result = 'duplicate';
          return c.json({ ok: true, duplicate: true });
        }
        deps.logger.info({ event: eventName, outbox: outcome.outboxIds.length }, 'zalo event processed');
        deps.enqueueClaimed(outcome.claimed);
        if (outcome.pendingForRelay > 0) deps.afterCommit();
        result = 'processed';
        return c.json({ ok: true });
      } catch (err) {
        result = err instanceof AppError ? 'rejected' : 'error';
        throw err;
      } finally {
        deps.observeWebhook?.(result, signedEvent, (performance.now() - started) / 1000);
      }
    },
  );
}
