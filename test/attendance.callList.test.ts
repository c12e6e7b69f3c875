import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { callList } from '../src/domain/aftercare/callList';
import { markAttendance } from '../src/domain/booking/dayBookings';
import { createBooking } from '../src/domain/booking/effects';
import { buildReport } from '../src/domain/reports/reports';
import { sheetNameOf, XLSX_HEADER_ROW } from '../src/domain/reports/reportWorkbook';
import { inTransaction } from '../src/store/db';
import { auditLog, callOutcomes, careRequests, examSlots, type Cadre, type Campaign } from '../src/store/schema';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, type Harness } from './harness';
import { campaignWithSlots } from './bookingSupport';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/**
 * The one call list of a campaign, built from a seeded campaign: who is on it and in what order, outcomes recorded
 * from the page (validated, audited), what each outcome does to the list, and the counts in the reports.
 */

// Monday 02/03/2026, 08:00 local; exams on Wednesday 04/03; the list read on Thursday 05/03.
const START = Date.parse('2026-03-02T01:00:00Z');
const EXAM_DAY = '2026-03-04';
const AFTER = Date.parse('2026-03-05T02:00:00Z');

const PEOPLE = [
  { code: 'L-1', fullName: 'Nguyễn Văn Bảy', birthDate: '1950-01-01', phone: '84914000001' },
  { code: 'L-2', fullName: 'Trần Thị Tám', sex: 'female' as const, birthDate: '1938-05-05', phone: '84914000002' },
  { code: 'L-3', fullName: 'Lê Văn Chín', birthDate: '1945-06-06', frail: true, phone: '84914000003' },
  { code: 'L-4', fullName: 'Phạm Văn Mười', birthDate: '1945-07-07', healthClass: 'IV' as const, phone: '84914000004' },
  { code: 'L-5', fullName: 'Hoàng Văn Một', birthDate: '1945-08-08', healthClass: 'I' as const },
  { code: 'L-6', fullName: 'Vũ Thị Hai', sex: 'female' as const, birthDate: '1940-02-02', phone: '84914000006' },
  { code: 'L-7', fullName: 'Đỗ Văn Ba', birthDate: '1942-03-03', phone: '84914000007' },
];

let h: Harness;
let clock: ManualClock;
let campaign: Campaign;
let people: Cadre[];
let staff: Session;
let url = '';
const db = () => h.runtime.store.db;

beforeAll(async () => {
  clock = new ManualClock(START);
  h = await startHarness({ clock });
  const seeded = seedRegistry(db(), PEOPLE, START);
  people = seeded.cadres;
  campaign = campaignWithSlots(h, { clinicIds: [seeded.clinic.id] }, { fromDate: EXAM_DAY, toDate: '2026-03-13', capacity: 3 });
  const slot = db().select().from(examSlots).where(and(eq(examSlots.campaignId, campaign.id), eq(examSlots.startsAt, Date.parse(`${EXAM_DAY}T01:00:00Z`)))).get()!;
  // Bảy came; Hai did not come; Ba did not come, then booked again and is not to be called.
  const [bay, , , , , hai, ba] = people as [Cadre, Cadre, Cadre, Cadre, Cadre, Cadre, Cadre];
  const ids = [bay, hai, ba].map((c) => inTransaction(db(), (tx) => createBooking(tx, { cadreId: c.id, slotId: slot.id, zaloUserId: null, viaProxy: false }, START)));
  const coordinator = await makeStaff(h, 'dieuphoi', 'coordinator');
  await makeStaff(h, 'nhanvien.a', 'clinic_staff', seeded.clinic.id);
  clock.set(Date.parse(`${EXAM_DAY}T05:00:00Z`));
  const actor = { type: 'staff' as const, id: String(coordinator.id) };
  markAttendance(db(), actor, coordinator.id, ids[0]!, 'attended', null, clock.now());
  markAttendance(db(), actor, coordinator.id, ids[1]!, 'no_show', null, clock.now());
  markAttendance(db(), actor, coordinator.id, ids[2]!, 'no_show', null, clock.now());
  // A day next week: not yet due for the day-before question.
  const later = db().select().from(examSlots).where(eq(examSlots.campaignId, campaign.id)).all().find((s) => s.localDate === '2026-03-12')!;
  inTransaction(db(), (tx) => createBooking(tx, { cadreId: ba.id, slotId: later.id, zaloUserId: null, viaProxy: false }, clock.now()));
  clock.set(AFTER);
  staff = await login(h, 'nhanvien.a');
  url = `/staff/booking/${campaign.id}/calls`;
});
afterAll(() => h?.stop());

const names = (rows: { fullName: string }[]) => rows.map((r) => r.fullName);
const rowOf = (html: string, cadreId: number) => {
  const at = html.indexOf(`data-cadre="${cadreId}"`);
  return at < 0 ? '' : html.slice(at, html.indexOf('</tr>', at));
};

describe('the call list of a campaign', () => {
  it('holds those not booked and those who did not come, oldest first, the frail and the worse class before others of the same age', async () => {
    const list = callList(db(), campaign.id, null, h.clock.now());
    // Ba booked again after missing his day, and Bảy came: neither is on the list.
    expect(names(list.pending)).toEqual(['Trần Thị Tám', 'Vũ Thị Hai', 'Lê Văn Chín', 'Phạm Văn Mười', 'Hoàng Văn Một']);
    expect(list.pending.map((r) => r.reason)).toEqual(['not_booked', 'no_show', 'not_booked', 'not_booked', 'not_booked']);
    expect(list.handled).toEqual([]);
    expect(list.pending.find((r) => r.fullName === 'Vũ Thị Hai')!.booking).not.toBeNull();

    const res = await get(h, url, staff);
    expect(res.status).toBe(200);
    const html = await res.text();
    const tam = rowOf(html, people[1]!.id);
    expect(tam).toContain('href="tel:+84914000002"');
    expect(tam).toContain('87 tuổi');
    expect(tam).toContain('Chưa đặt lịch sau lời nhắc');
    expect(rowOf(html, people[2]!.id)).toContain('Sức khỏe yếu');
    expect(rowOf(html, people[3]!.id)).toContain('Loại IV');
    expect(rowOf(html, people[4]!.id)).toContain('Chưa có số');
    expect(rowOf(html, people[5]!.id)).toContain('Đã đặt nhưng không đến');
    expect(html).not.toContain('Nguyễn Văn Bảy');
    // The health classes shown are an audited read.
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'cadre.health_read')).all().length).toBeGreaterThan(0);
    // Reason tabs filter the list.
    const noShows = await (await get(h, `${url}?reason=no_show`, staff)).text();
    expect(rowOf(noShows, people[5]!.id)).not.toBe('');
    expect(rowOf(noShows, people[1]!.id)).toBe('');
    // A viewer sees figures, never this list.
    await makeStaff(h, 'xem', 'viewer');
    expect((await get(h, url, await login(h, 'xem'))).status).toBe(403);
  });

  it('records outcomes from the page: validated, audited; "unreachable" keeps the cadre, others move them to handled; a home exam opens a request; counted in the reports and the xlsx', async () => {
    const post = (fields: Record<string, string>) => postForm(h, url, staff, fields);
    const [, tam, chin, muoi, mot, hai] = people as [Cadre, Cadre, Cadre, Cadre, Cadre, Cadre];
    // Bad input: no outcome, an unknown one, a refusal without its reason, someone not on this clinic's list.
    expect((await post({ cadreId: String(tam.id) })).status).toBe(400);
    expect((await post({ cadreId: String(tam.id), outcome: 'maybe' })).status).toBe(400);
    const noReason = await post({ cadreId: String(tam.id), outcome: 'declined', note: '' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Xin ghi lý do cán bộ từ chối.');
    expect((await post({ cadreId: '999999', outcome: 'unreachable' })).status).toBe(404);
    expect(db().select().from(callOutcomes).all()).toHaveLength(0);

    const unreachable = await post({ cadreId: String(tam.id), outcome: 'unreachable' });
    expect(unreachable.status).toBe(303);
    expect(unreachable.headers.get('location')).toBe(`${url}?reason=all&msg=unreachable`);
    expect((await post({ cadreId: String(chin.id), outcome: 'home_exam_requested', note: 'Đi lại khó khăn' })).status).toBe(303);
    expect((await post({ cadreId: String(muoi.id), outcome: 'declined', note: 'Đã khám ở bệnh viện khác' })).status).toBe(303);
    expect((await post({ cadreId: String(mot.id), outcome: 'wrong_number' })).status).toBe(303);
    expect((await post({ cadreId: String(hai.id), outcome: 'booked_by_phone', note: 'Hẹn thứ Sáu' })).status).toBe(303);
    // Tám called again later: still unreachable, twice.
    clock.set(AFTER + 3_600_000);
    expect((await post({ cadreId: String(tam.id), outcome: 'unreachable' })).status).toBe(303);

    const list = callList(db(), campaign.id, null, h.clock.now());
    expect(names(list.pending).slice(0, 1)).toEqual(['Trần Thị Tám']);
    expect(list.pending[0]!.calls).toBe(2);
    // Chín's home exam request counts as his exam being arranged: he leaves the list altogether.
    expect(names(list.handled)).toEqual(['Vũ Thị Hai', 'Phạm Văn Mười', 'Hoàng Văn Một']);
    expect([...names(list.pending), ...names(list.handled)]).not.toContain('Lê Văn Chín');
    const request = db().select().from(careRequests).where(eq(careRequests.cadreId, chin.id)).get()!;
    expect(request).toMatchObject({ type: 'home_visit', state: 'new' });
    expect(request.details).toContain('Đi lại khó khăn');
    expect(db().select().from(auditLog).where(eq(auditLog.action, 'call.outcome')).all()).toHaveLength(6);

    const html = await (await get(h, `${url}?msg=declined`, staff)).text();
    expect(html).toContain('Đã ghi: từ chối (có lý do).');
    expect(rowOf(html, tam.id)).toContain('2 lần gọi');
    expect(html.slice(html.indexOf('id="call-list-handled"'))).toContain('Đã khám ở bệnh viện khác');

    // The reports: one row per campaign, each cadre counted once by the last call.
    const report = buildReport(db(), { campaign: campaign.id }, h.clock.now());
    const calls = report.tables.find((t) => t.key === 'calls')!;
    expect(calls.headers).toEqual(['Đợt khám', 'Số cán bộ đã gọi', 'Đã đặt lịch qua điện thoại', 'Đề nghị khám tại nhà', 'Từ chối (có lý do)', 'Không liên lạc được', 'Sai số điện thoại']);
    expect(calls.rows).toEqual([[campaign.name, 5, 1, 1, 1, 1, 1]]);
    const boss = await login(h, 'dieuphoi');
    const page = await (await get(h, `/staff/reports?campaign=${campaign.id}`, boss)).text();
    expect(page).toContain('data-table="calls"');
    const res = await get(h, `/staff/reports/xlsx?campaign=${campaign.id}`, boss);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet(sheetNameOf('calls'))!;
    expect((ws.getRow(XLSX_HEADER_ROW + 1).values as unknown[]).slice(1)).toEqual([campaign.name, 5, 1, 1, 1, 1, 1]);
  });
});
