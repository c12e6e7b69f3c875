import { Queue, Worker, type JobsOptions } from 'bullmq';
import { and, inArray, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { fanoutStep, finishIfComplete, markStarted, openRecipientIds } from '../domain/broadcasts/fanout';
import { getBroadcast } from '../domain/broadcasts/broadcasts';
import { BroadcastFanoutPayload } from './catalog';
import type { Logger } from '../logger';
import { inTransaction, type Db } from '../store/db';
import { markDone } from '../store/outbox';
import { broadcastRecipients, broadcasts, type OutboxRow } from '../store/schema';
import type { BroadcastSendDeps } from './broadcastSend';
import { batchJobs, jobOfBroadcast, recipientsInJob, sendBatchProcessor, type BatchProcessorDeps } from './broadcastBatch';
import type { RetryPolicy } from './catalog';
import { runEvery } from './periodic';

/**
 * Broadcast jobs. The fan-out is an outbox job ('broadcast.fanout', queue 'broadcasts'): it turns the
 * segment into recipient rows in batches and enqueues send jobs on the dedicated 'broadcast-send' queue,
 * each carrying one rate window's worth of recipients (jobs/broadcastBatch.ts); the BullMQ limiter lets one
 * job through per window across all workers. Job ids are deterministic (broadcast, first recipient, size),
 * so enqueueing the same rows twice (a retry of the fan-out) adds nothing, and every recipient row's claim
 * keeps a repeated job (a resume, the reconciler) from sending twice.
 */

const BROADCAST_SEND_QUEUE = 'broadcast-send';
const ENQUEUE_CHUNK = 1000;
/** Recipients per send job when unthrottled: enough to share commits and queue round trips. */
const UNTHROTTLED_BATCH = 20;

/** What opening the next window costs after one closes: the worker's timer and a Redis round trip (1-3 ms). */
const WINDOW_REOPEN_MS = 2;

/** The fewest messages a window carries below 100/s (up to one second's worth): a send job's queue work is shared by them. */
const MIN_WINDOW_MESSAGES = 20;

/**
 * The rate window: about 200 ms and the messages it allows, and below 100/s longer, up to a second, so that
 * it still carries 20 messages. Every window costs the worker a Redis round trip and a timer before the next
 * one opens, so tiny windows fall short of the rate (1 job per 10 ms gave 80 of 100/s); 200 ms windows keep
 * that loss small while bursts stay short (20 messages at 100/s), and the window is that much shorter so that
 * on average the rate is the one configured. A send job costs the worker about as much as several messages
 * (fetch, lock, finish, the limiter's wait), so at 30/s windows of 6 messages cost 1.3 ms of CPU a message;
 * Zalo counts calls per minute (ZALO.md), so a burst of 20 within the second does not matter to it.
 */
function rateWindow(ratePerSecond: number): { size: number; ms: number } | undefined {
  if (!(ratePerSecond > 0)) return undefined;
  const size = Math.max(1, Math.round(ratePerSecond / 5), Math.min(MIN_WINDOW_MESSAGES, Math.floor(ratePerSecond)));
  return { size, ms: Math.max(1, Math.round((size * 1000) / ratePerSecond) - WINDOW_REOPEN_MS) };
}

/** Recipients per send job: one window's worth. */
const sendBatchSize = (ratePerSecond: number) => rateWindow(ratePerSecond)?.size ?? UNTHROTTLED_BATCH;

export interface BroadcastJobsOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Producer connection for the send queue. */
  producer: Redis;
  /** Blocking connection for the send worker (maxRetriesPerRequest: null); null = no worker here (web role). */
  workerConnection: Redis | null;
  prefix: string;
  retry: RetryPolicy;
  ratePerSecond: number;
  concurrency: number;
  fanoutBatch: number;
  lockMs: number;
  send: Omit<BroadcastSendDeps, 'db' | 'clock' | 'logger'>;
}

interface BroadcastReconcileReport {
  openRows: number;
  liveJobs: number;
  requeued: number;
  finished: number;
  swept: number;
}

export interface BroadcastJobs {
  queue: Queue;
  worker: Worker | null;
  /** The 'broadcast.fanout' outbox handler. */
  fanout(row: OutboxRow): Promise<void>;
  /** Enqueues send jobs for these recipient rows (the same rows twice add nothing). */
  enqueue(broadcastId: number, recipientIds: number[]): Promise<void>;
  /** Makes Redis agree with SQLite for running broadcasts; see `reconcile` below. */
  reconcile(): Promise<BroadcastReconcileReport>;
  close(): Promise<void>;
}

/**
 * The send worker, held to the configured rate by BullMQ's limiter: one batch job per window. Concurrency
 * counts messages in flight, so a worker runs that many recipients' worth of batches at once (at least two,
 * so a window opens while the previous batch still waits for Zalo).
 */
function startSendWorker(o: BroadcastJobsOptions, connection: Redis, addFollowUps: (jobs: FollowUp[]) => Promise<void>): Worker {
  const window = rateWindow(o.ratePerSecond);
  const processor = sendBatchProcessor({ ...o.send, db: o.db, clock: o.clock, logger: o.logger, attempts: o.retry.attempts, backoffMs: o.retry.backoffMs, addFollowUps });
  const worker = new Worker(BROADCAST_SEND_QUEUE, processor, {
    connection,
    prefix: o.prefix,
    concurrency: Math.max(2, Math.ceil(o.concurrency / sendBatchSize(o.ratePerSecond))),
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    maxStalledCount: 1000,
    ...(window ? { limiter: { max: 1, duration: window.ms } } : {}),
  });
  worker.on('error', (err) => o.logger.warn({ queue: BROADCAST_SEND_QUEUE, err: err.message }, 'worker error'));
  return worker;
}

type FollowUp = Parameters<BatchProcessorDeps['addFollowUps']>[0][number];

/** Adding send jobs for recipient rows, a window's worth to a job, under deterministic ids. */
function sendEnqueuer(o: BroadcastJobsOptions, queue: Queue) {
  const size = sendBatchSize(o.ratePerSecond);
  // Whole batches per add: a short batch takes a window for fewer messages and lowers the rate.
  const chunk = size * Math.ceil(ENQUEUE_CHUNK / size);
  const jobOpts: JobsOptions = {
    attempts: o.retry.attempts,
    backoff: { type: 'exponential', delay: o.retry.backoffMs },
    // SQLite keeps every result; finished jobs leave Redis at once so their ids can be enqueued again.
    removeOnComplete: true,
    removeOnFail: true,
  };

  const enqueue = async (broadcastId: number, recipientIds: number[]) => {
    for (let i = 0; i < recipientIds.length; i += chunk) await queue.addBulk(batchJobs(broadcastId, recipientIds.slice(i, i + chunk), size, jobOpts));
  };
  const addFollowUps = async (followUps: FollowUp[]) => {
    if (!followUps.length) return;
    await queue.addBulk(followUps.flatMap((f) => batchJobs(f.broadcastId, f.recipientIds, size, { ...jobOpts, delay: f.delayMs }, f)));
  };

  /** Enqueues every open (pending or in-flight) recipient of the broadcast, in chunks; returns how many. */
  const enqueueAll = async (broadcastId: number): Promise<number> => {
    let after = 0;
    let n = 0;
    for (;;) {
      const ids = openRecipientIds(o.db, broadcastId, after, chunk);
      if (!ids.length) return n;
      await enqueue(broadcastId, ids);
      n += ids.length;
      after = ids[ids.length - 1]!;
    }
  };
  return { enqueue, enqueueAll, addFollowUps, size };
}

/** The 'broadcast.fanout' outbox handler: recipient rows in batches, each batch enqueued once committed. */
function fanoutHandler(o: BroadcastJobsOptions, { enqueue, enqueueAll, size }: ReturnType<typeof sendEnqueuer>) {
  return async (row: OutboxRow) => {
    const { broadcastId } = BroadcastFanoutPayload.parse(row.payload);
    let b = getBroadcast(o.db, broadcastId);
    if (b?.status === 'scheduled') b = inTransaction(o.db, (tx) => markStarted(tx, broadcastId, o.clock.now()));
    if (b && b.status === 'running') {
      // Rows from an earlier run (a resume, or a crash between a batch's commit and its enqueue).
      if (b.total > 0) await enqueueAll(broadcastId);
      // A step's rows that do not fill a batch wait for the next step's (a crash meanwhile: the outbox runs the
      // fan-out again, and its start enqueues every open row).
      let carried: number[] = [];
      for (;;) {
        const step = inTransaction(o.db, (tx) => fanoutStep(tx, broadcastId, o.fanoutBatch, o.clock.now()));
        const last = step.done || step.stopped;
        const ids = [...carried, ...step.recipientIds];
        const whole = last ? ids.length : ids.length - (ids.length % size);
        carried = ids.slice(whole);
        if (whole) await enqueue(broadcastId, ids.slice(0, whole));
        if (last) break;
      }
      o.logger.info({ broadcastId }, 'broadcast fan-out done');
    }
    markDone(o.db, row.id, 'none', o.clock.now());
  };
}

/** Open recipient rows of the running broadcasts. */
function countOpenRows(db: Db, running: number[]): number {
  if (!running.length) return 0;
  return db
    .select({ n: sql<number>`count(*)` })
    .from(broadcastRecipients)
    .where(and(inArray(broadcastRecipients.broadcastId, running), inArray(broadcastRecipients.status, ['pending', 'sending'])))
    .get()!.n;
}

/** The send jobs waiting to run (not the ones running): their ids. */
const queuedJobIds = (queue: Queue) => queue.getRanges(['waiting', 'delayed', 'prioritized', 'paused'], 0, -1);

/** Removes the jobs left for one paused or cancelled broadcast; returns how many were there. */
async function sweepJobs(queue: Queue, broadcastId: number): Promise<number> {
  const ids = (await queuedJobIds(queue)).filter((id) => jobOfBroadcast(id, broadcastId));
  const removed = await Promise.all(ids.map((id) => queue.remove(id).catch(() => 0)));
  return removed.reduce<number>((a, n) => a + (n ? 1 : 0), 0);
}

/**
 * - running broadcasts whose every recipient is finished become done;
 * - when the send jobs in Redis carry fewer recipients than there are open recipient rows of running
 *   broadcasts (a Redis wipe, a job lost between commit and enqueue, a last try that ended unanswered),
 *   every open row is enqueued again: rows already in a job are claimed by whichever runs first;
 * - jobs left for paused or cancelled broadcasts are removed, so they do not use the rate.
 */
function reconciler(o: BroadcastJobsOptions, queue: Queue, enqueueAll: (broadcastId: number) => Promise<number>) {
  // Paused or cancelled broadcasts whose leftover jobs were already removed (by status change time).
  const swept = new Set<string>();
  return async (): Promise<BroadcastReconcileReport> => {
    const now = o.clock.now();
    const active = o.db
      .select({ id: broadcasts.id, status: broadcasts.status, changed: broadcasts.statusChangedAt })
      .from(broadcasts)
      .where(inArray(broadcasts.status, ['running', 'paused', 'cancelled']))
      .all();
    let finished = 0;
    for (const b of active) if (b.status === 'running' && finishIfComplete(o.db, b.id, now)) finished += 1;
    const running = active.filter((b) => b.status === 'running').map((b) => b.id);
    const openRows = countOpenRows(o.db, running);
    const liveIds = await queue.getRanges(['waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children'], 0, -1);
    const liveJobs = liveIds.length;
    const carried = liveIds.reduce((a, id) => a + recipientsInJob(id), 0);
    let requeued = 0;
    if (openRows > carried) {
      for (const id of running) requeued += await enqueueAll(id);
      o.logger.info({ openRows, liveJobs, carried }, 'broadcast reconciler enqueued open recipients again');
    }
    let sweptJobs = 0;
    for (const b of active.filter((x) => x.status !== 'running' && !swept.has(`${x.id}:${x.changed}`))) {
      sweptJobs += await sweepJobs(queue, b.id);
      swept.add(`${b.id}:${b.changed}`);
    }
    return { openRows, liveJobs, requeued, finished, swept: sweptJobs };
  };
}

export function createBroadcastJobs(o: BroadcastJobsOptions): BroadcastJobs {
  const queue = new Queue(BROADCAST_SEND_QUEUE, { connection: o.producer, prefix: o.prefix });
  queue.on('error', (err) => o.logger.warn({ queue: BROADCAST_SEND_QUEUE, err: err.message }, 'queue error'));
  const enqueuer = sendEnqueuer(o, queue);
  const worker = o.workerConnection ? startSendWorker(o, o.workerConnection, enqueuer.addFollowUps) : null;
  return {
    queue,
    worker,
    fanout: fanoutHandler(o, enqueuer),
    enqueue: enqueuer.enqueue,
    reconcile: reconciler(o, queue, enqueuer.enqueueAll),
    close: async () => {
      await worker?.close();
      await queue.close();
    },
  };
}

/** Runs the broadcast reconciler every `intervalMs`, one pass at a time. Returns a stop function. */
export function startBroadcastReconciler(jobs: BroadcastJobs, logger: Logger, intervalMs: number): () => Promise<void> {
  return runEvery(intervalMs, () => jobs.reconcile(), (err) => logger.warn({ err: err.message }, 'broadcast reconciler pass failed'));
}
