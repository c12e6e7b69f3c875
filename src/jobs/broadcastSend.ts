import type Database from 'better-sqlite3';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Clock } from '../clock';
import { broadcastTextAsSent } from '../domain/broadcasts/broadcasts';
import { TEMPLATE_QUOTA_HELD, templateAllowance } from '../domain/outreach/quotaPlan';
import { isQuietHour, outsideQuietHours } from '../domain/shared/quietHours';
import { planChannel } from '../domain/broadcasts/segments';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import { inTransaction, type Db } from '../store/db';
import type { CommitBatcher } from '../store/commitBatcher';
import type { BroadcastButton, RecipientChannel } from '../store/schema';
import type { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { SendStatements } from './broadcastStatements';
import { mayHaveArrived, SendInFlightElsewhere, type ExpectedMessage, type Settlement, type ZaloDelivery } from './zaloDelivery';
import { committeeWord } from '../domain/shared/organisation';

export const BroadcastSendData = z.object({ recipientId: z.number().int().positive() });

export interface BroadcastSendDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  zalo: ZaloClient;
  /** Settle-before-resend, shared with every other Zalo send. */
  delivery: ZaloDelivery;
  mailer: Mailer;
  buttons: boolean;
  /** Template name -> approved Zalo template id (ZALO_TEMPLATES). */
  templates: Record<string, string>;
  messageIdDomain: string;
  /**
   * A claim older than this is settled: its call has surely ended (it is longer than the Zalo HTTP timeout),
   * so the conversation history tells whether it went through (the delivery's settleAfterMs).
   */
  staleClaimMs: number;
  /** Group commit: the claim and the result of concurrent sends share SQLite commits. */
  commits: CommitBatcher;
  /** The day's template quota when Zalo has not reported it (ZALO_TEMPLATE_DAILY_QUOTA). */
  templateDailyQuota: number;
}

/** The text a cadre receives on Zalo: the announcement and how to stop them. */

/** Zalo refusals that mean "not by customer-service message to this user": try the next channel. */
function needsFallback(err: unknown): boolean {
  return err instanceof ZaloApiError && (err.kind === 'outside_window' || (err.kind === 'permanent' && [-213, -217, -227, -244].includes(err.code)));
}

class Retry extends Error {}

/** The send key of a broadcast to one recipient (one Zalo message whichever Zalo channel carries it). */
export const broadcastSendKey = (recipientId: number) => `broadcast-${recipientId}`;

/**
 * Sends one broadcast to one recipient, exactly once as the cadre sees it. The recipient row is the truth:
 * read before anything is sent, claimed atomically (pending -> sending), and marked sent right after Zalo
 * (or SMTP) accepted. A job for a row that is already finished does nothing; a claim left by a killed
 * worker is settled from Zalo's conversation history (jobs/zaloDelivery.ts) before anything is sent again.
 * The Zalo send is marked in flight in the claim's own commit, so the settle costs a normal send nothing.
 */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function broadcastSendProcessor(deps: BroadcastSendDeps) {
  const st = new SendStatements((deps.db as Db & { $client: Database.Database }).$client);
  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  return async (job: Job, token?: string): Promise<void> => {
    const { recipientId } = BroadcastSendData.parse(job.data);
    const r = st.recipient(recipientId);
    if (!r || (r.status !== 'pending' && r.status !== 'sending')) return;
    const b = st.broadcast(r.broadcastId);
    // Paused: the job ends; resuming enqueues the pending rows again. Cancelled rows were closed by the cancel.
    if (!b || b.status !== 'running') return;
    const now = deps.clock.now();
    const later = async (at: number) => {
      // `at` is on the service clock; BullMQ schedules in real time, so hand it the remaining wait.
      await job.moveToDelayed(Date.now() + Math.max(0, at - now), token);
      throw new DelayedError();
    };
    if (isQuietHour(now)) return later(outsideQuietHours(now));

    const key = broadcastSendKey(r.id);
    const expected = (channel: RecipientChannel): ExpectedMessage => (channel === 'zalo_template' ? { kind: 'template' } : { kind: 'text', text: broadcastTextAsSent(b) });
    let expectedClaim: number | undefined;
    let settled: Settlement = { state: 'new' };
    if (r.status === 'sending') {
      const claimedAt = r.claimedAt ?? 0;
      if (now - claimedAt < deps.staleClaimMs) return later(claimedAt + deps.staleClaimMs + 5);
      if (r.zaloUserId && (r.channel === 'zalo' || r.channel === 'zalo_template')) {
        settled = await deps.delivery.settle(key, r.zaloUserId, expected(r.channel));
        if (settled.state === 'wait') return later(settled.until + 5);
        if (settled.state === 'sent') {
          const messageId = settled.messageId;
          await deps.commits.run(() => st.sent(r.id, r.channel ?? 'zalo', messageId, deps.clock.now()));
          st.finish(b.id, deps.clock.now());
          deps.logger.info({ broadcastId: b.id, recipientId: r.id }, 'broadcast send settled: already delivered');
          return;
        }
      }
      // Not in the history (or email, whose fixed Message-ID lets mail systems drop a repeat): send again.
      expectedClaim = claimedAt;
    }

    const cadre = st.cadre(r.cadreId);
    const finish = () => st.finish(b.id, deps.clock.now());
    if (!cadre || !cadre.active) {
      st.end(r.id, 'skipped', 'cadre_inactive', now);
      finish();
      return;
    }
    const account = st.account(r.cadreId);
    const templateId = b.templateName ? deps.templates[b.templateName] : undefined;
    const plan = planChannel(cadre, account, Boolean(templateId), now);
    if (plan.channel === 'skipped') {
      st.end(r.id, 'skipped', plan.reason!, now);
      finish();
      return;
    }
    // The day's plan: a broadcast may use a template only while more than its reserve (half the quota) is left;
    // the rest waits, unclaimed, for the next morning. The quota is checked inside the claim's transaction and a
    // claimed template counts as used at once, so concurrent sends can never take more than the plan allows.
    const held = (at: number) => templateAllowance(deps.db, 'broadcasts', deps.templateDailyQuota, at);
    // A template claim left by an earlier attempt already holds its share of the quota.
    const needsQuota = plan.channel === 'zalo_template' && expectedClaim === undefined;
    // The claim (and the Zalo send in flight) is committed before anything is sent: a crash after this point
    // is settled from the history.
    const firstChannel = plan.channel;
    const viaZalo = (channel: RecipientChannel) => channel !== 'email' && account !== null;
    const claimed = await deps.commits.run((tx): boolean | { retryAt: number } => {
      if (needsQuota) {
        const allowance = held(now);
        if (!allowance.allowed) {
          st.note(r.id, TEMPLATE_QUOTA_HELD, now);
          return { retryAt: allowance.retryAt };
        }
      }
      if (!st.claim(r.id, firstChannel, account?.id ?? null, now, expectedClaim)) return false;
      if (viaZalo(firstChannel) && !deps.delivery.begin(tx, key, account!.id, settled, now)) throw new SendInFlightElsewhere(key);
      return true;
    });
    if (typeof claimed === 'object') return later(claimed.retryAt);
    if (!claimed) return; // someone else has it
    let begun = viaZalo(firstChannel);
    const buttons = JSON.parse(b.buttons) as BroadcastButton[];

    const channels: RecipientChannel[] = (['zalo', 'zalo_template', 'email'] as const).slice(['zalo', 'zalo_template', 'email'].indexOf(plan.channel));
    const setChannel = (channel: RecipientChannel) => st.setChannel(r.id, channel, deps.clock.now());
    let lastRefusal = 'no_channel';
    let deferUntil: number | undefined;
    try {
      for (const channel of channels) {
        if (channel === 'zalo_template' && !(templateId && account)) continue;
        if (channel === 'email' && !cadre.email) continue;
        if (channel === 'zalo_template' && channel !== plan.channel) {
          // Refused as a customer-service message: the template rung obeys the day's plan too, checked and taken
          // (the claim's channel set to the template, which counts it as used) in one transaction.
          const allowance = inTransaction(deps.db, () => {
            const a = held(deps.clock.now());
            if (a.allowed) setChannel(channel);
            return a;
          });
          if (!allowance.allowed) {
            deferUntil = allowance.retryAt;
            break;
          }
        } else if (channel !== plan.channel) setChannel(channel);
        if (viaZalo(channel) && !begun) {
          if (!deps.delivery.begin(deps.db, key, account!.id, settled, deps.clock.now())) throw new SendInFlightElsewhere(key);
          begun = true;
        }
        try {
          let externalId: string;
          if (channel === 'zalo') {
            externalId = await deps.zalo.sendMessage(account!.id, { type: 'text', text: broadcastTextAsSent(b), buttons: buttons.length ? buttons : undefined }, { buttons: deps.buttons });
          } else if (channel === 'zalo_template') {
            externalId = await deps.zalo.sendTemplate(account!.id, templateId!, { title: b.title, content: b.text.slice(0, 400) });
          } else {
            externalId = `<bc-${b.id}-${r.id}@${deps.messageIdDomain}>`;
            await deps.mailer.send({
              to: cadre.email!,
              subject: b.title,
              text: `${b.text}\n\n--\nThư này gửi tới cán bộ trong danh sách của ${committeeWord()}. Nếu không muốn nhận thông báo chung, xin báo lại cho ${committeeWord()}.`,
              messageId: externalId,
            });
          }
          await deps.commits.run((tx) => {
            st.sent(r.id, channel, externalId, deps.clock.now());
            if (channel !== 'email') deps.delivery.sent(tx, key, externalId, deps.clock.now());
          });
          finish();
          return;
        } catch (err) {
          if (channel === 'email') throw err;
          deps.delivery.failed(deps.db, key, err, deps.clock.now());
          if (!mayHaveArrived(err)) {
            // Zalo refused for certain: nothing of this channel is in flight, the next one starts afresh.
            begun = false;
            settled = { state: 'new' };
          }
          if (channel === 'zalo' && needsFallback(err)) {
            lastRefusal = `zalo ${(err as ZaloApiError).code}`;
            continue;
          }
          if (channel === 'zalo_template' && err instanceof ZaloApiError && (err.kind === 'permanent' || err.kind === 'outside_window')) {
            lastRefusal = `zalo_template ${err.code}`;
            continue;
          }
          if (err instanceof ZaloApiError && err.kind === 'permanent') {
            st.end(r.id, 'failed', `zalo ${err.code}`, deps.clock.now());
            finish();
            return;
          }
          throw err;
        }
      }
      if (deferUntil === undefined) {
        st.end(r.id, 'skipped', lastRefusal.startsWith('zalo') ? 'no_channel' : lastRefusal, deps.clock.now());
        finish();
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (mayHaveArrived(err)) {
        // Keep the claim: once stale it is settled from the history (a retry, or the reconciler after the last attempt).
        deps.logger.warn({ broadcastId: b.id, recipientId: r.id, err: message }, 'broadcast send unanswered; will settle from history');
        throw new Retry(message);
      }
      if (final) {
        st.end(r.id, 'failed', message, deps.clock.now());
        finish();
        throw new UnrecoverableError(message);
      }
      st.release(r.id, message, deps.clock.now());
      throw new Retry(message);
    }
    // Nothing of this broadcast is in flight (the customer-service refusal was certain): the claim is given back
    // and the recipient waits for the next morning's quota.
    if (deferUntil !== undefined) {
      st.release(r.id, TEMPLATE_QUOTA_HELD, deps.clock.now());
      return later(deferUntil);
    }
  };
}
