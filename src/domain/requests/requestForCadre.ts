import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { cadres, careRequestUrgencies, timesOfDay } from '../../store/schema';
import { optionalVietnameseDateField } from '../shared/dates';
import { storedHolidayCalendar } from '../shared/holidays';
import { ackDeadline, type RequestPolicy } from './sla';
import { addTimeline, createRequest } from './creation';

/**
 * A request staff file for a cadre who phoned (home visit, medicine, record book, a question): the chat's own
 * pipeline (deadline, escalation), with the staff member recorded as the one who filed it.
 */

export const staffFiledTypes = ['home_visit', 'medicine', 'record_book', 'question'] as const;

export const RequestForCadreInput = z.object({
  type: z.enum(staffFiledTypes, { message: 'Chọn loại yêu cầu.' }),
  urgency: z.enum(careRequestUrgencies).default('normal'),
  details: z.string().trim().min(3, 'Ghi nội dung yêu cầu (ít nhất 3 ký tự).').max(2000, 'Nội dung tối đa 2000 ký tự.'),
  address: z.string().trim().max(300, 'Địa chỉ tối đa 300 ký tự.').default(''),
  preferredDate: optionalVietnameseDateField,
  preferredTime: z.enum(timesOfDay).default('any'),
});
export type RequestForCadreInput = z.infer<typeof RequestForCadreInput>;

export function fileRequestForCadre(
  db: Db,
  actor: AuditActor,
  staffId: number,
  cadreId: number,
  input: RequestForCadreInput,
  policy: RequestPolicy,
  now: number,
): { id: number; outboxIds: number[] } {
  return inTransaction(db, (tx) => {
    const cadre = tx.select().from(cadres).where(eq(cadres.id, cadreId)).get();
    if (!cadre) throw new AppError('not_found', 'Không tìm thấy cán bộ.');
    if (!cadre.active) throw new AppError('conflict', 'Cán bộ đã thôi quản lý; không ghi được yêu cầu mới.');
    if (input.type === 'home_visit' && !input.address) throw new AppError('validation_failed', 'Khám tại nhà cần địa chỉ.');
    const withHolidays = { ...policy, holidays: storedHolidayCalendar(tx) };
    const created = createRequest(
      tx,
      null,
      {
        type: input.type,
        cadreId,
        clinicId: cadre.clinicId,
        viaProxy: false,
        urgency: input.urgency,
        details: input.details,
        address: input.address || null,
        preferredDate: input.preferredDate ?? null,
        preferredTime: input.type === 'home_visit' || input.type === 'medicine' ? input.preferredTime : null,
        ackDueAt: ackDeadline(input.urgency, now, withHolidays),
      },
      now,
    );
    addTimeline(tx, created.id, 'filed_by_staff', { type: 'staff', id: String(staffId) }, null, now);
    recordAudit(
      tx,
      { ...actor, onBehalfOfCadreId: cadreId },
      { action: 'request.create', entity: 'care_request', entityId: created.id, detail: { type: input.type, urgency: input.urgency, cadreId, byStaff: staffId } },
      now,
    );
    return created;
  });
}
