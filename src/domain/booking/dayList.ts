import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { formatIsoDate, formatVietnamTime } from '../shared/dates';
import { CSV_MIME, fileSlug, writeCsv, writeWorkbook, XLSX_MIME } from '../shared/spreadsheet';
import { clinicScope, staffActor, type StaffIdentity } from '../staff/actor';
import { dayBookings, exportColumns, exportRows } from './dayBookings';
import { getCampaign } from './campaigns';
import { clinics } from '../../store/schema';
import { eq } from 'drizzle-orm';

/** A clinic's exam day, as the day list page and the API address it. */
export const DayQuery = z.object({
  clinicId: z.coerce.number().int().positive(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD'),
});

/** A clinic_staff member may only touch their own clinic. */
export function checkClinic(staff: StaffIdentity, clinicId: number): void {
  const scope = clinicScope(staff);
  if (scope !== null && scope !== clinicId) throw new AppError('forbidden', 'Bạn chỉ làm việc với phòng khám của mình.');
}

/** A day's list as CSV or xlsx, audited (it carries names and phone numbers). */
export async function dayExport(db: Db, staff: StaffIdentity, campaignId: number, clinicId: number, date: string, format: 'csv' | 'xlsx', now: number) {
  checkClinic(staff, clinicId);
  getCampaign(db, campaignId);
  const clinic = db.select({ code: clinics.code }).from(clinics).where(eq(clinics.id, clinicId)).get();
  const rows = exportRows(dayBookings(db, campaignId, clinicId, date), formatVietnamTime);
  const body =
    format === 'csv'
      ? Buffer.from(writeCsv(exportColumns, rows), 'utf8')
      : await writeWorkbook([{ name: `Lịch khám ${formatIsoDate(date).replace(/\//g, '-')}`, columns: exportColumns, rows }]);
  recordAudit(db, staffActor(staff), { action: 'booking.export', entity: 'campaign', entityId: campaignId, detail: { clinicId, date, format, rows: rows.length } }, now);
  return {
    body: new Uint8Array(body),
    contentType: format === 'csv' ? CSV_MIME : XLSX_MIME,
    fileName: `lich-kham-${fileSlug(clinic?.code ?? `phong-kham-${clinicId}`)}-${date}.${format}`,
  };
}
