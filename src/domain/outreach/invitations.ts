import { and, eq, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { honorific } from '../shared/vietnamese';
import type { Db, DbOrTx } from '../../store/db';
import { inTransaction } from '../../store/db';
import { bookings, cadres, campaigns, invitations, noticeSends, zaloLinks, zaloUsers, type Campaign } from '../../store/schema';
import { formatVietnamDay } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from './notices';
import { outsideQuietHours } from '../shared/quietHours';
import { committeeWord } from '../shared/organisation';

/**
 * Invitations by phone: registry cadres with a phone and no linked Zalo account are sent the approved
 * invitation template (by phone: they never wrote to the OA), whose button opens the OA chat. Their first
 * message is matched by phone through the usual share-phone step; this module only invites and reports.
 */

export const INVITATION_KIND = 'campaign.invitation';

const noLink = (db: DbOrTx) =>
  notExists(
    db
      .select({ one: sql`1` })
      .from(zaloLinks)
      .where(eq(zaloLinks.cadreId, cadres.id)),
  );

/** Cadres the campaign may invite now: active, eligible, with a phone, no linked account, not invited yet, not booked. */
export function invitableCadres(db: DbOrTx, campaign: Campaign): { id: number; fullName: string; phone: string }[] {
  return db
    .select({ id: cadres.id, fullName: cadres.fullName, phone: cadres.phone })
    .from(cadres)
    .where(
      and(
        eq(cadres.active, true),
        inArray(cadres.category, campaign.eligibleCategories),
        isNotNull(cadres.phone),
        noLink(db),
        notExists(
          db
            .select({ one: sql`1` })
            .from(invitations)
            .where(and(eq(invitations.cadreId, cadres.id), eq(invitations.campaignId, campaign.id))),
        ),
        notExists(
          db
            .select({ one: sql`1` })
            .from(bookings)
            .where(and(eq(bookings.cadreId, cadres.id), eq(bookings.campaignId, campaign.id), inArray(bookings.status, ['booked', 'attended']))),
        ),
      ),
    )
    .orderBy(cadres.fullName, cadres.id)
    .all()
    .map((r) => ({ ...r, phone: r.phone! }));
}

export function getCampaign(db: DbOrTx, id: number): Campaign {
  const campaign = db.select().from(campaigns).where(eq(campaigns.id, id)).get();
  if (!campaign) throw new AppError('not_found', 'Không có đợt khám này.');
  return campaign;
}

/**
 * Invites every invitable cadre of an open campaign, in one transaction: an invitation row and its notice each
 * (sent after quiet hours). `expected` is the count the staff confirmed; if the list changed since, nothing is
 * sent and they confirm again.
 */
export function inviteByPhone(db: Db, campaignId: number, expected: number, staffId: number | null, now: number): number {
  return inTransaction(db, (tx) => {
    const campaign = getCampaign(tx, campaignId);
    if (campaign.status !== 'open') throw new AppError('conflict', 'Chỉ mời được khi đợt khám đang mở đặt lịch.');
    const list = invitableCadres(tx, campaign);
    if (list.length !== expected) {
      throw new AppError('conflict', `Danh sách đã thay đổi (nay ${list.length} người, lúc xác nhận ${expected}). Xin xem lại và xác nhận lần nữa.`);
    }
    const dueAt = outsideQuietHours(now);
    for (const cadre of list) {
      const id = tx
        .insert(invitations)
        .values({ campaignId, cadreId: cadre.id, phone: cadre.phone, outboxId: 0, invitedAt: now, invitedByStaffId: staffId })
        .returning({ id: invitations.id })
        .get().id;
      const outboxId = enqueueNotice(tx, { cadreId: cadre.id, ref: { kind: INVITATION_KIND, id }, dueAt, subject: `invitation-${id}` }, now);
      tx.update(invitations).set({ outboxId }).where(eq(invitations.id, id)).run();
    }
    return list.length;
  });
}

/** The invitation template (or, failing Zalo, an email); null once the cadre linked an account or the campaign closed. */
export const renderCampaignInvitation: NoticeRenderer = (db, ref) => {
  const row = db
    .select({ inv: invitations, campaign: campaigns, cadre: cadres })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(cadres, eq(cadres.id, invitations.cadreId))
    .where(eq(invitations.id, ref.id))
    .get();
  if (!row || row.campaign.status !== 'open') return null;
  if (db.select({ id: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, row.cadre.id)).get()) return null;
  const title = honorific(row.cadre.sex);
  const until = formatVietnamDay(row.campaign.endDate);
  const text = `Kính mời ${title} ${row.cadre.fullName} đặt lịch ${row.campaign.name} (đến ${until}). ${title} nhắn "đặt lịch" cho ${committeeWord()} qua Zalo để chọn ngày giờ.`;
  return {
    text,
    email: {
      subject: `Mời đặt lịch ${row.campaign.name}`,
      text: [`Kính gửi ${title} ${row.cadre.fullName},`, '', `${committeeWord()} kính mời ${title} đặt lịch ${row.campaign.name}, hạn đến ${until}.`, '', `Xin tìm Official Account của ${committeeWord()} trên Zalo và nhắn "đặt lịch", hoặc gọi điện cho phòng khám.`].join('\n'),
    },
    template: { name: 'campaign_invitation', data: { name: row.cadre.fullName, campaign: row.campaign.name, until } },
  };
};

export interface InvitationStatus {
  invitationId: number;
  cadreId: number;
  fullName: string;
  phone: string;
  invitedAt: number;
  /** The channel the invitation took (zalo_phone, email, none, deferred) once sent. */
  channel: string | null;
  reason: string | null;
  deliveredAt: number | null;
  /** The first sign of the cadre's account in the OA chat: it shared this phone or is now linked to the cadre. */
  openedAt: number | null;
  linkedAt: number | null;
  bookedAt: number | null;
}

/** Each invitation of a campaign and how far it got: delivered, opened the chat, linked, booked. */
export function invitationStatuses(db: DbOrTx, campaignId: number): InvitationStatus[] {
  const rows = db
    .select({
      invitationId: invitations.id,
      cadreId: invitations.cadreId,
      fullName: cadres.fullName,
      phone: invitations.phone,
      invitedAt: invitations.invitedAt,
      outboxId: invitations.outboxId,
    })
    .from(invitations)
    .innerJoin(cadres, eq(cadres.id, invitations.cadreId))
    .where(eq(invitations.campaignId, campaignId))
    .orderBy(cadres.fullName, invitations.id)
    .all();
  return rows.map((r) => {
    // A notice held back by the day's quota continues in a later row: follow the chain to its latest send.
    const sends = db
      .select()
      .from(noticeSends)
      .where(and(eq(noticeSends.cadreId, r.cadreId), eq(noticeSends.kind, INVITATION_KIND), sql`${noticeSends.outboxId} >= ${r.outboxId}`))
      .orderBy(noticeSends.outboxId)
      .all();
    const send = sends.find((s) => s.channel !== 'deferred') ?? sends.at(-1) ?? null;
    const link = db.select({ linkedAt: zaloLinks.linkedAt, zaloUserId: zaloLinks.zaloUserId }).from(zaloLinks).where(eq(zaloLinks.cadreId, r.cadreId)).get();
    const opened = db
      .select({ at: sql<number | null>`min(${zaloUsers.createdAt})` })
      .from(zaloUsers)
      .where(and(sql`${zaloUsers.id} = ${link?.zaloUserId ?? ''} OR ${zaloUsers.phone} = ${r.phone}`))
      .get()?.at;
    const booked = db
      .select({ at: sql<number | null>`min(${bookings.createdAt})` })
      .from(bookings)
      .where(and(eq(bookings.cadreId, r.cadreId), eq(bookings.campaignId, campaignId), inArray(bookings.status, ['booked', 'attended'])))
      .get()?.at;
    return {
      invitationId: r.invitationId,
      cadreId: r.cadreId,
      fullName: r.fullName,
      phone: r.phone,
      invitedAt: r.invitedAt,
      channel: send?.channel ?? null,
      reason: send?.reason ?? null,
      deliveredAt: send?.deliveredAt ?? null,
      openedAt: opened ?? null,
      linkedAt: link?.linkedAt ?? null,
      bookedAt: booked ?? null,
    };
  });
}

export interface InvitationFunnel {
  invited: number;
  sentByZalo: number;
  delivered: number;
  opened: number;
  linked: number;
  booked: number;
}

export function invitationFunnel(list: InvitationStatus[]): InvitationFunnel {
  return {
    invited: list.length,
    sentByZalo: list.filter((s) => s.channel === 'zalo_phone' || s.channel === 'zalo_template').length,
    delivered: list.filter((s) => s.deliveredAt !== null).length,
    opened: list.filter((s) => s.openedAt !== null).length,
    linked: list.filter((s) => s.linkedAt !== null).length,
    booked: list.filter((s) => s.bookedAt !== null).length,
  };
}
