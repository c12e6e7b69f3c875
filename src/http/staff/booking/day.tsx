import { Hono } from 'hono';
import { z } from 'zod';
import { getCampaign } from '../../../domain/booking/campaigns';
import { AttendanceInput, dayBookings, markAttendance, statusLabels } from '../../../domain/booking/dayBookings';
import { checkClinic, DayQuery } from '../../../domain/booking/dayList';
import { daySlots } from '../../../domain/booking/slots';
import { formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { staffActor } from '../../../domain/staff/actor';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { dayExportHandlers } from '../../dayExport';
import { IdParam, validate } from '../../validation';
import { CheckInPanel, confirmationLabel } from '../attendance';
import { DayNav, DaySlotsCard } from '../clinicDays';
import { CsrfField, type Flash } from '../layout';
import { EmptyRow, fmtDate, page, PhoneLink } from '../ui';
import { Msg, notices } from './shared';

type DayRow = ReturnType<typeof dayBookings>[number];
/** Which day list: the campaign, the clinic and the date. */
type Day = { campaignId: number; clinicId: number; date: string };

/** "so-12" after a check-in: the number the cadre was given. */
const flashOf = (msg = ''): Flash | undefined =>
  /^so-\d+$/.test(msg) ? { kind: 'ok', text: `Đã nhận số ${msg.slice(3)}; cán bộ được báo số qua Zalo.` } : notices[msg];

const dayHref = (day: Day) => `/staff/booking/${day.campaignId}/day?clinicId=${day.clinicId}&date=${day.date}`;

function DayStats(props: { slots: ReturnType<typeof daySlots>; rows: DayRow[] }) {
  const { slots, rows } = props;
  const stat = (n: number, label: string) => (
    <div class="stat">
      <b>{n}</b>
      {label}
    </div>
  );
  return (
    <div class="stats">
      {stat(slots.reduce((a, x) => a + x.booked, 0), 'đã đặt')}
      {stat(slots.reduce((a, x) => a + x.capacity, 0), 'chỗ')}
      {stat(rows.filter((r) => r.status === 'attended').length, 'đã khám')}
      {stat(rows.filter((r) => r.status === 'no_show').length, 'vắng')}
      {stat(rows.filter((r) => r.confirmation === 'confirmed').length, 'đã xác nhận')}
      {stat(rows.filter((r) => r.status === 'booked' && !r.confirmation).length, 'chưa xác nhận')}
    </div>
  );
}

/** Check-in (today only), attended, absent, or undo: each button posts the new status. */
function AttendanceButtons(props: { r: DayRow; day: Day; token: string; today: boolean }) {
  const { r } = props;
  return (
    <form method="post" class="actions" action={`/staff/booking/bookings/${r.bookingId}/attendance`}>
      <CsrfField token={props.token} />
      <input type="hidden" name="back" value={dayHref(props.day)} />
      {r.status === 'booked' && props.today ? (
        <button class="btn small" type="submit" formaction={`/staff/booking/bookings/${r.bookingId}/checkin`}>
          Đã đến, cấp số
        </button>
      ) : null}
      {r.status !== 'attended' ? (
        <button class="btn small" type="submit" name="status" value="attended">
          Đã khám
        </button>
      ) : null}
      {r.status !== 'no_show' ? (
        <button class="btn small danger" type="submit" name="status" value="no_show">
          Vắng
        </button>
      ) : null}
      {r.status !== 'booked' ? (
        <button class="btn small secondary" type="submit" name="status" value="booked">
          Hoàn tác
        </button>
      ) : null}
    </form>
  );
}

function DayTr(props: { r: DayRow; day: Day; token: string; canMark: boolean; today: boolean }) {
  const { r } = props;
  return (
    <tr>
      <td data-label="Giờ">{formatVietnamTime(r.startsAt)}</td>
      <td data-label="Cán bộ">
        {r.fullName}
        <div class="small muted">
          {r.code} · {fmtDate(r.birthDate)}
        </div>
      </td>
      <td data-label="Điện thoại">
        <PhoneLink phone={r.phone} />
      </td>
      <td data-label="Đặt qua">{r.bookedBy === 'proxy' ? 'Người nhà (Zalo)' : r.bookedBy === 'staff' ? 'Nhân viên' : 'Zalo'}</td>
      <td data-label="Xác nhận">
        <span class={`badge ${r.confirmation === 'confirmed' ? 'ok' : r.status === 'booked' ? 'warn' : ''}`}>{confirmationLabel(r)}</span>
      </td>
      <td data-label="Trạng thái">
        <span class={`badge ${r.status === 'attended' ? 'ok' : r.status === 'no_show' ? 'bad' : ''}`}>{statusLabels[r.status]}</span>
        {r.queueNumber !== null ? <div class="small">Số {r.queueNumber}</div> : null}
      </td>
      {props.canMark ? (
        <td data-label="Ghi nhận">
          <AttendanceButtons r={r} day={props.day} token={props.token} today={props.today} />
        </td>
      ) : null}
    </tr>
  );
}

function DayTable(props: { rows: DayRow[]; day: Day; token: string; canMark: boolean; today: boolean }) {
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            <th>Giờ</th>
            <th>Cán bộ</th>
            <th>Điện thoại</th>
            <th>Đặt qua</th>
            <th>Xác nhận</th>
            <th>Trạng thái</th>
            {props.canMark ? <th>Ghi nhận</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? <EmptyRow colspan={7}>Chưa có ai đặt lịch ngày này.</EmptyRow> : null}
          {props.rows.map((r) => (
            <DayTr r={r} day={props.day} token={props.token} canMark={props.canMark} today={props.today} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DayExportLinks(props: { day: Day }) {
  const href = (format: string) => `/staff/booking/${props.day.campaignId}/day/export?clinicId=${props.day.clinicId}&date=${props.day.date}&format=${format}`;
  return (
    <>
      <a class="btn small" href={href('xlsx')}>
        Tải Excel
      </a>
      <a class="btn small secondary" href={href('csv')}>
        Tải CSV
      </a>
    </>
  );
}

function DayPage(props: { deps: StaffDeps; s: StaffIdentity; campaign: ReturnType<typeof getCampaign>; day: Day; token: string }) {
  const { deps, s, day, token } = props;
  const slots = daySlots(deps.db, day.campaignId, day.clinicId, day.date);
  const rows = dayBookings(deps.db, day.campaignId, day.clinicId, day.date);
  const canMark = allowed(s, 'booking', 'attendance');
  const today = vietnamDate(deps.clock.now());
  return (
    <>
      <p class="actions">
        <a class="btn secondary small" href={`/staff/booking/${day.campaignId}`}>
          ← {props.campaign.name}
        </a>
        {allowed(s, 'booking', 'exportDay') ? <DayExportLinks day={day} /> : null}
      </p>
      <DayNav deps={deps} campaignId={day.campaignId} clinicId={day.clinicId} date={day.date} />
      <DayStats slots={slots} rows={rows} />
      <CheckInPanel campaignId={day.campaignId} clinicId={day.clinicId} date={day.date} token={token} canMark={canMark && day.date === today} />
      <DayTable rows={rows} day={day} token={token} canMark={canMark} today={day.date === today} />
      <DaySlotsCard staff={s} campaignId={day.campaignId} clinicId={day.clinicId} date={day.date} slots={slots} token={token} today={today} />
    </>
  );
}

/** A clinic's day: who booked, check-in and attendance, the day's slots, the export. */
export function dayRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/day', requirePermission('booking', 'readDayList'), validate('param', IdParam), validate('query', DayQuery.extend(Msg.shape)), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const { clinicId, date, msg } = c.req.valid('query');
      checkClinic(s, clinicId);
      const k = getCampaign(deps.db, id);
      const clinic = k.clinics.find((x) => x.id === clinicId);
      const body = <DayPage deps={deps} s={s} campaign={k} day={{ campaignId: id, clinicId, date }} token={c.get('csrfToken')} />;
      return page(c, deps.committee.name, `${clinic?.name ?? 'Nơi khám'} – ${formatVietnamDay(date)}`, body, { flash: flashOf(msg) });
    })
    .get('/:id{[0-9]+}/day/export', ...dayExportHandlers(deps, 'xlsx'))
    .post(
      '/bookings/:id{[0-9]+}/attendance',
      requirePermission('booking', 'attendance'),
      validate('param', IdParam),
      validate('form', AttendanceInput.extend({ back: z.string().regex(/^\/staff\/booking\/\d+\/day\?clinicId=\d+&date=\d{4}-\d{2}-\d{2}$/).optional() })),
      (c) => {
        const s = currentStaff(c);
        const form = c.req.valid('form');
        const b = markAttendance(deps.db, staffActor(s), s.id, c.req.valid('param').id, form.status, clinicScope(s), deps.clock.now());
        const target = form.back ?? `/staff/booking/${b.campaignId}`;
        return c.redirect(`${target}${target.includes('?') ? '&' : '?'}msg=attended`, 303);
      },
    );
}
