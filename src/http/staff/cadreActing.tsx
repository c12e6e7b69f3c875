/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { Hono } from 'hono';
import { honorific } from '../../domain/shared/vietnamese';
import { z } from 'zod';
import {
  bookForCadre,
  bookingChoices,
  cadreBooking,
  cancelForCadre,
  moveForCadre,
  slotSummary,
  tellChannelLabels,
  tellChannelOf,
} from '../../domain/booking/bookingForCadre';
import type { BookingInfo } from '../../domain/booking/lookups';
import { CadreEditInput, cadreEditChanges, cadreStatusLabels, cadreStatuses, futureBookingsOf, recentUnlinkedZaloUsers, statusOf, updateCadreRecord } from '../../domain/registry/cadreRecord';
import { formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { formatPhone } from '../../domain/shared/phone';
import { categoryLabels } from '../../domain/registry/registryColumns';
import { requestTypeLabels, timeOfDayLabels } from '../../domain/requests/labels';
import { defaultRequestSettings } from '../../domain/requests/requestChat';
import { fileRequestForCadre, RequestForCadreInput, staffFiledTypes } from '../../domain/requests/requestForCadre';
import { AppError } from '../../errors';
import { cadreCategories, timesOfDay, type Cadre } from '../../store/schema';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../auth/session';
import { IdParam, validate } from '../validation';
import { ConfirmBox } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import { allClinics } from '../../domain/registry/clinics';
import { cadreInScope } from '../../domain/registry/search';
import type { StaffDeps } from '../deps';
import { DateInput, fmtDate, fmtDateTime, NamedSelect, page, type StaffContext } from './ui';

/**
 * Acting for one cadre from their page: book, move or cancel an exam (the chat's rules and capacity, the cadre
 * told), file a request for them, edit their record (history in the audit log), and link the Zalo account they
 * use by choosing it among the OA's recent users.
 */

export const actingNotices: Record<string, Flash> = {
  booked: { kind: 'ok', text: 'Đã đặt lịch khám cho cán bộ; cán bộ sẽ được báo.' },
  moved: { kind: 'ok', text: 'Đã đổi lịch khám; cán bộ sẽ được báo.' },
  cancelled: { kind: 'ok', text: 'Đã hủy lịch khám; cán bộ sẽ được báo kèm lý do.' },
  edited: { kind: 'ok', text: 'Đã lưu hồ sơ. Lịch sử thay đổi được ghi trong nhật ký.' },
  unchanged: { kind: 'warn', text: 'Hồ sơ không có gì thay đổi.' },
};

const addressed = (c: Pick<Cadre, 'sex' | 'fullName'>) => `${honorific(c.sex)} ${c.fullName}`;
const slotWhen = (b: Pick<BookingInfo, 'slot'>) => `${formatVietnamDay(b.slot.localDate)}, ${formatVietnamTime(b.slot.startsAt)}`;

const BookingParams = z.object({ id: z.coerce.number().int().positive(), bookingId: z.coerce.number().int().positive() });
const ChooseQuery = z.object({
  campaignId: z.coerce.number().int().positive().optional(),
  clinicId: z.coerce.number().int().positive().optional(),
  date: z.iso.date().optional(),
  move: z.coerce.number().int().positive().optional(),
});
const SlotForm = z.object({
  slotId: z.coerce.number().int().positive({ message: 'Chọn một ca khám.' }),
  move: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
});
const CancelForm = z.object({
  reason: z.string().trim().min(3, 'Ghi lý do hủy (cán bộ sẽ nhận được lý do này).').max(300, 'Lý do tối đa 300 ký tự.'),
  confirm: z.literal('1').optional(),
});
const Confirmed = z.object({ confirm: z.literal('1').optional() });

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

function loadCadre(deps: StaffDeps, c: StaffContext, id: number): Cadre {
  return cadreInScope(deps.db, currentStaff(c), id);
}

function BookingSummary(props: { b: Pick<BookingInfo, 'campaign' | 'clinic' | 'slot'>; label?: string }) {
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

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function cadreActingPages(deps: StaffDeps) {
  const title = deps.committee.name;
  const after = deps.afterCommit;

  return (
    new Hono<StaffEnv>()
      // --- booking for the cadre -------------------------------------------------------------------------------
      // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
      .get('/:id{[0-9]+}/booking', requirePermission('booking', 'actForCadre'), validate('param', IdParam), validate('query', ChooseQuery), (c) => {
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const q = c.req.valid('query');
        const now = deps.clock.now();
        const moving = q.move ? cadreBooking(deps.db, cadre.id, q.move) : undefined;
        if (moving && moving.status !== 'booked') throw new AppError('conflict', 'Lịch khám này đã được đổi hoặc hủy.');
        const ch = bookingChoices(deps.db, cadre, { campaignId: q.campaignId, clinicId: q.clinicId, date: q.date, moving }, now);
        const campaignId = ch.campaigns.find((x) => x.id === q.campaignId)?.id ?? ch.campaigns[0]?.id;
        const clinicId = ch.clinics.find((x) => x.id === q.clinicId)?.id ?? ch.clinics[0]?.id;
        const base = `/staff/registry/${cadre.id}/booking`;
        const keep = (extra: Record<string, string | number | undefined>) => {
          const p = new URLSearchParams();
          for (const [k, v] of Object.entries({ move: q.move, campaignId, clinicId, ...extra })) if (v !== undefined) p.set(k, String(v));
          return `${base}?${p}`;
        };
        return page(
          c,
          title,
          `${moving ? 'Đổi lịch khám' : 'Đặt lịch khám'} cho ${addressed(cadre)}`,
          <>
            <p>
              <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
            </p>
            {!cadre.active ? <p class="flash bad">Cán bộ đã thôi quản lý; không đặt lịch được.</p> : null}
            {moving ? (
              <div class="card">
                <h2 style="margin-top:0">Lịch hiện tại</h2>
                <BookingSummary b={moving} />
              </div>
            ) : ch.active.length ? (
              <p class="small muted">
                Lịch sắp tới: {ch.active.map((b) => `${slotWhen(b)} (${b.clinic.name})`).join('; ')}. Muốn đổi, bấm “Đổi lịch” trên trang hồ sơ.
              </p>
            ) : null}
            {ch.campaigns.length === 0 ? (
              <p class="card muted">Không có đợt khám nào cán bộ đặt được lúc này (không thuộc diện, đợt đã đóng, hoặc đã có lịch trong đợt).</p>
            ) : (
              <>
                <form method="get" action={base} class="card">
                  {q.move ? <input type="hidden" name="move" value={String(q.move)} /> : null}
                  <div class="grid">
                    <NamedSelect name="campaignId" label="Đợt khám" items={ch.campaigns} selected={campaignId} wide disabled={!!moving} />
                    <NamedSelect
                      name="clinicId"
                      label="Nơi khám"
                      items={ch.clinics}
                      selected={clinicId}
                      note={(k) => (k.id === cadre.clinicId ? ' (nơi đăng ký)' : '')}
                    />
                    <div class="actions">
                      <button class="btn secondary" type="submit">
                        Xem ngày còn chỗ
                      </button>
                    </div>
                  </div>
                </form>
                <h2>Ngày còn chỗ</h2>
                {ch.days.length ? (
                  <p class="actions" id="free-days">
                    {ch.days.map((d) => (
                      <a class={`btn small ${d.date === q.date ? '' : 'secondary'}`} href={keep({ date: d.date })} aria-current={d.date === q.date ? 'true' : undefined}>
                        {formatVietnamDay(d.date)} · còn {d.free}
                      </a>
                    ))}
                  </p>
                ) : (
                  <p class="muted">Nơi khám này không còn ngày nào có chỗ trong đợt.</p>
                )}
                {q.date ? (
                  <form method="get" action={`${base}/confirm`} class="card" id="free-slots">
                    <h2 style="margin-top:0">Ca còn chỗ ngày {formatVietnamDay(q.date)}</h2>
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
                ) : null}
              </>
            )}
          </>,
        );
      })
      .get('/:id{[0-9]+}/booking/confirm', requirePermission('booking', 'actForCadre'), validate('param', IdParam), validate('query', SlotForm.partial()), (c) => {
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const { slotId, move } = c.req.valid('query');
        if (!slotId) throw new AppError('validation_failed', 'Chọn một ca khám.');
        const now = deps.clock.now();
        const moving = move ? cadreBooking(deps.db, cadre.id, move) : undefined;
        const target = slotSummary(deps.db, slotId, now);
        const channel = tellChannelOf(deps.db, cadre);
        return page(
          c,
          title,
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
      })
      .post('/:id{[0-9]+}/booking', requirePermission('booking', 'actForCadre'), validate('param', IdParam), validate('form', SlotForm.extend(Confirmed.shape)), (c) => {
        const staff = currentStaff(c);
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const f = c.req.valid('form');
        const now = deps.clock.now();
        if (f.move) moveForCadre(deps.db, staffActor(staff), staff.id, cadre.id, f.move, f.slotId, now);
        else bookForCadre(deps.db, staffActor(staff), staff.id, cadre.id, f.slotId, now);
        after();
        return c.redirect(`/staff/registry/${cadre.id}?msg=${f.move ? 'moved' : 'booked'}`, 303);
      })
      .get('/:id{[0-9]+}/bookings/:bookingId{[0-9]+}/cancel', requirePermission('booking', 'actForCadre'), validate('param', BookingParams), (c) => {
        const { id, bookingId } = c.req.valid('param');
        const cadre = loadCadre(deps, c, id);
        const b = cadreBooking(deps.db, cadre.id, bookingId);
        if (b.status !== 'booked') throw new AppError('conflict', 'Lịch khám này đã được đổi hoặc hủy.');
        const channel = tellChannelOf(deps.db, cadre);
        return page(
          c,
          title,
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
      })
      .post('/:id{[0-9]+}/bookings/:bookingId{[0-9]+}/cancel', requirePermission('booking', 'actForCadre'), validate('param', BookingParams), validate('form', CancelForm), (c) => {
        const staff = currentStaff(c);
        const { id, bookingId } = c.req.valid('param');
        const cadre = loadCadre(deps, c, id);
        cancelForCadre(deps.db, staffActor(staff), staff.id, cadre.id, bookingId, c.req.valid('form').reason, deps.clock.now());
        after();
        return c.redirect(`/staff/registry/${cadre.id}?msg=cancelled`, 303);
      })
      // --- the record -------------------------------------------------------------------------------------------
      .get('/:id{[0-9]+}/edit', requirePermission('registry', 'edit'), validate('param', IdParam), (c) => {
        const staff = currentStaff(c);
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        return page(c, title, `Sửa hồ sơ: ${cadre.fullName}`, <EditForm deps={deps} staff={staff} cadre={cadre} token={c.get('csrfToken')} />);
      })
      .post('/:id{[0-9]+}/edit', requirePermission('registry', 'edit'), validate('param', IdParam), validate('form', CadreEditInput.extend(Confirmed.shape)), (c) => {
        const staff = currentStaff(c);
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const { confirm, ...input } = c.req.valid('form');
        if (!allowed(staff, 'registry', 'readHealth')) delete input.frail;
        const scope = clinicScope(staff);
        if (scope !== null && input.clinicId !== scope) throw new AppError('forbidden', 'Chỉ điều phối viên hoặc quản trị chuyển cán bộ sang phòng khám khác.');
        const now = deps.clock.now();
        if (confirm !== '1') {
          const { changes } = cadreEditChanges(deps.db, cadre, input, now);
          if (!changes.length) return c.redirect(`/staff/registry/${cadre.id}?msg=unchanged`, 303);
          const leaving = cadre.active && input.status !== 'active' ? futureBookingsOf(deps.db, cadre.id, now).length : 0;
          const raw = Object.fromEntries(Object.entries(c.req.valid('form')).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
          return page(
            c,
            title,
            `Xác nhận sửa hồ sơ: ${cadre.fullName}`,
            <ConfirmBox
              action={`/staff/registry/${cadre.id}/edit`}
              token={c.get('csrfToken')}
              fields={{ ...raw, confirm: undefined, leftOn: input.leftOn ?? '' }}
              told={0}
              confirmLabel="Lưu thay đổi"
              cancelHref={`/staff/registry/${cadre.id}/edit`}
            >
              <ChangeTable changes={changes} />
              {leaving ? (
                <p class="flash warn">
                  {leaving} lịch khám sắp tới của cán bộ sẽ được hủy (không nhắn tin cho cán bộ hay gia đình).
                </p>
              ) : null}
            </ConfirmBox>,
          );
        }
        const r = updateCadreRecord(deps.db, staffActor(staff), cadre, input, now);
        return c.redirect(`/staff/registry/${cadre.id}?msg=${r.changes.length ? 'edited' : 'unchanged'}`, 303);
      })
      // --- a request filed for the cadre ------------------------------------------------------------------------
      .get('/:id{[0-9]+}/request', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        return page(c, title, `Ghi yêu cầu thay ${addressed(cadre)}`, <RequestForm cadre={cadre} token={c.get('csrfToken')} />);
      })
      .post('/:id{[0-9]+}/request', requirePermission('requests', 'act'), validate('param', IdParam), validate('form', RequestForCadreInput), (c) => {
        const staff = currentStaff(c);
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const policy = deps.catalog().requestSettings?.policy ?? defaultRequestSettings.policy;
        const r = fileRequestForCadre(deps.db, staffActor(staff), staff.id, cadre.id, c.req.valid('form'), policy, deps.clock.now());
        after();
        return c.redirect(`/staff/requests/${r.id}`, 303);
      })
      // --- choosing the Zalo account to link ----------------------------------------------------------------------
      .get('/:id{[0-9]+}/link', requirePermission('registry', 'linkZalo'), validate('param', IdParam), validate('query', z.object({ q: z.string().max(100).optional() })), (c) => {
        const cadre = loadCadre(deps, c, c.req.valid('param').id);
        const q = c.req.valid('query').q?.trim() || undefined;
        const users = recentUnlinkedZaloUsers(deps.db, cadre, q);
        return page(
          c,
          title,
          `Liên kết Zalo cho ${addressed(cadre)}`,
          <>
            <p>
              <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
            </p>
            <p class="muted">
              Những người đã nhắn tin hoặc quan tâm OA gần đây và chưa liên kết với cán bộ nào. Người đã chia sẻ đúng số điện thoại trong hồ sơ ({formatPhone(cadre.phone) || 'chưa có'}) đứng đầu. Hãy gọi cán bộ để chắc chắn trước khi liên kết.
            </p>
            <form method="get" class="actions" role="search" style="margin-bottom:.8rem">
              <input type="search" name="q" value={q ?? ''} placeholder="Tìm theo tên Zalo hoặc số điện thoại" style="max-width:22rem" aria-label="Tìm người dùng Zalo" />
              <button class="btn secondary" type="submit">
                Tìm
              </button>
            </form>
            {users.length ? (
              <form method="post" action={`/staff/registry/${cadre.id}/link`} class="card" id="recent-zalo-users">
                <CsrfField token={c.get('csrfToken')} />
                {users.map((u, i) => (
                  <label style="display:flex;gap:.6rem;align-items:flex-start;margin:.4rem 0;color:inherit;font-size:1rem">
                    <input type="radio" name="zaloUserId" value={u.id} checked={i === 0 && u.phoneMatches} required />
                    <span>
                      <b>{u.displayName ?? 'Người dùng Zalo (chưa có tên)'}</b>
                      {u.phoneMatches ? (
                        <>
                          {' '}
                          <span class="badge ok">Trùng số trong hồ sơ</span>
                        </>
                      ) : null}
                      <span class="small muted" style="display:block">
                        {u.phone ? `ĐT đã chia sẻ: ${formatPhone(u.phone)}` : 'Chưa chia sẻ số điện thoại'} · {u.lastInteractionAt ? `nhắn lần cuối ${fmtDateTime(u.lastInteractionAt)}` : 'chưa nhắn tin'}
                      </span>
                    </span>
                  </label>
                ))}
                <button class="btn" type="submit">
                  Liên kết tài khoản đã chọn
                </button>
              </form>
            ) : (
              <p class="card muted">{q ? 'Không có người dùng Zalo nào khớp.' : 'Chưa có ai nhắn tin với OA mà chưa liên kết.'}</p>
            )}
          </>,
        );
      })
  );
}

function ChangeTable(props: { changes: { label: string; from: string; to: string }[] }) {
  return (
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
          {props.changes.map((ch) => (
            <tr>
              <td data-label="Mục">{ch.label}</td>
              <td data-label="Trước">{ch.from || '(trống)'}</td>
              <td data-label="Sau">
                <b>{ch.to || '(trống)'}</b>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EditForm(props: { deps: StaffDeps; staff: StaffIdentity; cadre: Cadre; token: string }) {
  const { cadre, staff } = props;
  const scope = clinicScope(staff);
  const clinics = allClinics(props.deps.db).filter((k) => scope === null || k.id === scope);
  const status = statusOf(cadre);
  return (
    <form method="post" action={`/staff/registry/${cadre.id}/edit`} class="card" id="edit-cadre">
      <p style="margin-top:0">
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a> · Mã {cadre.code} · sinh {fmtDate(cadre.birthDate)}
      </p>
      <CsrfField token={props.token} />
      <div class="grid">
        <div>
          <label for="phone">Điện thoại</label>
          <input type="text" id="phone" name="phone" inputmode="tel" value={cadre.phone ? formatPhone(cadre.phone) : ''} placeholder="0912 345 678" />
        </div>
        <div>
          <label for="email">Email</label>
          <input type="email" id="email" name="email" value={cadre.email ?? ''} />
        </div>
        <NamedSelect name="clinicId" label="Phòng khám" items={clinics} selected={cadre.clinicId} empty={scope === null ? '(chưa có)' : undefined} />
        <div>
          <label for="unit">Đơn vị</label>
          <input type="text" id="unit" name="unit" value={cadre.unit} maxlength={200} />
        </div>
        <div>
          <label for="category">Đối tượng</label>
          <select id="category" name="category">
            {cadreCategories.map((k) => (
              <option value={k} selected={k === cadre.category}>
                {categoryLabels[k]}
              </option>
            ))}
          </select>
        </div>
        {allowed(staff, 'registry', 'readHealth') ? (
          <div>
            <label for="frail">Khám tại nhà (không đi khám được)</label>
            <select id="frail" name="frail">
              <option value="no" selected={!cadre.frail}>
                Không
              </option>
              <option value="yes" selected={cadre.frail}>
                Có
              </option>
            </select>
          </div>
        ) : null}
        <div>
          <label for="status">Tình trạng</label>
          <select id="status" name="status">
            {cadreStatuses.map((s) => (
              <option value={s} selected={s === status}>
                {cadreStatusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="leftOn">Ngày chuyển đi / từ trần (bỏ trống: hôm nay)</label>
          <DateInput name="leftOn" value={cadre.leftOn} />
        </div>
      </div>
      <p class="small muted">Bấm “Xem lại” để thấy từng thay đổi (trước → sau) trước khi lưu. Mọi thay đổi được ghi vào nhật ký.</p>
      <button class="btn" type="submit">
        Xem lại
      </button>
    </form>
  );
}

function RequestForm(props: { cadre: Cadre; token: string }) {
  const { cadre } = props;
  return (
    <form method="post" action={`/staff/registry/${cadre.id}/request`} class="card" id="request-for-cadre">
      <p style="margin-top:0">
        <a href={`/staff/registry/${cadre.id}`}>← Hồ sơ {cadre.fullName}</a>
      </p>
      <CsrfField token={props.token} />
      <div class="grid">
        <div>
          <label for="type">Loại yêu cầu</label>
          <select id="type" name="type">
            {staffFiledTypes.map((t) => (
              <option value={t}>{requestTypeLabels[t]}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="urgency">Mức độ</label>
          <select id="urgency" name="urgency">
            <option value="normal">Bình thường</option>
            <option value="urgent">Gấp</option>
          </select>
        </div>
        <div>
          <label for="preferredDate">Ngày mong muốn</label>
          <DateInput name="preferredDate" />
        </div>
        <div>
          <label for="preferredTime">Buổi</label>
          <select id="preferredTime" name="preferredTime">
            {timesOfDay.map((t) => (
              <option value={t}>{timeOfDayLabels[t]}</option>
            ))}
          </select>
        </div>
      </div>
      <label for="details" style="margin-top:.8rem">
        Nội dung (cán bộ nói gì)
      </label>
      <textarea id="details" name="details" rows={3} maxlength={2000} required></textarea>
      <label for="address" style="margin-top:.8rem">
        Địa chỉ (cho khám tại nhà, giao thuốc)
      </label>
      <input type="text" id="address" name="address" maxlength={300} />
      <p>
        <button class="btn" type="submit">
          Ghi yêu cầu
        </button>
      </p>
    </form>
  );
}
