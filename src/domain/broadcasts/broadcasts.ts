import { and, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../errors';
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../../store/audit';
import { staffIdOf } from '../staff/actor';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import { broadcastRecipients, broadcasts, type Broadcast, type BroadcastStatus } from '../../store/schema';
import { QuickReply, ZALO_TEXT_LIMIT } from '../../conversation/messages';
import { outsideQuietHours } from '../shared/quietHours';
import { countSegment, SegmentFilter, segmentIsUnfiltered } from './segments';

/**
 * Broadcasts: one announcement (exam round, health advice, schedule change) to a segment of cadres.
 * SQLite holds the truth: the broadcast row (status, fan-out cursor) and one row per recipient whose status
 * says whether that cadre was reached. Jobs only carry ids (src/jobs/broadcast*.ts).
 */

/** Said at the end of every broadcast on Zalo, so anyone can stop them. */
const OPT_OUT_FOOTER = 'Để dừng nhận thông báo chung, Ông/Bà nhắn: Dừng nhận tin';
export const BROADCAST_TEXT_MAX = ZALO_TEXT_LIMIT - OPT_OUT_FOOTER.length - 2;

/** The fan-out outbox row's payload: ids only. */
const broadcastSubject = (id: number) => `broadcast-${id}`;

/** The text a cadre reads on Zalo: the broadcast and how to stop them. */
export const broadcastTextAsSent = (b: { text: string }) => `${b.text}\n\n${OPT_OUT_FOOTER}`.normalize('NFC');

export const BroadcastDraft = z.object({
  title: z.string().trim().min(3, 'tiêu đề cần ít nhất 3 ký tự').max(150),
  text: z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().min(5, 'nội dung cần ít nhất 5 ký tự').max(BROADCAST_TEXT_MAX, `nội dung tối đa ${BROADCAST_TEXT_MAX} ký tự`)),
  buttons: z.array(QuickReply.extend({ title: z.string().trim().min(1).max(30), payload: z.string().trim().min(1).max(200) })).max(4).default([]),
  templateName: z.string().trim().min(1).max(100).nullable().default(null),
  segment: SegmentFilter,
  /** Epoch ms; omitted = now. Moved out of quiet hours (21:00-07:00 Vietnam time). */
  startAt: z.number().int().positive().nullable().default(null),
});
export type BroadcastDraft = z.infer<typeof BroadcastDraft>;

export const ComposeBroadcast = BroadcastDraft.extend({
  /**
   * The recipient count staff saw on the confirm step. Nothing goes out to many people without it: a
   * segment that holds a different number now is refused, so staff look again.
   */
  confirmedRecipients: z.number({ error: 'cần số người nhận đã xác nhận' }).int().nonnegative(),
});
export type ComposeBroadcast = z.input<typeof ComposeBroadcast>;

function outboxForFanout(tx: DbOrTx, broadcastId: number, dueAt: number, now: number): number {
  return enqueue(tx, 'broadcast.fanout', { broadcastId }, { now, dueAt, subject: broadcastSubject(broadcastId) });
}

/**
 * Checks a segment before anything is sent and returns how many cadres it holds now. "Everyone" must be
 * chosen on purpose: a segment with no filter and no `everyone` is refused.
 */
function checkSegment(db: DbOrTx, segment: SegmentFilter): number {
  if (segmentIsUnfiltered(segment) && !segment.everyone) {
    throw new AppError('validation_failed', 'Chưa chọn người nhận: hãy chọn ít nhất một điều kiện, hoặc chọn rõ "Tất cả cán bộ đang quản lý".');
  }
  return countSegment(db, segment);
}

/**
 * Checks a broadcast as composed (text, template, start time, segment) without storing anything, and
 * returns it parsed with the number of cadres its segment holds now: what the confirm step shows.
 */
export function checkBroadcastDraft(
  db: DbOrTx,
  raw: z.input<typeof BroadcastDraft>,
  opts: { templates: Record<string, string>; now: number },
): { draft: BroadcastDraft; recipients: number } {
  const draft = BroadcastDraft.parse(raw);
  const { now } = opts;
  if (draft.templateName && !opts.templates[draft.templateName]) {
    throw new AppError('validation_failed', `Mẫu tin Zalo "${draft.templateName}" chưa được cấu hình (ZALO_TEMPLATES).`);
  }
  if (draft.startAt !== null && draft.startAt < now - 60_000) {
    throw new AppError('validation_failed', 'Thời điểm gửi đã qua. Vui lòng chọn thời điểm trong tương lai, hoặc gửi ngay.');
  }
  if (draft.startAt !== null && draft.startAt > now + 90 * 86_400_000) {
    throw new AppError('validation_failed', 'Chỉ hẹn gửi trong vòng 90 ngày tới.');
  }
  return { draft, recipients: checkSegment(db, draft.segment) };
}

/**
 * Creates a broadcast and schedules its fan-out at the start time moved out of quiet hours. Inside the
 * caller's transaction; returns the broadcast and the outbox id to kick after commit. Refused unless the
 * segment still holds the number of recipients staff confirmed.
 */
export function createBroadcast(
  tx: DbOrTx,
  actor: AuditActor,
  raw: z.input<typeof ComposeBroadcast>,
  opts: { templates: Record<string, string>; now: number },
): { broadcast: Broadcast; outboxId: number } {
  const { confirmedRecipients } = ComposeBroadcast.pick({ confirmedRecipients: true }).parse(raw);
  const { draft: input, recipients } = checkBroadcastDraft(tx, raw, opts);
  const { now } = opts;
  if (recipients !== confirmedRecipients) {
    throw new AppError(
      'conflict',
      `Nhóm người nhận hiện có ${recipients} người, khác với số đã xác nhận (${confirmedRecipients}). Vui lòng xem lại và xác nhận lần nữa.`,
    );
  }
  const requestedAt = input.startAt ?? now;
  const startAt = outsideQuietHours(Math.max(requestedAt, now));
  const broadcast = tx
    .insert(broadcasts)
    .values({
      title: input.title,
      text: input.text,
      buttons: input.buttons,
      templateName: input.templateName,
      segment: input.segment,
      status: 'scheduled',
      requestedAt,
      startAt,
      createdByStaffId: staffIdOf(actor),
      createdAt: now,
      updatedAt: now,
      statusChangedAt: now,
    })
    .returning()
    .get();
  const outboxId = outboxForFanout(tx, broadcast.id, startAt, now);
  recordAudit(tx, actor, { action: 'broadcast.create', entity: 'broadcast', entityId: broadcast.id, detail: { startAt } }, now);
  return { broadcast, outboxId };
}

export function getBroadcast(db: DbOrTx, id: number): Broadcast | undefined {
  return db.select().from(broadcasts).where(eq(broadcasts.id, id)).get();
}

function mustGet(tx: DbOrTx, id: number): Broadcast {
  const b = getBroadcast(tx, id);
  if (!b) throw new AppError('not_found', `Không có thông báo số ${id}.`);
  return b;
}

function setStatus(tx: DbOrTx, id: number, from: BroadcastStatus[], to: BroadcastStatus, now: number, extra: Partial<Broadcast> = {}): boolean {
  return (
    tx
      .update(broadcasts)
      .set({ status: to, statusChangedAt: now, updatedAt: now, ...extra })
      .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
      .run().changes > 0
  );
}

/** Stops sending after the messages already in flight; pending recipients wait. */
export function pauseBroadcast(tx: DbOrTx, actor: AuditActor, id: number, now: number): Broadcast {
  const b = mustGet(tx, id);
  if (!setStatus(tx, id, ['running', 'scheduled'], 'paused', now)) {
    throw new AppError('conflict', `Không thể tạm dừng thông báo đang ở trạng thái "${broadcastStatusLabels[b.status]}".`);
  }
  recordAudit(tx, actor, { action: 'broadcast.pause', entity: 'broadcast', entityId: id }, now);
  return mustGet(tx, id);
}

/**
 * Continues a paused broadcast: a fan-out job (due now, or at its start if that is still ahead) re-enqueues
 * every pending recipient. Returns the outbox id to kick.
 */
export function resumeBroadcast(tx: DbOrTx, actor: AuditActor, id: number, now: number): { broadcast: Broadcast; outboxId: number } {
  const b = mustGet(tx, id);
  const to: BroadcastStatus = b.startedAt === null ? 'scheduled' : 'running';
  if (!setStatus(tx, id, ['paused'], to, now)) {
    throw new AppError('conflict', `Chỉ tiếp tục được thông báo đang tạm dừng (hiện: "${broadcastStatusLabels[b.status]}").`);
  }
  const outboxId = outboxForFanout(tx, id, Math.max(now, b.startAt), now);
  recordAudit(tx, actor, { action: 'broadcast.resume', entity: 'broadcast', entityId: id }, now);
  return { broadcast: mustGet(tx, id), outboxId };
}

/** Cancels: no recipient still pending will be sent anything. Messages already accepted stay sent. */
export function cancelBroadcast(tx: DbOrTx, actor: AuditActor, id: number, now: number): Broadcast {
  const b = mustGet(tx, id);
  if (!setStatus(tx, id, ['scheduled', 'running', 'paused'], 'cancelled', now, { finishedAt: now })) {
    throw new AppError('conflict', `Không thể hủy thông báo đang ở trạng thái "${broadcastStatusLabels[b.status]}".`);
  }
  const cancelled = tx
    .update(broadcastRecipients)
    .set({ status: 'cancelled', reason: 'broadcast_cancelled', updatedAt: now })
    .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.status, 'pending')))
    .run().changes;
  recordAudit(tx, actor, { action: 'broadcast.cancel', entity: 'broadcast', entityId: id, detail: { cancelledRecipients: cancelled } }, now);
  return mustGet(tx, id);
}

export const broadcastStatusLabels: Record<BroadcastStatus, string> = {
  scheduled: 'Chờ gửi',
  running: 'Đang gửi',
  paused: 'Tạm dừng',
  cancelled: 'Đã hủy',
  done: 'Đã gửi xong',
};
