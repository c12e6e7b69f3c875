/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { Hono } from 'hono';
import { z } from 'zod';
import { capacityRefusal, setSlotCapacity } from '../../domain/booking/slots';
import { getCampaign } from '../../domain/booking/campaigns';
import {
  adjacentDays,
  CampaignEditInput,
  campaignEditPreview,
  changedWords,
  CloseDayInput,
  clinicDaysOn,
  closeClinicDay,
  closeDateEverywhere,
  closeDayPreview,
  deleteEmptySlots,
  SlotIdsInput,
  updateCampaignDetails,
} from '../../domain/booking/clinicDays';
import { formatIsoDate, formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { AppError } from '../../errors';
import { campaigns, examSlots, type ExamSlot } from '../../store/schema';
import { and, eq } from 'drizzle-orm';
import { allowed, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../auth/session';
import { checkClinic, DayQuery } from '../../domain/booking/dayList';
import { IdParam, validate } from '../validation';
import { ConfirmBox } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { DateInput, fmtDate, page, type StaffContext } from './ui';
import { committeeWord } from '../../domain/shared/organisation';

/**
 * Changing days and campaigns from the campaign and day pages: close a clinic's day, remove empty slots, change
 * a slot's capacity, edit a campaign's name, dates and instructions. Each asks first and says how many cadres
 * will be told.
 */

export const dayNotices: Record<string, Flash> = {
  edited: { kind: 'ok', text: 'Đã lưu đợt khám; các cán bộ đã đặt lịch sẽ được báo.' },
  closed: { kind: 'ok', text: 'Đã đóng ngày khám; các cán bộ đã đặt lịch được báo và mời chọn ngày khác.' },
  'slots-deleted': { kind: 'ok', text: 'Đã xóa các ca trống.' },
  capacity: { kind: 'ok', text: 'Đã đổi sức chứa của ca.' },
  unchanged: { kind: 'warn', text: 'Không có gì thay đổi.' },
};

const dayUrl = (campaignId: number, clinicId: number, date: string, extra = '') => `/staff/booking/${campaignId}/day?clinicId=${clinicId}&date=${date}${extra}`;
const confirmed = z.object({ confirm: z.literal('1').optional() });

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
              <tr>
                <td data-label="Giờ">
                  {formatVietnamTime(s.startsAt)} – {formatVietnamTime(s.endsAt)}
                </td>
                <td data-label="Đã đặt / chỗ">
                  {s.booked} / {s.capacity}
                </td>
                <td data-label="Sức chứa">
                  <form method="post" class="actions" action={`/staff/booking/${campaignId}/day/slots/capacity${q}`}>
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

function slotsOfDay(deps: StaffDeps, campaignId: number, clinicId: number, date: string): ExamSlot[] {
  return deps.db
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date)))
    .all();
}

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function clinicDayPages(deps: StaffDeps) {
  const title = deps.committee.name;
  return (
    new Hono<StaffEnv>()
      // --- closing a day ---------------------------------------------------------------------------------------
      .get('/:id{[0-9]+}/day/close', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('query', DayQuery), (c) => {
        const s = currentStaff(c);
        const { id } = c.req.valid('param');
        const { clinicId, date } = c.req.valid('query');
        checkClinic(s, clinicId);
        const k = getCampaign(deps.db, id);
        const clinic = k.clinics.find((x) => x.id === clinicId);
        const p = closeDayPreview(deps.db, id, clinicId, date, deps.clock.now());
        const refusal = p.past
          ? `Ngày ${formatIsoDate(date)} đã qua; không đóng được.`
          : p.examined
            ? `Ngày này đã có ${p.examined} người được ghi nhận khám hoặc vắng; không đóng được.`
            : !p.slots
              ? 'Ngày này không có ca khám.'
              : p.closed
                ? 'Ngày này đã đóng.'
                : null;
        return page(
          c,
          title,
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
              action={`/staff/booking/${id}/day/close?clinicId=${clinicId}&date=${date}`}
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
      })
      .post('/:id{[0-9]+}/day/close', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('query', DayQuery), validate('form', CloseDayInput.extend(confirmed.shape)), (c) => {
        const s = currentStaff(c);
        const { id } = c.req.valid('param');
        const { clinicId, date } = c.req.valid('query');
        checkClinic(s, clinicId);
        const f = c.req.valid('form');
        if (f.confirm !== '1') return c.redirect(`/staff/booking/${id}/day/close?clinicId=${clinicId}&date=${date}`, 303);
        closeClinicDay(deps.db, staffActor(s), s.id, id, clinicId, date, f, deps.clock.now());
        deps.afterCommit();
        return c.redirect(dayUrl(id, clinicId, date, '&msg=closed'), 303);
      })
      // --- empty slots and capacity -------------------------------------------------------------------------------
      .post('/:id{[0-9]+}/day/slots/delete', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('query', DayQuery), validate('form', SlotIdsInput.extend(confirmed.shape)), (c) => {
        const s = currentStaff(c);
        const { id } = c.req.valid('param');
        const { clinicId, date } = c.req.valid('query');
        checkClinic(s, clinicId);
        const f = c.req.valid('form');
        if (f.confirm !== '1') {
          const chosen = slotsOfDay(deps, id, clinicId, date).filter((x) => f.slotIds.includes(x.id));
          const taken = chosen.filter((x) => x.booked > 0);
          if (taken.length || chosen.length !== new Set(f.slotIds).size) {
            throw new AppError('conflict', 'Chỉ xóa được ca trống của ngày này; hãy tải lại trang và chọn lại.');
          }
          return page(
            c,
            title,
            `Xóa ${chosen.length} ca trống ngày ${formatVietnamDay(date)}`,
            <ConfirmBox
              action={`/staff/booking/${id}/day/slots/delete?clinicId=${clinicId}&date=${date}`}
              token={c.get('csrfToken')}
              fields={{ slotIds: f.slotIds.map(String) }}
              told={0}
              confirmLabel={`Xóa ${chosen.length} ca`}
              cancelHref={dayUrl(id, clinicId, date)}
              danger
            >
              <p style="margin-top:0">Các ca sau chưa có ai đặt và sẽ không còn nhận đặt lịch: {chosen.map((x) => formatVietnamTime(x.startsAt)).join(', ')}.</p>
            </ConfirmBox>,
          );
        }
        deleteEmptySlots(deps.db, staffActor(s), id, clinicId, date, f.slotIds, deps.clock.now());
        return c.redirect(dayUrl(id, clinicId, date, '&msg=slots-deleted'), 303);
      })
      .post(
        '/:id{[0-9]+}/day/slots/capacity',
        requirePermission('booking', 'manageSlots'),
        validate('param', IdParam),
        validate('query', DayQuery),
        validate(
          'form',
          z.object({
            slotId: z.coerce.number().int().positive(),
            capacity: z.coerce.number({ message: 'Sức chứa là một số.' }).int('Sức chứa là số nguyên.').min(0, 'Sức chứa không âm.').max(1000, 'Sức chứa tối đa 1000.'),
            confirm: z.literal('1').optional(),
          }),
        ),
        (c) => {
          const s = currentStaff(c);
          const { id } = c.req.valid('param');
          const { clinicId, date } = c.req.valid('query');
          checkClinic(s, clinicId);
          const f = c.req.valid('form');
          const slot = slotsOfDay(deps, id, clinicId, date).find((x) => x.id === f.slotId);
          if (!slot) throw new AppError('not_found', 'Không có ca khám này.');
          const refusal = capacityRefusal(slot, f.capacity);
          if (refusal) throw new AppError('conflict', refusal);
          if (f.capacity === slot.capacity) return c.redirect(dayUrl(id, clinicId, date, '&msg=unchanged'), 303);
          if (f.confirm !== '1') {
            return page(
              c,
              title,
              `Đổi sức chứa ca ${formatVietnamTime(slot.startsAt)}, ${formatVietnamDay(date)}`,
              <ConfirmBox
                action={`/staff/booking/${id}/day/slots/capacity?clinicId=${clinicId}&date=${date}`}
                token={c.get('csrfToken')}
                fields={{ slotId: String(slot.id), capacity: String(f.capacity) }}
                told={0}
                confirmLabel="Đổi sức chứa"
                cancelHref={dayUrl(id, clinicId, date)}
              >
                <p style="margin-top:0">
                  Sức chứa: {slot.capacity} → <b>{f.capacity}</b> chỗ ({slot.booked} đã đặt, còn {f.capacity - slot.booked} chỗ nhận đặt).
                </p>
              </ConfirmBox>,
            );
          }
          setSlotCapacity(deps.db, staffActor(s), slot.id, f.capacity, null, deps.clock.now());
          return c.redirect(dayUrl(id, clinicId, date, '&msg=capacity'), 303);
        },
      )
      // --- editing a campaign -----------------------------------------------------------------------------------
      .get('/:id{[0-9]+}/edit', requirePermission('booking', 'manageCampaigns'), validate('param', IdParam), (c) => {
        const k = getCampaign(deps.db, c.req.valid('param').id);
        return page(
          c,
          title,
          `Sửa đợt khám: ${k.name}`,
          <form method="post" action={`/staff/booking/${k.id}/edit`} class="card" id="edit-campaign">
            <p style="margin-top:0">
              <a href={`/staff/booking/${k.id}`}>← {k.name}</a>
            </p>
            <CsrfField token={c.get('csrfToken')} />
            <div class="grid">
              <div class="wide">
                <label for="name">Tên đợt khám</label>
                <input type="text" id="name" name="name" required maxlength={200} value={k.name} />
              </div>
              <div>
                <label for="startDate">Từ ngày</label>
                <DateInput name="startDate" value={k.startDate} required />
              </div>
              <div>
                <label for="endDate">Đến ngày</label>
                <DateInput name="endDate" value={k.endDate} required />
              </div>
            </div>
            <label for="instructions" style="margin-top:.8rem">
              Dặn cán bộ (mang theo, nhịn ăn…)
            </label>
            <textarea id="instructions" name="instructions" rows={3} maxlength={1000}>
              {k.instructions}
            </textarea>
            <p class="small muted">Bấm “Xem lại” để thấy thay đổi và số cán bộ sẽ được báo trước khi lưu.</p>
            <button class="btn" type="submit">
              Xem lại
            </button>
          </form>,
        );
      })
      .post('/:id{[0-9]+}/edit', requirePermission('booking', 'manageCampaigns'), validate('param', IdParam), validate('form', CampaignEditInput.and(confirmed)), (c) => {
        const s = currentStaff(c);
        const { id } = c.req.valid('param');
        const { confirm, ...input } = c.req.valid('form');
        const now = deps.clock.now();
        const k = deps.db.select().from(campaigns).where(eq(campaigns.id, id)).get();
        if (!k) throw new AppError('not_found', 'Không có đợt khám này.');
        const p = campaignEditPreview(deps.db, k, input, now);
        if (p.blocking.length) {
          throw new AppError('conflict', `Còn lịch đã đặt ngoài khoảng ngày mới (ngày ${p.blocking.map(formatIsoDate).join(', ')}); hãy đổi hoặc hủy các lịch đó trước khi thu hẹp thời gian.`);
        }
        if (!p.changed.length) return c.redirect(`/staff/booking/${id}?msg=unchanged`, 303);
        if (confirm !== '1') {
          const row = (label: string, from: string, to: string) => (
            <tr>
              <td data-label="Mục">{label}</td>
              <td data-label="Trước">{from || '(trống)'}</td>
              <td data-label="Sau">
                <b>{to || '(trống)'}</b>
              </td>
            </tr>
          );
          return page(
            c,
            title,
            `Xác nhận sửa đợt khám: ${k.name}`,
            <ConfirmBox
              action={`/staff/booking/${id}/edit`}
              token={c.get('csrfToken')}
              fields={{ name: input.name, startDate: input.startDate, endDate: input.endDate, instructions: input.instructions }}
              told={p.told.length}
              toldHow={`đã đặt lịch (qua Zalo, hoặc email khi chưa liên kết) về thay đổi: ${changedWords(p.changed)}`}
              confirmLabel="Lưu và báo cán bộ"
              cancelHref={`/staff/booking/${id}/edit`}
            >
              <div class="table-wrap">
                <table class="responsive" id="changes">
                  <thead>
                    <tr>
                      <th>Mục</th>
                      <th>Trước</th>
                      <th>Sau</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.changed.includes('name') ? row('Tên đợt khám', k.name, input.name) : null}
                    {p.changed.includes('dates') ? row('Thời gian', `${fmtDate(k.startDate)} – ${fmtDate(k.endDate)}`, `${fmtDate(input.startDate)} – ${fmtDate(input.endDate)}`) : null}
                    {p.changed.includes('instructions') ? row('Dặn cán bộ', k.instructions, input.instructions) : null}
                  </tbody>
                </table>
              </div>
              {p.emptyOutside ? <p class="small">{p.emptyOutside} ca trống nằm ngoài khoảng ngày mới sẽ bị xóa.</p> : null}
            </ConfirmBox>,
          );
        }
        updateCampaignDetails(deps.db, staffActor(s), id, input, now);
        deps.afterCommit();
        return c.redirect(`/staff/booking/${id}?msg=edited`, 303);
      })
  );
}
