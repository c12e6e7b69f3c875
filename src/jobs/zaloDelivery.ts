import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { DbOrTx, Tx } from '../store/db';
import { rowsOf, statement } from '../store/prepared';
import type { ConversationMessage, ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import type { OutMessage } from '../conversation/messages';

/**
 * Settle before resend: the one path every Zalo send takes (replies, notices, reminders, staff replies,
 * broadcasts), so a worker killed mid-send never sends again what Zalo already accepted.
 *
 * 1. Before the call, the send is written in flight (`zalo_sends`, keyed by what is being sent) and committed.
 * 2. After Zalo accepts, it is marked sent with Zalo's message id.
 * 3. A later attempt that finds it still in flight (the worker died, or the answer was lost) asks Zalo's
 *    conversation history whether a message with that content reached that user since the attempt began. If
 *    so it is marked sent and nothing is sent; only otherwise is it sent again.
 * A first attempt finds no row and pays one local write, never a history call.
 */

/** What the send looks like in the conversation history. */
export type ExpectedMessage =
  | { kind: 'text'; text: string }
  | { kind: 'template' }
  | { kind: 'request_user_info'; title: string }
  /**
   * A template sent by phone: no conversation history to read. Its delivery receipt names the send's key (our
   * tracking id) and marks it sent; an attempt left in flight with no receipt is sent again.
   */
  | { kind: 'template_by_phone' };

function expectedOf(message: OutMessage): ExpectedMessage {
  return message.type === 'text' ? { kind: 'text', text: message.text } : { kind: 'request_user_info', title: message.title };
}

export type Settlement =
  /** Never attempted (or Zalo refused the last attempt): send. */
  | { state: 'new' }
  /** Zalo has it (recorded, or found in the history now): send nothing. */
  | { state: 'sent'; messageId: string; fromHistory: boolean }
  /** The earlier attempt did not arrive: send again, re-arming the attempt that began at `startedAt`. */
  | { state: 'missing'; startedAt: number }
  /** The earlier attempt may still be under way (or Zalo may still process it): settle it after `until`. */
  | { state: 'wait'; until: number; startedAt: number };

/** Zalo's clock and ours may differ a little: the history is searched from this much before the attempt. */
const HISTORY_SKEW_MS = 30_000;
/** Pages of 10 read back at most; a reply's attempt is never more than a few messages old. */
const HISTORY_PAGES = 5;

/**
 * True when a failed call may nevertheless have reached Zalo (no answer, connection lost, HTTP 5xx): the send
 * stays in flight and is settled from the history. A refusal in Zalo's envelope or an HTTP 4xx is definite.
 */
export function mayHaveArrived(err: unknown): boolean {
  if (!(err instanceof ZaloApiError)) return true;
  return err.code >= 0 && !(err.code >= 400 && err.code < 500);
}

/**
 * Thrown when a template by phone whose answer was lost still waits for its delivery receipt: the job is to run
 * again at `until` (the receipt settles it meanwhile, or the template is sent again with the same tracking id).
 */
export class AwaitingReceipt extends Error {
  constructor(
    key: string,
    readonly until: number,
  ) {
    super(`Zalo template ${key} waits for its delivery receipt`);
    this.name = 'AwaitingReceipt';
  }
}

/** Thrown when another attempt holds the send; the job retries later and settles then. */
export class SendInFlightElsewhere extends Error {
  constructor(key: string) {
    super(`Zalo send ${key} is being attempted by another worker`);
    this.name = 'SendInFlightElsewhere';
  }
}

export interface ZaloDeliveryDeps {
  db: DbOrTx;
  clock: Clock;
  logger: Logger;
  zalo: ZaloClient;
  /**
   * An attempt younger than this may still be under way; it is settled only once older (longer than the Zalo
   * HTTP timeout, so its call has surely ended).
   */
  settleAfterMs: number;
  /**
   * A template by phone has no conversation history to read: an attempt whose answer was lost (timeout or HTTP
   * 5xx) is settled only by its delivery receipt, awaited this long from the attempt's start before sending again.
   */
  receiptWaitMs?: number;
  /**
   * Group commit for the send records (the process's CommitBatcher): concurrent sends share commits and wait
   * for a write lock held by another process without blocking the event loop. Without it they are written
   * on `db` directly.
   */
  commits?: { run<T>(fn: (tx: Tx) => T): Promise<T> };
}

/** Written in the same transaction as the record that Zalo accepted a send (e.g. the reply row's progress). */
export type AfterSent = (tx: DbOrTx, messageId: string) => void;

interface SendRow {
  status: 'in_flight' | 'sent';
  startedAt: number;
  endedAt: number | null;
  messageId: string | null;
}

function matches(m: ConversationMessage, expected: ExpectedMessage): boolean {
  if (!m.fromOa) return false;
  if (expected.kind === 'text') return m.type !== 'template' && m.text.normalize('NFC') === expected.text.normalize('NFC');
  if (expected.kind === 'template') return m.type === 'template';
  if (expected.kind === 'template_by_phone') return false;
  // How the history lists a request_user_info card is not documented: accept its title or any non-text item.
  return m.text === expected.title || (m.type !== 'text' && m.type !== 'template');
}

export class ZaloDelivery {
  constructor(private readonly deps: ZaloDeliveryDeps) {}

  private row(key: string): SendRow | undefined {
    return rowsOf<SendRow>(this.deps.db, 'SELECT status, started_at AS startedAt, ended_at AS endedAt, message_id AS messageId FROM zalo_sends WHERE key = ?').get(key);
  }

  /**
   * Marks the send in flight; call it (inside the caller's transaction if it has one) before calling Zalo.
   * `after` is what `settle` found: a new send inserts, a missing one re-arms the attempt it saw. False when
   * another attempt got there first.
   */
  begin(db: DbOrTx, key: string, zaloUserId: string, after: Settlement, now: number): boolean {
    if (after.state === 'new') {
      return (
        statement(
          db,
          `INSERT INTO zalo_sends (key, zalo_user_id, status, started_at, attempts) VALUES (?, ?, 'in_flight', ?, 1)
           ON CONFLICT (key) DO NOTHING`,
        ).run(key, zaloUserId, now).changes > 0
      );
    }
    if (after.state === 'missing' || after.state === 'wait') {
      return (
        statement(
          db,
          `UPDATE zalo_sends SET started_at = ?, ended_at = NULL, attempts = attempts + 1, zalo_user_id = ?
           WHERE key = ? AND status = 'in_flight' AND started_at = ?`,
        ).run(now, zaloUserId, key, after.startedAt).changes > 0
      );
    }
    return false;
  }

  /** Zalo accepted: records its message id (inside the caller's transaction if it has one). */
  sent(db: DbOrTx, key: string, messageId: string, now: number): void {
    statement(db, "UPDATE zalo_sends SET status = 'sent', message_id = ?, sent_at = ? WHERE key = ?").run(messageId, now, key);
  }

  /** Zalo refused for certain: nothing is in flight, so the next attempt sends without asking the history. */
  refused(db: DbOrTx, key: string): void {
    statement(db, "DELETE FROM zalo_sends WHERE key = ? AND status = 'in_flight'").run(key);
  }

  /**
   * Records how a failed call ended: a certain refusal clears the send; an HTTP 5xx answer marks the attempt
   * over (settled at once by the retry); no answer at all leaves it in flight, settled once surely over.
   */
  failed(db: DbOrTx, key: string, err: unknown, now: number): void {
    if (!mayHaveArrived(err)) return this.refused(db, key);
    if (err instanceof ZaloApiError && err.code >= 500) {
      statement(db, "UPDATE zalo_sends SET ended_at = ? WHERE key = ? AND status = 'in_flight'").run(now, key);
    }
  }

  /**
   * Where a send stands before it is (re)sent. An attempt left in flight is looked up in the conversation
   * history once it is older than `settleAfterMs` (or at once with `force`); found, it is recorded as sent.
   */
  async settle(key: string, zaloUserId: string, expected: ExpectedMessage, options: { force?: boolean } = {}): Promise<Settlement> {
    const row = this.row(key);
    if (!row) return { state: 'new' };
    if (row.status === 'sent') return { state: 'sent', messageId: row.messageId ?? '', fromHistory: false };
    const now = this.deps.clock.now();
    if (expected.kind === 'template_by_phone') {
      // Only the receipt can tell (recordDeliveryReceipt marks the row sent): wait for it, even after a 5xx answer.
      const until = row.startedAt + Math.max(this.deps.settleAfterMs, this.deps.receiptWaitMs ?? 0);
      if (now < until) return { state: 'wait', until, startedAt: row.startedAt };
    } else if (!options.force && row.endedAt === null && now - row.startedAt < this.deps.settleAfterMs) {
      return { state: 'wait', until: row.startedAt + this.deps.settleAfterMs, startedAt: row.startedAt };
    }
    const found = expected.kind === 'template_by_phone' ? null : await this.findInHistory(zaloUserId, expected, row.startedAt);
    if (found === null) {
      this.deps.logger.info({ key }, 'Zalo send left in flight did not arrive; sending again');
      return { state: 'missing', startedAt: row.startedAt };
    }
    this.sent(this.deps.db, key, found, this.deps.clock.now());
    this.deps.logger.info({ key }, 'Zalo send left in flight had arrived; settled from the conversation history');
    return { state: 'sent', messageId: found, fromHistory: true };
  }

  /**
   * The id of an OA message to this user matching `expected`, sent since the attempt began and not already
   * recorded for another send (the same text may legitimately go twice, e.g. the menu). Null when none.
   */
  private async findInHistory(zaloUserId: string, expected: ExpectedMessage, startedAt: number): Promise<string | null> {
    const since = startedAt - HISTORY_SKEW_MS;
    const known = new Set(
      (
        rowsOf<{ id: string | null }>(this.deps.db, "SELECT message_id AS id FROM zalo_sends WHERE zalo_user_id = ? AND status = 'sent' AND started_at >= ?").all(
          zaloUserId,
          since - 3600_000,
        )
      ).map((r) => r.id),
    );
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let list: ConversationMessage[];
      try {
        list = await this.deps.zalo.recentMessages(zaloUserId, 10, page * 10);
      } catch (err) {
        // No way to ask (the OA lacks the permission, say): a possible repeat is better than a lost message.
        if (err instanceof ZaloApiError && err.kind !== 'transient') {
          this.deps.logger.warn({ code: err.code }, 'conversation history unavailable; a send left in flight goes again');
          return null;
        }
        throw err;
      }
      const hit = list.find((m) => m.time >= since && matches(m, expected) && !known.has(m.messageId));
      if (hit) return hit.messageId;
      if (list.length < 10 || list.every((m) => m.time < since)) return null;
    }
    return null;
  }

  /**
   * Sends one message exactly once as the user sees it: settles an earlier attempt (waiting for a fresh one to
   * age), marks the send in flight, calls Zalo, records the answer (with `afterSent`, in one transaction).
   * Returns Zalo's message id. `afterSent` runs only when this attempt sent; not when an earlier one had.
   */
  async deliver(key: string, zaloUserId: string, expected: ExpectedMessage, call: () => Promise<string>, afterSent?: AfterSent): Promise<string> {
    let settled = await this.settle(key, zaloUserId, expected);
    if (settled.state === 'wait' && expected.kind === 'template_by_phone') throw new AwaitingReceipt(key, settled.until);
    if (settled.state === 'wait') {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(this.deps.settleAfterMs, settled.state === 'wait' ? settled.until - this.deps.clock.now() : 0))));
      settled = await this.settle(key, zaloUserId, expected, { force: true });
    }
    if (settled.state === 'sent') return settled.messageId;
    const began = settled;
    if (!(await this.write((tx) => this.begin(tx, key, zaloUserId, began, this.deps.clock.now())))) throw new SendInFlightElsewhere(key);
    let messageId: string;
    try {
      messageId = await call();
    } catch (err) {
      await this.write((tx) => this.failed(tx, key, err, this.deps.clock.now()));
      throw err;
    }
    await this.write((tx) => {
      this.sent(tx, key, messageId, this.deps.clock.now());
      afterSent?.(tx, messageId);
    });
    return messageId;
  }

  /** One write of the send records: group-committed when the process has a batcher, else on `db` at once. */
  private write<T>(fn: (tx: DbOrTx) => T): Promise<T> {
    return this.deps.commits ? this.deps.commits.run(fn) : Promise.resolve(fn(this.deps.db));
  }

  /** Sends a customer-service message through `deliver`. */
  sendMessage(key: string, zaloUserId: string, message: OutMessage, options: { buttons: boolean }, afterSent?: AfterSent): Promise<string> {
    return this.deliver(key, zaloUserId, expectedOf(message), () => this.deps.zalo.sendMessage(zaloUserId, message, options), afterSent);
  }

  /**
   * Sends an approved template by phone through `deliver`; the key doubles as Zalo's tracking id, so a send
   * made again after a lost answer carries the same one. `onQuota` hears the day's quota when Zalo reports it.
   * Throws AwaitingReceipt while an earlier attempt's receipt may still come.
   */
  sendTemplateByPhone(
    key: string,
    phone: string,
    templateId: string,
    data: Record<string, string>,
    onQuota?: (quota: { daily: number; remaining: number }) => void,
  ): Promise<string> {
    return this.deliver(key, phoneRecipient(phone), { kind: 'template_by_phone' }, async () => {
      const res = await this.deps.zalo.sendTemplateByPhone(phone, templateId, data, key);
      if (res.quota) onQuota?.(res.quota);
      return res.messageId;
    });
  }

  /** Sends an approved template message through `deliver`. */
  sendTemplate(key: string, zaloUserId: string, templateId: string, data: Record<string, string>): Promise<string> {
    return this.deliver(key, zaloUserId, { kind: 'template' }, () => this.deps.zalo.sendTemplate(zaloUserId, templateId, data));
  }
}

/**
 * When the delivery receipt settled a by-phone send whose answer was lost (recordDeliveryReceipt keeps the
 * delivery time as the attempt's end), else null: a send Zalo answered has no end time once sent.
 */
export function receiptSettledAt(db: DbOrTx, key: string): number | null {
  const r = rowsOf<{ endedAt: number | null }>(db, "SELECT ended_at AS endedAt FROM zalo_sends WHERE key = ? AND status = 'sent'").get(key);
  return r?.endedAt ?? null;
}

/** The sends of templates by phone are keyed 'phone:84…' in zalo_sends (they have no user id). */
const phoneRecipient = (phone: string) => `phone:${phone}`;

/** Forgets sends older than `before` (the reconciler keeps the table small). */
export function pruneZaloSends(db: DbOrTx, before: number): number {
  return statement(db, 'DELETE FROM zalo_sends WHERE started_at < ?').run(before).changes;
}
