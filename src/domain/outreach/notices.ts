import type { NoticeRef } from '../../jobs/catalog';
import { enqueue } from '../../jobs/enqueue';
import type { Db, DbOrTx } from '../../store/db';
import type { QuickReply } from '../../conversation/messages';

/**
 * A notice is something we tell a cadre on our own initiative (a reminder, "your results are ready", a
 * broadcast). Its outbox row and job carry only ids (`NoticeRef`); the text is rendered when it is sent,
 * from what SQLite holds then, and the channel is chosen then too (ZALO.md §2): a Zalo customer-service
 * message inside the 7-day window, else an approved Zalo template when one is configured, else email.
 */

export type { NoticeRef };

export interface RenderedNotice {
  /** The Zalo customer-service text, Vietnamese, short. */
  text: string;
  buttons?: QuickReply[];
  /** The email when Zalo cannot carry it; omit to skip email. Never health data. */
  email?: { subject: string; text: string };
  /**
   * An approved Zalo template (name looked up in ZALO_TEMPLATES) and its parameters; `fallback` names the template
   * used when this one has none approved (e.g. the day-before reminder with its question, else the plain reminder).
   */
  template?: { name: string; data: Record<string, string>; fallback?: string };
  /** For the cadre alone (e.g. about their proxies or their own link): approved proxies do not get it. */
  cadreOnly?: boolean;
}

/**
 * Renders a notice from current data; null when it no longer applies (e.g. the booking was cancelled),
 * which finishes the row with channel 'none'.
 */
export type NoticeRenderer = (db: Db, ref: NoticeRef, now: number) => RenderedNotice | null;
export type NoticeRenderers = Record<string, NoticeRenderer>;

/** Schedules a notice to a cadre, inside the caller's transaction. Returns the outbox id. */
export function enqueueNotice(
  tx: DbOrTx,
  notice: { cadreId: number; ref: NoticeRef; dueAt: number; subject?: string },
  now: number,
): number {
  return enqueue(tx, 'notice.cadre', { cadreId: notice.cadreId, ref: notice.ref }, { now, dueAt: notice.dueAt, subject: notice.subject });
}
