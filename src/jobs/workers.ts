import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { getOutbox, markAttemptFailed, markFailed, releaseLane } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import { cappedBackoff, OutboxJobData, queueNames, type JobName, type QueueName } from './catalog';
import type { OutboxRelay } from './outboxRelay';

/** `token` lets a handler move its job to later (`job.moveToDelayed` then DelayedError). */
type OutboxHandler = (row: OutboxRow, job: Job, token?: string) => Promise<void>;
export type OutboxHandlers = Record<JobName, OutboxHandler>;

export interface WorkerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  relay: OutboxRelay;
  handlers: OutboxHandlers;
  concurrency: Partial<Record<QueueName, number>>;
  /** Base delay of retries (ZALO_SEND_BACKOFF_MS). */
  backoffMs: number;
  /** Job lock (OUTBOX_LOCK_MS): a killed worker's active jobs are taken up again once it has lapsed. */
  lockMs?: number;
}

/**
 * The one processor shape for every queue: load the outbox row named by the job, skip it if it is already
 * finished (so a duplicate job sends nothing), run the handler for the job name, and record failures on
 * the row. When a row finishes, the relay is kicked so the next row in the same lane can go.
 */
function outboxProcessor(deps: Omit<WorkerDeps, 'concurrency' | 'backoffMs' | 'lockMs'>) {
  return async (job: Job, token?: string): Promise<void> => {
    const { outboxId } = OutboxJobData.parse(job.data);
    const row = getOutbox(deps.db, outboxId);
    if (!row || row.status === 'done' || row.status === 'failed' || row.status === 'cancelled') return;
    const handler = deps.handlers[job.name as JobName];
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    // A reply row that finishes frees its lane's next row, if one waits: only then is there new work for the
    // relay (a relay pass per reply was a query per message under load). Other rows still kick it.
    const finished = () => {
      const released = row.lane ? releaseLane(deps.db, row.lane, deps.clock.now()) : false;
      if (released || !row.lane) deps.relay.kick();
    };
    try {
      await handler(row, job, token);
      finished();
    } catch (err) {
      // Moved to later by the handler: not a failure, the row stays as it is.
      if (err instanceof DelayedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        markFailed(deps.db, row.id, message, deps.clock.now());
        deps.logger.error({ outboxId: row.id, job: job.name, err: message }, 'outbox row failed');
        finished();
      } else {
        markAttemptFailed(deps.db, row.id, message, deps.clock.now());
        deps.logger.warn({ outboxId: row.id, job: job.name, attempt: job.attemptsMade + 1, err: message }, 'outbox row will retry');
      }
      throw err;
    }
  };
}

export function startWorkers(deps: WorkerDeps, connection: Redis, prefix: string): Worker[] {
  const processor = outboxProcessor(deps);
  return queueNames.map((name) => {
    const worker = new Worker(name, processor, {
      connection,
      prefix,
      concurrency: deps.concurrency[name] ?? 1,
      ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
      settings: { backoffStrategy: (attemptsMade, type) => cappedBackoff(attemptsMade, type, deps.backoffMs) },
    });
    worker.on('error', (err) => deps.logger.warn({ queue: name, err: err.message }, 'worker error'));
    return worker;
  });
}
