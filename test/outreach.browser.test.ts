import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { inviteByPhone } from '../src/domain/outreach/invitations';
import { recordQuotaReport } from '../src/domain/outreach/quotaPlan';
import { recordDeliveryReceipt } from '../src/domain/outreach/receipts';
import { createBooking } from '../src/domain/booking/effects';
import { inTransaction } from '../src/store/db';
import { examSlots, noticeSends, noticeTemplates, type Campaign } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { campaignWithSlots, linkUser } from './bookingSupport';
import { seedRegistry } from './fixtures';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { makeStaff } from './staffSupport';

/** The outreach pages (quota, templates, invitations) at a laptop's and a phone's width: readable, nothing overflows. */

let h: Harness;
let b: Browser;
let campaign: Campaign;

beforeAll(async () => {
  // 10:00 on Monday 02/03/2026 in Vietnam, outside quiet hours.
  const clock = new ManualClock(Date.parse('2026-03-02T03:00:00Z'));
  h = await startHarness({ clock, env: { HOST: '127.0.0.1', ZALO_TEMPLATE_DAILY_QUOTA: '500' } });
  const names = ['Hoàng Thị Lan', 'Ngô Văn Minh', 'Trịnh Thị Ngọc Ánh', 'Phan Văn Bốn', 'Lý Thị Cúc', 'Đặng Văn Dậu'];
  const { clinic, cadres } = seedRegistry(
    h.runtime.store.db,
    names.map((fullName, i) => ({ code: `HP-09${i}`, fullName, phone: `8491277${String(7000 + i)}`, sex: i % 2 ? ('male' as const) : ('female' as const) })),
  );
  campaign = campaignWithSlots(h, { clinicIds: [clinic.id] }, { fromDate: '2026-03-04', toDate: '2026-03-06' });
  const now = h.clock.now();
  h.runtime.store.db
    .insert(noticeTemplates)
    .values([
      {
        name: 'campaign_invitation',
        templateId: '660001',
        approvedOn: '2026-01-12',
        body: 'Kính mời <ho_ten> đặt lịch <dot_kham>, hạn đến <han>.',
        params: [
          { param: 'ho_ten', source: 'name' },
          { param: 'dot_kham', source: 'campaign' },
          { param: 'han', source: 'until' },
        ],
        updatedAt: now,
      },
      {
        name: 'booking_confirm',
        templateId: '660003',
        approvedOn: '2026-01-20',
        body: 'Kính gửi <ten>, ngày mai <ngay> lúc <gio> Quý khách có lịch khám tại <phong_kham>. Xin bấm "Trả lời Ban" và nhắn: 1. Sẽ đến, 2. Đổi lịch, 3. Không đến được.',
        params: [
          { param: 'ten', source: 'name' },
          { param: 'ngay', source: 'date' },
          { param: 'gio', source: 'time' },
          { param: 'phong_kham', source: 'clinic' },
        ],
        updatedAt: now,
      },
      {
        name: 'booking_reminder',
        templateId: '660002',
        approvedOn: '2025-11-02',
        body: 'Kính gửi anh/chị <ten>, lịch khám ngày <ngay> lúc <gio> tại <phong_kham>. Gọi 0225 3700 700 nếu cần đổi lịch.',
        params: [
          { param: 'ten', source: 'name' },
          { param: 'ngay', source: 'date' },
          { param: 'gio', source: 'time' },
          { param: 'phong_kham', source: 'clinic' },
        ],
        updatedAt: now,
      },
    ])
    .run();
  h.fake.phonesWithoutZalo.add(cadres[5]!.phone!);
  inviteByPhone(h.runtime.store.db, campaign.id, 6, null, now);
  h.runtime.relay.kick();
  await waitFor(() => h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.kind, 'campaign.invitation')).all().length === 6, 'invitations sent');
  // The first invited cadre went every step: the receipt came, she opened the chat and linked, then booked.
  const lan = cadres[0]!;
  const sent = h.runtime.store.db.select().from(noticeSends).where(eq(noticeSends.cadreId, lan.id)).get()!;
  recordDeliveryReceipt(
    h.runtime.store.db,
    { event_name: 'user_received_message', timestamp: String(now + 60_000), recipient: { id: lan.phone! }, message: { msg_id: sent.messageId ?? undefined, tracking_id: sent.trackingId ?? undefined, delivery_time: String(now + 60_000) } },
    now + 60_000,
  );
  clock.set(now + 3_600_000);
  linkUser(h, '870000000000000901', lan.id);
  const slot = h.runtime.store.db.select().from(examSlots).where(eq(examSlots.campaignId, campaign.id)).get()!;
  clock.set(now + 2 * 3_600_000);
  inTransaction(h.runtime.store.db, (tx) => createBooking(tx, { cadreId: lan.id, slotId: slot.id, zaloUserId: '870000000000000901', viaProxy: false }, h.clock.now()));
  // Added to the registry after the invitations went: the confirm step offers to invite her.
  seedRegistry(h.runtime.store.db, [{ code: 'HP-0999', fullName: 'Mai Thị Hồng', sex: 'female', phone: '84912779999' }]);
  recordQuotaReport(h.runtime.store.db, { daily: 500, remaining: 120 }, h.clock.now());
  await makeStaff(h, 'dieu-phoi', 'coordinator');
  b = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await b?.close();
  await h?.stop();
});

async function loggedIn(viewport: { width: number; height: number }, path: string): Promise<Page> {
  const page = await loggedInPage(b, viewport, `${h.runtime.url}${path}`, 'dieu-phoi');
  return page;
}

describe('outreach pages in a browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('quota, templates, a template with its warnings and preview, invitations and the confirm step at %o', async (viewport) => {
    const shots: [string, string, string][] = [
      ['quota', '/staff/outreach/quota', 'Hạn mức tin mẫu Zalo'],
      ['templates', '/staff/outreach/templates', 'Mẫu tin Zalo'],
      ['template', '/staff/outreach/templates/booking_reminder?cadre=HP-090', 'Mẫu tin: Nhắc lịch khám'],
      ['template-confirm', '/staff/outreach/templates/booking_confirm?cadre=HP-090', 'Mẫu tin: Nhắc lịch ngày mai, hỏi xác nhận (1 Sẽ đến · 2 Đổi lịch · 3 Không đến được)'],
      ['invitations', `/staff/outreach/invitations/campaigns/${campaign.id}`, 'Lời mời: Khám sức khỏe định kỳ đợt 1 năm 2026'],
      ['invite-confirm', `/staff/outreach/invitations/campaigns/${campaign.id}/confirm`, 'Xác nhận gửi lời mời'],
    ];
    const page = await loggedIn(viewport, shots[0]![1]);
    for (const [name, path, title] of shots) {
      await page.goto(`${h.runtime.url}${path}`);
      expect(await page.locator('h1').textContent()).toBe(title);
      await page.screenshot({ path: artifactPath(`staff-outreach-${name}-${viewport.width}.png`), fullPage: true });
      expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(viewport.width);
      if (name === 'quota') expect(await page.locator('#quota-remaining').textContent()).toContain('120 / 500');
      if (name === 'template') {
        expect(await page.locator('#template-warnings li').count()).toBe(2);
        expect(await page.locator('#template-preview').textContent()).toContain('Kính gửi anh/chị Hoàng Thị Lan');
      }
      if (name === 'template-confirm') {
        expect(await page.locator('#template-warnings').count()).toBe(0);
        expect(await page.locator('#preview-buttons [data-opens="oa_chat"]').textContent()).toBe('Trả lời Ban');
        expect(await page.locator('#template-preview').textContent()).toContain('1. Sẽ đến, 2. Đổi lịch, 3. Không đến được');
      }
      if (name === 'invitations') {
        expect(await page.locator('#inv-invited b').textContent()).toBe('6');
        expect(await page.locator('#inv-sent b').textContent()).toBe('5');
        // Each step of the one who went all the way: delivered, opened the chat, linked, booked.
        for (const id of ['#inv-delivered', '#inv-opened', '#inv-linked', '#inv-booked']) expect(await page.locator(`${id} b`).textContent(), id).toBe('1');
      }
      if (name === 'invite-confirm') expect(await page.locator('#invite-cost').textContent()).toContain('200 ₫');
    }
    await page.context().close();
  });
});
