import { offerToWaitlist } from '../aftercare/placeFreed';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { AppError } from '../../errors';
import { recordAudit, type AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { campaignClinics, examSlots } from '../../store/schema';
import { addDays, formatVietnamTime } from '../shared/dates';
import { storedHolidayCalendar } from '../shared/holidays';
import { vietnamInstant } from '../shared/quietHours';
import { campaignOr404, MAX_SLOTS_PER_REQUEST, SlotsInput } from './campaigns';

const isoWeekday = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
};

/**
 * Creates the slots of a grid: every chosen weekday in [from, to], from startTime to endTime local in
 * `slotMinutes` steps, `capacity` places each, for each chosen clinic. Slots that exist already (same
 * clinic and start) are left as they are and counted as skipped.
 */
export function createSlots(db: Db, actor: AuditActor, campaignId: number, input: SlotsInput, now: number): { created: number; skipped: number } {
  return inTransaction(db, (tx) => {
    const c = campaignOr404(tx, campaignId);
    if (input.fromDate < c.startDate || input.toDate > c.endDate) {
      throw new AppError('validation_failed', `Các ngày phải nằm trong đợt khám (${c.startDate} – ${c.endDate}).`);
    }
    const taking = new Set(tx.select({ id: campaignClinics.clinicId }).from(campaignClinics).where(eq(campaignClinics.campaignId, campaignId)).all().map((r) => r.id));
    const outside = input.clinicIds.filter((id) => !taking.has(id));
    if (outside.length) throw new AppError('validation_failed', 'Nơi khám đã chọn không tham gia đợt khám này.');
    const starts: { date: string; start: number; end: number }[] = [];
    const calendar = storedHolidayCalendar(tx);
    for (let day = input.fromDate; day <= input.toDate; day = addDays(day, 1)) {
      if (!input.weekdays.includes(isoWeekday(day))) continue;
      if (calendar.holidayOn(day)) continue; // no exams on public holidays or the days staff marked off
      for (let m = input.startTime; m + input.slotMinutes <= input.endTime; m += input.slotMinutes) {
        starts.push({ date: day, start: vietnamInstant(day, 0, m), end: vietnamInstant(day, 0, m + input.slotMinutes) });
      }
    }
    const total = starts.length * new Set(input.clinicIds).size;
    if (total === 0) throw new AppError('validation_failed', 'Không có ngày nào khớp với các thứ đã chọn.');
    if (total > MAX_SLOTS_PER_REQUEST) throw new AppError('validation_failed', `Quá nhiều ca (${total}); tối đa ${MAX_SLOTS_PER_REQUEST} mỗi lần.`);
    let created = 0;
    for (const clinicId of new Set(input.clinicIds)) {
      for (const s of starts) {
        created += tx
          .insert(examSlots)
          .values({ campaignId, clinicId, localDate: s.date, startsAt: s.start, endsAt: s.end, capacity: input.capacity, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .run().changes;
      }
    }
    recordAudit(
      tx,
      actor,
      { action: 'slots.create', entity: 'campaign', entityId: campaignId, detail: { clinics: input.clinicIds, from: input.fromDate, to: input.toDate, created, skipped: total - created } },
      now,
    );
    return { created, skipped: total - created };
  });
}

/** Why a slot cannot take this capacity (fewer places than people already booked), in staff words; null when it can. */
export function capacityRefusal(slot: { booked: number; startsAt: number }, capacity: number): string | null {
  if (capacity >= slot.booked) return null;
  return `Ca ${formatVietnamTime(slot.startsAt)} đã có ${slot.booked} người đặt, nên sức chứa không thể ít hơn ${slot.booked}. Muốn giảm xuống ${capacity}, hãy đổi hoặc hủy bớt lịch đã đặt trước.`;
}

/** Changes a slot's capacity; never below the places already taken. */
export function setSlotCapacity(db: Db, actor: AuditActor, slotId: number, capacity: number, clinicScope: number | null, now: number): void {
  inTransaction(db, (tx) => {
    const slot = tx.select().from(examSlots).where(eq(examSlots.id, slotId)).get();
    if (!slot || (clinicScope !== null && slot.clinicId !== clinicScope)) throw new AppError('not_found', 'Không có ca khám này.');
    const refusal = capacityRefusal(slot, capacity);
    if (refusal) throw new AppError('conflict', refusal);
    tx.update(examSlots).set({ capacity, updatedAt: now }).where(eq(examSlots.id, slotId)).run();
    recordAudit(tx, actor, { action: 'slot.capacity', entity: 'slot', entityId: slotId, detail: { from: slot.capacity, to: capacity } }, now);
    // Places added to a full day go to the waitlist first, one offer each.
    for (let i = slot.capacity; i < capacity; i++) offerToWaitlist(tx, slotId, now);
  });
}

/** Per clinic and day: slots, places, places taken. */
export function campaignDays(db: DbOrTx, campaignId: number, clinicScope: number | null) {
  return db
    .select({
      clinicId: examSlots.clinicId,
      date: examSlots.localDate,
      slots: count(),
      capacity: sql<number>`sum(${examSlots.capacity})`,
      booked: sql<number>`sum(${examSlots.booked})`,
    })
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), clinicScope === null ? undefined : eq(examSlots.clinicId, clinicScope)))
    .groupBy(examSlots.clinicId, examSlots.localDate)
    .orderBy(asc(examSlots.localDate), asc(examSlots.clinicId))
    .all();
}

/** Slots of a clinic's day with their places. */
export function daySlots(db: DbOrTx, campaignId: number, clinicId: number, date: string) {
  return db
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date)))
    .orderBy(asc(examSlots.startsAt))
    .all();
}
