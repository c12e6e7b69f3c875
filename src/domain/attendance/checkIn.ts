import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { bookings } from '../../store/schema';

/**
 * What the reminders carry for the exam day: the day-before question and the morning-of check-in code. Kept
 * apart from attendance.ts so that booking/reminders.ts (which renders the reminders) and attendance.ts (which
 * reads bookings) do not import each other.
 */

export const CONFIRM_CHOICES = ['Sẽ đến', 'Đổi lịch', 'Không đến được'] as const;
/** The question the day-before reminder ends with; numbers work alone, buttons carry the same words. */
export const CONFIRM_QUESTION = `Xin trả lời (gõ số):\n${CONFIRM_CHOICES.map((c, i) => `${i + 1}. ${c}`).join('\n')}`;
/** The Zalo template of the day-before reminder that asks the question (its body says to type 1, 2 or 3). */
export const CONFIRM_TEMPLATE = 'booking_confirm';
// --- check-in codes -------------------------------------------------------------------------------------

const DAY_OF = `SELECT b.check_in_code AS code FROM bookings b JOIN exam_slots s ON s.id = b.slot_id
  WHERE s.clinic_id = ? AND s.local_date = ? AND b.check_in_code IS NOT NULL`;

/** A four-digit code no other booking at the same clinic on the same day holds. */
export function newCheckInCode(tx: DbOrTx, clinicId: number, localDate: string): string {
  const taken = new Set((rowsOf<{ code: string }>(tx, DAY_OF).all(clinicId, localDate)).map((r) => r.code));
  for (;;) {
    const code = String(randomInt(1000, 10_000));
    if (!taken.has(code)) return code;
  }
}

/** The booking's check-in code, given one now if it has none (bookings made before codes existed). */
export function ensureCheckInCode(tx: DbOrTx, info: { id: number; clinicId: number; localDate: string }): string {
  const row = tx.select({ code: bookings.checkInCode }).from(bookings).where(eq(bookings.id, info.id)).get();
  if (row?.code) return row.code;
  const code = newCheckInCode(tx, info.clinicId, info.localDate);
  tx.update(bookings).set({ checkInCode: code }).where(eq(bookings.id, info.id)).run();
  return code;
}

/** What the morning-of reminder adds: the code and how to check in. */
export const checkInLines = (title: string, code: string) => [
  `Mã đến khám: ${code}`,
  `Khi đến phòng khám, ${title} nhắn "đã đến" (hoặc mã ${code}) để lấy số thứ tự.`,
];

