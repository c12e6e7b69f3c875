import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { cadres, careRequests, clinics, staffUsers } from '../../store/schema';
import { formatVietnamDay } from '../shared/dates';
import { type NoticeRenderer } from '../outreach/notices';
import { requestStateLabels, requestTypeLabels, ticketOf, timeOfDayLabels } from './labels';

export function renderRequestUpdate(
  db: DbOrTx,
  id: number,
  variant: string,
): { text: string; subject: string; template: { name: string; data: Record<string, string> } } | null {
  const req = db.select().from(careRequests).where(eq(careRequests.id, id)).get();
  if (!req) return null;
  const clinic = req.clinicId === null ? null : db.select().from(clinics).where(eq(clinics.id, req.clinicId)).get() ?? null;
  const handler = req.acknowledgedByStaffId === null ? null : db.select().from(staffUsers).where(eq(staffUsers.id, req.acknowledgedByStaffId)).get() ?? null;
  const ticket = ticketOf(req.id);
  const label = requestTypeLabels[req.type].toLowerCase();
  const contact = [handler ? `Người phụ trách: ${handler.fullName}` : null, clinic ? `${clinic.name}${clinic.phone ? `, ĐT ${clinic.phone}` : ''}` : null].filter(Boolean).join(' – ');
  let text: string;
  switch (variant) {
    case 'acknowledged':
      if (req.state === 'new') return null;
      text = `Yêu cầu ${ticket} (${label}) đã được tiếp nhận.${contact ? `\n${contact}.` : ''}`;
      break;
    case 'scheduled':
      if (req.state !== 'scheduled' || !req.scheduledDate) return null;
      text = `Lịch cho yêu cầu ${ticket} (${label}): ${formatVietnamDay(req.scheduledDate)}, ${timeOfDayLabels[req.scheduledTime ?? 'any']}.${contact ? `\n${contact}.` : ''}`;
      break;
    case 'done':
      if (req.state !== 'done') return null;
      text = `Yêu cầu ${ticket} (${label}) đã hoàn thành. Cảm ơn Ông/Bà.`;
      break;
    case 'cancelled':
      if (req.state !== 'cancelled') return null;
      text = `Yêu cầu ${ticket} (${label}) đã được hủy.${req.closeNote ? `\nLý do: ${req.closeNote}` : ''}${clinic?.phone ? `\nCần hỗ trợ, xin gọi ${clinic.phone}.` : ''}`;
      break;
    default:
      return null;
  }
  const cadre = req.cadreId === null ? null : db.select({ fullName: cadres.fullName }).from(cadres).where(eq(cadres.id, req.cadreId)).get();
  // The approved Zalo templates' parameters (the templates page lists them); no health data.
  const data: Record<string, string> = { name: cadre?.fullName ?? '', ticket, request: label, status: requestStateLabels[req.state] };
  if (variant === 'scheduled' && req.scheduledDate) data.date = formatVietnamDay(req.scheduledDate);
  return { text, subject: `${ticket}: ${requestStateLabels[req.state]}`, template: { name: variant === 'scheduled' ? 'visit_scheduled' : 'request_update', data } };
}

/** Notice renderer 'request.update' (variants acknowledged, scheduled, done, cancelled). */
export const renderRequestNotice: NoticeRenderer = (db, ref) => {
  const r = renderRequestUpdate(db, ref.id, ref.variant ?? '');
  return r ? { text: r.text, email: { subject: r.subject, text: r.text }, template: r.template } : null;
};
