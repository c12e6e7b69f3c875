import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { formatIsoDate, formatVietnamDay, parseVietnameseDate } from '../../../domain/shared/dates';
import { holidaysOfYear } from '../../../domain/shared/holidays';
import { vietnamDate } from '../../../domain/shared/quietHours';
import { staffActor } from '../../../domain/staff/actor';
import { recordAudit } from '../../../store/audit';
import { inTransaction } from '../../../store/db';
import { holidays } from '../../../store/schema';
import { allowed, currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { holidayOverOpenDays } from '../clinicDays';
import { confirmFirst } from '../confirm';
import { CsrfField } from '../layout';
import { page } from '../ui';
import { InputField } from '../formFields';
import { DataTable } from '../uiParts';

const HolidayForm = z.object({
  date: z.preprocess((v) => (typeof v === 'string' ? (parseVietnameseDate(v.trim()) ?? v) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày theo dạng dd/mm/yyyy.')),
  name: z.string().trim().min(2, 'Ghi tên ngày nghỉ.').max(120),
  confirm: z.literal('1').optional(),
  bookings: z.enum(['close', 'keep']).optional(),
});

function HolidayTable(props: { deps: StaffDeps; year: number; canEdit: boolean; token: string }) {
  const { canEdit } = props;
  return (
    <DataTable
      id="holidays"
      columns={['Ngày', 'Tên', 'Nguồn', canEdit ? <th></th> : null]}
      rows={holidaysOfYear(props.deps.db, props.year)}
      row={(d) => (
        <tr>
          <td data-label="Ngày">{formatVietnamDay(d.date)}</td>
          <td data-label="Tên">{d.name}</td>
          <td data-label="Nguồn">{d.added ? 'Nhân viên thêm' : 'Ngày lễ theo luật'}</td>
          {canEdit ? <td>{d.added ? <RemoveHolidayButton date={d.date} token={props.token} /> : null}</td> : null}
        </tr>
      )}
    />
  );
}

function RemoveHolidayButton(props: { date: string; token: string }) {
  return (
    <form method="post" action="/staff/booking/holidays/remove">
      <CsrfField token={props.token} />
      <input type="hidden" name="date" value={props.date} />
      <button class="btn secondary small" type="submit">
        Bỏ
      </button>
    </form>
  );
}

function AddHolidayForm(props: { token: string }) {
  return (
    <form method="post" action="/staff/booking/holidays" class="card">
      <h2 style="margin-top:0">Thêm ngày nghỉ</h2>
      <CsrfField token={props.token} />
      <div class="grid">
        <InputField id="h-date" name="date" label="Ngày" placeholder="dd/mm/yyyy" required />
        <InputField id="h-name" name="name" label="Tên" placeholder="Nghỉ bù Quốc khánh" required />
      </div>
      <button class="btn" type="submit">
        Thêm
      </button>
    </form>
  );
}

function HolidaysPage(props: { deps: StaffDeps; year: number; canEdit: boolean; token: string }) {
  const { year } = props;
  return (
    <>
      <p class="small muted">
        Các ngày này không tạo ca khám, không tính vào thời hạn tiếp nhận yêu cầu, và không gửi nhắc lịch hay lời mời (trừ tin khẩn). Ngày lễ âm lịch được tính
        theo lịch âm; ngày nghỉ bù hoặc ngày riêng của tỉnh do nhân viên thêm.
      </p>
      <p>
        <a class="btn secondary small" href={`/staff/booking/holidays?year=${year - 1}`}>← {year - 1}</a>{' '}
        <a class="btn secondary small" href={`/staff/booking/holidays?year=${year + 1}`}>{year + 1} →</a>
      </p>
      <HolidayTable deps={props.deps} year={year} canEdit={props.canEdit} token={props.token} />
      {props.canEdit ? <AddHolidayForm token={props.token} /> : null}
    </>
  );
}

/** Public holidays of a year (lunar ones computed) and the days staff add; adding one over open days asks first. */
export function holidayRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/holidays', requirePermission('booking', 'read'), validate('query', z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() })), (c) => {
      const year = c.req.valid('query').year ?? Number(vietnamDate(deps.clock.now()).slice(0, 4));
      const canEdit = allowed(currentStaff(c), 'booking', 'manageCampaigns');
      return page(c, deps.committee.name, `Ngày nghỉ năm ${year}`, <HolidaysPage deps={deps} year={year} canEdit={canEdit} token={c.get('csrfToken')} />);
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
    );
}
