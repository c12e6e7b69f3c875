import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Mailer } from '../email/mailer';
import type { NoticeRenderers, RenderedNotice } from '../domain/outreach/notices';
import { NoticePayload } from './catalog';
import { priceOf, type Prices } from '../domain/outreach/prices';
import { resolveTemplate, templateData } from '../domain/outreach/templates';
import { priorityOf, quotaToday, recordQuotaReport, templateAllowance } from '../domain/outreach/quotaPlan';
import { inTransaction, type DbOrTx } from '../store/db';
import { markDone, markProgress } from '../store/outbox';
import { enqueue } from './enqueue';
import { cadres, noticeSends, outbox, type NoticeChannel, type OutboxRow, type ZaloUser } from '../store/schema';
import { inCustomerServiceWindow, recordZaloUser, zaloAccountsOfCadre } from '../store/zaloUsers';
import { ZaloApiError } from '../zalo/errors';
import type { InteractionCheck } from '../zalo/interactionCheck';
import { AwaitingReceipt, receiptSettledAt, type ZaloDelivery } from './zaloDelivery';
import type { JobDeps } from './jobDeps';

export interface NoticeDeps extends JobDeps {
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

type Template = NonNullable<ReturnType<typeof resolveTemplate>>;

/** One notice on its way to one cadre: what every rung needs. */
interface NoticeSend {
  deps: NoticeDeps;
  row: OutboxRow;
  cadreId: number;
  ref: NoticePayload['ref'];
  notice: RenderedNotice;
  now: number;
  /** The cadre's Zalo accounts (and approved proxies', unless the notice is for the cadre alone). */
  accounts: ZaloUser[];
  /** Why each rung passed over was passed over, recorded with the outcome. */
  reasons: string[];
  run?: { job: Job; token?: string };
}

const done = (n: NoticeSend, outcome: Outcome) => inTransaction(n.deps.db, (tx) => finish(n.deps, tx, n.row, n.cadreId, n.ref.kind, outcome, n.reasons));

/** 1. A customer-service message to each account inside the 7-day window; true when one took it. */
async function viaCustomerService(n: NoticeSend): Promise<boolean> {
  const { deps, row, notice, now, accounts } = n;
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
    done(n, {
      channel: 'zalo',
      zaloUserId: open[0]!.id,
      messageId: lastId ?? row.externalId ?? undefined,
      costVnd: open.slice(0, reached).reduce((sum, a) => sum + priceOf(deps.prices, 'zalo', { sinceInteractionMs: now - (a.lastInteractionAt ?? 0) }), 0),
    });
    return true;
  }
  n.reasons.push(!accounts.length ? 'no Zalo account linked' : open.length ? 'customer-service message refused' : 'outside the 7-day window');
  return false;
}

/** The notice's approved template, or its fallback; the reason when neither is approved. */
function approvedTemplate(n: NoticeSend): Template | null {
  const { deps, notice, reasons } = n;
  const wanted = notice.template;
  const template = wanted
    ? (resolveTemplate(deps.db, deps.templates, wanted.name) ?? (wanted.fallback ? resolveTemplate(deps.db, deps.templates, wanted.fallback) : null))
    : null;
  if (!wanted) reasons.push('no template for this notice');
  else if (!template) reasons.push(`no approved template "${[wanted.name, wanted.fallback].filter(Boolean).join('" or "')}"`);
  else if (template.name !== wanted.name) reasons.push(`no approved template "${wanted.name}"; "${template.name}" used`);
  return template;
}

/** The day's plan: a template of this priority goes only while more than its reserve is left; else the notice waits. */
function deferredForQuota(n: NoticeSend): boolean {
  const { deps, row, cadreId, ref, now, reasons } = n;
  const priority = priorityOf(ref);
  const allowance = templateAllowance(deps.db, priority, deps.templateDailyQuota, now);
  if (allowance.allowed) return false;
  const { quota } = allowance;
  reasons.push(`template quota kept for more urgent notices (${quota.remaining} of ${quota.daily} left; ${priority} waits)`);
  inTransaction(deps.db, (tx) => {
    enqueue(tx, 'notice.cadre', { cadreId, ref, deferredFrom: row.id }, { now, dueAt: allowance.retryAt, subject: row.subject });
    finish(deps, tx, row, cadreId, ref.kind, { channel: 'deferred' }, reasons);
  });
  deps.logger.info({ outboxId: row.id, priority }, 'notice waits for the next day\'s template quota');
  return true;
}

/** 2. The template by user id, to an account that interacted within a year; true when Zalo took it. */
async function viaTemplateByUser(n: NoticeSend, template: Template, data: Record<string, string>, recent: ZaloUser | undefined): Promise<boolean> {
  const { deps, row, accounts, reasons } = n;
  if (!template.byUserId) reasons.push('template by user id: approved before 2025-12-10');
  else if (!recent) {
    if (accounts.length) reasons.push('template by user id: no interaction within a year');
  } else {
    try {
      const messageId = await deps.delivery.sendTemplate(`outbox-${row.id}-template`, recent.id, template.templateId, data);
      done(n, { channel: 'zalo_template', templateId: template.templateId, zaloUserId: recent.id, messageId, costVnd: priceOf(deps.prices, 'zalo_template') });
      return true;
    } catch (err) {
      if (!isRefusal(err)) throw err;
      reasons.push(`template by user id ${templateRefusal(err)}`);
      deps.logger.warn({ outboxId: row.id, code: err.code }, 'template by user id refused; trying the next channel');
    }
  }
  return false;
}

/** 3. The template by the registry phone; true when Zalo took it. */
async function viaTemplateByPhone(n: NoticeSend, template: Template, data: Record<string, string>, phone: string): Promise<boolean> {
  const { deps, row, now, reasons, run } = n;
  const key = `outbox-${row.id}-phone`;
  // Zalo's figure is kept after the send is recorded, so the count of sends since the report leaves this one out.
  let reported: { daily: number; remaining: number } | undefined;
  try {
    const messageId = await deps.delivery.sendTemplateByPhone(key, phone, template.templateId, data, (quota) => void (reported = quota));
    const costVnd = priceOf(deps.prices, 'zalo_phone');
    done(n, { channel: 'zalo_phone', templateId: template.templateId, phone, trackingId: key, messageId, costVnd, deliveredAt: receiptSettledAt(deps.db, key) });
    if (reported) recordQuotaReport(deps.db, reported, deps.clock.now());
    return true;
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
    return false;
  }
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
export async function sendNotice(deps: NoticeDeps, row: OutboxRow, run?: { job: Job; token?: string }): Promise<void> {
  const { cadreId, ref } = NoticePayload.parse(row.payload);
  const renderer = deps.renderers[ref.kind];
  if (!renderer) throw new UnrecoverableError(`no renderer for notice ${ref.kind}`);
  const now = deps.clock.now();
  const notice = renderer(deps.db, ref, now);
  if (!notice) return void inTransaction(deps.db, (tx) => finish(deps, tx, row, cadreId, ref.kind, { channel: 'none' }, ['no longer applies']));

  const accounts = await checkedAccounts(deps, zaloAccountsOfCadre(deps.db, cadreId, !notice.cadreOnly), now);
  const n: NoticeSend = { deps, row, cadreId, ref, notice, now, accounts, reasons: [], run };
  if (await viaCustomerService(n)) return;

  // 2 and 3. The notice's approved template, by user id, then by phone.
  const cadre = deps.db.select({ email: cadres.email, phone: cadres.phone }).from(cadres).where(eq(cadres.id, cadreId)).get();
  const template = approvedTemplate(n);
  const recent = accounts.find((a) => a.lastInteractionAt !== null && now - a.lastInteractionAt < TEMPLATE_BY_USER_WINDOW_MS);
  if (template && ((template.byUserId && recent) || cadre?.phone) && deferredForQuota(n)) return;
  if (template && notice.template) {
    const data = templateData(template, notice.template.data);
    if (await viaTemplateByUser(n, template, data, recent)) return;
    if (!cadre?.phone) n.reasons.push('template by phone: no phone in the registry');
    else if (await viaTemplateByPhone(n, template, data, cadre.phone)) return;
  }

  // 4. Email.
  if (notice.email && cadre?.email) {
    await deps.mailer.send({ to: cadre.email, ...notice.email, messageId: `<outbox-${row.id}@${deps.messageIdDomain}>` });
    return void done(n, { channel: 'email', costVnd: priceOf(deps.prices, 'email') });
  }
  n.reasons.push(notice.email ? 'no email' : 'no email version');
  done(n, { channel: 'none' });
}
