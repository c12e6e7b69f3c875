import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { pageWindow, type PageWindow } from '../shared/listing';
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import {
  broadcastRecipients,
  broadcasts,
  cadres,
  zaloLinks,
  zaloUsers,
  type Broadcast,
  type BroadcastRecipient,
  type BroadcastStatus,
  type RecipientChannel,
} from '../../store/schema';
import { QuickReply, ZALO_TEXT_LIMIT } from '../../conversation/messages';
import { outsideQuietHours } from '../shared/quietHours';
import { countSegment, SegmentFilter, segmentIsUnfiltered, segmentPage } from './segments';

/**
 * Broadcasts: one announcement (exam round, health advice, schedule change) to a segment of cadres.
 * SQLite holds the truth: the broadcast row (status, fan-out cursor) and one row per recipient whose status
 * says whether that cadre was reached. Jobs only carry ids (src/jobs/broadcast*.ts).
 */

/** Said at the end of every broadcast on Zalo, so anyone can stop them. */
export const OPT_OUT_FOOTER = 'Để dừng nhận thông báo chung, Ông/Bà nhắn: Dừng nhận tin';
export const BROADCAST_TEXT_MAX = ZALO_TEXT_LIMIT - OPT_OUT_FOOTER.length - 2;

/** The fan-out outbox row's payload: ids only. */
export const broadcastSubject = (id: number) => `broadcast-${id}`;

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
  actor: { staffId: number | null; audit: AuditActor },
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
      createdByStaffId: actor.staffId,
      createdAt: now,
      updatedAt: now,
      statusChangedAt: now,
    })
    .returning()
    .get();
  const outboxId = outboxForFanout(tx, broadcast.id, startAt, now);
  recordAudit(tx, actor.audit, { action: 'broadcast.create', entity: 'broadcast', entityId: broadcast.id, detail: { startAt } }, now);
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

// --- fan-out ----------------------------------------------------------------------------------------------

/**
 * One fan-out step, in one transaction: the next `batch` cadres of the segment after the cursor become
 * pending recipient rows (a cadre already there is left alone), and the cursor moves on. Returns the new
 * rows' ids; `done` once the segment is exhausted. Running it twice for the same cursor adds nobody twice.
 */
export function fanoutStep(tx: DbOrTx, broadcastId: number, batch: number, now: number): { recipientIds: number[]; done: boolean; stopped: boolean } {
  const b = getBroadcast(tx, broadcastId);
  if (!b || b.status !== 'running') return { recipientIds: [], done: Boolean(b?.fanoutDone), stopped: true };
  if (b.fanoutDone) return { recipientIds: [], done: true, stopped: false };
  const segment = SegmentFilter.parse(b.segment);
  const ids = segmentPage(tx, segment, b.fanoutCursor, batch);
  const recipientIds: number[] = [];
  if (ids.length) {
    const rows = tx
      .insert(broadcastRecipients)
      .values(ids.map((cadreId) => ({ broadcastId, cadreId, createdAt: now, updatedAt: now })))
      .onConflictDoNothing()
      .returning({ id: broadcastRecipients.id })
      .all();
    for (const r of rows) recipientIds.push(r.id);
  }
  const done = ids.length < batch;
  tx.update(broadcasts)
    .set({
      ...(ids.length ? { fanoutCursor: sql`max(${broadcasts.fanoutCursor}, ${ids[ids.length - 1]!})` } : {}),
      fanoutDone: done,
      total: sql`${broadcasts.total} + ${recipientIds.length}`,
      updatedAt: now,
    })
    .where(eq(broadcasts.id, broadcastId))
    .run();
  if (done) finishIfComplete(tx, broadcastId, now);
  return { recipientIds, done, stopped: false };
}

/** scheduled -> running when the fan-out first runs. False when the broadcast was paused or cancelled meanwhile. */
export function markStarted(tx: DbOrTx, broadcastId: number, now: number): Broadcast | undefined {
  tx.update(broadcasts)
    .set({ status: 'running', startedAt: now, statusChangedAt: now, updatedAt: now })
    .where(and(eq(broadcasts.id, broadcastId), eq(broadcasts.status, 'scheduled')))
    .run();
  return getBroadcast(tx, broadcastId);
}

/** Recipients still to be sent (or in flight), in id order, after `afterId`. */
export function openRecipientIds(db: DbOrTx, broadcastId: number, afterId: number, limit: number, statuses: ('pending' | 'sending' | 'cancelled')[] = ['pending', 'sending']): number[] {
  return db
    .select({ id: broadcastRecipients.id })
    .from(broadcastRecipients)
    .where(and(eq(broadcastRecipients.broadcastId, broadcastId), inArray(broadcastRecipients.status, statuses), sql`${broadcastRecipients.id} > ${afterId}`))
    .orderBy(asc(broadcastRecipients.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

/** running -> done once the fan-out is complete and nobody is pending or in flight. */
export function finishIfComplete(tx: DbOrTx, broadcastId: number, now: number): boolean {
  return (
    tx.run(sql`UPDATE broadcasts SET status = 'done', finished_at = ${now}, status_changed_at = ${now}, updated_at = ${now}
      WHERE id = ${broadcastId} AND status = 'running' AND fanout_done = 1
        AND NOT EXISTS (SELECT 1 FROM broadcast_recipients WHERE broadcast_id = ${broadcastId} AND status IN ('pending', 'sending'))`).changes > 0
  );
}

// --- per-recipient sending --------------------------------------------------------------------------------

export function getRecipient(db: DbOrTx, id: number): BroadcastRecipient | undefined {
  return db.select().from(broadcastRecipients).where(eq(broadcastRecipients.id, id)).get();
}

/**
 * Takes the recipient for sending: pending -> sending, or a stale claim (`expected` = its claimedAt) ->
 * a fresh one. Atomic, so two workers (a stalled job and its replacement) never both send.
 */
export function claimRecipient(db: DbOrTx, id: number, channel: RecipientChannel, zaloUserId: string | null, now: number, expectedClaim?: number): boolean {
  const where =
    expectedClaim === undefined
      ? and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'pending'))
      : and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'sending'), eq(broadcastRecipients.claimedAt, expectedClaim));
  return (
    db
      .update(broadcastRecipients)
      .set({ status: 'sending', channel, zaloUserId, claimedAt: now, attempts: sql`${broadcastRecipients.attempts} + 1`, updatedAt: now })
      .where(where)
      .run().changes > 0
  );
}

/** Zalo or the SMTP server accepted: sent, with the channel and the message id. */
export function markRecipientSent(db: DbOrTx, id: number, channel: RecipientChannel, externalId: string | null, now: number): void {
  db.update(broadcastRecipients)
    .set({ status: 'sent', channel, externalId, sentAt: now, reason: null, updatedAt: now })
    .where(and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'sending')))
    .run();
}

/** Nothing was sent (a definite refusal, or a check before sending): back to pending for a retry. */
export function releaseRecipient(db: DbOrTx, id: number, reason: string, now: number): void {
  db.update(broadcastRecipients)
    .set({ status: 'pending', claimedAt: null, reason: reason.slice(0, 300), updatedAt: now })
    .where(and(eq(broadcastRecipients.id, id), eq(broadcastRecipients.status, 'sending')))
    .run();
}

/** Ends a recipient without a send: skipped (opt-out, no channel) or failed (permanent refusal). */
export function endRecipient(db: DbOrTx, id: number, status: 'skipped' | 'failed', reason: string, now: number): void {
  db.update(broadcastRecipients)
    .set({ status, reason: reason.slice(0, 300), updatedAt: now })
    .where(and(eq(broadcastRecipients.id, id), inArray(broadcastRecipients.status, ['pending', 'sending'])))
    .run();
}

// --- progress and results ---------------------------------------------------------------------------------

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
  const total = db.select({ n: count() }).from(broadcasts).get()?.n ?? 0;
  const window = pageWindow(total, page);
  const items = db.select().from(broadcasts).orderBy(desc(broadcasts.id)).limit(window.pageSize).offset(window.offset).all();
  return { items, window };
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

// --- opt-out from chat ------------------------------------------------------------------------------------

/** A turn's request to stop (false) or resume (true) broadcasts for the user's account and own cadre. */
export interface BroadcastPreferenceEffect {
  type: 'broadcastPreference';
  receive: boolean;
}

/**
 * Applies "dừng nhận tin" / "nhận tin lại" inside the turn's transaction: the flag on the Zalo user (which
 * also covers proxies and unlinked users) and, when the account is a cadre's own, on the cadre.
 */
export function applyBroadcastPreference(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: BroadcastPreferenceEffect): void {
  const optOut = !effect.receive;
  tx.update(zaloUsers).set({ broadcastOptOut: optOut, updatedAt: ctx.now }).where(eq(zaloUsers.id, ctx.zaloUserId)).run();
  const link = tx.select({ cadreId: zaloLinks.cadreId }).from(zaloLinks).where(eq(zaloLinks.zaloUserId, ctx.zaloUserId)).get();
  if (link) tx.update(cadres).set({ broadcastOptOut: optOut, updatedAt: ctx.now }).where(eq(cadres.id, link.cadreId)).run();
  recordAudit(
    tx,
    { type: 'zalo', id: ctx.zaloUserId },
    { action: optOut ? 'broadcast.opt_out' : 'broadcast.opt_in', entity: 'zalo_user', entityId: ctx.zaloUserId, detail: link ? { cadreId: link.cadreId } : {} },
    ctx.now,
  );
}
