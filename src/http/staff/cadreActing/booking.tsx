import { Hono } from 'hono';
import type { z } from 'zod';
import { bookForCadre, bookingChoices, cadreBooking, cancelForCadre, moveForCadre, slotSummary, tellChannelLabels, tellChannelOf } from '../../../domain/booking/bookingForCadre';
import type { BookingInfo } from '../../../domain/booking/lookups';
import { formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { staffActor } from '../../../domain/staff/actor';
import { AppError } from '../../../errors';
import type { Cadre } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { ConfirmBox } from '../confirm';
import { NamedSelect, page, type StaffContext } from '../ui';
import { addressed, BookingParams, BookingSummary, CancelForm, ChooseQuery, Confirmed, loadCadre, SlotForm, slotWhen } from './shared';

type Choices = ReturnType<typeof bookingChoices>;
type ChooseQuery = z.infer<typeof ChooseQuery>;

/** Campaign (fixed when moving) and clinic; the cadre's own clinic is marked. */
function ChooseForm(props: { base: string; q: ChooseQuery; ch: Choices; cadre: Cadre; moving: boolean; campaignId?: number; clinicId?: number }) {
  const { q, ch } = props;
  return (
    <form method="get" action={props.base} class="card">
      {q.move ? <input type="hidden" name="move" value={String(q.move)} /> : null}
      <div class="grid">
        <NamedSelect name="campaignId" label="Đợt khám" items={ch.campaigns} selected={props.campaignId} wide disabled={props.moving} />
        <NamedSelect name="clinicId" label="Nơi khám" items={ch.clinics} selected={props.clinicId} note={(k) => (k.id === props.cadre.clinicId ? ' (nơi đăng ký)' : '')} />
        <div class="actions">
          <button class="btn secondary" type="submit">
            Xem ngày còn chỗ
          </button>
        </div>
      </div>
    </form>
  );
}

/** The slots of the chosen day with room left, the first one picked. */
function FreeSlots(props: { base: string; q: ChooseQuery; date: string; ch: Choices }) {
  const { q, ch } = props;
  return (
    <form method="get" action={`${props.base}/confirm`} class="card" id="free-slots">
      <h2 style="margin-top:0">Ca còn chỗ ngày {formatVietnamDay(props.date)}</h2>
      {q.move ? <input type="hidden" name="move" value={String(q.move)} /> : null}
      {ch.slots.length ? (
        ch.slots.map((s, i) => (
          <label style="display:block;margin:.3rem 0;color:inherit;font-size:1rem">
            <input type="radio" name="slotId" value={String(s.id)} checked={i === 0} /> {formatVietnamTime(s.startsAt)} – {formatVietnamTime(s.endsAt)} · còn{' '}
            {s.free} chỗ
          </label>
        ))
      ) : (
        <p class="muted">Ngày này đã hết chỗ.</p>
      )}
      {ch.slots.length ? (
        <button class="btn" type="submit">
          Tiếp tục
        </button>
      ) : null}
    </form>
  );
}

/** Days with room at the chosen clinic, then the slots of the chosen day. */
function DaysAndSlots(props: { base: string; q: ChooseQuery; ch: Choices; href: (date: string) => string }) {
  const { q, ch } = props;
  return (
    <>
      <h2>Ngày còn chỗ</h2>
      {ch.days.length ? (
        <p class="actions" id="free-days">
          {ch.days.map((d) => (
            <a class={`btn small ${d.date === q.date ? '' : 'secondary'}`} href={props.href(d.date)} aria-current={d.date === q.date ? 'true' : undefined}>
              {formatVietnamDay(d.date)} · còn {d.free}
            </a>
          ))}
        </p>
      ) : (
        <p class="muted">Nơi khám này không còn ngày nào có chỗ trong đợt.</p>
      )}
      {q.date ? <FreeSlots base={props.base} q={q} date={q.date} ch={ch} /> : null}
    </>
  );
}

/** The exam being moved, or the coming ones when booking anew. */
function CurrentBookings(props: { moving?: BookingInfo; ch: Choices }) {
  const { moving, ch } = props;
  if (moving) {
    return (
      <div class="card">
        <h2 style="margin-top:0">Lịch hiện tại</h2>
        <BookingSummary b={moving} />
      </div>
    );
  }
  if (!ch.active.length) return null;
  return (
    <p class="small muted">
      Lịch sắp tới: {ch.active.map((b) => `${slotWhen(b)} (${b.clinic.name})`).join('; ')}. Muốn đổi, bấm “Đổi lịch” trên trang hồ sơ.
    </p>
  );
}

function choosePage(deps: StaffDeps, c: StaffContext, cadre: Cadre, q: ChooseQuery) {
  const moving = q.move ? cadreBooking(deps.db, cadre.id, q.move) : undefined;
  if (moving && moving.status !== 'booked') throw new AppError('conflict', 'Lịch khám này đã được đổi hoặc hủy.');
  const ch = bookingChoices(deps.db, cadre, { campaignId: q.campaignId, clinicId: q.clinicId, date: q.date, moving }, deps.clock.now());
  const campaignId = ch.campaigns.find((x) => x.id === q.campaignId)?.id ?? ch.campaigns[0]?.id;
  const clinicId = ch.clinics.find((x) => x.id === q.clinicId)?.id ?? ch.clinics[0]?.id;
  const base = `/staff/registry/${cadre.id}/booking`;
  const dayHref = (date: string) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ move: q.move, campaignId, clinicId, date })) if (v !== undefined) p.set(k, String(v));
    return `${base}?${p}`;
  };
  return page(
    c,
    deps.committee.name,
    `${moving ? 'Đổi lịch khám' : 'Đặt lịch khám'} cho ${addressed(cadre)}`,
    <>
      <p>
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
      </p>
      {!cadre.active ? <p class="flash bad">Cán bộ đã thôi quản lý; không đặt lịch được.</p> : null}
      <CurrentBookings moving={moving} ch={ch} />
      {ch.campaigns.length === 0 ? (
        <p class="card muted">Không có đợt khám nào cán bộ đặt được lúc này (không thuộc diện, đợt đã đóng, hoặc đã có lịch trong đợt).</p>
      ) : (
        <>
          <ChooseForm base={base} q={q} ch={ch} cadre={cadre} moving={!!moving} campaignId={campaignId} clinicId={clinicId} />
          <DaysAndSlots base={base} q={q} ch={ch} href={dayHref} />
        </>
      )}
    </>,
  );
}

function confirmPage(deps: StaffDeps, c: StaffContext, cadre: Cadre, slotId: number, move: number | undefined) {
  const moving = move ? cadreBooking(deps.db, cadre.id, move) : undefined;
  const target = slotSummary(deps.db, slotId, deps.clock.now());
  const channel = tellChannelOf(deps.db, cadre);
  return page(
    c,
    deps.committee.name,
    `Xác nhận ${moving ? 'đổi' : 'đặt'} lịch cho ${addressed(cadre)}`,
    <ConfirmBox
      action={`/staff/registry/${cadre.id}/booking`}
      token={c.get('csrfToken')}
      fields={{ slotId: String(slotId), move: move ? String(move) : undefined }}
      told={channel === 'none' ? 0 : 1}
      toldHow={tellChannelLabels[channel]}
      confirmLabel={moving ? 'Xác nhận đổi lịch' : 'Xác nhận đặt lịch'}
      cancelHref={`/staff/registry/${cadre.id}/booking${move ? `?move=${move}` : ''}`}
    >
      {moving ? (
        <>
          <h2 style="margin-top:0">Lịch cũ</h2>
          <BookingSummary b={moving} />
          <h2>Lịch mới</h2>
        </>
      ) : null}
      <BookingSummary b={target} />
      {channel === 'none' ? <p class="flash warn">{tellChannelLabels.none}.</p> : null}
    </ConfirmBox>,
  );
}

function cancelPage(deps: StaffDeps, c: StaffContext, cadre: Cadre, bookingId: number) {
  const b = cadreBooking(deps.db, cadre.id, bookingId);
  if (b.status !== 'booked') throw new AppError('conflict', 'Lịch khám này đã được đổi hoặc hủy.');
  const channel = tellChannelOf(deps.db, cadre);
  return page(
    c,
    deps.committee.name,
    `Hủy lịch khám của ${addressed(cadre)}`,
    <ConfirmBox
      action={`/staff/registry/${cadre.id}/bookings/${b.id}/cancel`}
      token={c.get('csrfToken')}
      fields={{}}
      told={channel === 'none' ? 0 : 1}
      toldHow={tellChannelLabels[channel]}
      confirmLabel="Hủy lịch khám"
      cancelHref={`/staff/registry/${cadre.id}`}
      danger
    >
      <BookingSummary b={b} />
      <label for="reason" style="margin-top:.8rem">
        Lý do hủy (cán bộ sẽ nhận được)
      </label>
      <input type="text" id="reason" name="reason" required minlength={3} maxlength={300} placeholder="Ví dụ: Ông bận việc gia đình, sẽ đặt lại sau" />
    </ConfirmBox>,
  );
}

/** Booking, moving and cancelling an exam for the cadre: the chat's rules and capacity, the cadre told. */
export function bookingRoutes(deps: StaffDeps) {
  const act = requirePermission('booking', 'actForCadre');
  return new Hono<StaffEnv>()
    .get('/:id{[0-9]+}/booking', act, validate('param', IdParam), validate('query', ChooseQuery), (c) =>
      choosePage(deps, c, loadCadre(deps, c, c.req.valid('param').id), c.req.valid('query')),
    )
    .get('/:id{[0-9]+}/booking/confirm', act, validate('param', IdParam), validate('query', SlotForm.partial()), (c) => {
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      const { slotId, move } = c.req.valid('query');
      if (!slotId) throw new AppError('validation_failed', 'Chọn một ca khám.');
      return confirmPage(deps, c, cadre, slotId, move);
    })
    .post('/:id{[0-9]+}/booking', act, validate('param', IdParam), validate('form', SlotForm.extend(Confirmed.shape)), (c) => {
      const staff = currentStaff(c);
      const cadre = loadCadre(deps, c, c.req.valid('param').id);
      const f = c.req.valid('form');
      const now = deps.clock.now();
      if (f.move) moveForCadre(deps.db, staffActor(staff), staff.id, cadre.id, f.move, f.slotId, now);
      else bookForCadre(deps.db, staffActor(staff), staff.id, cadre.id, f.slotId, now);
      deps.afterCommit();
      return c.redirect(`/staff/registry/${cadre.id}?msg=${f.move ? 'moved' : 'booked'}`, 303);
    })
    .get('/:id{[0-9]+}/bookings/:bookingId{[0-9]+}/cancel', act, validate('param', BookingParams), (c) => {
      const { id, bookingId } = c.req.valid('param');
      return cancelPage(deps, c, loadCadre(deps, c, id), bookingId);
    })
    .post('/:id{[0-9]+}/bookings/:bookingId{[0-9]+}/cancel', act, validate('param', BookingParams), validate('form', CancelForm), (c) => {
      const staff = currentStaff(c);
      const { id, bookingId } = c.req.valid('param');
      const cadre = loadCadre(deps, c, id);
      cancelForCadre(deps.db, staffActor(staff), staff.id, cadre.id, bookingId, c.req.valid('form').reason, deps.clock.now());
      deps.afterCommit();
      return c.redirect(`/staff/registry/${cadre.id}?msg=cancelled`, 303);
    });
}
