import { timingSafeEqual, createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger';
import type { Db } from './store/db';
import { clientOf } from './store/db';

/**
 * Prometheus metrics on their own registry (several runtimes may share a process in tests). Counters that
 * only this process can see (webhook latency, events, reconciler repairs) are kept in memory; figures whose
 * truth is elsewhere (queue depth in Redis, sends and SLA in SQLite) are read on each scrape, so every
 * process reports the same numbers and a restart loses nothing.
 */

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const SEND_OUTCOMES = ['zalo', 'zalo_template', 'email', 'none', 'failed'] as const;
/** Outbox kinds that carry a message to a person. */
const SEND_KINDS = ['zalo.message', 'email.message', 'notice.cadre', 'request.escalate'] as const;

export interface MetricsSources {
  db: Db;
  /** Queues whose depth is reported, read on scrape. */
  queues: Queue[];
  now: () => number;
  logger: Logger;
}

interface ReconcileRepairs {
  requeued: number;
  promoted: number;
  unblocked?: number;
}

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored' | 'rejected' | 'failed' | 'error';

export interface Metrics {
  registry: Registry;
  /** Records one webhook delivery: latency by outcome, and events by type for signed events. */
  observeWebhook(outcome: WebhookOutcome, eventName: string | null, seconds: number): void;
  recordReconcile(report: ReconcileRepairs): void;
  /** Prometheus text exposition of everything. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'cadrecare' });
  collectDefaultMetrics({ register: registry });
  const { observeWebhook, recordReconcile } = processCounters(registry);
  const sqlite = clientOf(sources.db);
  const swallow: Swallow = (what) => (err) => sources.logger.warn({ err: (err as Error).message, what }, 'metrics collection failed');
  queueDepthGauge(registry, sources.queues, swallow);
  sendsGauge(registry, sqlite, swallow);
  requestGauges(registry, sqlite, sources.now, swallow);
  return {
    registry,
    observeWebhook,
    recordReconcile,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A failed read on scrape is logged and leaves its gauge empty; the scrape itself still answers. */
type Swallow = (what: string) => (err: unknown) => void;
type Sqlite = ReturnType<typeof clientOf>;

/** What only this process sees: webhook latency and events (told by the webhook itself), reconciler repairs. */
function processCounters(registry: Registry): Pick<Metrics, 'observeWebhook' | 'recordReconcile'> {
  const webhookSeconds = new Histogram({
    name: 'cadrecare_webhook_duration_seconds',
    help: 'Time to answer a Zalo webhook delivery, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const events = new Counter({
    name: 'cadrecare_webhook_events_total',
    help: 'Signed Zalo events received, by event name and outcome (processed, duplicate, ignored)',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });
  const repairs = new Counter({
    name: 'cadrecare_reconciler_repairs_total',
    help: 'Repairs made by the outbox reconciler in this process: requeued (job lost), promoted (delayed job already due), unblocked (stuck lane)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  for (const kind of ['requeued', 'promoted', 'unblocked']) repairs.inc({ kind }, 0);
  return {
    // The webhook knows the outcome and, once the signature holds, the event name.
    observeWebhook(outcome, eventName, seconds) {
      webhookSeconds.observe({ outcome }, seconds);
      if (eventName !== null) events.inc({ event: eventName, outcome });
    },
    recordReconcile(report) {
      if (report.requeued) repairs.inc({ kind: 'requeued' }, report.requeued);
      if (report.promoted) repairs.inc({ kind: 'promoted' }, report.promoted);
      if (report.unblocked) repairs.inc({ kind: 'unblocked' }, report.unblocked);
    },
  };
}

/** Jobs per queue and state, read from Redis on scrape. */
function queueDepthGauge(registry: Registry, queues: Queue[], swallow: Swallow): void {
  new Gauge({
    name: 'cadrecare_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read from Redis on scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (q) => {
          const counts = await q.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
        }),
      ).catch(swallow('queue depth'));
    },
  });
}

/** Finished sends by kind and outcome, counted in SQLite (outbox and broadcast recipients) on scrape. */
function sendsGauge(registry: Registry, sqlite: Sqlite, swallow: Swallow): void {
  const sendsStatement = sqlite.prepare<unknown[], { kind: string; outcome: string; n: number }>(
    `SELECT kind, CASE WHEN status = 'failed' THEN 'failed' ELSE coalesce(channel, 'none') END AS outcome, count(*) AS n
       FROM outbox WHERE status IN ('done', 'failed') AND kind IN (${SEND_KINDS.map(() => '?').join(',')}) GROUP BY 1, 2`,
  );
  const broadcastStatement = sqlite.prepare<unknown[], { outcome: string; n: number }>(
    `SELECT CASE WHEN status = 'failed' THEN 'failed' WHEN status = 'sent' THEN coalesce(channel, 'none') ELSE 'none' END AS outcome, count(*) AS n
       FROM broadcast_recipients WHERE status IN ('sent', 'skipped', 'failed') GROUP BY 1`,
  );
  new Gauge({
    name: 'cadrecare_sends',
    help: 'Finished sends by kind and outcome (zalo, zalo_template, email, none, failed), counted from the outbox and broadcast recipients on scrape',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const kind of [...SEND_KINDS, 'broadcast']) for (const outcome of SEND_OUTCOMES) this.set({ kind, outcome }, 0);
      try {
        for (const r of sendsStatement.all(...SEND_KINDS)) {
          const outcome = (SEND_OUTCOMES as readonly string[]).includes(r.outcome) ? r.outcome : 'none';
          this.inc({ kind: r.kind, outcome }, r.n);
        }
        for (const r of broadcastStatement.all()) this.inc({ kind: 'broadcast', outcome: r.outcome }, r.n);
      } catch (err) {
        swallow('sends')(err);
      }
    },
  });
}

/** Care requests by SLA outcome, and those whose acknowledgement is overdue, read from SQLite on scrape. */
function requestGauges(registry: Registry, sqlite: Sqlite, now: () => number, swallow: Swallow): void {
  const slaStatement = sqlite.prepare<unknown[], { type: string; sla: string; n: number }>(`SELECT type, sla, count(*) AS n FROM care_requests GROUP BY 1, 2`);
  const overdueStatement = sqlite.prepare<unknown[], { type: string; n: number }>(
    `SELECT type, count(*) AS n FROM care_requests WHERE sla = 'pending' AND state = 'new' AND ack_due_at < ? GROUP BY 1`,
  );
  new Gauge({
    name: 'cadrecare_requests_sla',
    help: 'Care requests by type and SLA outcome (pending, met, breached)',
    labelNames: ['type', 'sla'] as const,
    registers: [registry],
    collect() {
      this.reset();
      try {
        for (const r of slaStatement.all()) this.set({ type: r.type, sla: r.sla }, r.n);
      } catch (err) {
        swallow('sla')(err);
      }
    },
  });
  new Gauge({
    name: 'cadrecare_requests_overdue',
    help: 'Care requests not yet acknowledged whose acknowledgement deadline has passed (breaches in the making)',
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      try {
        for (const r of overdueStatement.all(now())) this.set({ type: r.type }, r.n);
      } catch (err) {
        swallow('overdue')(err);
      }
    },
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics behind `Authorization: Bearer <METRICS_TOKEN>`: 401 without the right token. When no token
 * is configured the route answers 404 (metrics are off over HTTP), so a forgotten setting never exposes them.
 */
export function metricsRoutes(metrics: Metrics, token: string | undefined) {
  const expected = token ? digest(token) : null;
  return new Hono().get('/', async (c) => {
    if (!expected) return c.json({ error: { code: 'not_found', message: 'metrics are disabled: set METRICS_TOKEN' } }, 404);
    const presented = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented.trim()), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json({ error: { code: 'unauthorized', message: 'a valid metrics bearer token is required' } }, 401);
    }
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
}
