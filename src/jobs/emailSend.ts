import type { Clock } from '../clock';
import type { Mailer } from '../email/mailer';
import { eq } from 'drizzle-orm';
import { markDone, markProgress } from '../store/outbox';
import type { Db } from '../store/db';
import { outbox, type OutboxRow } from '../store/schema';
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
  const { sensitive, ...mail } = jobCatalog['email.message'].payload.parse(row.payload);
  const { messageId } = await deps.mailer.send({ ...mail, messageId: `<outbox-${row.id}@${deps.messageIdDomain}>` });
  markProgress(deps.db, row.id, 1, messageId, deps.clock.now());
  markDone(deps.db, row.id, 'email', deps.clock.now());
  if (sensitive) scrubSensitiveEmail(deps.db, row.id, mail.to);
}

/** What a sent secret mail's stored text becomes. */
const SCRUBBED_MAIL_TEXT = '[Nội dung có mã bí mật đã xóa khỏi hàng đợi sau khi gửi]';

/** Replaces the subject and text of a sent mail that carried a secret, so the secret does not linger. */
function scrubSensitiveEmail(db: Db, outboxId: number, to: string): void {
  db.update(outbox)
    .set({ payload: { to, subject: SCRUBBED_MAIL_TEXT, text: SCRUBBED_MAIL_TEXT, sensitive: true, scrubbed: true } })
    .where(eq(outbox.id, outboxId))
    .run();
}
