import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastRow, daytimeClock, seedCadres } from './broadcastSupport';
import { startHarness, waitFor, type Harness } from './harness';
import { get, login, makeStaff, postForm, type Session } from './staffSupport';

/** The staff page: compose with a preview, follow progress, pause / resume / cancel, export; admins and coordinators only. */

let h: Harness;
let s: Session;

beforeAll(async () => {
  h = await startHarness({ clock: daytimeClock(), env: { BROADCAST_RATE_PER_SECOND: '0', ZALO_TEMPLATES: '{"thong_bao_chung":"7001"}' } });
  await makeStaff(h, 'dieuphoi', 'coordinator');
  await makeStaff(h, 'xem', 'viewer');
  s = await login(h, 'dieuphoi');
  seedCadres(h.runtime.store.sqlite, 30, h.clock.now(), { unit: 'Sở Tài chính', codePrefix: 'ST' });
});
afterAll(async () => {
  await h?.stop();
});

const compose = { title: 'Lịch khám đợt 2', text: 'Đợt khám thứ hai bắt đầu từ thứ Hai tuần sau.', buttons: 'Đặt lịch khám', templateName: '', units: 'Sở Tài chính', when: 'now' };

describe('staff broadcast page', () => {
  it('previews the segment by channel, sends, shows progress and exports', async () => {
    const form = await get(h, '/staff/broadcasts/new', s);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Soạn thông báo chung');
    expect(html).toContain('thong_bao_chung');
    expect(html).toContain('href="/staff/broadcasts"');

    const preview = await postForm(h, '/staff/broadcasts/preview', s, compose);
    expect(preview.status).toBe(200);
    const p = await preview.text();
    expect(p).toContain('Xem trước: 30 người nhận');
    expect(p).toContain('Cán bộ ST-');
    expect(p).toMatch(/Zalo \(tin tư vấn, trong 7 ngày tương tác\)<\/dt><dd>30</);

    // "Gửi" leads to a confirm step that shows the message as sent, the segment and the count; nothing is stored yet.
    const before = h.runtime.store.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get();
    const confirm = await postForm(h, '/staff/broadcasts/confirm', s, compose);
    expect(confirm.status).toBe(200);
    const c = await confirm.text();
    expect(c).toContain('Kiểm tra trước khi gửi');
    expect(c).toContain('Đợt khám thứ hai bắt đầu từ thứ Hai tuần sau.\n\nĐể dừng nhận thông báo chung');
    expect(c).toContain('Đơn vị: Sở Tài chính');
    expect(c).toContain('Xác nhận gửi cho 30 người');
    expect(c).toContain('name="confirmedRecipients" value="30"');
    const unconfirmed = await postForm(h, '/staff/broadcasts', s, compose);
    expect(unconfirmed.status).toBe(200);
    expect(await unconfirmed.text()).toContain('Xác nhận gửi cho 30 người');
    expect(h.runtime.store.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual(before);

    const sent = await postForm(h, '/staff/broadcasts', s, { ...compose, confirmedRecipients: '30' });
    expect(sent.status).toBe(303);
    const location = sent.headers.get('location')!;
    const id = Number(/\/staff\/broadcasts\/(\d+)/.exec(location)![1]);
    await waitFor(() => broadcastRow(h, id).status === 'done', 'broadcast done');
    const detail = await (await get(h, location, s)).text();
    expect(detail).toContain('Đã tạo thông báo');
    expect(detail).toContain('Đơn vị: Sở Tài chính');
    expect(detail).toContain('Đã gửi xong');
    const progress = await (await get(h, `/staff/broadcasts/${id}/progress`, s)).text();
    expect(progress).toContain('data-final="1"');
    expect(progress).toMatch(/Đã gửi<\/span><b>30</);
    const xlsx = await get(h, `/staff/broadcasts/${id}/export?format=xlsx`, s);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`thong-bao-${id}-ket-qua.xlsx`);
    const csv = await (await get(h, `/staff/broadcasts/${id}/export?format=csv`, s)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(31);
    const list = await (await get(h, '/staff/broadcasts', s)).text();
    expect(list).toContain('Lịch khám đợt 2');
  });

  it('pause, resume and cancel from the page; bad input re-shows the form with the reason', async () => {
    const later = { ...compose, title: 'Hẹn giờ', when: 'at', date: new Date(h.clock.now() + 7 * 3600_000 + 86_400_000).toISOString().slice(0, 10), time: '09:00' };
    const res = await postForm(h, '/staff/broadcasts', s, { ...later, confirmedRecipients: '30' });
    expect(res.status).toBe(303);
    const id = Number(/(\d+)/.exec(res.headers.get('location')!)![1]);
    expect(broadcastRow(h, id).status).toBe('scheduled');
    // A scheduled broadcast says whom it will reach and how many.
    const scheduled = await (await get(h, `/staff/broadcasts/${id}`, s)).text();
    expect(scheduled).toContain('Đơn vị: Sở Tài chính');
    expect(scheduled).toContain('dự kiến 30 người');
    expect((await postForm(h, `/staff/broadcasts/${id}/pause`, s)).status).toBe(303);
    expect(broadcastRow(h, id).status).toBe('paused');
    expect((await postForm(h, `/staff/broadcasts/${id}/resume`, s)).status).toBe(303);
    expect(broadcastRow(h, id).status).toBe('scheduled');
    // Cancelling asks first: without the confirmation it only shows the question.
    const ask = await postForm(h, `/staff/broadcasts/${id}/cancel`, s);
    expect(ask.status).toBe(303);
    expect(ask.headers.get('location')).toBe(`/staff/broadcasts/${id}/cancel`);
    expect(broadcastRow(h, id).status).toBe('scheduled');
    expect(await (await get(h, `/staff/broadcasts/${id}/cancel`, s)).text()).toContain('30</b> người chưa nhận');
    expect((await postForm(h, `/staff/broadcasts/${id}/cancel`, s, { confirm: '1' })).status).toBe(303);
    expect(broadcastRow(h, id).status).toBe('cancelled');
    const again = await postForm(h, `/staff/broadcasts/${id}/cancel`, s, { confirm: '1' });
    expect(again.status).toBe(409);

    const bad = await postForm(h, '/staff/broadcasts', s, { ...compose, text: 'ngắn' });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toContain('nội dung cần ít nhất 5 ký tự');
    expect(body).toContain('Lịch khám đợt 2'); // what was typed is kept
    const noTime = await postForm(h, '/staff/broadcasts', s, { ...compose, when: 'at' });
    expect(noTime.status).toBe(400);
    expect(await noTime.text()).toContain('Vui lòng ghi ngày gửi (ngày/tháng/năm) và giờ gửi');
    // "Everyone" is never a default: a form with no filter is refused unless it is chosen on purpose.
    const noSegment = await postForm(h, '/staff/broadcasts/confirm', s, { ...compose, units: '' });
    expect(noSegment.status).toBe(400);
    expect(await noSegment.text()).toContain('Chưa chọn người nhận');
    const everyone = await postForm(h, '/staff/broadcasts/confirm', s, { ...compose, units: '', everyone: 'on' });
    expect(await everyone.text()).toContain('Tất cả cán bộ đang quản lý');
    // A long text is refused with its limit, never cut silently.
    const long = await postForm(h, '/staff/broadcasts/confirm', s, { ...compose, text: 'Dài quá. '.repeat(300) });
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/nội dung tối đa \d+ ký tự/);
    // The segment changed after staff confirmed: the new count is shown and confirmed again.
    const stale = await postForm(h, '/staff/broadcasts', s, { ...compose, confirmedRecipients: '29' });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('Xác nhận gửi cho 30 người');
    // Without the CSRF token nothing happens.
    expect((await postForm(h, '/staff/broadcasts', s, { ...compose, confirmedRecipients: '30' }, { csrf: null })).status).toBe(403);
  });

  it('viewers cannot open it', async () => {
    const v = await login(h, 'xem');
    expect((await get(h, '/staff/broadcasts', v)).status).toBe(403);
    expect(await (await get(h, '/staff/registry', v)).text()).not.toContain('href="/staff/broadcasts"');
  });
});
