import { and, desc, eq, sql } from 'drizzle-orm';
import { reply, textMessage } from '../../bot/reply';
import { applyEffects } from '../../bot/effects';
import type { CatalogContext } from '../../bot/catalog';
import { processInboundEvent, type InboundOutcome } from '../../bot/inbound';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { failedEvents, type FailedEvent } from '../../store/schema';
import type { InboundEvent } from '../../conversation/events';

/** SQLite and file-system faults that pass: Zalo should retry the delivery (answer 5xx). */
const TRANSIENT_CODES = /^(SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|NOMEM|PROTOCOL)|ENOSPC|EIO|EMFILE|ENFILE|EAGAIN)/;

export function isTransientFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.test(code);
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 8).join('\n')}` : String(err)).slice(0, 4000);

/** The short apology the user gets when their message could not be handled. */
const failedTurnText = (hotline: string) =>
  `Xin lỗi Ông/Bà, hệ thống đang gặp sự cố nên chưa xử lý được tin nhắn vừa rồi. Nhân viên sẽ kiểm tra và xử lý lại. Nếu cần gấp, xin gọi ${hotline}.`;

/**
 * Keeps an event whose turn threw (a second failure of the same event updates the row) and queues the apology
 * to the user, in one transaction. Returns the failed event's id and the outbox ids to move to the queues.
 */
export function recordFailedEvent(db: Db, inbound: InboundEvent, rawBody: string, err: unknown, now: number, hotline: string): { id: number; outboxIds: number[] } {
  return inTransaction(db, (tx) => {
    const row = tx
      .insert(failedEvents)
      .values({ dedupeKey: inbound.dedupeKey, eventName: inbound.channelEvent, zaloUserId: inbound.userId, body: rawBody, error: errorText(err), failedAt: now })
      .onConflictDoUpdate({
        target: failedEvents.dedupeKey,
        set: { error: errorText(err), status: 'failed', attempts: sql`${failedEvents.attempts} + 1`, failedAt: now },
      })
      .returning({ id: failedEvents.id })
      .get();
    const outboxIds = inbound.event.type !== 'unfollow' ? applyEffects(tx, inbound.userId, [reply(textMessage(failedTurnText(hotline)))], now) : [];
    return { id: row.id, outboxIds };
  });
}

export function listFailedEvents(db: DbOrTx, status: FailedEvent['status'] | 'all' = 'failed', limit = 200): FailedEvent[] {
  return db
    .select()
    .from(failedEvents)
    .where(status === 'all' ? undefined : eq(failedEvents.status, status))
    .orderBy(desc(failedEvents.failedAt), desc(failedEvents.id))
    .limit(limit)
    .all();
}

/**
 * Runs a failed event's turn again, as the webhook would have; `decode` reads the kept raw body as the channel
 * adapter does. On success the row is marked replayed (and the replay audited); if it throws again the row keeps the new error and the caller gets a conflict.
 */
export function replayFailedEvent(
  db: Db,
  id: number,
  actor: AuditActor,
  now: number,
  catalog: CatalogContext,
  decode: (body: string) => InboundEvent,
): InboundOutcome {
  const row = db.select().from(failedEvents).where(eq(failedEvents.id, id)).get();
  if (!row) throw new AppError('not_found', 'Không tìm thấy sự kiện lỗi.');
  if (row.status !== 'failed') throw new AppError('conflict', 'Sự kiện này đã được chạy lại.');
  const inbound = decode(row.body);
  let outcome: InboundOutcome;
  try {
    outcome = processInboundEvent(db, inbound, now, catalog);
  } catch (err) {
    db.update(failedEvents).set({ error: errorText(err), attempts: sql`${failedEvents.attempts} + 1` }).where(eq(failedEvents.id, id)).run();
    throw new AppError('conflict', 'Chạy lại vẫn lỗi; lỗi mới đã được ghi lại.', { error: err instanceof Error ? err.message : String(err) });
  }
  inTransaction(db, (tx) => {
    tx.update(failedEvents)
      .set({ status: 'replayed', replayedAt: now, replayedBy: `${actor.type}:${actor.id}` })
      .where(and(eq(failedEvents.id, id), eq(failedEvents.status, 'failed')))
      .run();
    recordAudit(tx, actor, { action: 'failed_event.replay', entity: 'failed_event', entityId: id, detail: { outcome: outcome.status } }, now);
  });
  return outcome;
}
