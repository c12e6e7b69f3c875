import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import type { NoticeRenderers } from '../domain/outreach/notices';
import { NoticePayload } from './catalog';
import { priceOf, type Prices } from '../domain/outreach/prices';
import { resolveTemplate, templateData } from '../domain/outreach/templates';
import { priorityOf, quotaToday, recordQuotaReport, templateAllowance } from '../domain/outreach/quotaPlan';
import { inTransaction, type Db, type DbOrTx } from '../store/db';
import { markDone, markProgress } from '../store/outbox';
import { enqueue } from './enqueue';
import { cadres, noticeSends, outbox, type NoticeChannel, type OutboxRow, type ZaloUser } from '../store/schema';
import { inCustomerServiceWindow, recordZaloUser, zaloAccountsOfCadre } from '../store/zaloUsers';
import { ZaloApiError } from '../zalo/errors';
import type { InteractionCheck } from '../zalo/interactionCheck';
import { AwaitingReceipt, receiptSettledAt, type ZaloDelivery } from './zaloDelivery';

export interface NoticeDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Settle-before-resend for every Zalo message of a notice. */
  delivery: ZaloDelivery;
  mailer: Mailer;
  buttons: boolean;
  renderers: NoticeRenderers;
  /** Notice template name -> approved Zalo template id (ZALO_TEMPLATES); the templates page overrides it. */
  templates: Record<string, string>;
  messageIdDomain: string;
  prices: Prices;
  /** Zalo's view of the 7-day window (the quota call), cached briefly; absent: the events alone decide. */
  interactions?: InteractionCheck;
  /** Template messages a day until Zalo reports its own figure (ZALO_TEMPLATE_DAILY_QUOTA). */
  templateDailyQuota: number;
}

/** Zalo accepts a template by user id from users who interacted with the OA within a year (ZALO.md §7). */
export const TEMPLATE_BY_USER_WINDOW_MS = 365 * 24 * 3600_000;

/** Zalo refusals that mean "not by customer-service message to this user": fall back to another channel. */
function needsFallback(err: unknown): boolean {
  return err instanceof ZaloApiError && (err.kind === 'outside_window' || (err.kind === 'permanent' && [-213, -217, -227, -244].includes(err.code)));
}

/** A refusal that the next rung may get round; a passing fault or a refused token retries the whole job instead. */
function isRefusal(err: unknown): err is ZaloApiError {
  return err instanceof ZaloApiError && err.kind !== 'transient' && err.kind !== 'auth';
}

/** Why a template was refused, in a few words for the notice's record. */
function templateRefusal(err: ZaloApiError): string {
  if (err.code === -118 || err.code === -119) return `phone has no Zalo account (${err.code})`;
  if (err.kind === 'quota') return `template quota spent (${err.code})`;
  if (err.kind === 'config') return `template not approved or not allowed (${err.code})`;
  if (err.code === -112 || err.code === -111 || err.code === -201) return `template parameters invalid (${err.code})`;
  return `refused (${err.code})`;
}

interface Outcome {
  channel: NoticeChannel;
  templateId?: string;
  zaloUserId?: string;
  phone?: string;
  trackingId?: string;
  messageId?: string;
  costVnd?: number;
  /** A template by phone whose lost answer was settled by its delivery receipt: delivered then. */
  deliveredAt?: number | null;
}

/** Finishes the row and records how the notice went, inside the caller's transaction. */
function finish(deps: NoticeDeps, tx: DbOrTx, row: OutboxRow, cadreId: number, kind: string, outcome: Outcome, reasons: string[]) {
  const now = deps.clock.now();
  const reason = reasons.length ? reasons.join('; ').slice(0, 500) : null;
  markDone(tx, row.id, outcome.channel, now);
  // The reason stays on the row only where no Zalo channel carried the notice (outbox pages show it).
  if (reason && !['zalo', 'zalo_template', 'zalo_phone'].includes(outcome.channel)) tx.update(outbox).set({ lastError: reason }).where(eq(outbox.id, row.id)).run();
  const values = {
    cadreId,
    kind,
    channel: outcome.channel,
    templateId: outcome.templateId ?? null,
    zaloUserId: outcome.zaloUserId ?? null,
    phone: outcome.phone ?? null,
    trackingId: outcome.trackingId ?? null,
    messageId: outcome.messageId ?? null,
    costVnd: outcome.costVnd ?? 0,
    reason,
    sentAt: now,
    ...(outcome.deliveredAt ? { deliveredAt: outcome.deliveredAt } : {}),
  };
  tx.insert(noticeSends)
    .values({ outboxId: row.id, ...values })
    .onConflictDoUpdate({ target: noticeSends.outboxId, set: values })
    .run();
}

/** Our record of each account, corrected by Zalo's own last-interaction time where Zalo gives one. */
async function checkedAccounts(deps: NoticeDeps, accounts: ZaloUser[], now: number): Promise<ZaloUser[]> {
  if (!deps.interactions) return accounts;
  const checked: ZaloUser[] = [];
  for (const account of accounts) {
    const zaloSays = await deps.interactions.lastInteraction(account.id);
    if (zaloSays === null || zaloSays === account.lastInteractionAt) {
      checked.push(account);
      continue;
    }
    if (zaloSays > (account.lastInteractionAt ?? 0)) recordZaloUser(deps.db, { id: account.id, interactedAt: zaloSays }, now);
    checked.push({ ...account, lastInteractionAt: zaloSays });
  }
  return checked;
}

/**
 * Sends one notice to a cadre through the best channel available now, and records which one, with the
 * template and the estimated cost (notice_sends):
 * 1. 'zalo': a customer-service message to the cadre's accounts (or approved proxies) inside the 7-day window;
 * 2. 'zalo_template': the notice's approved template by user id, to an account that interacted within a year;
 * 3. 'zalo_phone': the same template by the registry phone;
 * 4. 'email'; 5. 'none', with the reason each rung was passed over.
 * Each rung is tried when the one above is unavailable or refused. Transient errors retry the whole job; the
 * sends already accepted are settled, never repeated (`progress`, zalo_sends).
 */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export async function sendNotice(deps: NoticeDeps, row: OutboxRow, run?: { job: Job; token?: string }): Promise<void> {
  const { cadreId, ref } = NoticePayload.parse(row.payload);
  // Zalo's figure is kept after the send is recorded, so the count of sends since the report leaves this one out.
  let reported: { daily: number; remaining: number } | undefined;
  const onTemplateQuota = (quota: { daily: number; remaining: number }) => void (reported = quota);
  const renderer = deps.renderers[ref.kind];
  if (!renderer) throw new UnrecoverableError(`no renderer for notice ${ref.kind}`);
  const now = deps.clock.now();
  const notice = renderer(deps.db, ref, now);
  const done = (outcome: Outcome, reasons: string[] = []) => inTransaction(deps.db, (tx) => finish(deps, tx, row, cadreId, ref.kind, outcome, reasons));
  if (!notice) return done({ channel: 'none' }, ['no longer applies']);

  const reasons: string[] = [];
  const accounts = await checkedAccounts(deps, zaloAccountsOfCadre(deps.db, cadreId, !notice.cadreOnly), now);

  // 1. Customer-service message inside the window.
  let reached = row.progress;
  let lastId: string | undefined;
  const open = accounts.filter((a) => inCustomerServiceWindow(a, now));
  for (let i = row.progress; i < open.length; i++) {
    try {
      const account = open[i]!.id;
      const message = { type: 'text' as const, text: notice.text, buttons: notice.buttons };
      lastId = await deps.delivery.sendMessage(`outbox-${row.id}-zalo-${account}`, account, message, { buttons: deps.buttons });
      reached = i + 1;
      markProgress(deps.db, row.id, reached, lastId, deps.clock.now());
    } catch (err) {
      if (!needsFallback(err)) throw err;
      deps.logger.info({ outboxId: row.id, code: (err as ZaloApiError).code }, 'notice falls back from customer-service message');
    }
  }
  if (reached > 0) {
    const first = open[0]!;
    return done({
      channel: 'zalo',
      zaloUserId: first.id,
      messageId: lastId ?? row.externalId ?? undefined,
      costVnd: open.slice(0, reached).reduce((sum, a) => sum + priceOf(deps.prices, 'zalo', { sinceInteractionMs: now - (a.lastInteractionAt ?? 0) }), 0),
    });
  }
  reasons.push(!accounts.length ? 'no Zalo account linked' : open.length ? 'customer-service message refused' : 'outside the 7-day window');

  // 2 and 3. The notice's approved template, by user id, then by phone.
  const cadre = deps.db.select({ email: cadres.email, phone: cadres.phone }).from(cadres).where(eq(cadres.id, cadreId)).get();
  const wanted = notice.template;
  const template = wanted
    ? (resolveTemplate(deps.db, deps.templates, wanted.name) ?? (wanted.fallback ? resolveTemplate(deps.db, deps.templates, wanted.fallback) : null))
    : null;
  if (!wanted) reasons.push('no template for this notice');
  else if (!template) reasons.push(`no approved template "${[wanted.name, wanted.fallback].filter(Boolean).join('" or "')}"`);
  else if (template.name !== wanted.name) reasons.push(`no approved template "${wanted.name}"; "${template.name}" used`);
  const recent = accounts.find((a) => a.lastInteractionAt !== null && now - a.lastInteractionAt < TEMPLATE_BY_USER_WINDOW_MS);
  if (template && ((template.byUserId && recent) || cadre?.phone)) {
    // The day's plan: a template of this priority goes only while more than its reserve is left.
    const priority = priorityOf(ref);
    const allowance = templateAllowance(deps.db, priority, deps.templateDailyQuota, now);
    if (!allowance.allowed) {
      const { quota } = allowance;
      reasons.push(`template quota kept for more urgent notices (${quota.remaining} of ${quota.daily} left; ${priority} waits)`);
      inTransaction(deps.db, (tx) => {
        enqueue(tx, 'notice.cadre', { cadreId, ref, deferredFrom: row.id }, { now, dueAt: allowance.retryAt, subject: row.subject });
        finish(deps, tx, row, cadreId, ref.kind, { channel: 'deferred' }, reasons);
      });
      deps.logger.info({ outboxId: row.id, priority }, 'notice waits for the next day\'s template quota');
      return;
    }
  }
  if (template && notice.template) {
    const data = templateData(template, notice.template.data);
    if (!template.byUserId) reasons.push('template by user id: approved before 2025-12-10');
    else if (!recent) {
      if (accounts.length) reasons.push('template by user id: no interaction within a year');
    } else {
      try {
        const messageId = await deps.delivery.sendTemplate(`outbox-${row.id}-template`, recent.id, template.templateId, data);
        return done({ channel: 'zalo_template', templateId: template.templateId, zaloUserId: recent.id, messageId, costVnd: priceOf(deps.prices, 'zalo_template') }, reasons);
      } catch (err) {
        if (!isRefusal(err)) throw err;
        reasons.push(`template by user id ${templateRefusal(err)}`);
        deps.logger.warn({ outboxId: row.id, code: err.code }, 'template by user id refused; trying the next channel');
      }
    }
    if (!cadre?.phone) reasons.push('template by phone: no phone in the registry');
    else {
      const key = `outbox-${row.id}-phone`;
      try {
        const messageId = await deps.delivery.sendTemplateByPhone(key, cadre.phone, template.templateId, data, onTemplateQuota);
        done(
          {
            channel: 'zalo_phone',
            templateId: template.templateId,
            phone: cadre.phone,
            trackingId: key,
            messageId,
            costVnd: priceOf(deps.prices, 'zalo_phone'),
            deliveredAt: receiptSettledAt(deps.db, key),
          },
          reasons,
        );
        if (reported) recordQuotaReport(deps.db, reported, deps.clock.now());
        return;
      } catch (err) {
        if (err instanceof AwaitingReceipt && run) {
          // An earlier attempt's answer was lost: its receipt may still come. Run again then, not before.
          deps.logger.info({ outboxId: row.id }, 'template by phone waits for the receipt of a lost answer');
          await run.job.moveToDelayed(Date.now() + Math.max(0, err.until - deps.clock.now()), run.token);
          throw new DelayedError();
        }
        if (!isRefusal(err)) throw err;
        reasons.push(`template by phone ${templateRefusal(err)}`);
        // Zalo says the day's quota is spent: the plan holds back everything but the urgent until tomorrow.
        if (err.kind === 'quota') recordQuotaReport(deps.db, { daily: quotaToday(deps.db, deps.templateDailyQuota, now).daily, remaining: 0 }, deps.clock.now());
        deps.logger.warn({ outboxId: row.id, code: err.code }, 'template by phone refused; trying email');
      }
    }
  }

  // 4. Email.
  if (notice.email && cadre?.email) {
    await deps.mailer.send({ to: cadre.email, ...notice.email, messageId: `<outbox-${row.id}@${deps.messageIdDomain}>` });
    return done({ channel: 'email', costVnd: priceOf(deps.prices, 'email') }, reasons);
  }
  reasons.push(notice.email ? 'no email' : 'no email version');
  return done({ channel: 'none' }, reasons);
}
