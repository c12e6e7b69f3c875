import { mailIdentifiersOf } from '../domain/registry/personalDataErasure';
import { eraseMailNaming } from '../email/mailbox';
import { markDone } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import { jobCatalog } from './catalog';
import type { JobDeps } from './jobDeps';

export interface MailEraseDeps extends JobDeps {
  /** The local mailbox; null when mail leaves through SMTP (nothing is kept on this machine then). */
  dir: string | null;
}

/** After a cadre's data was erased: removes the local mail files that name them (ids only in the row). */
export async function runMailErase(deps: MailEraseDeps, row: OutboxRow): Promise<void> {
  const { cadreId } = jobCatalog['mail.erase'].payload.parse(row.payload);
  const removed = deps.dir ? await eraseMailNaming(deps.dir, mailIdentifiersOf(deps.db, cadreId)) : 0;
  deps.logger.info({ outboxId: row.id, cadreId, removed }, 'mail files of an erased cadre removed');
  markDone(deps.db, row.id, deps.dir ? 'file' : 'none', deps.clock.now());
}
