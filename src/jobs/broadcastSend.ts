import type Database from 'better-sqlite3';
import type { Clock } from '../clock';
import { broadcastTextAsSent } from '../domain/broadcasts/broadcasts';
import { TEMPLATE_QUOTA_HELD, templateAllowance } from '../domain/outreach/quotaPlan';
import { isQuietHour, outsideQuietHours } from '../domain/shared/quietHours';
import { planChannel, type ReachableAccount } from '../domain/broadcasts/segments';
import type { Mailer } from '../email/mailer';
import type { Logger } from '../logger';
import { inTransaction, type Db } from '../store/db';
import type { CommitBatcher } from '../store/commitBatcher';
import type { BroadcastButton, RecipientChannel } from '../store/schema';
import type { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { SendStatements, type SendBroadcastRow, type SendRecipientRow } from './broadcastStatements';
import { mayHaveArrived, SendInFlightElsewhere, type ExpectedMessage, type Settlement, type ZaloDelivery } from './zaloDelivery';
import { committeeWord } from '../domain/shared/organisation';

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

/** The send key of a broadcast to one recipient (one Zalo message whichever Zalo channel carries it). */
const broadcastSendKey = (recipientId: number) => `broadcast-${recipientId}`;

/** What one send job works on: the recipient row, its broadcast and the moment the job started. */
interface SendJob {
  deps: BroadcastSendDeps;
  st: SendStatements;
  r: SendRecipientRow;
  b: SendBroadcastRow;
  now: number;
  key: string;
  /** Ends this recipient's send until `at` (service clock). */
  later(at: number): Promise<never>;
  finish(): void;
}

/** Where the recipient's message is to go, from the cadre's channels and the broadcast's template. */
interface Route {
  cadre: { email: string | null };
  account: ReachableAccount | null;
  templateId: string | undefined;
  plan: RecipientChannel;
}

/** What a claim left by an earlier attempt leaves to do: nothing (settled or still fresh), or send again. */
async function settleEarlierClaim(job: SendJob): Promise<{ expectedClaim: number; settled: Settlement } | null> {
  const { deps, st, r, now } = job;
  const claimedAt = r.claimedAt ?? 0;
  if (now - claimedAt < deps.staleClaimMs) return job.later(claimedAt + deps.staleClaimMs + 5);
  let settled: Settlement = { state: 'new' };
  if (r.zaloUserId && (r.channel === 'zalo' || r.channel === 'zalo_template')) {
    settled = await deps.delivery.settle(job.key, r.zaloUserId, expectedMessage(job.b, r.channel));
    if (settled.state === 'wait') return job.later(settled.until + 5);
    if (settled.state === 'sent') {
      const messageId = settled.messageId;
      await deps.commits.run(() => st.sent(r.id, r.channel ?? 'zalo', messageId, deps.clock.now()));
      job.finish();
      deps.logger.info({ broadcastId: job.b.id, recipientId: r.id }, 'broadcast send settled: already delivered');
      return null;
    }
  }
  // Not in the history (or email, whose fixed Message-ID lets mail systems drop a repeat): send again.
  return { expectedClaim: claimedAt, settled };
}

const expectedMessage = (b: SendBroadcastRow, channel: RecipientChannel): ExpectedMessage =>
  channel === 'zalo_template' ? { kind: 'template' } : { kind: 'text', text: broadcastTextAsSent(b) };

/** The channel for this recipient, or null when the row was closed as skipped. */
function routeOf(job: SendJob): Route | null {
  const { deps, st, r, b, now } = job;
  const cadre = st.cadre(r.cadreId);
  if (!cadre || !cadre.active) {
    st.end(r.id, 'skipped', 'cadre_inactive', now);
    job.finish();
    return null;
  }
  const account = st.account(r.cadreId);
  const templateId = b.templateName ? deps.templates[b.templateName] : undefined;
  const plan = planChannel(cadre, account, Boolean(templateId), now);
  if (plan.channel === 'skipped') {
    st.end(r.id, 'skipped', plan.reason!, now);
    job.finish();
    return null;
  }
  return { cadre, account, templateId, plan: plan.channel };
}

/**
 * One recipient's delivery after the claim: the planned channel first, then the next rungs (template, email)
 * when Zalo refuses for certain. `settled` and `begun` track what of this send Zalo may already have.
 */
class Delivery {
  private begun: boolean;
  private readonly buttons: BroadcastButton[];
  private lastRefusal = 'no_channel';
  /** Set when the template rung waits for the next morning's quota. */
  deferUntil: number | undefined;

  constructor(
    private readonly job: SendJob,
    private readonly route: Route,
    private settled: Settlement,
  ) {
    this.begun = this.viaZalo(route.plan);
    this.buttons = JSON.parse(job.b.buttons) as BroadcastButton[];
  }

  private viaZalo(channel: RecipientChannel): boolean {
    return channel !== 'email' && this.route.account !== null;
  }

  /** Tries the channels in order until one takes the message or the row is closed; sets `deferUntil` when the quota waits. */
  async run(): Promise<void> {
    const { job, route } = this;
    const order = ['zalo', 'zalo_template', 'email'] as const;
    for (const channel of order.slice(order.indexOf(route.plan as (typeof order)[number]))) {
      if (channel === 'zalo_template' && !(route.templateId && route.account)) continue;
      if (channel === 'email' && !route.cadre.email) continue;
      if (!this.switchTo(channel)) break;
      if (this.viaZalo(channel) && !this.begun) {
        if (!job.deps.delivery.begin(job.deps.db, job.key, route.account!.id, this.settled, job.deps.clock.now())) throw new SendInFlightElsewhere(job.key);
        this.begun = true;
      }
      if (await this.attempt(channel)) return;
    }
    if (this.deferUntil === undefined) {
      job.st.end(job.r.id, 'skipped', this.lastRefusal.startsWith('zalo') ? 'no_channel' : this.lastRefusal, job.deps.clock.now());
      job.finish();
    }
  }

  /** Moves the claim to a later rung; false when the template rung has to wait for the day's quota. */
  private switchTo(channel: RecipientChannel): boolean {
    const { deps, st, r } = this.job;
    if (channel === this.route.plan) return true;
    if (channel !== 'zalo_template') {
      st.setChannel(r.id, channel, deps.clock.now());
      return true;
    }
    // Refused as a customer-service message: the template rung obeys the day's plan too, checked and taken
    // (the claim's channel set to the template, which counts it as used) in one transaction.
    const allowance = inTransaction(deps.db, () => {
      const a = templateAllowance(deps.db, 'broadcasts', deps.templateDailyQuota, deps.clock.now());
      if (a.allowed) st.setChannel(r.id, channel, deps.clock.now());
      return a;
    });
    if (!allowance.allowed) this.deferUntil = allowance.retryAt;
    return allowance.allowed;
  }

  /** Sends on one channel: true when done with the row, false to try the next channel. */
  private async attempt(channel: RecipientChannel): Promise<boolean> {
    const { deps, st, r, key } = this.job;
    try {
      const externalId = await this.sendOn(channel);
      await deps.commits.run((tx) => {
        st.sent(r.id, channel, externalId, deps.clock.now());
        if (channel !== 'email') deps.delivery.sent(tx, key, externalId, deps.clock.now());
      });
      this.job.finish();
      return true;
    } catch (err) {
      if (channel === 'email') throw err;
      deps.delivery.failed(deps.db, key, err, deps.clock.now());
      if (!mayHaveArrived(err)) {
        // Zalo refused for certain: nothing of this channel is in flight, the next one starts afresh.
        this.begun = false;
        this.settled = { state: 'new' };
      }
      if (channel === 'zalo' && needsFallback(err)) {
        this.lastRefusal = `zalo ${(err as ZaloApiError).code}`;
        return false;
      }
      if (channel === 'zalo_template' && err instanceof ZaloApiError && (err.kind === 'permanent' || err.kind === 'outside_window')) {
        this.lastRefusal = `zalo_template ${err.code}`;
        return false;
      }
      if (err instanceof ZaloApiError && err.kind === 'permanent') {
        st.end(r.id, 'failed', `zalo ${err.code}`, deps.clock.now());
        this.job.finish();
        return true;
      }
      throw err;
    }
  }

  /** The one call on the channel; returns the message id it is known by. */
  private async sendOn(channel: RecipientChannel): Promise<string> {
    const { deps, r, b } = this.job;
    const { account, templateId, cadre } = this.route;
    if (channel === 'zalo') {
      const buttons = this.buttons.length ? this.buttons : undefined;
      return deps.zalo.sendMessage(account!.id, { type: 'text', text: broadcastTextAsSent(b), buttons }, { buttons: deps.buttons });
    }
    if (channel === 'zalo_template') return deps.zalo.sendTemplate(account!.id, templateId!, { title: b.title, content: b.text.slice(0, 400) });
    const messageId = `<bc-${b.id}-${r.id}@${deps.messageIdDomain}>`;
    await deps.mailer.send({
      to: cadre.email!,
      subject: b.title,
      text: `${b.text}\n\n--\nThư này gửi tới cán bộ trong danh sách của ${committeeWord()}. Nếu không muốn nhận thông báo chung, xin báo lại cho ${committeeWord()}.`,
      messageId,
    });
    return messageId;
  }
}

/**
 * The claim (and the Zalo send in flight) committed before anything is sent: a crash after this point is
 * settled from the history. The day's plan: a broadcast may use a template only while more than its reserve
 * (half the quota) is left; the rest waits, unclaimed, for the next morning. The quota is checked inside the
 * claim's transaction and a claimed template counts as used at once, so concurrent sends can never take more
 * than the plan allows. A template claim left by an earlier attempt already holds its share of the quota.
 */
async function claim(job: SendJob, route: Route, earlier: { expectedClaim: number; settled: Settlement } | undefined): Promise<boolean> {
  const { deps, st, r, now, key } = job;
  const needsQuota = route.plan === 'zalo_template' && earlier === undefined;
  const claimed = await deps.commits.run((tx): boolean | { retryAt: number } => {
    if (needsQuota) {
      const allowance = templateAllowance(deps.db, 'broadcasts', deps.templateDailyQuota, now);
      if (!allowance.allowed) {
        st.note(r.id, TEMPLATE_QUOTA_HELD, now);
        return { retryAt: allowance.retryAt };
      }
    }
    if (!st.claim(r.id, route.plan, route.account?.id ?? null, now, earlier?.expectedClaim)) return false;
    const viaZalo = route.plan !== 'email' && route.account !== null;
    if (viaZalo && !deps.delivery.begin(tx, key, route.account!.id, earlier?.settled ?? { state: 'new' }, now)) throw new SendInFlightElsewhere(key);
    return true;
  });
  if (typeof claimed === 'object') return job.later(claimed.retryAt);
  return claimed;
}

/** A send that failed: kept for settling when Zalo may have it, else given back or closed on the last try. */
function sendFailed(job: SendJob, err: unknown, lastTry: boolean): SendOutcome {
  const { deps, st, r, b } = job;
  const message = err instanceof Error ? err.message : String(err);
  if (mayHaveArrived(err)) {
    // Keep the claim: once stale it is settled from the history (a later try, or the reconciler after the last one).
    deps.logger.warn({ broadcastId: b.id, recipientId: r.id, err: message }, 'broadcast send unanswered; will settle from history');
    return { kind: 'retry', reason: message };
  }
  if (lastTry) {
    st.end(r.id, 'failed', message, deps.clock.now());
    job.finish();
    return { kind: 'done' };
  }
  st.release(r.id, message, deps.clock.now());
  return { kind: 'retry', reason: message };
}

/** Thrown inside one recipient's send to end it until `at` (service clock). */
class Later extends Error {
  constructor(readonly at: number) {
    super('later');
  }
}

/** How one recipient's send ended: finished (sent, skipped, failed or someone else's), to run again at `at`, or to try again after a backoff. */
export type SendOutcome = { kind: 'done' } | { kind: 'later'; at: number } | { kind: 'retry'; reason: string };

/** One recipient of a broadcast, as the send batch hands it over. */
interface RecipientSend {
  recipientId: number;
  broadcast: SendBroadcastRow;
  /** No further try follows this one: a certain failure closes the row. */
  lastTry: boolean;
  /** Called when the row was closed, so the batch checks once whether the broadcast is done. */
  finished(): void;
}

/**
 * Sends one broadcast to one recipient, exactly once as the cadre sees it. The recipient row is the truth:
 * read before anything is sent, claimed atomically (pending -> sending), and marked sent right after Zalo
 * (or SMTP) accepted. A row that is already finished is left alone; a claim left by a killed worker is
 * settled from Zalo's conversation history (jobs/zaloDelivery.ts) before anything is sent again.
 * The Zalo send is marked in flight in the claim's own commit, so the settle costs a normal send nothing.
 */
export function recipientSender(deps: BroadcastSendDeps) {
  const st = new SendStatements((deps.db as Db & { $client: Database.Database }).$client);
  const sendOne = async ({ recipientId, broadcast: b, lastTry, finished }: RecipientSend): Promise<SendOutcome> => {
    const r = st.recipient(recipientId);
    // Paused: nothing is sent; resuming enqueues the pending rows again. Cancelled rows were closed by the cancel.
    if (!r || r.broadcastId !== b.id || (r.status !== 'pending' && r.status !== 'sending')) return { kind: 'done' };
    const now = deps.clock.now();
    const job: SendJob = {
      deps,
      st,
      r,
      b,
      now,
      key: broadcastSendKey(r.id),
      later: (at) => Promise.reject(new Later(at)),
      finish: finished,
    };
    if (isQuietHour(now)) return { kind: 'later', at: outsideQuietHours(now) };
    const earlier = r.status === 'sending' ? await settleEarlierClaim(job) : undefined;
    if (earlier === null) return { kind: 'done' };
    const route = routeOf(job);
    if (!route || !(await claim(job, route, earlier))) return { kind: 'done' }; // skipped, or someone else has it
    const delivery = new Delivery(job, route, earlier?.settled ?? { state: 'new' });
    try {
      await delivery.run();
    } catch (err) {
      return sendFailed(job, err, lastTry);
    }
    // Nothing of this broadcast is in flight (the customer-service refusal was certain): the claim is given back
    // and the recipient waits for the next morning's quota.
    if (delivery.deferUntil !== undefined) {
      st.release(r.id, TEMPLATE_QUOTA_HELD, deps.clock.now());
      return { kind: 'later', at: delivery.deferUntil };
    }
    return { kind: 'done' };
  };
  return {
    statements: st,
    send: (one: RecipientSend): Promise<SendOutcome> =>
      sendOne(one).catch((err: unknown) => {
        if (err instanceof Later) return { kind: 'later', at: err.at };
        throw err;
      }),
  };
}
