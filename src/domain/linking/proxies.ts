import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import { sendToUser } from '../../jobs/enqueue';
import { fitMessages } from '../../conversation/messages';
import { staffActor, type StaffIdentity } from '../staff/actor';
import { readPage, rowCount } from '../shared/listing';
import { cadreInScope } from '../registry/search';
import { honorific } from '../shared/vietnamese';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { recordAudit } from '../../store/audit';
import { bookings, cadres, careRequests, proxies, staffUsers, zaloUsers, type Cadre, type Proxy } from '../../store/schema';
import { requestTypeLabels, ticketOf } from '../requests/labels';
import { findBooking } from '../booking/lookups';
import { formatVietnamDay, formatVietnamTime } from '../shared/dates';
import { enqueueNotice, type NoticeRef, type RenderedNotice } from '../outreach/notices';
import { committeeWord } from '../shared/organisation';

/**
 * What a cadre is told about the people acting for them, and a proxy stepping down. The cadre hears it from us
 * (a notice: Zalo to their own account, else email), so nobody acts for them unseen: when staff approve a
 * proxy, when the proxy books, moves or cancels an exam for them, and when the proxy stops.
 */

export const PROXY_NOTICE = 'proxy.told_cadre';

type ProxyNoticeVariant = 'approved' | 'withdrawn' | 'booked' | 'moved' | 'cancelled' | 'requested';

export type ProxyEffect =
  /** The proxy stops acting for this cadre (their own choice, confirmed in chat). */
  | { type: 'proxyWithdraw'; cadreId: number }
  /** The proxy booked, moved or cancelled an exam, or filed a request, for the cadre (after that effect, in the same turn). */
  | { type: 'proxyActed'; cadreId: number; action: 'booked' | 'moved' | 'cancelled' | 'requested'; bookingId?: number };

const proxyNoticeText = {
  approved: (title: string, proxy: string) =>
    `${title} lưu ý: ${committeeWord()} đã đồng ý để ${proxy} thay mặt ${title} đặt lịch khám, xem kết quả và gửi yêu cầu qua Zalo. Nếu ${title} không đồng ý, xin gõ "gặp nhân viên" hoặc gọi cho ${committeeWord()}.`,
  withdrawn: (title: string, proxy: string) => `${proxy} đã thôi thay mặt ${title} trên Zalo. Từ nay chỉ ${title} (hoặc người đại diện khác đã được duyệt) làm việc với ${committeeWord()} qua Zalo.`,
  booked: (title: string, proxy: string, when: string) => `${proxy} vừa đặt lịch khám cho ${title}: ${when}.`,
  moved: (title: string, proxy: string, when: string) => `${proxy} vừa đổi lịch khám của ${title} sang ${when}.`,
  cancelled: (title: string, proxy: string, when: string) => `${proxy} vừa hủy lịch khám của ${title} (${when}).`,
  requested: (title: string, proxy: string, what: string, ticket: string) => `${proxy} vừa gửi yêu cầu «${what}» cho ${title} (${ticket}).`,
  notYou: (title: string) => `Nếu ${title} không biết việc này, xin gõ "gặp nhân viên" hoặc gọi cho ${committeeWord()}.`,
  subject: 'Người đại diện của Ông/Bà trên Zalo',
};


/** "chị Lan (con)", or the relation alone when no name was given. */
function proxyLabel(p: { proxyName: string; relation: string }): string {
  const name = p.proxyName.trim();
  const relation = p.relation.trim();
  if (name && relation) return `${name} (${relation})`;
  return name || (relation ? `Người đại diện (${relation})` : 'Người đại diện');
}

/** Queues a notice to the cadre about one of their proxies; `bookingId` for what the proxy did. */
function tellCadreAboutProxy(tx: DbOrTx, proxyId: number, cadreId: number, variant: ProxyNoticeVariant, now: number, bookingId?: number): number {
  return enqueueNotice(tx, { cadreId, ref: { kind: PROXY_NOTICE, id: proxyId, variant: bookingId === undefined ? variant : `${variant}:${bookingId}` }, dueAt: now }, now);
}

/**
 * Renders the notice from the proxy row (and the booking for what they did). Null when it no longer holds: an
 * approval since revoked, a booking since changed. Goes to the cadre's own account only (RenderedNotice.cadreOnly).
 */
export function renderProxyNotice(db: Db, ref: NoticeRef): RenderedNotice | null {
  const row = db.select({ proxy: proxies, cadre: cadres }).from(proxies).innerJoin(cadres, eq(cadres.id, proxies.cadreId)).where(eq(proxies.id, ref.id)).get();
  if (!row) return null;
  const [variant, bookingPart] = (ref.variant ?? '').split(':') as [string, string | undefined];
  const title = honorific(row.cadre.sex);
  const who = proxyLabel(row.proxy);
  let text: string;
  if (variant === 'approved') {
    if (row.proxy.status !== 'approved') return null;
    text = proxyNoticeText.approved(title, who);
  } else if (variant === 'withdrawn') {
    text = proxyNoticeText.withdrawn(title, who);
  } else if (variant === 'requested') {
    // The kind of request and its ticket only: what it says stays with staff.
    const request = bookingPart ? db.select().from(careRequests).where(eq(careRequests.id, Number(bookingPart))).get() : undefined;
    if (!request || request.cadreId !== row.cadre.id) return null;
    text = `${proxyNoticeText.requested(title, who, requestTypeLabels[request.type], ticketOf(request.id))}\n${proxyNoticeText.notYou(title)}`;
  } else if (variant === 'booked' || variant === 'moved' || variant === 'cancelled') {
    const booking = bookingPart ? findBooking(db, Number(bookingPart)) : null;
    if (!booking || booking.cadreId !== row.cadre.id) return null;
    // Told as it is when sent: a booking cancelled meanwhile is not announced as booked.
    if (variant !== 'cancelled' && booking.status !== 'booked') return null;
    const when = `${formatVietnamDay(booking.slot.localDate)}, lúc ${formatVietnamTime(booking.slot.startsAt)} tại ${booking.clinic.name}`;
    text = `${proxyNoticeText[variant](title, who, when)}\n${proxyNoticeText.notYou(title)}`;
  } else return null;
  return { text, email: { subject: proxyNoticeText.subject.replace('Ông/Bà', title), text }, cadreOnly: true };
}

/** The approved proxy row of this Zalo user for this cadre, if any. */
function approvedProxy(tx: DbOrTx, zaloUserId: string, cadreId: number) {
  return tx
    .select()
    .from(proxies)
    .where(and(eq(proxies.zaloUserId, zaloUserId), eq(proxies.cadreId, cadreId), eq(proxies.status, 'approved')))
    .get();
}

export function applyProxyEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: ProxyEffect): void {
  const proxy = approvedProxy(tx, ctx.zaloUserId, effect.cadreId);
  if (!proxy) return;
  switch (effect.type) {
    case 'proxyWithdraw':
      tx.update(proxies)
        .set({ status: 'revoked', decidedAt: ctx.now, decidedByStaffId: null, note: 'Người đại diện tự thôi qua Zalo' })
        .where(and(eq(proxies.id, proxy.id), eq(proxies.status, 'approved')))
        .run();
      recordAudit(tx, { type: 'zalo', id: ctx.zaloUserId }, { action: 'proxy.withdraw', entity: 'proxy', entityId: proxy.id, detail: { cadreId: effect.cadreId } }, ctx.now);
      tellCadreAboutProxy(tx, proxy.id, effect.cadreId, 'withdrawn', ctx.now);
      return;
    case 'proxyActed': {
      if (effect.action === 'requested') {
        // The request filed this turn is this account's newest for the cadre.
        const request = tx
          .select({ id: careRequests.id })
          .from(careRequests)
          .where(and(eq(careRequests.cadreId, effect.cadreId), eq(careRequests.zaloUserId, ctx.zaloUserId)))
          .orderBy(desc(careRequests.id))
          .get();
        if (request) tellCadreAboutProxy(tx, proxy.id, effect.cadreId, 'requested', ctx.now, request.id);
        return;
      }
      // A booking made or moved this turn is the cadre's newest active one.
      const bookingId =
        effect.bookingId ??
        tx.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.cadreId, effect.cadreId), eq(bookings.status, 'booked'))).orderBy(desc(bookings.id)).get()?.id;
      if (bookingId !== undefined) tellCadreAboutProxy(tx, proxy.id, effect.cadreId, effect.action, ctx.now, bookingId);
      return;
    }
  }
}

// --- staff decisions ------------------------------------------------------------------------------------

export const ProxyDecision = z.enum(['approve', 'reject', 'revoke']);
export type ProxyDecision = z.infer<typeof ProxyDecision>;

/** One page of proxy requests with the given status and where it sits in the whole list: none silently cut. */
export function listProxies(db: Db, status: Proxy['status'] | 'all', page = 1) {
  const filter = status === 'all' ? undefined : eq(proxies.status, status);
  const rows = db
    .select({
      proxy: proxies,
      displayName: zaloUsers.displayName,
      cadreName: cadres.fullName,
      cadreCode: cadres.code,
      cadreId: cadres.id,
      cadrePhone: cadres.phone,
      decidedBy: staffUsers.fullName,
    })
    .from(proxies)
    .innerJoin(cadres, eq(cadres.id, proxies.cadreId))
    .innerJoin(zaloUsers, eq(zaloUsers.id, proxies.zaloUserId))
    .leftJoin(staffUsers, eq(staffUsers.id, proxies.decidedByStaffId))
    .where(filter)
    // The id breaks ties so that pages never overlap nor skip a request.
    .orderBy(...(status === 'pending' ? [asc(proxies.requestedAt), asc(proxies.id)] : [desc(sql`coalesce(${proxies.decidedAt}, ${proxies.requestedAt})`), desc(proxies.id)]));
  return readPage(db.select(rowCount).from(proxies).where(filter), rows, page);
}

function proxyNotice(decision: ProxyDecision, cadre: Cadre, note: string, committee: { name: string; hotline: string }): string {
  const who = `${cadre.sex === 'female' ? 'bà' : 'ông'} ${cadre.fullName}`;
  switch (decision) {
    case 'approve':
      return `${committee.name} đã đồng ý để anh/chị thay mặt ${who}. Từ nay anh/chị có thể đặt lịch khám, xem kết quả và đề nghị khám tại nhà cho ${who} ngay tại đây. Gõ "menu" để bắt đầu.`;
    case 'reject':
      return `${committee.name} chưa thể đồng ý để anh/chị thay mặt ${who}${note ? `. Lý do: ${note}` : ''}. Cần hỗ trợ, xin gọi ${committee.hotline}.`;
    case 'revoke':
      return `${committee.name} thông báo: anh/chị không còn thay mặt ${who} qua Zalo này${note ? `. Lý do: ${note}` : ''}. Cần hỗ trợ, xin gọi ${committee.hotline}.`;
  }
}

/**
 * Approves or rejects a pending request (or revokes an approved one), audits it and, in the same transaction,
 * queues a Zalo message telling the proxy; the outbox rows are handed to the relay after commit.
 */
export function decideProxy(
  deps: { db: Db; clock: Clock; committee: { name: string; hotline: string }; afterCommit: () => void },
  staff: StaffIdentity,
  proxyId: number,
  decision: ProxyDecision,
  note: string,
): Proxy {
  const now = deps.clock.now();
  const { proxy } = inTransaction(deps.db, (tx) => {
    const current = tx.select().from(proxies).where(eq(proxies.id, proxyId)).get();
    if (!current) throw new AppError('not_found', 'Không tìm thấy yêu cầu.');
    const cadre = cadreInScope(tx, staff, current.cadreId);
    const from = decision === 'revoke' ? 'approved' : 'pending';
    if (current.status !== from) {
      throw new AppError('conflict', decision === 'revoke' ? 'Người này hiện không phải người đại diện đã duyệt.' : 'Yêu cầu này đã được xử lý trước đó.');
    }
    const status = ({ approve: 'approved', reject: 'rejected', revoke: 'revoked' } as const)[decision];
    const updated = tx
      .update(proxies)
      .set({ status, decidedAt: now, decidedByStaffId: staff.id, note: note || null })
      .where(and(eq(proxies.id, proxyId), eq(proxies.status, from)))
      .returning()
      .get();
    recordAudit(
      tx,
      staffActor(staff),
      { action: `proxy.${decision}`, entity: 'proxy', entityId: proxyId, detail: { cadreId: cadre.id, zaloUserId: current.zaloUserId } },
      now,
    );
    const ids = [sendToUser(tx, current.zaloUserId, fitMessages([{ type: 'text', text: proxyNotice(decision, cadre, note, deps.committee) }]), { now })];
    // The cadre hears of it from us too, so nobody acts for them unseen.
    if (decision === 'approve') ids.push(tellCadreAboutProxy(tx, proxyId, cadre.id, 'approved', now));
    return { proxy: updated, outboxIds: ids };
  });
  deps.afterCommit();
  return proxy;
}
