import { asc, eq } from 'drizzle-orm';
import { countSegment, SegmentFilter, broadcastAccountOf, planChannel } from '../domain/broadcasts/segments';
import { claimRecipient, endRecipient, markRecipientSent } from '../domain/broadcasts/recipientSends';
import { createBroadcast } from '../domain/broadcasts/broadcasts';
import { fanoutStep, finishIfComplete, markStarted } from '../domain/broadcasts/fanout';
import { FaqInput, saveFaq } from '../domain/conversations/faq';
import { linkZaloUser, requestProxy } from '../domain/linking/linking';
import { addDays } from '../domain/shared/dates';
import type { Tx } from '../store/db';
import { broadcastRecipients, cadres, holidays, type Campaign } from '../store/schema';
import { recordZaloUser } from '../store/zaloUsers';
import { roundName, roundOf } from './rounds';
import { DAY, workingDaysFrom, type Story } from './story';

/** Zalo accounts: the first demo user linked weeks ago; the relative waits for approval as a proxy. */
export function zaloAccounts(s: Story): void {
  const { tx, now } = s;
  const linkedAt = now - 30 * DAY;
  const first = s.user('withResults');
  recordZaloUser(tx, { id: first.userId, followed: true, interactedAt: linkedAt, displayName: first.displayName, phone: first.phone }, linkedAt);
  linkZaloUser(tx, { cadreId: s.idOf(first.cadre!), zaloUserId: first.userId, method: 'phone', now: linkedAt });
  const relative = s.user('relative');
  const frail = s.user('frail').cadre!;
  const askedAt = now - 2 * DAY;
  recordZaloUser(tx, { id: relative.userId, followed: true, interactedAt: askedAt, displayName: relative.displayName, phone: relative.phone }, askedAt);
  // A daughter carries her father's surname.
  requestProxy(tx, { zaloUserId: relative.userId, now: askedAt }, s.idOf(frail), 'con gái', `${frail.fullName.split(' ')[0]} Thị Mai`);
}

/** Broadcasts: one sent when the round opened (`start`), one scheduled for next week. */
export function broadcasts(s: Story, campaign: Campaign, start: string): void {
  const { tx, now, clinicIds } = s;
  const current = roundOf(s.today);
  const templates = s.opts.templates ?? {};
  const sentAt = s.at(start, 9);
  const coordinator = s.actor('dieuphoi');
  const done = createBroadcast(
    tx,
    coordinator,
    {
      title: `Mở đăng ký ${roundName(current).toLowerCase()}`,
      text: `${roundName(current)} bắt đầu nhận đăng ký. Ông/Bà nhắn "đặt lịch khám" để chọn ngày giờ khám tại Khoa Khám bệnh cán bộ – Trung tâm Y tế Thủy Nguyên Bắc.`,
      segment: { clinicIds: [clinicIds.get('PK-TN')!] },
      startAt: sentAt,
      confirmedRecipients: countSegment(tx, SegmentFilter.parse({ clinicIds: [clinicIds.get('PK-TN')!] })),
    },
    { templates, now: sentAt - 2 * DAY },
  ).broadcast;
  sendPastBroadcast(tx, done.id, sentAt);
  createBroadcast(
    tx,
    coordinator,
    {
      title: 'Nhắc đăng ký khám định kỳ',
      text: `${roundName(current)} sắp kết thúc. Ông/Bà chưa đặt lịch khám; xin nhắn "đặt lịch khám" để chọn ngày giờ.`,
      segment: { campaignNotBooked: campaign.id },
      startAt: s.at(workingDaysFrom(addDays(s.today, 7), 1)[0]!, 8),
      confirmedRecipients: countSegment(tx, SegmentFilter.parse({ campaignNotBooked: campaign.id })),
    },
    { templates, now },
  );
}

/** Replays a broadcast sent in the past: fan-out, then each recipient reached by email or skipped, as then. */
function sendPastBroadcast(tx: Tx, id: number, sentAt: number): void {
  markStarted(tx, id, sentAt);
  while (!fanoutStep(tx, id, 100, sentAt).done);
  const rows = tx
    .select({ id: broadcastRecipients.id, cadreId: broadcastRecipients.cadreId })
    .from(broadcastRecipients)
    .where(eq(broadcastRecipients.broadcastId, id))
    .orderBy(asc(broadcastRecipients.id))
    .all();
  rows.forEach((r, i) => {
    const when = sentAt + i * 1_000;
    const cadre = tx.select().from(cadres).where(eq(cadres.id, r.cadreId)).get()!;
    const account = broadcastAccountOf(tx, r.cadreId);
    const plan = planChannel(cadre, account, false, when);
    if (plan.channel === 'skipped') {
      endRecipient(tx, r.id, 'skipped', plan.reason!, when);
      return;
    }
    claimRecipient(tx, r.id, plan.channel, plan.channel === 'email' ? null : account!.id, when);
    markRecipientSent(tx, r.id, plan.channel, null, when);
  });
  finishIfComplete(tx, id, sentAt + rows.length * 1_000);
}

/** Two answers the committee added to the default ones (address, phones, hours, what to bring, fasting, linking). */
export function committeeAnswers(s: Story, addedAt: number): void {
  const faq = (question: string, phrasings: string[], answer: string, sortOrder: number) =>
    saveFaq(s.db, s.actor('dieuphoi'), null, FaqInput.parse({ question, phrasings: phrasings.join('\n'), answer, active: true, sortOrder }), addedAt);
  faq(
    'Khám định kỳ có mất tiền không?',
    ['khám có mất tiền không', 'khám có tốn phí không', 'chi phí khám định kỳ', 'khám sức khỏe có miễn phí không'],
    'Khám sức khỏe định kỳ cho cán bộ thuộc diện Ban quản lý là miễn phí. Ông/Bà chỉ cần mang thẻ bảo hiểm y tế và sổ y bạ.',
    70,
  );
  faq(
    'Người nhà đi cùng được không?',
    ['người nhà đi cùng', 'con cháu đi cùng', 'có được đưa người đi kèm không'],
    'Được ạ. Người nhà có thể đi cùng và chờ ở khu vực tiếp đón; khi khám, bác sĩ sẽ mời người nhà vào nếu cần.',
    80,
  );
}

/** A day the clinics close, added by staff beside the public holidays (after the four weeks of slots). */
export function closingDay(s: Story): void {
  s.tx.insert(holidays)
    .values({ date: addDays(s.today, 35), name: 'Khoa khám bệnh cán bộ nghỉ kiểm kê', createdByStaffId: s.coordinator.id, createdAt: s.now })
    .onConflictDoNothing()
    .run();
}
