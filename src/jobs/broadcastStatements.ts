import type Database from 'better-sqlite3';
import type { ReachableAccount } from '../domain/broadcasts/segments';
import type { RecipientChannel, RecipientStatus } from '../store/schema';

/**
 * The send path's SQL as prepared statements, compiled once per connection: a broadcast worker runs them
 * for every recipient, and building and preparing each query anew cost more than the Zalo call.
 * Same rules as domain/broadcasts/recipientSends.ts (claim: pending -> sending atomically; sent only from sending).
 */
export interface SendRecipientRow {
  id: number;
  broadcastId: number;
  cadreId: number;
  status: RecipientStatus;
  channel: RecipientChannel | null;
  zaloUserId: string | null;
  claimedAt: number | null;
}

export interface SendBroadcastRow {
  id: number;
  status: string;
  title: string;
  text: string;
  buttons: string;
  templateName: string | null;
}

interface AccountRow {
  id: string;
  followed: number;
  lastInteractionAt: number | null;
  broadcastOptOut: number;
}

export class SendStatements {
  private readonly s;

  constructor(sqlite: Database.Database) {
    const p = (sql: string) => sqlite.prepare(sql);
    const rows = <Row>(sql: string) => sqlite.prepare<unknown[], Row>(sql);
    this.s = {
      recipient: rows<SendRecipientRow>(`SELECT id, broadcast_id AS broadcastId, cadre_id AS cadreId, status, channel, zalo_user_id AS zaloUserId, claimed_at AS claimedAt
        FROM broadcast_recipients WHERE id = ?`),
      broadcast: rows<SendBroadcastRow>(`SELECT id, status, title, text, buttons, template_name AS templateName FROM broadcasts WHERE id = ?`),
      cadre: rows<{ email: string | null; broadcastOptOut: number; active: number }>(`SELECT email, broadcast_opt_out AS broadcastOptOut, active FROM cadres WHERE id = ?`),
      own: rows<AccountRow>(`SELECT u.id, u.followed, u.last_interaction_at AS lastInteractionAt, u.broadcast_opt_out AS broadcastOptOut
        FROM zalo_links l JOIN zalo_users u ON u.id = l.zalo_user_id WHERE l.cadre_id = ?`),
      proxy: rows<AccountRow>(`SELECT u.id, u.followed, u.last_interaction_at AS lastInteractionAt, u.broadcast_opt_out AS broadcastOptOut
        FROM proxies pr JOIN zalo_users u ON u.id = pr.zalo_user_id
        WHERE pr.cadre_id = ? AND pr.status = 'approved' AND u.broadcast_opt_out = 0 ORDER BY pr.id LIMIT 1`),
      claim: p(`UPDATE broadcast_recipients SET status = 'sending', channel = ?, zalo_user_id = ?, claimed_at = ?, attempts = attempts + 1, updated_at = ?
        WHERE id = ? AND status = 'pending'`),
      reclaim: p(`UPDATE broadcast_recipients SET status = 'sending', channel = ?, zalo_user_id = ?, claimed_at = ?, attempts = attempts + 1, updated_at = ?
        WHERE id = ? AND status = 'sending' AND claimed_at = ?`),
      channel: p(`UPDATE broadcast_recipients SET channel = ?, updated_at = ? WHERE id = ? AND status = 'sending'`),
      sent: p(`UPDATE broadcast_recipients SET status = 'sent', channel = ?, external_id = ?, sent_at = ?, reason = NULL, updated_at = ?
        WHERE id = ? AND status = 'sending'`),
      release: p(`UPDATE broadcast_recipients SET status = 'pending', claimed_at = NULL, reason = ?, updated_at = ? WHERE id = ? AND status = 'sending'`),
      note: p(`UPDATE broadcast_recipients SET reason = ?, updated_at = ? WHERE id = ? AND status = 'pending'`),
      end: p(`UPDATE broadcast_recipients SET status = ?, reason = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'sending')`),
      anyOpen: p(`SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ? AND status IN ('pending', 'sending') LIMIT 1`),
      finish: p(`UPDATE broadcasts SET status = 'done', finished_at = ?, status_changed_at = ?, updated_at = ?
        WHERE id = ? AND status = 'running' AND fanout_done = 1
          AND NOT EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ? AND status IN ('pending', 'sending'))`),
    };
  }

  recipient(id: number): SendRecipientRow | undefined {
    return this.s.recipient.get(id);
  }
  broadcast(id: number): SendBroadcastRow | undefined {
    return this.s.broadcast.get(id);
  }
  cadre(id: number): { email: string | null; broadcastOptOut: boolean; active: boolean } | undefined {
    const r = this.s.cadre.get(id);
    return r && { email: r.email, broadcastOptOut: r.broadcastOptOut === 1, active: r.active === 1 };
  }
  /** The cadre's own account, else the first approved proxy who has not opted out (as segments.broadcastAccountOf). */
  account(cadreId: number): ReachableAccount | null {
    const r = this.s.own.get(cadreId) ?? this.s.proxy.get(cadreId);
    return r ? { id: r.id, followed: r.followed === 1, lastInteractionAt: r.lastInteractionAt, broadcastOptOut: r.broadcastOptOut === 1 } : null;
  }
  claim(id: number, channel: RecipientChannel, zaloUserId: string | null, now: number, expectedClaim?: number): boolean {
    return expectedClaim === undefined
      ? this.s.claim.run(channel, zaloUserId, now, now, id).changes > 0
      : this.s.reclaim.run(channel, zaloUserId, now, now, id, expectedClaim).changes > 0;
  }
  setChannel(id: number, channel: RecipientChannel, now: number): void {
    this.s.channel.run(channel, now, id);
  }
  sent(id: number, channel: RecipientChannel, externalId: string | null, now: number): void {
    this.s.sent.run(channel, externalId, now, now, id);
  }
  release(id: number, reason: string, now: number): void {
    this.s.release.run(reason.slice(0, 300), now, id);
  }
  /** Why a pending recipient still waits (shown on the progress page); the row stays pending. */
  note(id: number, reason: string, now: number): void {
    this.s.note.run(reason, now, id);
  }
  end(id: number, status: 'skipped' | 'failed', reason: string, now: number): void {
    this.s.end.run(status, reason.slice(0, 300), now, id);
  }
  /** running -> done when nobody is left; a plain read first, since almost every call finds someone left. */
  finish(broadcastId: number, now: number): boolean {
    if (this.s.anyOpen.get(broadcastId)) return false;
    return this.s.finish.run(now, now, now, broadcastId, broadcastId).changes > 0;
  }
}
