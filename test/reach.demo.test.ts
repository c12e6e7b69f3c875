import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { seedDemo } from '../src/demoScenario';
import { defaultRequestPolicy } from '../src/domain/requests/sla';
import { TEMPLATE_BY_USER_WINDOW_MS } from '../src/jobs/notice';
import { cadres } from '../src/store/schema';
import { inCustomerServiceWindow, zaloAccountsOfCadre } from '../src/store/zaloUsers';
import { ManualClock, startHarness, type Harness } from './harness';

/**
 * How many of the demo registry's active cadres each channel of a notice can reach, by the ladder's own rules
 * (jobs/notice.ts): a customer-service message inside the 7-day window, a template by user id (an interaction
 * within a year), a template by the registry phone, email. Printed for the operations notes.
 */

// Monday 30/11/2026, 09:00 in Vietnam.
const NOW = Date.parse('2026-11-30T02:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ clock: new ManualClock(NOW) });
  await seedDemo(h.runtime.store.db, { now: NOW, requestPolicy: defaultRequestPolicy });
});
afterAll(() => h?.stop());

describe('reach of the demo registry', () => {
  it('each channel, and the first rung of the ladder, over the active cadres', () => {
    const db = h.runtime.store.db;
    const active = db.select().from(cadres).where(eq(cadres.active, true)).all();
    const can = { cs: 0, byUser: 0, byPhone: 0, email: 0 };
    const first = { cs: 0, byUser: 0, byPhone: 0, email: 0, none: 0 };
    for (const c of active) {
      const accounts = zaloAccountsOfCadre(db, c.id);
      const cs = accounts.some((a) => inCustomerServiceWindow(a, NOW));
      const byUser = accounts.some((a) => a.lastInteractionAt !== null && NOW - a.lastInteractionAt < TEMPLATE_BY_USER_WINDOW_MS);
      const byPhone = !!c.phone && /^84\d{9}$/.test(c.phone);
      const email = !!c.email;
      can.cs += +cs;
      can.byUser += +byUser;
      can.byPhone += +byPhone;
      can.email += +email;
      const rung = cs ? 'cs' : byUser ? 'byUser' : byPhone ? 'byPhone' : email ? 'email' : 'none';
      first[rung] += 1;
    }
    console.log(`demo reach over ${active.length} active cadres: can reach ${JSON.stringify(can)}; first rung ${JSON.stringify(first)}`);
    expect(active.length).toBe(200);
    expect(Object.values(first).reduce((a, b) => a + b, 0)).toBe(active.length);
    // The ladder only ever goes down: whoever the window reaches, a template by user id reaches too.
    expect(can.byUser).toBeGreaterThanOrEqual(can.cs);
    expect(first.cs).toBe(can.cs);
  });
});
