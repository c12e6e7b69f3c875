import type { DbOrTx } from '../store/db';
// eslint-disable-next-line no-restricted-imports -- the one writer of outbox rows: every other module enqueues by job name
import { insertOutbox } from '../store/outbox';
import type { OutMessage } from '../conversation/messages';
import type { JobName, JobPayloadInput } from './catalog';

export interface EnqueueOptions {
  /** The transaction's clock reading (the row's created time). */
  now: number;
  /** When the job may run; now when omitted. */
  dueAt?: number;
  /** Rows with the same lane are released one at a time, in id order. */
  lane?: string;
  /** What the row is about (e.g. 'booking-12'), for cancelling timed rows when it changes. */
  subject?: string | null;
}

/**
 * Writes the outbox row of one job inside the caller's transaction; the relay hands it to BullMQ after commit.
 * The job's name and payload are checked against the catalog by the compiler. Returns the outbox id.
 */
export function enqueue<N extends JobName>(tx: DbOrTx, name: N, payload: JobPayloadInput<N>, opts: EnqueueOptions): number {
  return insertOutbox(tx, { kind: name, payload, lane: opts.lane ?? null, subject: opts.subject ?? null, dueAt: opts.dueAt ?? opts.now }, opts.now);
}

/** The lane of one Zalo user: their messages go out one row at a time, in order (DESIGN principle 4). */
export const userLane = (zaloUserId: string) => `zalo-${zaloUserId}`;

/**
 * Messages to one Zalo user, sent in order as one job on the user's lane. `sensitive` marks a reply carrying
 * health data: its text is scrubbed from the outbox once Zalo has it.
 */
export function sendToUser(
  tx: DbOrTx,
  zaloUserId: string,
  messages: OutMessage[],
  opts: { now: number; dueAt?: number; sensitive?: boolean },
): number {
  return enqueue(
    tx,
    'zalo.message',
    { userId: zaloUserId, messages, ...(opts.sensitive ? { sensitive: true } : {}) },
    { now: opts.now, dueAt: opts.dueAt, lane: userLane(zaloUserId) },
  );
}
