import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, cadres, proxies, zaloUsers } from '../src/store/schema';
import { broadcastRow, daytimeClock, recipientsOf, seedCadres, sendsPerUser } from './broadcastSupport';
import { startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { api, makeStaff, tokenFor } from './staffSupport';

let h: Harness;
let smtp: SmtpSink;
let token: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
  h = await startHarness({
    clock: daytimeClock(),
    env: {
      SMTP_URL: smtp.url,
      BROADCAST_RATE_PER_SECOND: '0',
      ZALO_BUTTONS: 'true',
      BROADCAST_CONCURRENCY: '32',
      ZALO_TEMPLATES: '{"thong_bao_chung":"7001"}',
    },
  });
  const staff = await makeStaff(h, 'dieuphoi', 'coordinator');
  token = tokenFor(h, staff.id);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
});

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Previews the segment, then composes with the count the preview showed (the API's confirm step). */
async function compose(body: Record<string, unknown>) {
  const preview = await api(h, '/api/broadcasts/preview', token, json({ segment: body.segment }));
  const { count } = (await preview.json()) as { count: number };
  const res = await api(h, '/api/broadcasts', token, json({ title: 'Thông báo đợt khám', text: 'Kính mời Ông/Bà đi khám sức khỏe định kỳ.', confirmedRecipients: count, ...body }));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: number; startAt: number };
}

const waitDone = (id: number, timeoutMs = 60_000) => waitFor(() => broadcastRow(h, id).status === 'done', `broadcast ${id} done`, timeoutMs);

describe('broadcasts to a segment', () => {
  it('10,000 recipients each get the broadcast exactly once', async () => {
    const now = h.clock.now();
    const { userIds } = seedCadres(h.runtime.store.sqlite, 10_000, now, { unit: 'Đơn vị mười nghìn', codePrefix: 'TN' });
    const preview = await api(h, '/api/broadcasts/preview', token, json({ segment: { units: ['Đơn vị mười nghìn'] } }));
    const p = (await preview.json()) as { count: number; byChannel: { zalo: number }; sample: { fullName: string }[] };
    expect(p.count).toBe(10_000);
    expect(p.byChannel.zalo).toBe(10_000);
    expect(p.sample.length).toBeGreaterThan(0);

    const started = Date.now();
    const b = await compose({ segment: { units: ['Đơn vị mười nghìn'] }, buttons: [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }] });
    await waitDone(b.id);
    const seconds = (Date.now() - started) / 1000;

    const counts = sendsPerUser(h, userIds);
    expect(counts.size).toBe(10_000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const rows = recipientsOf(h, b.id);
    expect(rows).toHaveLength(10_000);
    expect(rows.every((r) => r.status === 'sent' && r.channel === 'zalo' && r.externalId)).toBe(true);
    const one = h.fake.messagesTo(userIds[0]!)[0]!;
    expect(one.text).toContain('Kính mời Ông/Bà đi khám sức khỏe định kỳ.');
    expect(one.text).toContain('Dừng nhận tin');
    expect(one.buttons.map((x) => x.title)).toEqual(['Đặt lịch khám']);
    const progress = (await (await api(h, `/api/broadcasts/${b.id}`, token)).json()) as { status: string; progress: { sent: number; queued: number } };
    expect(progress).toMatchObject({ status: 'done', progress: { sent: 10_000, queued: 0 } });
    console.info(`10,000-recipient broadcast sent in ${seconds.toFixed(1)} s`);
  }, 120_000);

  it('picks the channel per recipient, honours opt-out, and says why it skipped someone', async () => {
    const now = h.clock.now();
    const unit = 'Đơn vị kênh gửi';
    const inWindow = seedCadres(h.runtime.store.sqlite, 2, now, { unit, codePrefix: 'KW', firstUserId: 710_000_000_000_000_000n });
    const stale = seedCadres(h.runtime.store.sqlite, 1, now, { unit, codePrefix: 'KS', firstUserId: 711_000_000_000_000_000n, interactedAt: now - 10 * 86_400_000 });
    const emailOnly = seedCadres(h.runtime.store.sqlite, 1, now, { unit, codePrefix: 'KE', linked: false, email: true });
    const nothing = seedCadres(h.runtime.store.sqlite, 1, now, { unit, codePrefix: 'KN', linked: false });
    // A cadre reached through an approved proxy (a family member's account).
    const proxied = seedCadres(h.runtime.store.sqlite, 1, now, { unit, codePrefix: 'KP', linked: false });
    const proxyUser = '712000000000000001';
    h.runtime.store.db.insert(zaloUsers).values({ id: proxyUser, followed: true, lastInteractionAt: now, createdAt: now, updatedAt: now }).run();
    h.runtime.store.db
      .insert(proxies)
      .values({ zaloUserId: proxyUser, cadreId: proxied.cadreIds[0]!, status: 'approved', relation: 'con', requestedAt: now, decidedAt: now } as typeof proxies.$inferInsert)
      .run();
    // One in-window cadre opts out in chat.
    const optOutUser = inWindow.userIds[1]!;
    await h.say(optOutUser, 'Dừng nhận tin');
    await waitFor(() => h.fake.messagesTo(optOutUser).some((m) => m.text?.includes('Nhắc lịch khám và kết quả khám vẫn được gửi')), 'opt-out reply');

    const preview = (await (
      await api(h, '/api/broadcasts/preview', token, json({ segment: { units: [unit] }, templateName: 'thong_bao_chung' }))
    ).json()) as Record<string, unknown>;
    expect(preview).toMatchObject({
      count: 6,
      byChannel: { zalo: 2, zalo_template: 1, email: 1 },
      skipped: { opted_out: 1, no_zalo_link: 1, no_channel: 0 },
    });

    const b = await compose({ segment: { units: [unit] }, templateName: 'thong_bao_chung' });
    await waitDone(b.id);
    const byCadre = new Map(recipientsOf(h, b.id).map((r) => [r.cadreId, r]));
    expect(byCadre.get(inWindow.cadreIds[0]!)).toMatchObject({ status: 'sent', channel: 'zalo' });
    expect(byCadre.get(inWindow.cadreIds[1]!)).toMatchObject({ status: 'skipped', reason: 'opted_out' });
    expect(byCadre.get(stale.cadreIds[0]!)).toMatchObject({ status: 'sent', channel: 'zalo_template' });
    expect(byCadre.get(emailOnly.cadreIds[0]!)).toMatchObject({ status: 'sent', channel: 'email' });
    expect(byCadre.get(nothing.cadreIds[0]!)).toMatchObject({ status: 'skipped', reason: 'no_zalo_link' });
    expect(byCadre.get(proxied.cadreIds[0]!)).toMatchObject({ status: 'sent', channel: 'zalo', zaloUserId: proxyUser });
    // The opted-out user got only the confirmation, nothing of the broadcast.
    expect(h.fake.messagesTo(optOutUser).filter((m) => m.text?.includes('Kính mời'))).toHaveLength(0);
    expect(h.fake.messagesTo(stale.userIds[0]!).map((m) => m.kind)).toEqual(['template']);
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('ke-000000@example.test')), 'broadcast email');
    expect(mail.subject).toBe('Thông báo đợt khám');

    const summary = (await (await api(h, `/api/broadcasts/${b.id}`, token)).json()) as { progress: Record<string, unknown> };
    expect(summary.progress).toMatchObject({
      total: 6,
      sent: 4,
      fellBackToEmail: 1,
      byChannel: { zalo: 2, zalo_template: 1, email: 1 },
      skipped: { opted_out: 1, no_zalo_link: 1 },
    });

    // Without a template, the stale account falls to email if there is one, else it is skipped with the reason.
    const b2 = await compose({ segment: { units: [unit] } });
    await waitDone(b2.id);
    expect(recipientsOf(h, b2.id).find((r) => r.cadreId === stale.cadreIds[0]!)).toMatchObject({ status: 'skipped', reason: 'no_channel' });

    const csv = await api(h, `/api/broadcasts/${b.id}/results?format=csv`, token);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('Mã cán bộ');
    expect(text).toContain('KE-000000');
    expect(text).toContain('Email');
    const xlsx = await api(h, `/api/broadcasts/${b.id}/results?format=xlsx`, token);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  }, 60_000);

  it('"dừng nhận tin" and "nhận tin lại" in any case and without diacritics; "nhắn tin lại" is not a command', async () => {
    const now = h.clock.now();
    const { cadreIds, userIds } = seedCadres(h.runtime.store.sqlite, 1, now, { codePrefix: 'OP', firstUserId: 713_000_000_000_000_000n });
    const user = userIds[0]!;
    const cadreFlag = () => h.runtime.store.db.select({ f: cadres.broadcastOptOut }).from(cadres).where(eq(cadres.id, cadreIds[0]!)).get()!.f;
    const say = async (text: string) => {
      const before = h.fake.messagesTo(user).length;
      await h.say(user, text);
      const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to ${text}`);
      return msgs.at(-1)!.text!;
    };
    expect(await say('HUY NHAN TIN')).toContain('đã dừng gửi thông báo chung (đợt khám, lời khuyên sức khỏe, thay đổi lịch) đến Ông.');
    expect(cadreFlag()).toBe(true);
    expect(await say('Tôi sẽ nhắn tin lại sau')).not.toContain('gửi lại thông báo chung');
    expect(cadreFlag()).toBe(true);
    expect(await say('nhan tin lai')).toContain('Ban sẽ gửi lại thông báo chung đến Ông');
    expect(cadreFlag()).toBe(false);
    expect(await say('Hủy nhận tin.')).toContain('đã dừng');
    expect(await say('Nhận tin lại')).toContain('gửi lại');
    const audits = h.runtime.store.db.select().from(auditLog).where(eq(auditLog.actorId, user)).all().map((a) => a.action);
    expect(audits).toEqual(['broadcast.opt_out', 'broadcast.opt_in', 'broadcast.opt_out', 'broadcast.opt_in']);

    // An unlinked user's opt-out is kept on the Zalo user.
    const stranger = '713999999999999999';
    await h.say(stranger, 'dừng nhận tin');
    await waitFor(() => h.runtime.store.db.select().from(zaloUsers).where(eq(zaloUsers.id, stranger)).get()?.broadcastOptOut, 'stranger opt-out');
  });

  it('refuses bad input with a clear error and stores nothing', async () => {
    seedCadres(h.runtime.store.sqlite, 3, h.clock.now(), { unit: 'Đơn vị thử lỗi', codePrefix: 'BL', linked: false });
    const before = h.runtime.store.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get() as { n: number };
    const bad = async (body: Record<string, unknown>, code: string, status = 400) => {
      const res = await api(h, '/api/broadcasts', token, json({ title: 'Tiêu đề', text: 'Nội dung đủ dài', segment: { units: ['Đơn vị thử lỗi'] }, confirmedRecipients: 3, ...body }));
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await bad({ text: '' }, 'validation_failed');
    await bad({ text: 'x'.repeat(2000) }, 'validation_failed');
    await bad({ templateName: 'khong_co' }, 'validation_failed');
    await bad({ segment: { campaignNotBooked: 999_999 } }, 'validation_failed');
    await bad({ segment: { categories: ['vip'] } }, 'validation_failed');
    await bad({ startAt: h.clock.now() - 3_600_000 }, 'validation_failed');
    await bad({ buttons: [1, 2, 3, 4, 5].map((i) => ({ title: `Nút ${i}`, payload: `n${i}` })) }, 'validation_failed');
    // Nothing goes to many people unconfirmed: no count, a stale count, or "everyone" not chosen on purpose.
    await bad({ confirmedRecipients: undefined }, 'validation_failed');
    await bad({ confirmedRecipients: 2 }, 'conflict', 409);
    await bad({ segment: {} }, 'validation_failed');
    expect(h.runtime.store.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual(before);
    // Only admins and coordinators.
    const doctor = await makeStaff(h, 'bacsi', 'doctor');
    const res = await api(h, '/api/broadcasts', tokenFor(h, doctor.id));
    expect(res.status).toBe(403);
    const cmd = await api(h, '/api/broadcasts/999999/pause', token, { method: 'POST' });
    expect(cmd.status).toBe(404);
  });

  it('a start inside quiet hours moves to 07:00 the next morning', async () => {
    const today = new Date(h.clock.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const at2230 = Date.parse(`${today}T22:30:00+07:00`);
    const b = await compose({ segment: { units: ['Không có đơn vị này'] }, startAt: at2230 });
    const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(b.startAt).toBe(Date.parse(`${next}T07:00:00+07:00`));
    const cancelled = await api(h, `/api/broadcasts/${b.id}/cancel`, token, { method: 'POST' });
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    const again = await api(h, `/api/broadcasts/${b.id}/resume`, token, { method: 'POST' });
    expect(again.status).toBe(409);
  });
});
