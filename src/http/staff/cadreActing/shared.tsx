import { z } from 'zod';
import type { BookingInfo } from '../../../domain/booking/lookups';
import { cadreInScope } from '../../../domain/registry/search';
import { formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { honorific } from '../../../domain/shared/vietnamese';
import type { Cadre } from '../../../store/schema';
import { allowed, currentStaff, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import type { Flash } from '../layout';
import type { StaffContext } from '../ui';

/** What the cadre's page says after an action taken for them. */
export const actingNotices: Record<string, Flash> = {
  booked: { kind: 'ok', text: 'Đã đặt lịch khám cho cán bộ; cán bộ sẽ được báo.' },
  moved: { kind: 'ok', text: 'Đã đổi lịch khám; cán bộ sẽ được báo.' },
  cancelled: { kind: 'ok', text: 'Đã hủy lịch khám; cán bộ sẽ được báo kèm lý do.' },
  edited: { kind: 'ok', text: 'Đã lưu hồ sơ. Lịch sử thay đổi được ghi trong nhật ký.' },
  unchanged: { kind: 'warn', text: 'Hồ sơ không có gì thay đổi.' },
};

export const addressed = (c: Pick<Cadre, 'sex' | 'fullName'>) => `${honorific(c.sex)} ${c.fullName}`;
export const slotWhen = (b: Pick<BookingInfo, 'slot'>) => `${formatVietnamDay(b.slot.localDate)}, ${formatVietnamTime(b.slot.startsAt)}`;

export const BookingParams = z.object({ id: z.coerce.number().int().positive(), bookingId: z.coerce.number().int().positive() });
export const ChooseQuery = z.object({
  campaignId: z.coerce.number().int().positive().optional(),
  clinicId: z.coerce.number().int().positive().optional(),
  date: z.iso.date().optional(),
  move: z.coerce.number().int().positive().optional(),
});
export const SlotForm = z.object({
  slotId: z.coerce.number().int().positive({ message: 'Chọn một ca khám.' }),
  move: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
});
export const CancelForm = z.object({
  reason: z.string().trim().min(3, 'Ghi lý do hủy (cán bộ sẽ nhận được lý do này).').max(300, 'Lý do tối đa 300 ký tự.'),
  confirm: z.literal('1').optional(),
});
export const Confirmed = z.object({ confirm: z.literal('1').optional() });

/** The card on the cadre's page: their coming exams with move / cancel, and the actions staff may take. */
export function ActingCard(props: { staff: StaffIdentity; cadre: Pick<Cadre, 'id' | 'active'>; active: BookingInfo[] }) {
  const { staff, cadre } = props;
  const base = `/staff/registry/${cadre.id}`;
  const canBook = allowed(staff, 'booking', 'actForCadre') && cadre.active;
  return (
    <div class="card" id="acting">
      <h2 style="margin-top:0">Lịch khám và thao tác thay cán bộ</h2>
      {props.active.length ? (
        <ul class="plain">
          {props.active.map((b) => (
            <li>
              <b>{slotWhen(b)}</b> · {b.clinic.name} · <span class="small muted">{b.campaign.name}</span>
              {canBook ? (
                <span class="actions" style="display:inline-flex;margin-left:.5rem">
                  <a class="btn secondary small" href={`${base}/booking?move=${b.id}`}>
                    Đổi lịch
                  </a>
                  <a class="btn danger small" href={`${base}/bookings/${b.id}/cancel`}>
                    Hủy lịch
                  </a>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Chưa có lịch khám sắp tới.</p>
      )}
      <p class="actions">
        {canBook ? (
          <a class="btn" href={`${base}/booking`}>
            Đặt lịch khám
          </a>
        ) : null}
        {allowed(staff, 'requests', 'act') && cadre.active ? (
          <a class="btn secondary" href={`${base}/request`}>
            Ghi yêu cầu thay cán bộ
          </a>
        ) : null}
        {allowed(staff, 'registry', 'edit') ? (
          <a class="btn secondary" href={`${base}/edit`}>
            Sửa hồ sơ
          </a>
        ) : null}
      </p>
    </div>
  );
}

export function loadCadre(deps: StaffDeps, c: StaffContext, id: number): Cadre {
  return cadreInScope(deps.db, currentStaff(c), id);
}

export function BookingSummary(props: { b: Pick<BookingInfo, 'campaign' | 'clinic' | 'slot'>; label?: string }) {
  return (
    <dl class="kv">
      {props.label ? (
        <>
          <dt>{props.label}</dt>
          <dd></dd>
        </>
      ) : null}
      <dt>Đợt khám</dt>
      <dd>{props.b.campaign.name}</dd>
      <dt>Nơi khám</dt>
      <dd>{props.b.clinic.name}</dd>
      <dt>Ngày giờ</dt>
      <dd>{slotWhen(props.b)}</dd>
    </dl>
  );
}
