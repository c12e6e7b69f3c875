import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { getCampaign } from '../../../domain/booking/campaigns';
import { CloseDayInput, closeClinicDay, closeDayPreview, deleteEmptySlots, SlotIdsInput } from '../../../domain/booking/clinicDays';
import { checkClinic, DayQuery } from '../../../domain/booking/dayList';
import { capacityRefusal, setSlotCapacity } from '../../../domain/booking/slots';
import { formatIsoDate, formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { committeeWord } from '../../../domain/shared/organisation';
import { staffActor } from '../../../domain/staff/actor';
import { AppError } from '../../../errors';
import { examSlots, type ExamSlot } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { ConfirmBox } from '../confirm';
import { page, type StaffContext } from '../ui';
import { dayUrl } from './dayCards';

const confirmed = z.object({ confirm: z.literal('1').optional() });
const CapacityForm = z.object({
  slotId: z.coerce.number().int().positive(),
  capacity: z.coerce.number({ message: 'Sức chứa là một số.' }).int('Sức chứa là số nguyên.').min(0, 'Sức chứa không âm.').max(1000, 'Sức chứa tối đa 1000.'),
  confirm: z.literal('1').optional(),
});

/** A clinic's day in a campaign, checked against the staff member's clinic. */
interface Day {
  id: number;
  clinicId: number;
  date: string;
}
function checkedDay(c: StaffContext, id: number, query: { clinicId: number; date: string }): Day {
  checkClinic(currentStaff(c), query.clinicId);
  return { id, clinicId: query.clinicId, date: query.date };
}
const dayQuery = (d: Day) => `?clinicId=${d.clinicId}&date=${d.date}`;

function slotsOfDay(deps: StaffDeps, d: Day): ExamSlot[] {
  return deps.db
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, d.id), eq(examSlots.clinicId, d.clinicId), eq(examSlots.localDate, d.date)))
    .all();
}

function closeRefusal(p: ReturnType<typeof closeDayPreview>, date: string): string | null {
  if (p.past) return `Ngày ${formatIsoDate(date)} đã qua; không đóng được.`;
  if (p.examined) return `Ngày này đã có ${p.examined} người được ghi nhận khám hoặc vắng; không đóng được.`;
  if (!p.slots) return 'Ngày này không có ca khám.';
  if (p.closed) return 'Ngày này đã đóng.';
  return null;
}

/** Closing a day asks first: who is told, why, and whether it is also a day off for everyone. */
function closeDayPage(deps: StaffDeps, c: StaffContext, d: Day) {
  const { id, clinicId, date } = d;
  const k = getCampaign(deps.db, id);
  const clinic = k.clinics.find((x) => x.id === clinicId);
  const p = closeDayPreview(deps.db, id, clinicId, date, deps.clock.now());
  const refusal = closeRefusal(p, date);
  return page(
    c,
    deps.committee.name,
    `Đóng ngày khám: ${clinic?.name ?? 'Nơi khám'}, ${formatVietnamDay(date)}`,
    refusal ? (
      <div class="card">
        <p class="flash bad">{refusal}</p>
        <a class="btn secondary" href={dayUrl(id, clinicId, date)}>
          ← Danh sách ngày
        </a>
      </div>
    ) : (
      <ConfirmBox
        action={`/staff/booking/${id}/day/close${dayQuery(d)}`}
        token={c.get('csrfToken')}
        fields={{}}
        told={p.booked.length}
        toldHow="(qua Zalo, hoặc email khi chưa liên kết), kèm lý do và những ngày còn chỗ để chọn lại"
        confirmLabel="Đóng ngày này"
        cancelHref={dayUrl(id, clinicId, date)}
        danger
      >
        <p style="margin-top:0">
          Mọi lịch đã đặt ngày {formatVietnamDay(date)} tại {clinic?.name} ({k.name}) sẽ bị hủy; ca trống bị xóa, ngày này không nhận đặt lịch nữa.
        </p>
        {p.booked.length ? <p class="small">Cán bộ đã đặt: {p.booked.map((b) => b.fullName).join(', ')}.</p> : null}
        <label for="reason">Lý do nghỉ (cán bộ sẽ nhận được)</label>
        <input type="text" id="reason" name="reason" required minlength={3} maxlength={200} placeholder="Ví dụ: phòng khám bảo trì máy móc" />
        <label style="margin-top:.6rem;color:inherit">
          <input type="checkbox" name="asHoliday" value="on" /> Cũng ghi là ngày nghỉ chung của {committeeWord()} (không tạo ca, không gửi nhắc lịch ngày này)
        </label>
      </ConfirmBox>
    ),
  );
}

/** Removing empty slots: only empty slots of this day, after a confirmation that names them. */
function deleteSlots(deps: StaffDeps, c: StaffContext, d: Day, f: { slotIds: number[]; confirm?: '1' }) {
  if (f.confirm === '1') {
    deleteEmptySlots(deps.db, staffActor(currentStaff(c)), d.id, d.clinicId, d.date, f.slotIds, deps.clock.now());
    return c.redirect(dayUrl(d.id, d.clinicId, d.date, '&msg=slots-deleted'), 303);
  }
  const chosen = slotsOfDay(deps, d).filter((x) => f.slotIds.includes(x.id));
  const taken = chosen.filter((x) => x.booked > 0);
  if (taken.length || chosen.length !== new Set(f.slotIds).size) {
    throw new AppError('conflict', 'Chỉ xóa được ca trống của ngày này; hãy tải lại trang và chọn lại.');
  }
  return page(
    c,
    deps.committee.name,
    `Xóa ${chosen.length} ca trống ngày ${formatVietnamDay(d.date)}`,
    <ConfirmBox
      action={`/staff/booking/${d.id}/day/slots/delete${dayQuery(d)}`}
      token={c.get('csrfToken')}
      fields={{ slotIds: f.slotIds.map(String) }}
      told={0}
      confirmLabel={`Xóa ${chosen.length} ca`}
      cancelHref={dayUrl(d.id, d.clinicId, d.date)}
      danger
    >
      <p style="margin-top:0">Các ca sau chưa có ai đặt và sẽ không còn nhận đặt lịch: {chosen.map((x) => formatVietnamTime(x.startsAt)).join(', ')}.</p>
    </ConfirmBox>,
  );
}

/** Changing a slot's capacity: never below what is booked, after a confirmation with the new free count. */
function changeCapacity(deps: StaffDeps, c: StaffContext, d: Day, f: z.infer<typeof CapacityForm>) {
  const slot = slotsOfDay(deps, d).find((x) => x.id === f.slotId);
  if (!slot) throw new AppError('not_found', 'Không có ca khám này.');
  const refusal = capacityRefusal(slot, f.capacity);
  if (refusal) throw new AppError('conflict', refusal);
  if (f.capacity === slot.capacity) return c.redirect(dayUrl(d.id, d.clinicId, d.date, '&msg=unchanged'), 303);
  if (f.confirm === '1') {
    setSlotCapacity(deps.db, staffActor(currentStaff(c)), slot.id, f.capacity, null, deps.clock.now());
    return c.redirect(dayUrl(d.id, d.clinicId, d.date, '&msg=capacity'), 303);
  }
  return page(
    c,
    deps.committee.name,
    `Đổi sức chứa ca ${formatVietnamTime(slot.startsAt)}, ${formatVietnamDay(d.date)}`,
    <ConfirmBox
      action={`/staff/booking/${d.id}/day/slots/capacity${dayQuery(d)}`}
      token={c.get('csrfToken')}
      fields={{ slotId: String(slot.id), capacity: String(f.capacity) }}
      told={0}
      confirmLabel="Đổi sức chứa"
      cancelHref={dayUrl(d.id, d.clinicId, d.date)}
    >
      <p style="margin-top:0">
        Sức chứa: {slot.capacity} → <b>{f.capacity}</b> chỗ ({slot.booked} đã đặt, còn {f.capacity - slot.booked} chỗ nhận đặt).
      </p>
    </ConfirmBox>,
  );
}

/** Closing a clinic's day, removing its empty slots, changing a slot's capacity. */
export function dayRoutes(deps: StaffDeps) {
  const manage = requirePermission('booking', 'manageSlots');
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/day/close', manage, validate('param', IdParam), validate('query', DayQuery), (c) =>
      closeDayPage(deps, c, checkedDay(c, c.req.valid('param').id, c.req.valid('query'))),
    )
    .post('/:id{[0-9]+}/day/close', manage, validate('param', IdParam), validate('query', DayQuery), validate('form', CloseDayInput.extend(confirmed.shape)), (c) => {
      const d = checkedDay(c, c.req.valid('param').id, c.req.valid('query'));
      const f = c.req.valid('form');
      if (f.confirm !== '1') return c.redirect(`/staff/booking/${d.id}/day/close${dayQuery(d)}`, 303);
      const s = currentStaff(c);
      closeClinicDay(deps.db, staffActor(s), s.id, d.id, d.clinicId, d.date, f, deps.clock.now());
      deps.afterCommit();
      return c.redirect(dayUrl(d.id, d.clinicId, d.date, '&msg=closed'), 303);
    })
    .post('/:id{[0-9]+}/day/slots/delete', manage, validate('param', IdParam), validate('query', DayQuery), validate('form', SlotIdsInput.extend(confirmed.shape)), (c) =>
      deleteSlots(deps, c, checkedDay(c, c.req.valid('param').id, c.req.valid('query')), c.req.valid('form')),
    )
    .post('/:id{[0-9]+}/day/slots/capacity', manage, validate('param', IdParam), validate('query', DayQuery), validate('form', CapacityForm), (c) =>
      changeCapacity(deps, c, checkedDay(c, c.req.valid('param').id, c.req.valid('query')), c.req.valid('form')),
    );
}
