import type { Clock } from '../clock';
import type { Mailer } from '../email/mailer';
import { markDone, markProgress } from '../store/outbox';
import type { Db } from '../store/db';
import type { OutboxRow } from '../store/schema';
import { jobCatalog } from './catalog';

export interface EmailSendDeps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  /** Host part for stable Message-IDs. */
  messageIdDomain: string;
}

/**
 * Sends the mail of one 'email.message' outbox row. SMTP errors are transient (BullMQ retries with
 * backoff), so a mail server that is down for a while delays mail without losing it.
 */
export async function sendEmailMessage(deps: EmailSendDeps, row: OutboxRow): Promise<void> {
  const mail = jobCatalog['email.message'].payload.parse(row.payload);
  const { messageId } = await deps.mailer.send({ ...mail, messageId: `<outbox-${row.id}@${deps.messageIdDomain}>` });
  markProgress(deps.db, row.id, 1, messageId, deps.clock.now());
  markDone(deps.db, row.id, 'email', deps.clock.now());
}
