import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { recordRating } from '../src/domain/aftercare/ratings';
import { askRatingAfter } from '../src/domain/aftercare/serviceDone';
import { lowestHealthClasses } from '../src/domain/results/classification';
import { followUps } from '../src/store/schema';
import { artifactPath, launchBrowser, loggedInPage } from './browser';
import { aftercareWorld, START, tx, type AftercareWorld } from './aftercareSupport';
import { draft, release, staffRow } from './resultsSupport';
import { makeStaff } from './staffSupport';

let w: AftercareWorld;
let b: Browser;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  w = await aftercareWorld(
    [
      { code: 'TB-1', fullName: 'Nguyễn Văn An', phone: '84912000001' },
      { code: 'TB-2', fullName: 'Trần Thị Bình', sex: 'female', phone: '84912000002' },
      { code: 'TB-3', fullName: 'Lê Văn Cường', phone: '84912000003' },
    ],
    3,
    { ROLES: 'web', HOST: '127.0.0.1' },
  );
  const { db } = w;
  const doctor = staffRow(db, 'doctor', null, START);
  const base = { examDate: '2026-03-02', campaignId: w.campaign.id, clinicId: w.clinic.id };
  const lowest = lowestHealthClasses();
  // Two released on the first day (overdue by the time staff look), one ten days later (still open).
  const early = [draft(db, doctor, w.cadres[0]!.id, { ...base, healthClass: lowest[1]! }, START), draft(db, doctor, w.cadres[1]!.id, { ...base, healthClass: 'III', followUp: true, followUpWhere: 'Khoa Nội' }, START)];
  release(db, doctor, early.map((d) => d.id), START);
  w.clock.set(START + 10 * DAY);
  const later = draft(db, doctor, w.cadres[2]!.id, { ...base, healthClass: lowest[0]! }, w.clock.now());
  release(db, doctor, [later.id], w.clock.now());
  // Ratings answered in March at the clinic: 5, 4 and 2.
  [5, 4, 2].forEach((score, i) =>
    tx(w, (t) => {
      const r = askRatingAfter(t, { cadreId: w.cadres[i]!.id, subject: 'exam', subjectId: 100 + i, clinicId: w.clinic.id }, w.clock.now())!;
      recordRating(t, r.id, { score, comment: '' }, { type: 'zalo', id: w.users[i]!, onBehalfOfCadreId: null }, w.clock.now() + DAY, r.askedAt);
    }),
  );
  w.clock.set(START + 16 * DAY);
  await makeStaff(w.h, 'dieuphoi', 'coordinator');
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await w?.h.stop();
});

describe('after-care pages in a browser', () => {
  it.each([
    { width: 1366, height: 768 },
    { width: 390, height: 844 },
  ])('open follow-ups with due dates, one closed from the list; the report shows completion and ratings at %o', async (viewport) => {
    const page = await loggedInPage(b, viewport, `${w.h.runtime.url}/staff/follow-ups`, 'dieuphoi');
    const ctx = page.context();
    const rows = page.locator('#follow-ups tbody tr');
    const open = await rows.count();
    expect(open).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#follow-ups .badge.bad').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifactPath(`staff-follow-ups-${viewport.width}.png`), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

    // Closing the first as done: the list says so and has one fewer open.
    const first = rows.first();
    const id = Number(await first.getAttribute('data-follow-up'));
    await first.locator('input[name=note]').fill('Đã gọi điện, cán bộ đã đi khám lại');
    await first.locator('button[value=done]').click();
    await page.waitForURL('**/staff/follow-ups?msg=done');
    expect(await page.locator('.flash, [role=status]').first().textContent()).toContain('Đã ghi nhận hoàn thành theo dõi.');
    expect(await rows.count()).toBe(open - 1);
    expect(w.db.select().from(followUps).where(eq(followUps.id, id)).get()!.status).toBe('done');

    await page.goto(`${w.h.runtime.url}/staff/reports?campaign=${w.campaign.id}`);
    const followUpTable = page.locator('section[data-table="followUps"]');
    const ratingTable = page.locator('section[data-table="ratings"]');
    expect(await followUpTable.locator('tbody tr').count()).toBe(1);
    expect(await ratingTable.locator('tbody td').allTextContents()).toEqual([w.clinic.name, '03/2026', '3', '3,67', '1']);
    await followUpTable.scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath(`staff-reports-aftercare-${viewport.width}.png`), fullPage: true });
    await page.locator('section[data-table="campaigns"]').screenshot({ path: artifactPath(`staff-reports-campaigns-${viewport.width}.png`) });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    if (viewport.width < 640) {
      // On a phone every cell reads "label  value": a long label ("Số cán bộ thuộc diện") wraps inside the label
      // column, so every value of every report table starts at the same place.
      const valueOffsets = await page.locator('section.report td[data-label]').evaluateAll((cells) =>
        cells.flatMap((td) => {
          const range = td.ownerDocument.createRange();
          range.selectNodeContents(td);
          const first = range.getClientRects()[0];
          return first ? [Math.round(first.left - td.getBoundingClientRect().left)] : [];
        }),
      );
      expect(valueOffsets.length).toBeGreaterThan(20);
      expect(new Set(valueOffsets)).toEqual(new Set([valueOffsets[0]]));
    }
    await ctx.close();
  });
});
