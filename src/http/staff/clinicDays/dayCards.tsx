import { adjacentDays } from '../../../domain/booking/clinicDays';
import { formatIsoDate, formatVietnamTime } from '../../../domain/shared/dates';
import { vietnamDate } from '../../../domain/shared/quietHours';
import type { ExamSlot } from '../../../store/schema';
import { allowed, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { CsrfField, type Flash } from '../layout';

export const dayNotices: Record<string, Flash> = {
  edited: { kind: 'ok', text: 'Đã lưu đợt khám; các cán bộ đã đặt lịch sẽ được báo.' },
  closed: { kind: 'ok', text: 'Đã đóng ngày khám; các cán bộ đã đặt lịch được báo và mời chọn ngày khác.' },
  'slots-deleted': { kind: 'ok', text: 'Đã xóa các ca trống.' },
  capacity: { kind: 'ok', text: 'Đã đổi sức chứa của ca.' },
  unchanged: { kind: 'warn', text: 'Không có gì thay đổi.' },
};

export const dayUrl = (campaignId: number, clinicId: number, date: string, extra = '') => `/staff/booking/${campaignId}/day?clinicId=${clinicId}&date=${date}${extra}`;

/** Previous / today / next on a clinic's day list: the neighbouring days that have slots. */
export function DayNav(props: { deps: StaffDeps; campaignId: number; clinicId: number; date: string }) {
  const { previous, next } = adjacentDays(props.deps.db, props.campaignId, props.clinicId, props.date);
  const today = vietnamDate(props.deps.clock.now());
  return (
    <nav class="actions" aria-label="Chuyển ngày" id="day-nav" style="margin-bottom:.8rem">
      {previous ? (
        <a class="btn secondary small" href={dayUrl(props.campaignId, props.clinicId, previous)} rel="prev">
          ← {formatIsoDate(previous)}
        </a>
      ) : (
        <span class="btn secondary small" aria-disabled="true" style="opacity:.5">
          ← Ngày trước
        </span>
      )}
      <a class="btn secondary small" href={dayUrl(props.campaignId, props.clinicId, today)} aria-current={today === props.date ? 'date' : undefined}>
        Hôm nay
      </a>
      {next ? (
        <a class="btn secondary small" href={dayUrl(props.campaignId, props.clinicId, next)} rel="next">
          {formatIsoDate(next)} →
        </a>
      ) : (
        <span class="btn secondary small" aria-disabled="true" style="opacity:.5">
          Ngày sau →
        </span>
      )}
    </nav>
  );
}

/** One slot: its time, how full it is, its capacity form, and (when empty) a box to pick it for removal. */
function SlotRow(props: { slot: ExamSlot; capacityAction: string; token: string }) {
  const s = props.slot;
  return (
    <tr>
      <td data-label="Giờ">
        {formatVietnamTime(s.startsAt)} – {formatVietnamTime(s.endsAt)}
      </td>
      <td data-label="Đã đặt / chỗ">
        {s.booked} / {s.capacity}
      </td>
      <td data-label="Sức chứa">
        <form method="post" class="actions" action={props.capacityAction}>
          <CsrfField token={props.token} />
          <input type="hidden" name="slotId" value={String(s.id)} />
          <input type="number" name="capacity" value={String(s.capacity)} min="0" max="1000" required style="width:5.5rem" aria-label={`Sức chứa ca ${formatVietnamTime(s.startsAt)}`} />
          <button class="btn secondary small" type="submit">
            Đổi
          </button>
        </form>
      </td>
      <td data-label="Xóa ca trống">
        {s.booked === 0 ? (
          <label style="display:inline;color:inherit">
            <input type="checkbox" name="slotIds" value={String(s.id)} form="delete-slots" /> Chọn
          </label>
        ) : (
          <span class="small muted">Đã có người đặt</span>
        )}
      </td>
    </tr>
  );
}

/** The slots of a clinic's day for those who manage them: capacity per slot, empty ones removable, the day closable. */
export function DaySlotsCard(props: { staff: StaffIdentity; campaignId: number; clinicId: number; date: string; slots: ExamSlot[]; token: string; today: string }) {
  const { campaignId, clinicId, date, slots } = props;
  if (!allowed(props.staff, 'booking', 'manageSlots') || !slots.length) return null;
  const q = `?clinicId=${clinicId}&date=${date}`;
  const closed = slots.every((s) => s.capacity === 0);
  return (
    <div class="card" id="day-slots" style="margin-top:1rem">
      <h2 style="margin-top:0">
        Ca khám trong ngày {closed ? <span class="badge bad">Ngày đã đóng</span> : null}
      </h2>
      <form method="post" action={`/staff/booking/${campaignId}/day/slots/delete${q}`} id="delete-slots">
        <CsrfField token={props.token} />
      </form>
      <div class="table-wrap">
        <table class="responsive">
          <thead>
            <tr>
              <th>Giờ</th>
              <th>Đã đặt / chỗ</th>
              <th>Sức chứa</th>
              <th>Xóa ca trống</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <SlotRow slot={s} capacityAction={`/staff/booking/${campaignId}/day/slots/capacity${q}`} token={props.token} />
            ))}
          </tbody>
        </table>
      </div>
      <p class="actions" style="margin-top:.8rem">
        {slots.some((s) => s.booked === 0) ? (
          <button class="btn secondary" type="submit" form="delete-slots">
            Xóa các ca trống đã chọn…
          </button>
        ) : null}
        {!closed && date >= props.today ? (
          <a class="btn danger" href={`/staff/booking/${campaignId}/day/close${q}`}>
            Đóng ngày này (nghỉ)…
          </a>
        ) : null}
      </p>
    </div>
  );
}
