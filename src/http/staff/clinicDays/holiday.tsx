import { campaigns } from '../../../store/schema';
import { clinicDaysOn, closeDateEverywhere } from '../../../domain/booking/clinicDays';
import { formatVietnamDay } from '../../../domain/shared/dates';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { staffActor } from '../../../domain/staff/actor';
import { currentStaff } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { ConfirmBox } from '../confirm';
import { page, type StaffContext } from '../ui';
import { dayUrl } from './dayCards';

/**
 * Adding a day off on which clinics still have open slots: first ask whether to close those clinic days (each
 * booked cadre told and offered another day) or keep the bookings. Returns the page or redirect, or null when
 * the plain "add a day off" should go on.
 */
export function holidayOverOpenDays(deps: StaffDeps, c: StaffContext, f: { date: string; name: string; confirm?: '1'; bookings?: 'close' | 'keep' }): Response | Promise<Response> | null {
  const now = deps.clock.now();
  if (f.date < vietnamDate(now)) return null;
  const days = clinicDaysOn(deps.db, f.date);
  if (!days.length) return null;
  if (f.confirm === '1' && f.bookings === 'keep') return null;
  if (f.confirm === '1' && f.bookings === 'close') {
    const s = currentStaff(c);
    closeDateEverywhere(deps.db, staffActor(s), s.id, f.date, f.name, now);
    deps.afterCommit();
    return c.redirect(`/staff/booking/holidays?year=${f.date.slice(0, 4)}`, 303);
  }
  const told = days.reduce((a, d) => a + d.booked, 0);
  const names = new Map(
    deps.db
      .select({ id: campaigns.id, name: campaigns.name })
      .from(campaigns)
      .all()
      .map((k) => [k.id, k.name]),
  );
  return page(
    c,
    deps.committee.name,
    `Thêm ngày nghỉ ${formatVietnamDay(f.date)}`,
    <ConfirmBox
      action="/staff/booking/holidays"
      token={c.get('csrfToken')}
      fields={{ date: f.date, name: f.name }}
      told={told}
      toldHow="đã đặt lịch ngày này (khi chọn đóng các ngày khám), kèm những ngày còn chỗ để chọn lại"
      confirmLabel="Thêm ngày nghỉ"
      cancelHref="/staff/booking/holidays"
    >
      <p style="margin-top:0">
        Ngày {formatVietnamDay(f.date)} ({f.name}) vẫn còn ca khám ở {days.length} nơi khám{told ? `, với ${told} cán bộ đã đặt lịch` : ''}:
      </p>
      <ul>
        {days.map((d) => (
          <li>
            <a href={dayUrl(d.campaignId, d.clinicId, f.date)}>{names.get(d.campaignId) ?? `Đợt ${d.campaignId}`}</a>: {d.booked} cán bộ đã đặt
          </li>
        ))}
      </ul>
      <fieldset style="border:0;padding:0;margin:0 0 .6rem">
        <label style="color:inherit">
          <input type="radio" name="bookings" value="close" checked /> Đóng các ngày khám này: hủy lịch đã đặt, báo cán bộ và mời chọn ngày khác
        </label>
        <label style="color:inherit">
          <input type="radio" name="bookings" value="keep" /> Chỉ thêm ngày nghỉ, giữ nguyên các lịch đã đặt
        </label>
      </fieldset>
    </ConfirmBox>,
  );
}
