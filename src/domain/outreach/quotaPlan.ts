import { and, eq, gte, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { broadcastRecipients, cadres, noticeSends, outbox, templateQuota } from '../../store/schema';
import type { NoticeRef } from './notices';
import { QUIET_END_HOUR, vietnamDate, vietnamInstant } from '../shared/quietHours';

/**
 * The daily plan for Zalo template messages: Zalo grants an OA a number a day (about 500 for a new OA), so the
 * most urgent notices must never find it spent. Each priority may use the quota only while more than its reserve
 * is left; what is held back waits for the next morning (after quiet hours).
 */

export const quotaPriorities = ['urgent', 'results', 'invitations', 'broadcasts'] as const;
export type QuotaPriority = (typeof quotaPriorities)[number];

/** Share of the day's quota kept for the priorities above each one. */
export const QUOTA_RESERVE: Record<QuotaPriority, number> = { urgent: 0, results: 0.1, invitations: 0.3, broadcasts: 0.5 };

export const QUOTA_PRIORITY_LABELS: Record<QuotaPriority, string> = {
  urgent: 'Khẩn: nhắc lịch khám ngày mai, cảnh báo',
  results: 'Thông báo kết quả',
  invitations: 'Lời mời đặt lịch',
  broadcasts: 'Tin gửi hàng loạt',
};

/** The notice kinds of invitations (campaign invitations by phone, nudges to book). */
const INVITATION_KINDS = new Set(['campaign.invitation', 'booking.nudge']);

/** A notice's priority: the day-before and same-day reminders and request updates first, results next, invitations, the rest last. */
export function priorityOf(ref: NoticeRef): QuotaPriority {
  if (ref.kind === 'booking.reminder') return ref.variant === 'T-3' ? 'results' : 'urgent';
  // Answers to what the cadre asked, and changes staff made to their exam (moved, cancelled, day closed).
  if (['request.', 'link.', 'proxy.', 'booking.by_staff', 'campaign.changed'].some((p) => ref.kind.startsWith(p))) return 'urgent';
  if (ref.kind === 'result.released') return 'results';
  if (INVITATION_KINDS.has(ref.kind)) return 'invitations';
  return 'broadcasts';
}

export interface QuotaToday {
  day: string;
  daily: number;
  used: number;
  remaining: number;
  /** True when the figures come from Zalo's own answer today, false when estimated from our sends. */
  reported: boolean;
}

/** Local midnight (Vietnam) of the day of `now`, as an instant. */
const dayStart = (now: number) => vietnamInstant(vietnamDate(now), 0);

/**
 * Template messages sent since `since` (notices by user id and by phone, broadcast templates), counting the
 * broadcast templates claimed and still in flight: a claim takes its share of the quota before Zalo is called.
 */
function templatesSentSince(db: DbOrTx, since: number): number {
  const notices = db
    .select({ n: sql<number>`count(*)` })
    .from(noticeSends)
    .where(and(inArray(noticeSends.channel, ['zalo_template', 'zalo_phone']), gte(noticeSends.sentAt, since)))
    .get()!.n;
  const broadcasts = db
    .select({ n: sql<number>`count(*)` })
    .from(broadcastRecipients)
    .where(
      and(
        eq(broadcastRecipients.channel, 'zalo_template'),
        or(
          and(eq(broadcastRecipients.status, 'sent'), gte(broadcastRecipients.sentAt, since)),
          and(eq(broadcastRecipients.status, 'sending'), gte(broadcastRecipients.claimedAt, since)),
        ),
      ),
    )
    .get()!.n;
  return notices + broadcasts;
}

/** Today's quota: Zalo's last report today less what went since, else the configured figure less today's sends. */
export function quotaToday(db: DbOrTx, configuredDaily: number, now: number): QuotaToday {
  const day = vietnamDate(now);
  const used = templatesSentSince(db, dayStart(now));
  const report = db.select().from(templateQuota).where(eq(templateQuota.day, day)).get();
  if (report) {
    const since = templatesSentSince(db, report.updatedAt + 1);
    return { day, daily: report.dailyQuota, used, remaining: Math.max(0, report.remaining - since), reported: true };
  }
  return { day, daily: configuredDaily, used, remaining: Math.max(0, configuredDaily - used), reported: false };
}

/** Keeps Zalo's figures (from a by-phone answer) for today. */
export function recordQuotaReport(db: DbOrTx, quota: { daily: number; remaining: number }, now: number): void {
  const values = { dailyQuota: quota.daily, remaining: quota.remaining, updatedAt: now };
  db.insert(templateQuota)
    .values({ day: vietnamDate(now), ...values })
    .onConflictDoUpdate({ target: templateQuota.day, set: values })
    .run();
}

/** Whether a template of this priority may go now; else when to try again (the next morning after quiet hours). */
export function templateAllowance(
  db: DbOrTx,
  priority: QuotaPriority,
  configuredDaily: number,
  now: number,
): { allowed: true; quota: QuotaToday } | { allowed: false; quota: QuotaToday; retryAt: number } {
  const quota = quotaToday(db, configuredDaily, now);
  const reserve = Math.ceil(QUOTA_RESERVE[priority] * quota.daily);
  if (quota.remaining > reserve) return { allowed: true, quota };
  const tomorrow = vietnamDate(dayStart(now) + 36 * 3600_000);
  return { allowed: false, quota, retryAt: vietnamInstant(tomorrow, QUIET_END_HOUR) };
}

export interface WaitingNotice {
  outboxId: number;
  cadreId: number;
  fullName: string;
  kind: string;
  priority: QuotaPriority;
  dueAt: number;
}

/** Notices held back by the plan and not yet sent. */
export function waitingNotices(db: DbOrTx): WaitingNotice[] {
  return db
    .select({ id: outbox.id, payload: outbox.payload, dueAt: outbox.dueAt, fullName: cadres.fullName })
    .from(outbox)
    .innerJoin(cadres, sql`${cadres.id} = json_extract(${outbox.payload}, '$.cadreId')`)
    .where(
      and(
        eq(outbox.kind, 'notice.cadre'),
        inArray(outbox.status, ['pending', 'queued', 'blocked']),
        sql`json_extract(${outbox.payload}, '$.deferredFrom') IS NOT NULL`,
      ),
    )
    .orderBy(outbox.dueAt, outbox.id)
    .all()
    .map((r) => {
      const payload = r.payload as { cadreId: number; ref: NoticeRef };
      return { outboxId: r.id, cadreId: payload.cadreId, fullName: r.fullName, kind: payload.ref.kind, priority: priorityOf(payload.ref), dueAt: r.dueAt };
    });
}

/** Why a broadcast recipient still waits: the day's template quota is kept for reminders, results and invitations. */
export const TEMPLATE_QUOTA_HELD = 'template_quota_held';

/** Broadcast recipients held back by the plan, waiting for the next morning. */
export function heldBroadcastRecipients(db: DbOrTx): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(broadcastRecipients)
    .where(and(eq(broadcastRecipients.status, 'pending'), eq(broadcastRecipients.reason, TEMPLATE_QUOTA_HELD)))
    .get()!.n;
}

/** Template sends today by priority, for the staff page. */
export function templatesTodayByKind(db: DbOrTx, now: number): { kind: string; channel: string; count: number }[] {
  return db
    .select({ kind: noticeSends.kind, channel: noticeSends.channel, count: sql<number>`count(*)` })
    .from(noticeSends)
    .where(and(inArray(noticeSends.channel, ['zalo_template', 'zalo_phone', 'deferred']), gte(noticeSends.sentAt, dayStart(now))))
    .groupBy(noticeSends.kind, noticeSends.channel)
    .all();
}
