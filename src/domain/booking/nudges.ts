import { honorific } from '../shared/vietnamese';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { bookings, cadres, campaignHoldStatuses, campaigns, type Campaign } from '../../store/schema';
import { addDays, formatVietnamDay } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate, vietnamInstant } from '../shared/quietHours';
import { outsideDaysOff } from '../shared/holidays';
import { committeeWord } from '../shared/organisation';

export const NUDGE_KIND = 'booking.nudge';
export const campaignNudgeSubject = (campaignId: number) => `campaign-${campaignId}-nudge`;
const cadreNudgeSubject = (campaignId: number, cadreId: number) => `campaign-${campaignId}-nudge-cadre-${cadreId}`;

/** The nudge of a campaign goes out at 09:00 local, `nudgeAfterDays` after its start. */
export const nudgeDueAt = (c: Pick<Campaign, 'startDate' | 'nudgeAfterDays'>) =>
  outsideDaysOff(outsideQuietHours(vietnamInstant(addDays(c.startDate, c.nudgeAfterDays ?? 0), 9, 0)));

/** Eligible active cadres with no booking that counts in the campaign, who have not opted out of broadcasts. */
function unbookedEligible(db: DbOrTx, c: Campaign): { id: number }[] {
  if (!c.eligibleCategories.length) return [];
  return db
    .select({ id: cadres.id })
    .from(cadres)
    .where(
      and(
        eq(cadres.active, true),
        eq(cadres.broadcastOptOut, false),
        inArray(cadres.category, c.eligibleCategories),
        sql`NOT EXISTS (SELECT 1 FROM bookings b WHERE b.cadre_id = ${cadres.id} AND b.campaign_id = ${c.id} AND b.status IN ('booked', 'attended'))`,
      ),
    )
    .orderBy(asc(cadres.id))
    .all();
}

/** 'booking.nudge' (ref.id = campaign, variant = 'cadre-<id>'): null once the cadre booked or the campaign is not open. */
export const renderBookingNudge: NoticeRenderer = (db, ref, now) => {
  const cadreId = Number(/^cadre-(\d+)$/.exec(ref.variant ?? '')?.[1]);
  const c = db.select().from(campaigns).where(eq(campaigns.id, ref.id)).get();
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!c || !cadre || c.status !== 'open' || c.endDate < vietnamDate(now) || !cadre.active) return null;
  const held = db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.campaignId, c.id), eq(bookings.cadreId, cadreId), inArray(bookings.status, [...campaignHoldStatuses])))
    .get();
  if (held) return null;
  const title = honorific(cadre.sex);
  const until = formatVietnamDay(c.endDate);
  const how = cadre.frail
    ? 'Gõ "đặt lịch" để chọn ngày giờ khám, hoặc "khám tại nhà" để đề nghị bác sĩ đến nhà.'
    : 'Gõ "đặt lịch" để chọn ngày giờ khám ngay trên Zalo.';
  const text = [`Kính gửi ${title} ${cadre.fullName},`, `${c.name} đang nhận đăng ký đến ${until}. ${title} chưa đặt lịch khám.`, how].join('\n');
  return {
    text,
    buttons: [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }],
    email: {
      subject: `Mời đăng ký ${c.name}`,
      text: [`Kính gửi ${title} ${cadre.fullName},`, '', `${c.name} đang nhận đăng ký đến ${until}. ${title} chưa đặt lịch khám.`, `Xin nhắn "đặt lịch" cho Zalo của ${committeeWord()}, hoặc gọi điện thoại cho ${committeeWord()} để được giúp.`].join('\n'),
    },
    template: { name: 'booking_nudge', data: { name: cadre.fullName, campaign: c.name, until } },
  };
};

/**
 * The campaign's nudge job: one notice per eligible cadre without a booking. Each notice has a subject
 * naming campaign and cadre, and a cadre who already has one is skipped, so running it again (a retry,
 * the reconciler) sends nobody a second nudge. Returns how many notices it scheduled.
 */
export function fanOutNudges(tx: DbOrTx, campaignId: number, now: number): number {
  const c = tx.select().from(campaigns).where(eq(campaigns.id, campaignId)).get();
  if (!c || c.status !== 'open' || c.endDate < vietnamDate(now)) return 0;
  let scheduled = 0;
  const dueAt = outsideQuietHours(now);
  const exists = (subject: string) => tx.get<{ one: number }>(sql`SELECT 1 AS one FROM outbox WHERE subject = ${subject} LIMIT 1`);
  for (const cadre of unbookedEligible(tx, c)) {
    const subject = cadreNudgeSubject(c.id, cadre.id);
    if (exists(subject)) continue;
    enqueueNotice(tx, { cadreId: cadre.id, ref: { kind: NUDGE_KIND, id: c.id, variant: `cadre-${cadre.id}` }, dueAt, subject }, now);
    scheduled += 1;
  }
  return scheduled;
}
