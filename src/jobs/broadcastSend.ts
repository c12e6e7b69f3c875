import type Database from 'better-sqlite3';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Clock } from '../clock';
import { OPT_OUT_FOOTER } from '../domain/broadcasts';
import { isQuietHour, outsideQuietHours } from '../domain/quietHours';
import { planChannel } from '../domain/segments';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import type { CommitBatcher } from '../store/commitBatcher';
import type { BroadcastButton, RecipientChannel } from '../store/schema';
import type { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { SendStatements, type SendBroadcastRow, type SendRecipientRow } from './broadcastStatements';

export const BroadcastSendData = z.object({ recipientId: z.number().int().positive() });

export interface BroadcastSendDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  zalo: ZaloClient;
  mailer: Mailer;
  buttons: boolean;
  /** Template name -> approved Zalo template id (ZALO_TEMPLATES). */
  templates: Record<string, string>;
  messageIdDomain: string;
  /**
   * A claim older than this is settled: its call has surely ended (it is longer than the Zalo HTTP timeout),
   * so the conversation history tells whether it went through.
   */
  staleClaimMs: number;
  /** Group commit: the claim and the result of concurrent sends share SQLite commits. */
  commits: CommitBatcher;
}

/** The text a cadre receives on Zalo: the announcement and how to stop them. */
export const zaloBroadcastText = (b: { text: string }) => `${b.text}\n\n${OPT_OUT_FOOTER}`.normalize('NFC');

/** Zalo refusals that mean "not by customer-service message to this user": try the next channel. */
function needsFallback(err: unknown): boolean {
  return err instanceof ZaloApiError && (err.kind === 'outside_window' || (err.kind === 'permanent' && [-213, -217, -227, -244].includes(err.code)));
}

/**
 * True when the call may have reached Zalo although we got no answer (timeout, connection lost, HTTP 5xx):
 * the recipient stays claimed and is settled from the conversation history, never blindly resent.
 */
function ambiguous(err: unknown): boolean {
  if (!(err instanceof ZaloApiError)) return true;
  return err.code >= 0 && !(err.code >= 400 && err.code < 500);
}

class Retry extends Error {}

/** Settles a stale claim: did the earlier attempt reach the user? */
async function earlierAttemptArrived(deps: BroadcastSendDeps, r: SendRecipientRow, b: SendBroadcastRow): Promise<{ arrived: boolean; id?: string } | 'unknown'> {
  if (r.channel === 'email' || !r.zaloUserId) return 'unknown';
  const since = (r.claimedAt ?? 0) - 60_000;
  const expected = zaloBroadcastText(b);
  const history = await deps.zalo.recentMessages(r.zaloUserId);
  const hit = history.find(
    (m) => m.fromOa && m.time >= since && (r.channel === 'zalo_template' ? m.type === 'template' : m.text.normalize('NFC') === expected),
  );
  return hit ? { arrived: true, id: hit.messageId } : { arrived: false };
}

/**
 * Sends one broadcast to one recipient, exactly once as the cadre sees it. The recipient row is the truth:
 * read before anything is sent, claimed atomically (pending -> sending), and marked sent right after Zalo
 * (or SMTP) accepted. A job for a row that is already finished does nothing; a claim left by a killed
 * worker is settled from Zalo's conversation history before anything is sent again.
 */
export function broadcastSendProcessor(deps: BroadcastSendDeps) {
  const st = new SendStatements((deps.db as Db & { $client: Database.Database }).$client);
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

    let expectedClaim: number | undefined;
    if (r.status === 'sending') {
      const claimedAt = r.claimedAt ?? 0;
      if (now - claimedAt < deps.staleClaimMs) return later(claimedAt + deps.staleClaimMs + 5);
      const earlier = await earlierAttemptArrived(deps, r, b);
      if (earlier !== 'unknown' && earlier.arrived) {
        st.sent(r.id, r.channel ?? 'zalo', earlier.id ?? null, deps.clock.now());
        st.finish(b.id, deps.clock.now());
        deps.logger.info({ broadcastId: b.id, recipientId: r.id }, 'broadcast send settled from history: already delivered');
        return;
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
    // The claim is committed before anything is sent: a crash after this point is settled from the history.
    const firstChannel = plan.channel;
    const claimed = await deps.commits.run(() => st.claim(r.id, firstChannel, account?.id ?? null, now, expectedClaim));
    if (!claimed) return; // someone else has it
    const buttons = JSON.parse(b.buttons) as BroadcastButton[];

    const channels: RecipientChannel[] = (['zalo', 'zalo_template', 'email'] as const).slice(['zalo', 'zalo_template', 'email'].indexOf(plan.channel));
    const setChannel = (channel: RecipientChannel) => st.setChannel(r.id, channel, deps.clock.now());
    let lastRefusal = 'no_channel';
    try {
      for (const channel of channels) {
        if (channel === 'zalo_template' && !(templateId && account)) continue;
        if (channel === 'email' && !cadre.email) continue;
        if (channel !== plan.channel) setChannel(channel);
        try {
          let externalId: string;
          if (channel === 'zalo') {
            externalId = await deps.zalo.sendMessage(account!.id, { type: 'text', text: zaloBroadcastText(b), buttons: buttons.length ? buttons : undefined }, { buttons: deps.buttons });
          } else if (channel === 'zalo_template') {
            externalId = await deps.zalo.sendTemplate(account!.id, templateId!, { title: b.title, content: b.text.slice(0, 400) });
          } else {
            externalId = `<bc-${b.id}-${r.id}@${deps.messageIdDomain}>`;
            await deps.mailer.send({
              to: cadre.email!,
              subject: b.title,
              text: `${b.text}\n\n--\nThư này gửi tới cán bộ trong danh sách của Ban. Nếu không muốn nhận thông báo chung, xin báo lại cho Ban.`,
              messageId: externalId,
            });
          }
          await deps.commits.run(() => st.sent(r.id, channel, externalId, deps.clock.now()));
          finish();
          return;
        } catch (err) {
          if (channel === 'email') throw err;
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
      st.end(r.id, 'skipped', lastRefusal.startsWith('zalo') ? 'no_channel' : lastRefusal, deps.clock.now());
      finish();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (ambiguous(err)) {
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
  };
}
