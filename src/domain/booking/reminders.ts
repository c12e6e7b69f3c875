import { foldVietnamese, honorific } from '../shared/vietnamese';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { cadres } from '../../store/schema';
import { formatVietnamDay, formatVietnamTime, VN_OFFSET_MS } from '../shared/dates';
import { enqueueNotice, type NoticeRenderer } from '../outreach/notices';
import { outsideQuietHours, vietnamDate, vietnamInstant } from '../shared/quietHours';
import { outsideDaysOff } from '../shared/holidays';
import { CONFIRM_CHOICES, CONFIRM_QUESTION, CONFIRM_TEMPLATE, checkInLines, ensureCheckInCode } from '../attendance/checkIn';
import { DAY_MS } from './places';
import { type ClinicInfo, findBooking } from './lookups';
import { committeeWord } from '../shared/organisation';

/** The reminders each booking carries (T-3, T-1, the morning of the exam) and their renderer. */

export const bookingSubject = (bookingId: number) => `booking-${bookingId}`;
export const REMINDER_KIND = 'booking.reminder';
export type ReminderVariant = 'T-3' | 'T-1' | 'day';

/**
 * When a booking's reminders are due: three days and one day before (moved out of quiet hours to 07:00),
 * and 06:30 local on the day (the one reminder allowed before 07:00). Reminders already past are skipped,
 * and a shifted one that would land after the morning-of reminder is dropped.
 */
export function reminderPlan(startsAt: number, now: number): { variant: ReminderVariant; dueAt: number }[] {
  const morning = vietnamInstant(vietnamDate(startsAt), 6, 30);
  const plan: { variant: ReminderVariant; dueAt: number }[] = [];
  for (const [variant, before] of [
    ['T-3', 3 * DAY_MS],
    ['T-1', DAY_MS],
  ] as const) {
    // Not on a public holiday: moved to the next normal morning (and dropped if that is the exam day).
    const dueAt = outsideDaysOff(outsideQuietHours(startsAt - before));
    if (dueAt > now && dueAt < morning && dueAt < startsAt) plan.push({ variant, dueAt });
  }
  if (morning > now && morning < startsAt) plan.push({ variant: 'day', dueAt: morning });
  return plan;
}

export function scheduleReminders(tx: DbOrTx, booking: { id: number; cadreId: number; startsAt: number }, now: number): number[] {
  return reminderPlan(booking.startsAt, now).map(({ variant, dueAt }) =>
    enqueueNotice(tx, { cadreId: booking.cadreId, ref: { kind: REMINDER_KIND, id: booking.id, variant }, dueAt, subject: bookingSubject(booking.id) }, now),
  );
}

/** Clinic, address, date and time, and what to bring: the lines every booking message shares. */
/** Said instead of "nhịn ăn sáng" when the exam is in the afternoon. */
const AFTERNOON_FASTING = 'Khám buổi chiều: có thể ăn sáng nhẹ trước 7 giờ, sau đó nhịn ăn đến giờ khám (được uống nước lọc)';

/**
 * The campaign's instructions for one exam time: "nhịn ăn sáng" (fast before breakfast) fits a morning exam only,
 * so for an exam from 11:00 on that clause gives way to the afternoon advice.
 */
function instructionsFor(instructions: string, startsAt: number): string {
  const local = new Date(startsAt + VN_OFFSET_MS);
  if (!instructions || local.getUTCHours() < 11) return instructions;
  const clauses = instructions.split(/(?<=[,.;])\s*/u).filter(Boolean);
  const morningOnly = (c: string) => /nhin an sang|nhin doi|khong an sang/.test(foldVietnamese(c));
  if (!clauses.some(morningOnly)) return instructions;
  const rest = clauses.filter((c) => !morningOnly(c)).join(' ').trim().replace(/^[,;]\s*/, '');
  const capital = rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : '';
  return [`${AFTERNOON_FASTING}.`, capital].filter(Boolean).join(' ');
}

export function bookingDetailLines(b: { clinic: ClinicInfo; slot: { startsAt: number; localDate: string }; campaign: { name: string; instructions: string } }): string[] {
  return [
    `Đợt khám: ${b.campaign.name}`,
    `Nơi khám: ${b.clinic.name}`,
    b.clinic.address ? `Địa chỉ: ${b.clinic.address}` : '',
    `Thời gian: ${formatVietnamDay(b.slot.localDate)}, lúc ${formatVietnamTime(b.slot.startsAt)}`,
    instructionsFor(b.campaign.instructions, b.slot.startsAt) ? `Lưu ý: ${instructionsFor(b.campaign.instructions, b.slot.startsAt)}` : '',
    b.clinic.phone ? `Điện thoại phòng khám: ${b.clinic.phone}` : '',
  ].filter(Boolean);
}

const reminderLead: Record<ReminderVariant, (title: string, name: string) => string> = {
  'T-3': (title, name) => `Nhắc lịch: còn 3 ngày nữa là lịch khám sức khỏe định kỳ của ${title} ${name}.`,
  'T-1': (title, name) => `Nhắc lịch: ngày mai ${title} ${name} có lịch khám sức khỏe định kỳ.`,
  day: (title, name) => `Hôm nay ${title} ${name} có lịch khám sức khỏe định kỳ.`,
};

/** 'booking.reminder': null once the booking is no longer active (moved, cancelled, attended) or has begun. */
export const renderBookingReminder: NoticeRenderer = (db, ref, now) => {
  const info = findBooking(db, ref.id);
  if (!info || info.status !== 'booked' || now >= info.slot.startsAt) return null;
  const cadre = db.select({ fullName: cadres.fullName, sex: cadres.sex }).from(cadres).where(eq(cadres.id, info.cadreId)).get();
  if (!cadre) return null;
  const title = honorific(cadre.sex);
  const variant = (['T-3', 'T-1', 'day'] as const).find((v) => v === ref.variant) ?? 'T-1';
  const lines = bookingDetailLines(info);
  // The day before asks for an answer (1 Sẽ đến · 2 Đổi lịch · 3 Không đến được); the morning of carries the check-in code.
  const ask = variant === 'T-1';
  const code = variant === 'day' ? ensureCheckInCode(db, { id: info.id, clinicId: info.clinic.id, localDate: info.slot.localDate }) : null;
  const tail = ask ? [CONFIRM_QUESTION] : code ? [...checkInLines(title, code), 'Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.'] : ['Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.'];
  const text = [reminderLead[variant](title, cadre.fullName), ...lines, ...tail].join('\n');
  return {
    text,
    buttons: ask
      ? CONFIRM_CHOICES.map((c) => ({ title: c, payload: c }))
      : [
          { title: 'Đổi lịch', payload: 'Đổi lịch' },
          { title: 'Hủy lịch', payload: 'Hủy lịch' },
        ],
    email: {
      subject: `Nhắc lịch khám sức khỏe: ${formatVietnamDay(info.slot.localDate)}, ${formatVietnamTime(info.slot.startsAt)}`,
      text: [
        `Kính gửi ${title} ${cadre.fullName},`,
        '',
        reminderLead[variant](title, cadre.fullName),
        '',
        ...lines,
        ...(code ? ['', ...checkInLines(title, code)] : []),
        '',
        `Muốn đổi hoặc hủy lịch, xin nhắn Zalo cho ${committeeWord()} hoặc gọi điện thoại cho phòng khám.`,
      ].join('\n'),
    },
    template: {
      // The day before: the template that asks for the answer (its button opens the chat), else the plain reminder.
      name: ask ? CONFIRM_TEMPLATE : 'booking_reminder',
      ...(ask ? { fallback: 'booking_reminder' } : {}),
      data: {
        name: cadre.fullName,
        date: formatVietnamDay(info.slot.localDate),
        time: formatVietnamTime(info.slot.startsAt),
        clinic: info.clinic.name,
      },
    },
  };
};
