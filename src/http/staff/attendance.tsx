import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { bookingByCheckInCode, callNext, checkInByStaff, queueView } from '../../domain/attendance/queue';
import { defaultQueueSettings } from '../../domain/attendance/attendance';
import { getCampaign } from '../../domain/booking/campaigns';
import type { DayBookingRow } from '../../domain/booking/dayBookings';
import { formatVietnamDay } from '../../domain/shared/dates';
import { findBooking } from '../../domain/booking/lookups';
import { AppError } from '../../errors';
import { clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { checkClinic, DayQuery } from '../../domain/booking/dayList';
import { IdParam, validate } from '../validation';
import { CsrfField } from './layout';
import { HtmlDocument } from '../htmlDocument';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';

/**
 * The exam day at the clinic: check-in by code or by tapping the name on the day list (the cadre gets a queue
 * number in Zalo), and the counter page for a TV or a phone that calls the next number with initials only.
 */

/** What the day list shows for the day-before question. */
export const confirmationLabel = (r: Pick<DayBookingRow, 'confirmation' | 'status'>) =>
  r.confirmation === 'confirmed' ? 'Sẽ đến' : r.confirmation === 'declined' ? 'Không đến được' : r.status === 'booked' ? 'Chưa xác nhận' : '—';

const dayUrl = (campaignId: number, clinicId: number, date: string) => `/staff/booking/${campaignId}/day?clinicId=${clinicId}&date=${date}`;
const counterUrl = (campaignId: number, clinicId: number, date: string) => `/staff/booking/${campaignId}/day/counter?clinicId=${clinicId}&date=${date}`;

/** On the day list of today: type a cadre's check-in code, and open the counter page. */
export function CheckInPanel(props: { campaignId: number; clinicId: number; date: string; token: string; canMark: boolean }) {
  if (!props.canMark) return null;
  return (
    <form method="post" class="actions" action={`/staff/booking/${props.campaignId}/day/checkin?clinicId=${props.clinicId}&date=${props.date}`}>
      <CsrfField token={props.token} />
      <label>
        Mã đến khám <input name="code" inputmode="numeric" pattern="[0-9]{4}" maxlength={4} required style="width:6em" />
      </label>
      <button class="btn small" type="submit">
        Cấp số
      </button>
      <a class="btn small secondary" href={counterUrl(props.campaignId, props.clinicId, props.date)}>
        Màn hình gọi số
      </a>
    </form>
  );
}

const Back = z.object({ back: z.string().regex(/^\/staff\/booking\/\d+\/day\?clinicId=\d+&date=\d{4}-\d{2}-\d{2}$/).optional() });
const withMsg = (url: string, msg: string) => `${url}${url.includes('?') ? '&' : '?'}msg=${msg}`;

const COUNTER_CSS = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#0b3d2e;color:#fff}
main{min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:2vh;padding:3vh 4vw;box-sizing:border-box;text-align:center}
.where{font-size:clamp(18px,3vw,32px);opacity:.85}
.call{font-size:clamp(48px,11vw,150px);font-weight:800;line-height:1.05}
.who{font-size:clamp(28px,5vw,64px);font-weight:600;letter-spacing:.08em}
.next{font-size:clamp(20px,3.2vw,40px)}
.next span{display:inline-block;margin:.2em .35em;padding:.1em .5em;border-radius:.4em;background:rgba(255,255,255,.14)}
form{margin:0}
button{font-size:clamp(22px,3.5vw,40px);padding:.55em 1.4em;border:0;border-radius:.5em;background:#ffd54f;color:#1b1b1b;font-weight:700;cursor:pointer;min-height:64px}
.small{font-size:clamp(14px,2vw,20px);opacity:.8}
a{color:#cfe8ff}
`;

type Queue = ReturnType<typeof queueView>;

/** The queue screen at the counter (a TV or a phone): the number called, the next five, and "call the next". */
function CounterScreen(props: { q: Queue; clinicName: string; campaignId: number; clinicId: number; date: string; token: string }) {
  const { q } = props;
  const next = q.waiting.slice(0, 5);
  return (
    <main id="counter" data-live-region="queue">
      <div class="where">
        {props.clinicName} · {formatVietnamDay(props.date)}
      </div>
      {q.current ? (
        <>
          <div class="call" data-testid="call">
            Mời số {q.current.number}
          </div>
          <div class="who">{q.current.initials}</div>
        </>
      ) : (
        <div class="call">Chưa gọi số</div>
      )}
      <div class="next" data-testid="next">
        {next.length ? (
          <>
            Số tiếp theo:{' '}
            {next.map((w) => (
              <span>
                {w.number} ({w.initials})
              </span>
            ))}
          </>
        ) : (
          'Không còn ai chờ.'
        )}
      </div>
      <form method="post" action={`/staff/booking/${props.campaignId}/day/counter/next?clinicId=${props.clinicId}&date=${props.date}`}>
        <CsrfField token={props.token} />
        <button type="submit" disabled={!q.waiting.length}>
          Gọi số tiếp
        </button>
      </form>
      <div class="small" data-testid="pace">
        Đang chờ: {q.waiting.length} · Đã gọi: {q.calledCount} · {q.measured ? `Khoảng ${q.minutesPerCadre} phút mỗi người (theo nhịp gọi hôm nay)` : `Ước tính ${q.minutesPerCadre} phút mỗi người`} ·{' '}
        <a href={dayUrl(props.campaignId, props.clinicId, props.date)}>Danh sách ngày</a>
      </div>
    </main>
  );
}

/** The counter screen as a page of its own, without the staff layout: large type, dark background. */
function CounterPage(props: { clinicName: string; children: Child }) {
  // The TV follows calls made from a phone at the counter through the live stream (/staff/live).
  return (
    <HtmlDocument title={`Gọi số · ${props.clinicName}`} css={COUNTER_CSS} script live>
      {props.children}
    </HtmlDocument>
  );
}

export function attendancePages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .post(
      '/bookings/:id{[0-9]+}/checkin',
      requirePermission('booking', 'attendance'),
      validate('param', IdParam),
      validate('form', Back),
      (c) => {
        const s = currentStaff(c);
        const id = c.req.valid('param').id;
        const info = findBooking(deps.db, id);
        const place = checkInByStaff(deps.db, staffActor(s), s.id, id, clinicScope(s), deps.clock.now());
        deps.afterCommit();
        const back = c.req.valid('form').back ?? (info ? dayUrl(info.campaign.id, info.clinic.id, info.slot.localDate) : '/staff/booking');
        return c.redirect(withMsg(back, `so-${place.number}`), 303);
      },
    )
    .post(
      '/:id{[0-9]+}/day/checkin',
      requirePermission('booking', 'attendance'),
      validate('param', IdParam),
      validate('query', DayQuery),
      validate('form', z.object({ code: z.string().trim().regex(/^\d{4}$/, 'Mã đến khám gồm 4 chữ số.') })),
      (c) => {
        const s = currentStaff(c);
        const { id } = c.req.valid('param');
        const { clinicId, date } = c.req.valid('query');
        checkClinic(s, clinicId);
        const bookingId = bookingByCheckInCode(deps.db, clinicId, date, c.req.valid('form').code);
        if (bookingId === null) throw new AppError('not_found', 'Không có lịch khám nào với mã này tại nơi khám hôm nay.');
        const place = checkInByStaff(deps.db, staffActor(s), s.id, bookingId, clinicScope(s), deps.clock.now());
        deps.afterCommit();
        return c.redirect(withMsg(dayUrl(id, clinicId, date), `so-${place.number}`), 303);
      },
    )
    .get('/:id{[0-9]+}/day/counter', requirePermission('booking', 'readDayList'), validate('param', IdParam), validate('query', DayQuery), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const { clinicId, date } = c.req.valid('query');
      checkClinic(s, clinicId);
      const clinic = getCampaign(deps.db, id).clinics.find((k) => k.id === clinicId);
      const q = queueView(deps.db, clinicId, date, deps.catalog().queueSettings ?? defaultQueueSettings);
      const clinicName = clinic?.name ?? 'Nơi khám';
      return c.html(
        <CounterPage clinicName={clinicName}>
          <CounterScreen q={q} clinicName={clinicName} campaignId={id} clinicId={clinicId} date={date} token={c.get('csrfToken')} />
        </CounterPage>,
      );
    })
    .post('/:id{[0-9]+}/day/counter/next', requirePermission('booking', 'attendance'), validate('param', IdParam), validate('query', DayQuery), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const { clinicId, date } = c.req.valid('query');
      checkClinic(s, clinicId);
      getCampaign(deps.db, id);
      callNext(deps.db, staffActor(s), clinicId, date, deps.clock.now());
      deps.afterCommit();
      return c.redirect(counterUrl(id, clinicId, date), 303);
    });
}
