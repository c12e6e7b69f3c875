import { and, eq } from 'drizzle-orm';
import { honorific } from '../shared/vietnamese';
import type { DbOrTx } from '../../store/db';
import { rowsOf, statement } from '../../store/prepared';
import { enqueue } from '../../jobs/enqueue';
import { clinics, staffUsers } from '../../store/schema';
import { addDays, formatVietnamDay, formatVietnamTime } from '../shared/dates';
import { vietnamDate, vietnamInstant } from '../shared/quietHours';
import { formatPhone, telHref } from '../shared/phone';

const callListSubject = (examDate: string) => `call-list-${examDate}`;

interface UnconfirmedRow {
  bookingId: number;
  campaignId: number;
  clinicId: number;
  clinicName: string;
  startsAt: number;
  fullName: string;
  sex: 'male' | 'female';
  phone: string | null;
}

/** Active bookings of a local day whose cadre has not answered the day-before question, by clinic and time. */
function unconfirmedOn(db: DbOrTx, date: string, clinicId?: number): UnconfirmedRow[] {
  return rowsOf<UnconfirmedRow>(
    db,
    `SELECT b.id AS bookingId, b.campaign_id AS campaignId, s.clinic_id AS clinicId, k.name AS clinicName, s.starts_at AS startsAt,
       c.full_name AS fullName, c.sex AS sex, c.phone AS phone
     FROM bookings b JOIN exam_slots s ON s.id = b.slot_id JOIN cadres c ON c.id = b.cadre_id JOIN clinics k ON k.id = s.clinic_id
     WHERE s.local_date = ? AND b.status = 'booked' AND b.confirmation IS NULL AND (? IS NULL OR s.clinic_id = ?)
     ORDER BY k.name, s.starts_at, c.full_name`,
  ).all(date, clinicId ?? null, clinicId ?? null);
}

/** When the call list for an exam day goes out: the day before, at the configured local hour. */
const callListDueAt = (examDate: string, hour: number) => vietnamInstant(addDays(examDate, -1), hour);

/**
 * Makes sure the next call list is scheduled (an outbox row per exam day, found by its subject): for tomorrow
 * while today's hour has not come, else for the day after. Safe to run again at any time.
 */
export function scheduleNextCallList(tx: DbOrTx, hour: number, now: number): void {
  const today = vietnamDate(now);
  const examDate = now < vietnamInstant(today, hour) ? addDays(today, 1) : addDays(today, 2);
  const subject = callListSubject(examDate);
  if (statement(tx, 'SELECT 1 AS one FROM outbox WHERE subject = ? LIMIT 1').get(subject)) return;
  enqueue(tx, 'attendance.callList', { examDate }, { now, dueAt: callListDueAt(examDate, hour), subject });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The call list of an exam day: one mail per clinic with cadres who have not answered, to the clinic's staff
 * (or the clinic's address when no staff member has one), phones as tel: links, and a link to the day list.
 * Returns how many mails it queued.
 */
export function queueCallListMails(tx: DbOrTx, examDate: string, publicBaseUrl: string, now: number): number {
  const rows = unconfirmedOn(tx, examDate);
  const byClinic = new Map<number, UnconfirmedRow[]>();
  for (const r of rows) byClinic.set(r.clinicId, [...(byClinic.get(r.clinicId) ?? []), r]);
  let mails = 0;
  for (const [clinicId, list] of byClinic) {
    const staff = tx
      .select({ email: staffUsers.email })
      .from(staffUsers)
      .where(and(eq(staffUsers.clinicId, clinicId), eq(staffUsers.active, true)))
      .all()
      .flatMap((s) => (s.email ? [s.email] : []));
    const clinicEmail = tx.select({ email: clinics.email }).from(clinics).where(eq(clinics.id, clinicId)).get()?.email;
    const to = staff.length ? staff : clinicEmail ? [clinicEmail] : [];
    const day = formatVietnamDay(examDate);
    const campaignIds = [...new Set(list.map((r) => r.campaignId))];
    const links = campaignIds.map((c) => `${publicBaseUrl}/staff/booking/${c}/day?clinicId=${clinicId}&date=${examDate}`);
    // The one call list where each call's outcome is recorded.
    const callLinks = campaignIds.map((c) => `${publicBaseUrl}/staff/booking/${c}/calls?reason=unconfirmed`);
    const line = (r: UnconfirmedRow) => `${formatVietnamTime(r.startsAt)}  ${honorific(r.sex)} ${r.fullName}  ${r.phone ? formatPhone(r.phone) : '(chưa có số điện thoại)'}`;
    const subject = `Cần gọi điện: ${list.length} cán bộ chưa xác nhận lịch khám ${day} – ${list[0]!.clinicName}`;
    const intro = `Các cán bộ sau có lịch khám tại ${list[0]!.clinicName} ngày ${day} nhưng chưa trả lời tin nhắc lịch. Xin gọi điện hỏi có đến khám không:`;
    const text = [intro, '', ...list.map(line), '', 'Gọi và ghi kết quả cuộc gọi tại danh sách gọi điện:', ...callLinks, '', 'Danh sách trong ngày:', ...links].join('\n');
    const html = [
      `<p>${escapeHtml(intro)}</p><ul>`,
      ...list.map(
        (r) =>
          `<li>${formatVietnamTime(r.startsAt)} – ${escapeHtml(`${honorific(r.sex)} ${r.fullName}`)} – ${r.phone ? `<a href="${telHref(r.phone)}">${formatPhone(r.phone)}</a>` : '(chưa có số điện thoại)'}</li>`,
      ),
      `</ul><p>${callLinks.map((l) => `<a href="${escapeHtml(l)}">Gọi và ghi kết quả cuộc gọi</a>`).join('<br>')}</p>`,
      `<p>${links.map((l) => `<a href="${escapeHtml(l)}">Danh sách trong ngày</a>`).join('<br>')}</p>`,
    ].join('');
    for (const address of to) {
      enqueue(tx, 'email.message', { to: address, subject, text, html }, { now });
      mails += 1;
    }
  }
  return mails;
}
