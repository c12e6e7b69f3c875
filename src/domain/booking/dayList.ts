import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { formatVietnamTime } from '../shared/dates';
import { XLSX_MIME } from '../shared/spreadsheet';
import { clinicScope, staffActor, type StaffIdentity } from '../staff/actor';
import { dayBookings, exportHeaders, exportRows, toXlsx } from './dayBookings';
import { getCampaign } from './campaigns';
import { toCsv } from '../shared/csv';

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
  const rows = exportRows(dayBookings(db, campaignId, clinicId, date), formatVietnamTime);
  const body = format === 'csv' ? Buffer.from(toCsv(exportHeaders, rows), 'utf8') : await toXlsx(`Lịch khám ${date}`, exportHeaders, rows);
  recordAudit(db, staffActor(staff), { action: 'booking.export', entity: 'campaign', entityId: campaignId, detail: { clinicId, date, format, rows: rows.length } }, now);
  return {
    body: new Uint8Array(body),
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_MIME,
    fileName: `lich-kham-${date}-phong-kham-${clinicId}.${format}`,
  };
}
