import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';
import { recipientSender, type BroadcastSendDeps, type SendOutcome } from './broadcastSend';
import type { SendStatements } from './broadcastStatements';

/**
 * Send jobs carry a batch of recipients of one broadcast, one rate window's worth. BullMQ's limiter lets one
 * batch through per window across every worker, and the batch's sends run together: their claims and results
 * share SQLite commits, and the queue's round trips (fetch, lock, finish, events) are paid once per batch
 * instead of once per message, which is what a throttled send used to spend most of its CPU on.
 * Exactly once still rests on each recipient row's claim, not on the job: a batch that runs twice (a stalled
 * job, a reconciler pass) finds its rows sent or claimed and sends nothing again.
 */

const SendBatchData = z.union([
  z.object({
    broadcastId: z.number().int().positive(),
    recipientIds: z.array(z.number().int().positive()).min(1),
    /** Tries already made for these recipients (a follow-up after a failure counts one more). */
    tries: z.number().int().min(0).default(0),
  }),
  // One recipient per job, as queued by earlier versions.
  z.object({ recipientId: z.number().int().positive() }),
]);

interface SendBatch {
  broadcastId: number;
  recipientIds: number[];
  tries: number;
}

/**
 * A batch job's id: its broadcast, first recipient and size, and for a follow-up what sets it apart
 * (`-t<tries>` after a failure, `-at<instant>` when it waits). Enqueueing the same batch twice adds nothing.
 */
const batchJobId = (broadcastId: number, recipientIds: number[], suffix = '') => `bc-${broadcastId}-${recipientIds[0]}x${recipientIds.length}${suffix}`;

/** How many recipients a queued send job carries, read from its id (a job of an earlier version carries one). */
export function recipientsInJob(jobId: string): number {
  const size = /^bc-\d+-\d+x(\d+)/.exec(jobId)?.[1];
  return size ? Number(size) : 1;
}

/** Whether a queued send job belongs to this broadcast (both id forms start the same way). */
export const jobOfBroadcast = (jobId: string, broadcastId: number) => jobId.startsWith(`bc-${broadcastId}-`);

interface BatchJob {
  name: string;
  data: SendBatch;
  opts: JobsOptions;
}

/** Send jobs for recipient rows of one broadcast, `size` to a job. */
export function batchJobs(broadcastId: number, recipientIds: number[], size: number, opts: JobsOptions, follow?: { tries: number; suffix: string }): BatchJob[] {
  const jobs: BatchJob[] = [];
  for (let i = 0; i < recipientIds.length; i += size) {
    const ids = recipientIds.slice(i, i + size);
    jobs.push({
      name: 'broadcast.send',
      data: { broadcastId, recipientIds: ids, tries: follow?.tries ?? 0 },
      opts: { ...opts, jobId: batchJobId(broadcastId, ids, follow?.suffix) },
    });
  }
  return jobs;
}

export interface BatchProcessorDeps extends BroadcastSendDeps {
  /** Tries of one recipient before a certain failure closes its row (RetryPolicy.attempts). */
  attempts: number;
  /** The first wait before trying again, doubled on each further try (RetryPolicy.backoffMs). */
  backoffMs: number;
  /** Queues the follow-up jobs: recipients that wait (quiet hours, the day's quota, a fresh claim) or try again. */
  addFollowUps(jobs: { broadcastId: number; recipientIds: number[]; tries: number; delayMs: number; suffix: string }[]): Promise<void>;
}

/** The batch of an earlier version's one-recipient job, or null when its row is gone. */
function legacyBatch(st: SendStatements, recipientId: number): SendBatch | null {
  const r = st.recipient(recipientId);
  return r ? { broadcastId: r.broadcastId, recipientIds: [recipientId], tries: 0 } : null;
}

/** The 'broadcast-send' processor: every recipient of the batch at once, then the follow-ups in one add. */
export function sendBatchProcessor(deps: BatchProcessorDeps) {
  const sender = recipientSender(deps);
  const st = sender.statements;
  return async (bull: Job): Promise<void> => {
    const data = SendBatchData.parse(bull.data);
    const batch = 'recipientIds' in data ? data : legacyBatch(st, data.recipientId);
    if (!batch) return;
    const broadcast = st.broadcast(batch.broadcastId);
    // Paused: the job ends; resuming enqueues the pending rows again. Cancelled rows were closed by the cancel.
    if (!broadcast || broadcast.status !== 'running') return;
    const lastTry = batch.tries + 1 >= deps.attempts;
    let closedAny = false;
    const finished = () => void (closedAny = true);
    const outcomes = await Promise.all(
      batch.recipientIds.map((recipientId) =>
        sender.send({ recipientId, broadcast, lastTry, finished }).catch((err: unknown): SendOutcome => {
          deps.logger.warn({ broadcastId: batch.broadcastId, recipientId, err: (err as Error).message }, 'broadcast send failed');
          return { kind: 'retry', reason: (err as Error).message };
        }),
      ),
    );
    // One check for the whole batch whether nobody is left, rather than one per closed row.
    if (closedAny) st.finish(broadcast.id, deps.clock.now());
    await deps.addFollowUps(followUps(deps, batch, outcomes, lastTry));
  };
}

/** Recipients that wait, grouped by when they are due; those to try again after the backoff, unless this was the last try. */
function followUps(deps: BatchProcessorDeps, batch: SendBatch, outcomes: SendOutcome[], lastTry: boolean) {
  const now = deps.clock.now();
  const waiting = new Map<number, number[]>();
  const again: number[] = [];
  outcomes.forEach((o, i) => {
    const id = batch.recipientIds[i]!;
    if (o.kind === 'later') waiting.set(o.at, [...(waiting.get(o.at) ?? []), id]);
    // After the last try a row is closed or, if Zalo may have it, left claimed for the reconciler to settle.
    else if (o.kind === 'retry' && !lastTry) again.push(id);
  });
  const jobs = [...waiting].map(([at, recipientIds]) => ({ broadcastId: batch.broadcastId, recipientIds, tries: batch.tries, delayMs: Math.max(0, at - now), suffix: `-at${at}` }));
  if (again.length) {
    const tries = batch.tries + 1;
    jobs.push({ broadcastId: batch.broadcastId, recipientIds: again, tries, delayMs: deps.backoffMs * 2 ** batch.tries, suffix: `-t${tries}` });
  }
  return jobs;
}
