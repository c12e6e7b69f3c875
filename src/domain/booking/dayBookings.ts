import { afterExamAttended } from '../aftercare/serviceDone';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { bookings, cadres, examSlots, type Booking } from '../../store/schema';
import { formatIsoDate } from '../shared/dates';
import { vietnamDate } from '../shared/quietHours';

export interface DayBookingRow {
  bookingId: number;
  slotId: number;
  startsAt: number;
  status: Booking['status'];
  cadreId: number;
  code: string;
  fullName: string;
  birthDate: string;
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

export const exportHeaders = ['Giờ', 'Mã cán bộ', 'Họ và tên', 'Ngày sinh', 'Điện thoại', 'Đơn vị', 'Trạng thái', 'Đặt qua'];

export function exportRows(rows: DayBookingRow[], time: (ms: number) => string): string[][] {
  return rows.map((r) => [
    time(r.startsAt),
    r.code,
    r.fullName,
    `${r.birthDate.slice(8, 10)}/${r.birthDate.slice(5, 7)}/${r.birthDate.slice(0, 4)}`,
    r.phone ? `0${r.phone.slice(2)}` : '',
    r.unit,
    statusLabels[r.status],
    bookedByLabels[r.bookedBy],
  ]);
}


export async function toXlsx(title: string, header: string[], rows: string[][]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(title.slice(0, 31));
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((col, i) => (col.width = Math.min(40, Math.max(10, header[i]!.length + 2, ...rows.map((r) => (r[i] ?? '').length + 2)))));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
