import { afterExamAttended } from '../aftercare/serviceDone';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { bookings, cadres, examSlots, type Booking } from '../../store/schema';
import { formatIsoDate } from '../shared/dates';
import { vietnamDate } from '../shared/quietHours';
import { birthDateCell, type SheetCell, type SheetColumn } from '../shared/spreadsheet';

export interface DayBookingRow {
  bookingId: number;
  slotId: number;
  startsAt: number;
  status: Booking['status'];
  cadreId: number;
  code: string;
  fullName: string;
  birthDate: string;
  birthDatePrecision: 'day' | 'year';
  phone: string | null;
  unit: string;
  viaProxy: boolean;
  bookedBy: 'zalo' | 'proxy' | 'staff';
  attendanceAt: number | null;
  /** Answer to the day-before question (null: none yet). */
  confirmation: Booking['confirmation'];
  queueNumber: number | null;
  checkInCode: string | null;
}

/** The bookings of one clinic's day (active, attended, no-show), by time then name. */
export function dayBookings(db: DbOrTx, campaignId: number, clinicId: number, date: string): DayBookingRow[] {
  return db
    .select({
      bookingId: bookings.id,
      slotId: examSlots.id,
      startsAt: examSlots.startsAt,
      status: bookings.status,
      cadreId: cadres.id,
      code: cadres.code,
      fullName: cadres.fullName,
      birthDate: cadres.birthDate,
      birthDatePrecision: cadres.birthDatePrecision,
      phone: cadres.phone,
      unit: cadres.unit,
      viaProxy: bookings.viaProxy,
      staffId: bookings.bookedByStaffId,
      attendanceAt: bookings.attendanceAt,
      confirmation: bookings.confirmation,
      queueNumber: bookings.queueNumber,
      checkInCode: bookings.checkInCode,
    })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .innerJoin(cadres, eq(cadres.id, bookings.cadreId))
    .where(
      and(
        eq(bookings.campaignId, campaignId),
        eq(examSlots.clinicId, clinicId),
        eq(examSlots.localDate, date),
        inArray(bookings.status, ['booked', 'attended', 'no_show']),
      ),
    )
    .orderBy(asc(examSlots.startsAt), asc(cadres.fullName))
    .all()
    .map(({ staffId, ...r }) => ({ ...r, bookedBy: staffId ? 'staff' : r.viaProxy ? 'proxy' : 'zalo' }));
}

export const AttendanceInput = z.object({ status: z.enum(['attended', 'no_show', 'booked']) });

/** Marks a booking attended or no-show (or back to booked, to undo), within the staff member's clinic. */
export function markAttendance(db: Db, actor: AuditActor, staffId: number, bookingId: number, status: 'attended' | 'no_show' | 'booked', clinicScope: number | null, now: number): Booking {
  return inTransaction(db, (tx) => {
    const row = tx
      .select({ b: bookings, clinicId: examSlots.clinicId, slotDate: examSlots.localDate })
      .from(bookings)
      .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
      .where(eq(bookings.id, bookingId))
      .get();
    if (!row || (clinicScope !== null && row.clinicId !== clinicScope)) throw new AppError('not_found', 'Không có lịch khám này.');
    if (!['booked', 'attended', 'no_show'].includes(row.b.status)) {
      throw new AppError('conflict', 'Lịch khám đã hủy hoặc đã đổi; không ghi nhận được.');
    }
    // Attendance is a fact about a day that has come: recording it ahead would inflate the share examined.
    if (status !== 'booked' && row.slotDate > vietnamDate(now)) {
      throw new AppError('validation_failed', `Lịch khám ngày ${formatIsoDate(row.slotDate)} chưa đến; chỉ ghi nhận đã khám hoặc vắng từ ngày khám trở đi.`);
    }
    const updated = tx
      .update(bookings)
      .set({ status, attendanceByStaffId: status === 'booked' ? null : staffId, attendanceAt: status === 'booked' ? null : now, updatedAt: now })
      .where(eq(bookings.id, bookingId))
      .returning()
      .get();
    recordAudit(tx, actor, { action: 'booking.attendance', entity: 'booking', entityId: bookingId, detail: { cadreId: row.b.cadreId, from: row.b.status, to: status } }, now);
    if (status === 'attended' && row.b.status !== 'attended') afterExamAttended(tx, { id: bookingId, cadreId: row.b.cadreId, clinicId: row.clinicId }, now);
    return updated;
  });
}

export const statusLabels: Record<Booking['status'], string> = {
  booked: 'Đã đặt',
  moved: 'Đã đổi',
  cancelled: 'Đã hủy',
  attended: 'Đã khám',
  no_show: 'Vắng',
};
const bookedByLabels = { zalo: 'Zalo (cán bộ)', proxy: 'Zalo (người nhà)', staff: 'Nhân viên' } as const;

/** The day list as a file: birth dates as date cells, phone numbers as text. */
export const exportColumns: SheetColumn[] = [
  { header: 'Giờ' },
  { header: 'Mã cán bộ' },
  { header: 'Họ và tên', width: 28 },
  { header: 'Ngày sinh', kind: 'date' },
  { header: 'Điện thoại' },
  { header: 'Đơn vị', width: 28 },
  { header: 'Trạng thái' },
  { header: 'Đặt qua' },
];

export function exportRows(rows: DayBookingRow[], time: (ms: number) => string): SheetCell[][] {
  return rows.map((r) => [
    time(r.startsAt),
    r.code,
    r.fullName,
    birthDateCell(r.birthDate, r.birthDatePrecision),
    r.phone ? `0${r.phone.slice(2)}` : '',
    r.unit,
    statusLabels[r.status],
    bookedByLabels[r.bookedBy],
  ]);
}
