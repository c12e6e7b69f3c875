import { UnrecoverableError } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import { NoticePayload, type NoticeRenderers } from '../domain/notices';
import type { Db } from '../store/db';
import { markDone, markProgress } from '../store/outbox';
import { cadres, outbox, type OutboxRow } from '../store/schema';
import { inCustomerServiceWindow, zaloAccountsOfCadre } from '../store/zaloUsers';
import { ZaloApiError } from '../zalo/errors';
import type { ZaloDelivery } from './zaloDelivery';

export interface NoticeDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Settle-before-resend for every Zalo message of a notice. */
  delivery: ZaloDelivery;
  mailer: Mailer;
  buttons: boolean;
  renderers: NoticeRenderers;
  /** Notice template name -> approved Zalo template id. */
  templates: Record<string, string>;
  messageIdDomain: string;
}

/** Zalo refusals that mean "not by customer-service message to this user": fall back to another channel. */
function needsFallback(err: unknown): boolean {
  return err instanceof ZaloApiError && (err.kind === 'outside_window' || (err.kind === 'permanent' && [-213, -217, -227, -244].includes(err.code)));
}

function finish(deps: NoticeDeps, row: OutboxRow, channel: string, note?: string) {
  markDone(deps.db, row.id, channel, deps.clock.now());
  if (note) deps.db.update(outbox).set({ lastError: note }).where(eq(outbox.id, row.id)).run();
}

/**
 * Sends one notice to a cadre through the best channel available now, and records which one:
 * 'zalo' (customer-service message to the cadre's account or approved proxies inside the 7-day window),
 * 'zalo_template', 'email', or 'none' with the reason. Transient errors retry the whole job; `progress`
 * counts accounts already reached so a retry does not message them twice.
 */
export async function sendNotice(deps: NoticeDeps, row: OutboxRow): Promise<void> {
  const { cadreId, ref } = NoticePayload.parse(row.payload);
  const renderer = deps.renderers[ref.kind];
  if (!renderer) throw new UnrecoverableError(`no renderer for notice ${ref.kind}`);
  const now = deps.clock.now();
  const notice = renderer(deps.db, ref, now);
  if (!notice) return finish(deps, row, 'none', 'no longer applies');

  const accounts = zaloAccountsOfCadre(deps.db, cadreId);
  let reached = row.progress;
  const open = accounts.filter((a) => inCustomerServiceWindow(a, now));
  for (let i = row.progress; i < open.length; i++) {
    try {
      const account = open[i]!.id;
      const message = { type: 'text' as const, text: notice.text, buttons: notice.buttons };
      const id = await deps.delivery.sendMessage(`outbox-${row.id}-zalo-${account}`, account, message, { buttons: deps.buttons });
      reached = i + 1;
      markProgress(deps.db, row.id, reached, id, deps.clock.now());
    } catch (err) {
      if (!needsFallback(err)) throw err;
      deps.logger.info({ outboxId: row.id, code: (err as ZaloApiError).code }, 'notice falls back from customer-service message');
    }
  }
  if (reached > 0) return finish(deps, row, 'zalo');

  const templateId = notice.template ? deps.templates[notice.template.name] : undefined;
  if (templateId && notice.template && accounts.length) {
    try {
      await deps.delivery.sendTemplate(`outbox-${row.id}-template`, accounts[0]!.id, templateId, notice.template.data);
      return finish(deps, row, 'zalo_template');
    } catch (err) {
      if (!(err instanceof ZaloApiError) || err.kind === 'transient' || err.kind === 'auth') throw err;
      deps.logger.warn({ outboxId: row.id, code: err.code }, 'template notice refused; trying email');
    }
  }

  const cadre = deps.db.select({ email: cadres.email }).from(cadres).where(eq(cadres.id, cadreId)).get();
  if (notice.email && cadre?.email) {
    await deps.mailer.send({ to: cadre.email, ...notice.email, messageId: `<outbox-${row.id}@${deps.messageIdDomain}>` });
    return finish(deps, row, 'email');
  }
  return finish(deps, row, 'none', accounts.length ? 'outside Zalo window; no template or email' : 'no Zalo account and no email');
}
