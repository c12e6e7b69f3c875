import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { readPage, rowCount, type PageWindow } from '../shared/listing';
import type { DbOrTx } from '../../store/db';
import { broadcastRecipients, broadcasts, cadres, type Broadcast, type BroadcastRecipient, type RecipientChannel } from '../../store/schema';

export interface BroadcastProgress {
  total: number;
  /** Pending and in flight. */
  queued: number;
  sent: number;
  byChannel: Record<RecipientChannel, number>;
  /** Sent by email because Zalo could not carry it. */
  fellBackToEmail: number;
  failed: number;
  skipped: { opted_out: number; no_zalo_link: number; no_channel: number; other: number };
  cancelled: number;
}

export function broadcastProgress(db: DbOrTx, broadcastId: number): BroadcastProgress {
  const rows = db
    .select({ status: broadcastRecipients.status, channel: broadcastRecipients.channel, reason: broadcastRecipients.reason, n: count() })
    .from(broadcastRecipients)
    .where(eq(broadcastRecipients.broadcastId, broadcastId))
    .groupBy(broadcastRecipients.status, broadcastRecipients.channel, broadcastRecipients.reason)
    .all();
  const p: BroadcastProgress = {
    total: 0,
    queued: 0,
    sent: 0,
    byChannel: { zalo: 0, zalo_template: 0, email: 0 },
    fellBackToEmail: 0,
    failed: 0,
    skipped: { opted_out: 0, no_zalo_link: 0, no_channel: 0, other: 0 },
    cancelled: 0,
  };
  for (const r of rows) {
    p.total += r.n;
    if (r.status === 'pending' || r.status === 'sending') p.queued += r.n;
    else if (r.status === 'sent') {
      p.sent += r.n;
      if (r.channel) p.byChannel[r.channel] += r.n;
    } else if (r.status === 'failed') p.failed += r.n;
    else if (r.status === 'cancelled') p.cancelled += r.n;
    else if (r.status === 'skipped') {
      const key = r.reason === 'opted_out' || r.reason === 'no_zalo_link' || r.reason === 'no_channel' ? r.reason : 'other';
      p.skipped[key] += r.n;
    }
  }
  p.fellBackToEmail = p.byChannel.email;
  return p;
}

/** One page of broadcasts, newest first, and where it sits in the whole list: none silently cut. */
export function listBroadcasts(db: DbOrTx, page = 1): { items: Broadcast[]; window: PageWindow } {
  return readPage(db.select(rowCount).from(broadcasts), db.select().from(broadcasts).orderBy(desc(broadcasts.id)), page);
}

export interface RecipientResult {
  id: number;
  cadreCode: string;
  fullName: string;
  unit: string;
  status: BroadcastRecipient['status'];
  channel: BroadcastRecipient['channel'];
  reason: string | null;
  sentAt: number | null;
}

export function recipientResults(db: DbOrTx, broadcastId: number, afterId = 0, limit = 100_000): RecipientResult[] {
  return db
    .select({
      id: broadcastRecipients.id,
      cadreCode: cadres.code,
      fullName: cadres.fullName,
      unit: cadres.unit,
      status: broadcastRecipients.status,
      channel: broadcastRecipients.channel,
      reason: broadcastRecipients.reason,
      sentAt: broadcastRecipients.sentAt,
    })
    .from(broadcastRecipients)
    .innerJoin(cadres, eq(cadres.id, broadcastRecipients.cadreId))
    .where(and(eq(broadcastRecipients.broadcastId, broadcastId), sql`${broadcastRecipients.id} > ${afterId}`))
    .orderBy(asc(broadcastRecipients.id))
    .limit(limit)
    .all();
}
