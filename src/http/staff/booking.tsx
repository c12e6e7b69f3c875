/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { Hono } from 'hono';
import { categoryLabels } from '../../domain/registry/registryColumns';
import { z } from 'zod';
import { formatIsoDate, formatVietnamDay, formatVietnamTime, parseVietnameseDate } from '../../domain/shared/dates';
import { holidaysOfYear } from '../../domain/shared/holidays';
import { recordAudit } from '../../store/audit';
import { inTransaction } from '../../store/db';
import { eq } from 'drizzle-orm';
import { AttendanceInput, dayBookings, markAttendance, statusLabels } from '../../domain/booking/dayBookings';
import { campaignDays, createSlots, daySlots } from '../../domain/booking/slots';
import { campaignFigures } from '../../domain/booking/campaignFigures';
import { CampaignInput, createCampaign, getCampaign, listCampaigns, setCampaignStatus, SlotsInput } from '../../domain/booking/campaigns';
import { vietnamDate } from '../../domain/shared/quietHours';
import { EXAMINED_DEFINITION, formatShare } from '../../domain/reports/examined';
import { cadreCategories, campaigns, campaignStatuses, holidays, type Campaign } from '../../store/schema';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { checkClinic, DayQuery, dayExport } from '../../domain/booking/dayList';
import { fileHeaders } from '../download';
import { validate, IdParam } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import { allClinics } from '../../domain/registry/clinics';
import type { StaffDeps } from '../deps';
import { fmtDate, page, EmptyRow, PhoneLink } from './ui';
import { DayNav, dayNotices, DaySlotsCard, holidayOverOpenDays } from './clinicDays';
import { CheckInPanel, confirmationLabel } from './attendance';


const Msg = z.object({ msg: z.string().max(40).optional() });

const campaignStatusLabels: Record<Campaign['status'], string> = { draft: 'Nháp', open: 'Đang nhận đăng ký', closed: 'Đã đóng' };
const weekdayLabels = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];

const notices: Record<string, Flash> = {
  created: { kind: 'ok', text: 'Đã tạo đợt khám. Thêm ca khám cho các nơi khám bên dưới.' },
  status: { kind: 'ok', text: 'Đã cập nhật trạng thái đợt khám.' },
  attended: { kind: 'ok', text: 'Đã ghi nhận.' },
  ...dayNotices,
};
/** "so-12" after a check-in: the number the cadre was given. */
const flashOf = (msg = ''): Flash | undefined =>
  /^so-\d+$/.test(msg) ? { kind: 'ok', text: `Đã nhận số ${msg.slice(3)}; cán bộ được báo số qua Zalo.` } : notices[msg];

/** /staff/booking: exam campaigns, their slots, a clinic's day with attendance, exports, figures. */
const HolidayForm = z.object({
  date: z.preprocess((v) => (typeof v === 'string' ? (parseVietnameseDate(v.trim()) ?? v) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày theo dạng dd/mm/yyyy.')),
  name: z.string().trim().min(2, 'Ghi tên ngày nghỉ.').max(120),
  confirm: z.literal('1').optional(),
  bookings: z.enum(['close', 'keep']).optional(),
});

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function bookingPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/holidays', requirePermission('booking', 'read'), validate('query', z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() })), (c) => {
      const year = c.req.valid('query').year ?? Number(vietnamDate(deps.clock.now()).slice(0, 4));
      const canEdit = allowed(currentStaff(c), 'booking', 'manageCampaigns');
      return page(
        c,
        deps.committee.name,
        `Ngày nghỉ năm ${year}`,
        <>
          <p class="small muted">
            Các ngày này không tạo ca khám, không tính vào thời hạn tiếp nhận yêu cầu, và không gửi nhắc lịch hay lời mời (trừ tin khẩn). Ngày lễ âm lịch được
            tính theo lịch âm; ngày nghỉ bù hoặc ngày riêng của tỉnh do nhân viên thêm.
          </p>
          <p>
            <a class="btn secondary small" href={`/staff/booking/holidays?year=${year - 1}`}>← {year - 1}</a>{' '}
            <a class="btn secondary small" href={`/staff/booking/holidays?year=${year + 1}`}>{year + 1} →</a>
          </p>
          <div class="table-wrap">
            <table class="responsive" id="holidays">
              <thead>
                <tr>
                  <th>Ngày</th>
                  <th>Tên</th>
                  <th>Nguồn</th>
                  {canEdit ? <th></th> : null}
                </tr>
              </thead>
              <tbody>
                {holidaysOfYear(deps.db, year).map((d) => (
                  <tr>
                    <td data-label="Ngày">{formatVietnamDay(d.date)}</td>
                    <td data-label="Tên">{d.name}</td>
                    <td data-label="Nguồn">{d.added ? 'Nhân viên thêm' : 'Ngày lễ theo luật'}</td>
                    {canEdit ? (
                      <td>
                        {d.added ? (
                          <form method="post" action="/staff/booking/holidays/remove">
                            <CsrfField token={c.get('csrfToken')} />
                            <input type="hidden" name="date" value={d.date} />
                            <button class="btn secondary small" type="submit">
                              Bỏ
                            </button>
                          </form>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {canEdit ? (
            <form method="post" action="/staff/booking/holidays" class="card">
              <h2 style="margin-top:0">Thêm ngày nghỉ</h2>
              <CsrfField token={c.get('csrfToken')} />
              <div class="grid">
                <div>
                  <label for="h-date">Ngày</label>
                  <input id="h-date" name="date" placeholder="dd/mm/yyyy" required />
                </div>
                <div>
                  <label for="h-name">Tên</label>
                  <input id="h-name" name="name" placeholder="Nghỉ bù Quốc khánh" required />
                </div>
              </div>
              <button class="btn" type="submit">
                Thêm
              </button>
            </form>
          ) : null}
        </>,
      );
    })
    .post('/holidays', requirePermission('booking', 'manageCampaigns'), validate('form', HolidayForm), (c) => {
      const s = currentStaff(c);
      const f = c.req.valid('form');
      const asked = holidayOverOpenDays(deps, c, f);
      if (asked) return asked;
      const now = deps.clock.now();
      inTransaction(deps.db, (tx) => {
        tx.insert(holidays).values({ date: f.date, name: f.name, createdByStaffId: s.id, createdAt: now }).onConflictDoUpdate({ target: holidays.date, set: { name: f.name } }).run();
        recordAudit(tx, staffActor(s), { action: 'holiday.add', entity: 'holiday', entityId: f.date, detail: { name: f.name } }, now);
      });
      return c.redirect(`/staff/booking/holidays?year=${f.date.slice(0, 4)}`, 303);
    })
    .post(
      '/holidays/remove',
      requirePermission('booking', 'manageCampaigns'),
      confirmFirst(deps.committee.name, (_c, form) => ({
        title: 'Bỏ ngày nghỉ?',
        text: `Bỏ ngày nghỉ ${typeof form.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(form.date) ? formatIsoDate(form.date) : ''}: ngày này lại được tính là ngày làm việc (nhắc lịch, hạn xử lý yêu cầu, tạo lượt khám).`,
        confirmLabel: 'Bỏ ngày nghỉ',
        back: '/staff/booking/holidays',
      })),
      validate('form', z.object({ date: z.iso.date() })),
      (c) => {
      const s = currentStaff(c);
      const { date } = c.req.valid('form');
      const now = deps.clock.now();
      inTransaction(deps.db, (tx) => {
        tx.delete(holidays).where(eq(holidays.date, date)).run();
        recordAudit(tx, staffActor(s), { action: 'holiday.remove', entity: 'holiday', entityId: date }, now);
      });
      return c.redirect(`/staff/booking/holidays?year=${date.slice(0, 4)}`, 303);
      },
    )
    .get('/', requirePermission('booking', 'read'), validate('query', Msg), (c) => {
      const s = currentStaff(c);
      const list = listCampaigns(deps.db);
      const today = vietnamDate(deps.clock.now());
      return page(
        c,
        deps.committee.name,
        'Đợt khám định kỳ',
        <>
          <p class="actions">
            <a class="btn secondary" href="/staff/booking/holidays">
              Ngày nghỉ lễ
            </a>
          </p>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Đợt khám</th>
                  <th>Năm / đợt</th>
                  <th>Thời gian</th>
                  <th>Trạng thái</th>
                </tr>
              </thead>
              <tbody>
                {list.length === 0 ? <EmptyRow colspan={4}>Chưa có đợt khám nào.</EmptyRow> : null}
                {list.map((k) => (
                  <tr>
                    <td data-label="Đợt khám">
                      <a href={`/staff/booking/${k.id}`}>{k.name}</a>
                    </td>
                    <td data-label="Năm / đợt">
                      {k.year} / {k.round}
                    </td>
                    <td data-label="Thời gian">
                      {fmtDate(k.startDate)} – {fmtDate(k.endDate)}
                    </td>
                    <td data-label="Trạng thái">
                      <span class={`badge ${k.status === 'open' && k.endDate >= today ? 'ok' : ''}`}>{campaignStatusLabels[k.status]}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {allowed(s, 'booking', 'manageCampaigns') ? <CampaignForm deps={deps} token={c.get('csrfToken')} year={Number(today.slice(0, 4))} /> : null}
        </>,
        { flash: notices[c.req.valid('query').msg ?? ''] },
      );
    })
    .post('/', requirePermission('booking', 'manageCampaigns'), validate('form', CampaignInput), (c) => {
      const s = currentStaff(c);
      const campaign = createCampaign(deps.db, staffActor(s), c.req.valid('form'), s.id, deps.clock.now());
      deps.afterCommit();
      return c.redirect(`/staff/booking/${campaign.id}?msg=created`, 303);
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/:id{[0-9]+}', requirePermission('booking', 'read'), validate('param', IdParam), validate('query', Msg), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const k = getCampaign(deps.db, id);
      const scope = clinicScope(s);
      const clinics = k.clinics.filter((cl) => scope === null || cl.id === scope);
      const days = campaignDays(deps.db, id, scope);
      const token = c.get('csrfToken');
      const msg = c.req.valid('query').msg ?? '';
      const slotsMsg = /^slots-(\d+)-(\d+)$/.exec(msg);
      const flash: Flash | undefined = slotsMsg
        ? { kind: 'ok', text: `Đã tạo ${slotsMsg[1]} ca khám${Number(slotsMsg[2]) ? `; ${slotsMsg[2]} ca đã có sẵn được giữ nguyên` : ''}.` }
        : notices[msg];
      return page(
        c,
        deps.committee.name,
        k.name,
        <>
          <div class="card">
            <dl class="kv">
              <dt>Năm / đợt</dt>
              <dd>
                {k.year} / đợt {k.round}
              </dd>
              <dt>Thời gian</dt>
              <dd>
                {fmtDate(k.startDate)} – {fmtDate(k.endDate)}
              </dd>
              <dt>Đối tượng</dt>
              <dd>{k.eligibleCategories.map((x) => categoryLabels[x]).join(', ')}</dd>
              <dt>Nơi khám</dt>
              <dd>{k.clinics.map((x) => x.name).join(', ')}</dd>
              <dt>Dặn cán bộ</dt>
              <dd>{k.instructions || '—'}</dd>
              <dt>Nhắc người chưa đặt</dt>
              <dd>{k.nudgeAfterDays === null ? 'Không' : `Sau ${k.nudgeAfterDays} ngày kể từ ngày bắt đầu`}</dd>
              <dt>Trạng thái</dt>
              <dd>{campaignStatusLabels[k.status]}</dd>
            </dl>
            <p class="actions">
              {allowed(s, 'booking', 'manageCampaigns') ? (
                <a class="btn secondary small" href={`/staff/booking/${id}/edit`}>
                  Sửa tên, thời gian, lời dặn
                </a>
              ) : null}
              {allowed(s, 'booking', 'figures') ? (
                <a class="btn secondary small" href={`/staff/booking/${id}/figures`}>
                  Số liệu đợt khám
                </a>
              ) : null}
              {allowed(s, 'booking', 'manageCampaigns')
                ? campaignStatuses
                    .filter((st) => st !== k.status)
                    .map((st) => (
                      <form method="post" class="inline" action={`/staff/booking/${id}/status`}>
                        <CsrfField token={token} />
                        <input type="hidden" name="status" value={st} />
                        <button class="btn small secondary" type="submit">
                          {st === 'open' ? 'Mở đăng ký' : st === 'closed' ? 'Đóng đợt khám' : 'Chuyển về nháp'}
                        </button>
                      </form>
                    ))
                : null}
            </p>
          </div>
          <h2>Các ngày khám</h2>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Ngày</th>
                  <th>Nơi khám</th>
                  <th>Số ca</th>
                  <th>Đã đặt / chỗ</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {days.length === 0 ? <EmptyRow colspan={5}>Chưa có ca khám nào.</EmptyRow> : null}
                {days.map((d) => (
                  <tr>
                    <td data-label="Ngày">{formatVietnamDay(d.date)}</td>
                    <td data-label="Nơi khám">{k.clinics.find((x) => x.id === d.clinicId)?.name}</td>
                    <td data-label="Số ca">{d.slots}</td>
                    <td data-label="Đã đặt / chỗ">
                      {d.booked} / {d.capacity}
                      {d.capacity === 0 ? <span class="badge bad">Đã đóng</span> : null}
                    </td>
                    <td>
                      {allowed(s, 'booking', 'readDayList') ? <a href={`/staff/booking/${id}/day?clinicId=${d.clinicId}&date=${d.date}`}>Danh sách</a> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {allowed(s, 'booking', 'manageSlots') && clinics.length ? <SlotsForm campaign={k} clinics={clinics} token={token} /> : null}
        </>,
        { flash },
      );
    })
    .post(
      '/:id{[0-9]+}/status',
      requirePermission('booking', 'manageCampaigns'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c, form) => {
        if (form.status !== 'closed') return null;
        const id = Number(c.req.param('id'));
        const k = deps.db.select({ name: campaigns.name }).from(campaigns).where(eq(campaigns.id, id)).get();
        return {
          title: 'Đóng đợt khám?',
          text: `Đóng “${k?.name ?? ''}”: cán bộ không đặt hay đổi lịch trong đợt này qua Zalo được nữa. Lịch đã đặt vẫn giữ. Có thể mở lại sau.`,
          confirmLabel: 'Đóng đợt khám',
          back: `/staff/booking/${id}`,
        };
      }),
      validate('form', z.object({ status: z.enum(campaignStatuses) })),
      (c) => {
        const { id } = c.req.valid('param');
        setCampaignStatus(deps.db, staffActor(currentStaff(c)), id, c.req.valid('form').status, deps.clock.now());
        deps.afterCommit();
        return c.redirect(`/staff/booking/${id}?msg=status`, 303);
      },
    )
    .post('/:id{[0-9]+}/slots', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('form', SlotsInput), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const input = c.req.valid('form');
      for (const clinicId of input.clinicIds) checkClinic(s, clinicId);
      const r = createSlots(deps.db, staffActor(s), id, input, deps.clock.now());
      return c.redirect(`/staff/booking/${id}?msg=slots-${r.created}-${r.skipped}`, 303);
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/:id{[0-9]+}/day', requirePermission('booking', 'readDayList'), validate('param', IdParam), validate('query', DayQuery.extend(Msg.shape)), (c) => {
      const s = currentStaff(c);
      const { id } = c.req.valid('param');
      const { clinicId, date, msg } = c.req.valid('query');
      checkClinic(s, clinicId);
      const k = getCampaign(deps.db, id);
      const clinic = k.clinics.find((x) => x.id === clinicId);
      const slots = daySlots(deps.db, id, clinicId, date);
      const rows = dayBookings(deps.db, id, clinicId, date);
      const token = c.get('csrfToken');
      const canMark = allowed(s, 'booking', 'attendance');
      const back = `/staff/booking/${id}/day?clinicId=${clinicId}&date=${date}`;
      return page(
        c,
        deps.committee.name,
        `${clinic?.name ?? 'Nơi khám'} – ${formatVietnamDay(date)}`,
        <>
          <p class="actions">
            <a class="btn secondary small" href={`/staff/booking/${id}`}>
              ← {k.name}
            </a>
            {allowed(s, 'booking', 'exportDay') ? (
              <>
                <a class="btn small" href={`/staff/booking/${id}/day/export?clinicId=${clinicId}&date=${date}&format=xlsx`}>
                  Tải Excel
                </a>
                <a class="btn small secondary" href={`/staff/booking/${id}/day/export?clinicId=${clinicId}&date=${date}&format=csv`}>
                  Tải CSV
                </a>
              </>
            ) : null}
          </p>
          <DayNav deps={deps} campaignId={id} clinicId={clinicId} date={date} />
          <div class="stats">
            <div class="stat">
              <b>{slots.reduce((a, x) => a + x.booked, 0)}</b>đã đặt
            </div>
            <div class="stat">
              <b>{slots.reduce((a, x) => a + x.capacity, 0)}</b>chỗ
            </div>
            <div class="stat">
              <b>{rows.filter((r) => r.status === 'attended').length}</b>đã khám
            </div>
            <div class="stat">
              <b>{rows.filter((r) => r.status === 'no_show').length}</b>vắng
            </div>
            <div class="stat">
              <b>{rows.filter((r) => r.confirmation === 'confirmed').length}</b>đã xác nhận
            </div>
            <div class="stat">
              <b>{rows.filter((r) => r.status === 'booked' && !r.confirmation).length}</b>chưa xác nhận
            </div>
          </div>
          <CheckInPanel campaignId={id} clinicId={clinicId} date={date} token={token} canMark={canMark && date === vietnamDate(deps.clock.now())} />
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
                  {canMark ? <th>Ghi nhận</th> : null}
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? <EmptyRow colspan={7}>Chưa có ai đặt lịch ngày này.</EmptyRow> : null}
                {rows.map((r) => (
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
                    {canMark ? (
                      <td data-label="Ghi nhận">
                        <form method="post" class="actions" action={`/staff/booking/bookings/${r.bookingId}/attendance`}>
                          <CsrfField token={token} />
                          <input type="hidden" name="back" value={back} />
                          {r.status === 'booked' && date === vietnamDate(deps.clock.now()) ? (
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
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <DaySlotsCard staff={s} campaignId={id} clinicId={clinicId} date={date} slots={slots} token={token} today={vietnamDate(deps.clock.now())} />
        </>,
        { flash: flashOf(msg) },
      );
    })
    .get(
      '/:id{[0-9]+}/day/export',
      requirePermission('booking', 'exportDay'),
      validate('param', IdParam),
      validate('query', DayQuery.extend({ format: z.enum(['csv', 'xlsx']).default('xlsx') })),
      async (c) => {
        const q = c.req.valid('query');
        const file = await dayExport(deps.db, currentStaff(c), c.req.valid('param').id, q.clinicId, q.date, q.format, deps.clock.now());
        return c.body(file.body, 200, fileHeaders(file));
      },
    )
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
    )
    .get('/:id{[0-9]+}/figures', requirePermission('booking', 'figures'), validate('param', IdParam), (c) => {
      const { id } = c.req.valid('param');
      const k = getCampaign(deps.db, id);
      const f = campaignFigures(deps.db, id, deps.clock.now());
      return page(
        c,
        deps.committee.name,
        `Số liệu: ${k.name}`,
        <>
          <p>
            <a class="btn secondary small" href={`/staff/booking/${id}`}>
              ← {k.name}
            </a>{' '}
            <a class="btn secondary small" href={`/api/campaigns/${id}/figures`}>
              JSON
            </a>
          </p>
          <div class="stats">
            <div class="stat">
              <b>{f.eligible}</b>thuộc diện khám
            </div>
            <div class="stat">
              <b>{f.booked}</b>đã đặt lịch ({formatShare(f.shareBooked)})
            </div>
            <div class="stat" id="stat-examined">
              <b>{f.examined}</b>đã khám
            </div>
            <div class="stat" id="stat-share">
              <b>{formatShare(f.shareExamined)}</b>tỷ lệ đã khám
            </div>
            <div class="stat">
              <b>{f.noShow}</b>vắng
            </div>
          </div>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Nơi khám</th>
                  <th>Đăng ký quản lý (thuộc diện)</th>
                  <th>Đã đặt</th>
                  <th>Đã khám</th>
                  <th>Tỷ lệ đã khám</th>
                  <th>Chỗ đã đặt / tổng chỗ</th>
                </tr>
              </thead>
              <tbody>
                {f.clinics.map((x) => (
                  <tr>
                    <td data-label="Nơi khám">{x.clinicName}</td>
                    <td data-label="Thuộc diện">{x.eligible}</td>
                    <td data-label="Đã đặt">{x.booked}</td>
                    <td data-label="Đã khám">{x.examined}</td>
                    <td data-label="Tỷ lệ">{formatShare(x.shareExamined)}</td>
                    <td data-label="Chỗ">
                      {x.placesTaken} / {x.capacity}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="small muted">{EXAMINED_DEFINITION}</p>
        </>,
      );
    });
}

function CampaignForm(props: { deps: StaffDeps; token: string; year: number }) {
  const clinics = allClinics(props.deps.db);
  return (
    <form method="post" action="/staff/booking" class="card">
      <h2 style="margin-top:0">Tạo đợt khám mới</h2>
      <CsrfField token={props.token} />
      <div class="grid">
        <div class="wide">
          <label for="name">Tên đợt khám</label>
          <input type="text" id="name" name="name" required maxlength={200} value={`Khám sức khỏe định kỳ đợt 1 năm ${props.year}`} />
        </div>
        <div>
          <label for="year">Năm</label>
          <input type="number" id="year" name="year" value={String(props.year)} min="2000" max="2100" required />
        </div>
        <div>
          <label for="round">Đợt</label>
          <select id="round" name="round">
            <option value="1">Đợt 1</option>
            <option value="2">Đợt 2</option>
          </select>
        </div>
        <div>
          <label for="startDate">Từ ngày</label>
          <input type="text" id="startDate" name="startDate" placeholder="dd/mm/yyyy" required />
        </div>
        <div>
          <label for="endDate">Đến ngày</label>
          <input type="text" id="endDate" name="endDate" placeholder="dd/mm/yyyy" required />
        </div>
        <div>
          <label for="nudgeAfterDays">Nhắc người chưa đặt sau (ngày)</label>
          <input type="number" id="nudgeAfterDays" name="nudgeAfterDays" min="0" max="365" value="7" />
        </div>
        <div>
          <label for="status">Trạng thái</label>
          <select id="status" name="status">
            <option value="open">Mở đăng ký ngay</option>
            <option value="draft">Nháp</option>
          </select>
        </div>
      </div>
      <fieldset style="border:0;padding:0;margin:.8rem 0">
        <legend class="small muted">Đối tượng</legend>
        {cadreCategories.map((cat) => (
          <label style="display:inline-block;margin-right:1rem">
            <input type="checkbox" name="eligibleCategories" value={cat} checked /> {categoryLabels[cat]}
          </label>
        ))}
      </fieldset>
      <fieldset style="border:0;padding:0;margin:.8rem 0">
        <legend class="small muted">Nơi khám tham gia</legend>
        {clinics.map((cl) => (
          <label style="display:inline-block;margin-right:1rem">
            <input type="checkbox" name="clinicIds" value={String(cl.id)} /> {cl.name}
          </label>
        ))}
      </fieldset>
      <label for="instructions">Dặn cán bộ (mang theo, nhịn ăn…)</label>
      <textarea id="instructions" name="instructions" rows={2} maxlength={1000}>
        Nhịn ăn sáng; mang theo sổ y bạ và thẻ bảo hiểm y tế.
      </textarea>
      <p>
        <button class="btn" type="submit">
          Tạo đợt khám
        </button>
      </p>
    </form>
  );
}

function SlotsForm(props: { campaign: ReturnType<typeof getCampaign>; clinics: { id: number; name: string }[]; token: string }) {
  const k = props.campaign;
  return (
    <form method="post" action={`/staff/booking/${k.id}/slots`} class="card">
      <h2 style="margin-top:0">Thêm ca khám</h2>
      <CsrfField token={props.token} />
      <fieldset style="border:0;padding:0;margin:0 0 .8rem">
        <legend class="small muted">Nơi khám</legend>
        {props.clinics.map((cl) => (
          <label style="display:inline-block;margin-right:1rem">
            <input type="checkbox" name="clinicIds" value={String(cl.id)} checked={props.clinics.length === 1} /> {cl.name}
          </label>
        ))}
      </fieldset>
      <div class="grid">
        <div>
          <label for="fromDate">Từ ngày</label>
          <input type="text" id="fromDate" name="fromDate" value={fmtDate(k.startDate)} required />
        </div>
        <div>
          <label for="toDate">Đến ngày</label>
          <input type="text" id="toDate" name="toDate" value={fmtDate(k.endDate)} required />
        </div>
        <div>
          <label for="startTime">Từ giờ</label>
          <input type="text" id="startTime" name="startTime" value="7:00" required />
        </div>
        <div>
          <label for="endTime">Đến giờ</label>
          <input type="text" id="endTime" name="endTime" value="11:00" required />
        </div>
        <div>
          <label for="slotMinutes">Mỗi ca (phút)</label>
          <input type="number" id="slotMinutes" name="slotMinutes" value="30" min="5" max="480" required />
        </div>
        <div>
          <label for="capacity">Số người mỗi ca</label>
          <input type="number" id="capacity" name="capacity" value="10" min="1" max="1000" required />
        </div>
      </div>
      <fieldset style="border:0;padding:0;margin:.8rem 0">
        <legend class="small muted">Các thứ trong tuần</legend>
        {weekdayLabels.map((w, i) => (
          <label style="display:inline-block;margin-right:1rem">
            <input type="checkbox" name="weekdays" value={String(i + 1)} checked={i < 5} /> {w}
          </label>
        ))}
      </fieldset>
      <button class="btn" type="submit">
        Tạo ca khám
      </button>
    </form>
  );
}
