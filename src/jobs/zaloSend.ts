import { UnrecoverableError, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db, DbOrTx } from '../store/db';
import { markDone, markProgress } from '../store/outbox';
import { outbox, type OutboxRow } from '../store/schema';
import { ZaloApiError } from '../zalo/errors';
import { fitMessages, type OutMessage } from '../conversation/messages';
import { jobCatalog } from './catalog';
import type { ZaloDelivery } from './zaloDelivery';

export interface ZaloSendDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Settle-before-resend: every part goes through it, so a retry never repeats a part Zalo accepted. */
  delivery: ZaloDelivery;
  buttons: boolean;
}

/** The send key of one part of a reply row. */
const replyPartKey = (outboxId: number, part: number) => `outbox-${outboxId}-${part}`;

/** Splits over-long texts and fits buttons, so every part is within Zalo's limits (rows stored before the rule too). */
function expandMessages(messages: OutMessage[]): OutMessage[] {
  return fitMessages(messages);
}

/** What a sensitive reply's stored text becomes once it is no longer needed. */
export const SCRUBBED_TEXT = '[Nội dung sức khỏe đã xóa khỏi hàng đợi sau khi gửi]';

/**
 * Replaces the text of a sensitive reply (it carries health data) with a placeholder, so the health data does
 * not linger in the outbox after Zalo accepted it (or after sending finally failed).
 */
function scrubSensitiveReply(db: DbOrTx, row: OutboxRow): void {
  const payload = jobCatalog['zalo.message'].payload.safeParse(row.payload);
  if (!payload.success || !payload.data.sensitive) return;
  db.update(outbox)
    .set({ payload: { userId: payload.data.userId, messages: [{ type: 'text', text: SCRUBBED_TEXT }], sensitive: true, scrubbed: true } })
    .where(eq(outbox.id, row.id))
    .run();
}

/**
 * Sends the messages of one 'zalo.message' outbox row in order. `progress` on the row records each part Zalo
 * accepted, so a retry resumes after the last acknowledged part; a part left in flight by a worker killed
 * mid-call is settled from the conversation history before anything is sent again (jobs/zaloDelivery.ts).
 */
export async function sendZaloMessage(deps: ZaloSendDeps, row: OutboxRow, job?: Pick<Job, 'attemptsMade' | 'opts'>): Promise<void> {
  const parsed = jobCatalog['zalo.message'].payload.safeParse(row.payload);
  // A row that does not parse will never parse: fail it now so the user's lane moves on to their next reply.
  if (!parsed.success) throw new UnrecoverableError(`zalo.message row ${row.id} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const payload = parsed.data;
  try {
    await sendParts(deps, row, payload);
  } catch (err) {
    const final = err instanceof UnrecoverableError || (job !== undefined && job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    if (final) scrubSensitiveReply(deps.db, row);
    throw err;
  }
}

/**
 * Sends the parts not yet acknowledged. Each part's progress is written in the transaction that records Zalo's
 * answer, and the last part's also finishes the row (and scrubs a sensitive reply): one commit per part.
 */
async function sendParts(deps: ZaloSendDeps, row: OutboxRow, payload: { userId: string; messages: OutMessage[] }): Promise<void> {
  const parts = expandMessages(payload.messages);
  const recordPart = (db: DbOrTx, i: number, messageId: string) => {
    markProgress(db, row.id, i + 1, messageId, deps.clock.now());
    if (i === parts.length - 1) finishRow(db, row, deps.clock.now());
  };
  if (row.progress >= parts.length) return finishRow(deps.db, row, deps.clock.now());
  for (let i = row.progress; i < parts.length; i++) {
    let recorded = false;
    let messageId: string;
    try {
      messageId = await deps.delivery.sendMessage(replyPartKey(row.id, i), payload.userId, parts[i]!, { buttons: deps.buttons }, (tx, id) => {
        recordPart(tx, i, id);
        recorded = true;
      });
    } catch (err) {
      if (err instanceof ZaloApiError && err.kind !== 'transient') {
        // Auth errors reach here only after the one refresh-and-resend already failed.
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
    // Sent by an earlier attempt (settled from its record or the history): record the part here.
    if (!recorded) recordPart(deps.db, i, messageId);
  }
}

function finishRow(db: DbOrTx, row: OutboxRow, now: number): void {
  markDone(db, row.id, 'zalo', now);
  scrubSensitiveReply(db, row);
}
