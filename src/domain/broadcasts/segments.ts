import { and, asc, count, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../errors';
import { categoryLabels } from '../registry/registryColumns';
import { z } from 'zod';
import type { DbOrTx } from '../../store/db';
import {
  bookings,
  cadreCategories,
  cadres,
  campaignHoldStatuses,
  campaigns,
  clinics,
  healthClasses,
  proxies,
  zaloLinks,
  zaloUsers,
  type Campaign,
} from '../../store/schema';
import { inCustomerServiceWindow } from '../../store/zaloUsers';
import { allowedCodesText, classCodes, type ClassSchemeId } from '../results/classification';

/**
 * A segment: which active cadres a broadcast goes to. Every list left empty means "any". Filters combine
 * with AND; values inside one list combine with OR.
 */
export const SegmentFilter = z.object({
  categories: z.array(z.enum(cadreCategories)).max(cadreCategories.length).default([]),
  units: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  clinicIds: z.array(z.number().int().positive()).max(200).default([]),
  /** 'none' = not yet classified. */
  healthClasses: z.array(z.enum([...healthClasses, 'none'])).max(healthClasses.length + 1).default([]),
  /** Cadres eligible for this exam campaign (category) who have no booking in it yet. */
  campaignNotBooked: z.number().int().positive().nullable().default(null),
  /** Only cadres with a verified Zalo account of their own. */
  linkedOnly: z.boolean().default(false),
  /** Staff chose "every managed cadre" on purpose; an unfiltered segment without it is refused. */
  everyone: z.boolean().default(false),
});
export type SegmentFilter = z.infer<typeof SegmentFilter>;

/**
 * A segment picks classes of the committee's scheme only ("none" = not classified). Stored segments keep whatever
 * they were sent with, so the schema reads both schemes; a new or previewed one is checked here.
 */
export function checkSegmentClasses(classes: readonly string[] | undefined, scheme: ClassSchemeId): void {
  const allowed = new Set<string>([...classCodes(scheme), 'none']);
  const wrong = (classes ?? []).filter((k) => !allowed.has(k));
  if (!wrong.length) return;
  const message = `ghi một trong ${allowedCodesText(scheme)} hoặc none (chưa phân loại)`;
  throw new AppError('validation_failed', `Phân loại sức khỏe ${wrong.map((k) => `“${k}”`).join(', ')} không thuộc cách phân loại đang dùng; ${message}.`, [
    { path: 'segment.healthClasses', field: 'Phân loại sức khỏe', message },
  ]);
}

/** True when no filter narrows the segment: it is every managed cadre. */
export const segmentIsUnfiltered = (f: SegmentFilter) =>
  !f.categories.length && !f.units.length && !f.clinicIds.length && !f.healthClasses.length && f.campaignNotBooked === null && !f.linkedOnly;

/** How many cadres the segment holds now. */
export function countSegment(db: DbOrTx, f: SegmentFilter): number {
  return db.select({ n: count() }).from(cadres).where(segmentCondition(db, f)).get()?.n ?? 0;
}

/** The segment in words, for the confirm step and the broadcast page ("Đối tượng: Nguyên chức; Phòng khám: …"). */
export function describeSegment(db: DbOrTx, f: SegmentFilter): string {
  if (segmentIsUnfiltered(f)) return 'Tất cả cán bộ đang quản lý';
  const parts: string[] = [];
  if (f.categories.length) parts.push(`Đối tượng: ${f.categories.map((k) => categoryLabels[k]).join(', ')}`);
  if (f.units.length) parts.push(`Đơn vị: ${f.units.join(', ')}`);
  if (f.clinicIds.length) {
    const names = db.select({ name: clinics.name }).from(clinics).where(inArray(clinics.id, f.clinicIds)).all().map((c) => c.name);
    parts.push(`Phòng khám: ${names.join(', ')}`);
  }
  if (f.healthClasses.length) parts.push(`Phân loại sức khỏe: ${f.healthClasses.map((k) => (k === 'none' ? 'chưa phân loại' : `Loại ${k}`)).join(', ')}`);
  if (f.campaignNotBooked !== null) {
    const c = db.select({ name: campaigns.name }).from(campaigns).where(eq(campaigns.id, f.campaignNotBooked)).get();
    parts.push(`Chưa đặt lịch trong đợt: ${c?.name ?? `số ${f.campaignNotBooked}`}`);
  }
  if (f.linkedOnly) parts.push('Chỉ cán bộ đã liên kết Zalo');
  return parts.join('; ');
}

/** The SQL condition on `cadres` for a segment; throws AppError (validation_failed) for a campaign that does not exist. */
function segmentCondition(db: DbOrTx, f: SegmentFilter): SQL {
  const parts: (SQL | undefined)[] = [eq(cadres.active, true)];
  if (f.categories.length) parts.push(inArray(cadres.category, f.categories));
  if (f.units.length) parts.push(inArray(cadres.unit, f.units));
  if (f.clinicIds.length) parts.push(inArray(cadres.clinicId, f.clinicIds));
  if (f.healthClasses.length) {
    const classes = f.healthClasses.filter((h): h is (typeof healthClasses)[number] => h !== 'none');
    const withNone = f.healthClasses.includes('none');
    parts.push(or(classes.length ? inArray(cadres.healthClass, classes) : undefined, withNone ? isNull(cadres.healthClass) : undefined));
  }
  if (f.campaignNotBooked !== null) {
    const c: Campaign | undefined = db.select().from(campaigns).where(eq(campaigns.id, f.campaignNotBooked)).get();
    if (!c) throw new AppError('validation_failed', `Không có đợt khám số ${f.campaignNotBooked}.`);
    parts.push(c.eligibleCategories.length ? inArray(cadres.category, c.eligibleCategories) : sql`0`);
    parts.push(
      sql`NOT EXISTS (SELECT 1 FROM ${bookings} WHERE ${bookings.cadreId} = ${cadres.id} AND ${bookings.campaignId} = ${c.id}
        AND ${bookings.status} IN (${sql.join(
          campaignHoldStatuses.map((s) => sql`${s}`),
          sql`, `,
        )}))`,
    );
  }
  if (f.linkedOnly) parts.push(sql`EXISTS (SELECT 1 FROM ${zaloLinks} WHERE ${zaloLinks.cadreId} = ${cadres.id})`);
  return and(...parts)!;
}

/** The next `limit` cadre ids of the segment after `afterId`, in id order (the fan-out's cursor walk). */
export function segmentPage(db: DbOrTx, f: SegmentFilter, afterId: number, limit: number): number[] {
  return db
    .select({ id: cadres.id })
    .from(cadres)
    .where(and(segmentCondition(db, f), gt(cadres.id, afterId)))
    .orderBy(asc(cadres.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

export type ChannelPlan = 'zalo' | 'zalo_template' | 'email' | 'skipped';
export type SkipReason = 'opted_out' | 'no_zalo_link' | 'no_channel';

export const skipReasonLabels: Record<SkipReason, string> = {
  opted_out: 'đã nhắn "dừng nhận tin"',
  no_zalo_link: 'chưa liên kết Zalo, không có email',
  no_channel: 'quá 7 ngày không tương tác Zalo, không có mẫu tin, không có email',
};

export interface ReachableAccount {
  id: string;
  followed: boolean;
  lastInteractionAt: number | null;
  broadcastOptOut: boolean;
}

/** The one Zalo account a broadcast to this cadre goes to: their own, else the first approved proxy who has not opted out. */
export function broadcastAccountOf(db: DbOrTx, cadreId: number): ReachableAccount | null {
  const cols = { id: zaloUsers.id, followed: zaloUsers.followed, lastInteractionAt: zaloUsers.lastInteractionAt, broadcastOptOut: zaloUsers.broadcastOptOut };
  const own = db.select(cols).from(zaloLinks).innerJoin(zaloUsers, eq(zaloUsers.id, zaloLinks.zaloUserId)).where(eq(zaloLinks.cadreId, cadreId)).get();
  if (own) return own;
  return (
    db
      .select(cols)
      .from(proxies)
      .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
      .where(and(eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved'), eq(zaloUsers.broadcastOptOut, false)))
      .orderBy(asc(proxies.id))
      .get() ?? null
  );
}

/**
 * How a broadcast would reach a cadre now (ZALO.md §2): a customer-service message inside the 7-day
 * window; else an approved template when the broadcast names one that is configured; else email; else
 * skipped with the reason. The worker decides again at send time, since the window moves.
 */
export function planChannel(
  cadre: { broadcastOptOut: boolean; email: string | null },
  account: ReachableAccount | null,
  templateConfigured: boolean,
  now: number,
): { channel: ChannelPlan; reason?: SkipReason } {
  if (cadre.broadcastOptOut || account?.broadcastOptOut) return { channel: 'skipped', reason: 'opted_out' };
  if (account && inCustomerServiceWindow(account, now)) return { channel: 'zalo' };
  if (account && templateConfigured) return { channel: 'zalo_template' };
  if (cadre.email) return { channel: 'email' };
  return { channel: 'skipped', reason: account ? 'no_channel' : 'no_zalo_link' };
}

export interface SegmentPreview {
  count: number;
  /** A few names, for staff to check the segment is the one they meant. */
  sample: { id: number; code: string; fullName: string }[];
  byChannel: Record<Exclude<ChannelPlan, 'skipped'>, number>;
  skipped: Record<SkipReason, number>;
}

/** Counts a segment and how a broadcast would reach its members now. */
export function previewSegment(db: DbOrTx, f: SegmentFilter, opts: { templateConfigured: boolean; now: number; sampleSize?: number }): SegmentPreview {
  const cond = segmentCondition(db, f);
  // One pass over the segment with each cadre's own account and first approved proxy account.
  const rows = db.all<{
    id: number;
    code: string;
    fullName: string;
    email: string | null;
    optOut: number;
    ownId: string | null;
    ownFollowed: number | null;
    ownLast: number | null;
    ownOptOut: number | null;
    proxyId: string | null;
    proxyFollowed: number | null;
    proxyLast: number | null;
  }>(sql`SELECT c.id AS id, c.code AS code, c.full_name AS fullName, c.email AS email, c.broadcast_opt_out AS optOut,
      u.id AS ownId, u.followed AS ownFollowed, u.last_interaction_at AS ownLast, u.broadcast_opt_out AS ownOptOut,
      p.id AS proxyId, p.followed AS proxyFollowed, p.last_interaction_at AS proxyLast
    FROM (SELECT * FROM ${cadres} WHERE ${cond}) AS c
    LEFT JOIN zalo_links l ON l.cadre_id = c.id
    LEFT JOIN zalo_users u ON u.id = l.zalo_user_id
    LEFT JOIN zalo_users p ON p.id = (
      SELECT pr.zalo_user_id FROM proxies pr JOIN zalo_users pu ON pu.id = pr.zalo_user_id
      WHERE pr.cadre_id = c.id AND pr.status = 'approved' AND pu.broadcast_opt_out = 0 ORDER BY pr.id LIMIT 1)
    ORDER BY c.id`);
  const preview: SegmentPreview = {
    count: rows.length,
    sample: [],
    byChannel: { zalo: 0, zalo_template: 0, email: 0 },
    skipped: { opted_out: 0, no_zalo_link: 0, no_channel: 0 },
  };
  const sampleSize = opts.sampleSize ?? 8;
  // An even spread over the segment rather than the lowest ids only.
  const step = Math.max(1, Math.floor(rows.length / sampleSize));
  for (let i = 0; i < rows.length && preview.sample.length < sampleSize; i += step) {
    const r = rows[i]!;
    preview.sample.push({ id: r.id, code: r.code, fullName: r.fullName });
  }
  for (const r of rows) {
    const account: ReachableAccount | null = r.ownId
      ? { id: r.ownId, followed: Boolean(r.ownFollowed), lastInteractionAt: r.ownLast, broadcastOptOut: Boolean(r.ownOptOut) }
      : r.proxyId
        ? { id: r.proxyId, followed: Boolean(r.proxyFollowed), lastInteractionAt: r.proxyLast, broadcastOptOut: false }
        : null;
    const plan = planChannel({ broadcastOptOut: Boolean(r.optOut), email: r.email }, account, opts.templateConfigured, opts.now);
    if (plan.channel === 'skipped') preview.skipped[plan.reason!] += 1;
    else preview.byChannel[plan.channel] += 1;
  }
  return preview;
}

/** Distinct units in the registry, for the compose form. */
export function knownUnits(db: DbOrTx): string[] {
  return db
    .selectDistinct({ unit: cadres.unit })
    .from(cadres)
    .where(and(eq(cadres.active, true), sql`${cadres.unit} <> ''`))
    .orderBy(asc(cadres.unit))
    .all()
    .map((r) => r.unit);
}
