import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemplate } from '../src/domain/outreach/templates';
import { seedRegistry } from './fixtures';
import { startHarness, type Harness } from './harness';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/** The templates page (mapping, Zalo's text rules, preview with a real cadre) and the quota page. */

let h: Harness;
let admin: Session;

beforeAll(async () => {
  h = await startHarness({ env: { ZALO_TEMPLATES: '{"result_released":"770001"}' } });
  seedRegistry(h.runtime.store.db, [{ code: 'HP-0101', fullName: 'Trần Văn Bảo', phone: '84912000101' }]);
  await makeStaff(h, 'dieu-phoi', 'coordinator');
  admin = await login(h, 'dieu-phoi');
});
afterAll(() => h?.stop());

describe('templates page', () => {
  it('lists every notice kind and says which have no approved template', async () => {
    const html = await (await get(h, '/staff/outreach/templates', admin)).text();
    for (const label of ['Nhắc lịch khám', 'Đã có kết quả khám', 'Mời đặt lịch khám', 'Cập nhật yêu cầu', 'Lịch khám tại nhà']) expect(html).toContain(label);
    const missing = html.slice(html.indexOf('id="templates-missing"'), html.indexOf('</div>', html.indexOf('id="templates-missing"')));
    expect(missing).toContain('Nhắc lịch khám');
    expect(missing).not.toContain('Đã có kết quả khám');
    expect(html).toContain('770001 (cấu hình)');
  });

  it('saves a mapping; warns about "anh/chị", links and phones; previews with a real cadre', async () => {
    const res = await postForm(h, '/staff/outreach/templates/booking_reminder', admin, {
      templateId: '880777',
      status: 'approved',
      approvedOn: '02/11/2025',
      body: 'Kính gửi anh/chị <ten>, lịch khám ngày <ngay> tại <phong_kham>. Chi tiết: www.bvcb.vn hoặc gọi 0225 3700 700.',
      params: 'ten = name\nngay = date\nphong_kham = clinic',
    });
    expect(res.status).toBe(303);
    const html = await (await get(h, '/staff/outreach/templates/booking_reminder?cadre=HP-0101', admin)).text();
    expect(html).toContain('Không dùng &quot;anh/chị&quot;');
    expect(html).toContain('Không để đường dẫn trong nội dung');
    expect(html).toContain('Không để số điện thoại trong nội dung');
    expect(html).toContain('Kính gửi anh/chị Trần Văn Bảo');
    // Approved before 2025-12-10: Zalo takes it by phone only; its parameters are filled from our values.
    expect(resolveTemplate(h.runtime.store.db, {}, 'booking_reminder')).toEqual({
      name: 'booking_reminder',
      templateId: '880777',
      byUserId: false,
      byPhone: true,
      params: [
        { param: 'ten', source: 'name' },
        { param: 'ngay', source: 'date' },
        { param: 'phong_kham', source: 'clinic' },
      ],
    });
    const list = await (await get(h, '/staff/outreach/templates', admin)).text();
    expect(list).toContain('Chỉ số điện thoại');
  });

  it('refuses a source the notice does not have, and a malformed date, in Vietnamese', async () => {
    const bad = await postForm(h, '/staff/outreach/templates/result_released', admin, { templateId: '1', status: 'approved', approvedOn: '', body: '', params: 'ten = clinic' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('nguồn &quot;clinic&quot; không có; chọn một trong: name');
    const date = await postForm(h, '/staff/outreach/templates/result_released', admin, { templateId: '1', status: 'approved', approvedOn: '31/02/2025', body: '', params: '' });
    expect(date.status).toBe(400);
    expect(await date.text()).toContain('Ngày duyệt: nhập theo dạng dd/mm/yyyy.');
  });
});

describe('quota page', () => {
  it("shows today's use, the priorities and what waits", async () => {
    const res = await get(h, '/staff/outreach/quota', admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('còn lại hôm nay');
    expect(html).toContain('500 / 500');
    expect(html).toContain('Lời mời đặt lịch');
    expect(html).toContain('Không có thông báo nào phải chờ.');
  });
});
