import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import { createCampaign, type CampaignInput, type SlotsInput } from '../src/domain/booking/campaigns';
import { createSlots } from '../src/domain/booking/slots';
import { linkZaloUser } from '../src/domain/linking/linking';
import { inTransaction } from '../src/store/db';
import { clinics, type Campaign } from '../src/store/schema';
import { recordZaloUser } from '../src/store/zaloUsers';
import type { Harness } from './harness';
import { waitFor } from './harness';

/** Set-up shared by the booking tests: clinics, a campaign with its slots, linked Zalo users, a chat helper. */

const system = { type: 'system' as const, id: 'test' };

export function addClinic(h: Harness, code: string, name: string, address = ''): number {
  const now = h.clock.now();
  return h.runtime.store.db
    .insert(clinics)
    .values({ code, name, address, phone: '0225 3 800 800', createdAt: now, updatedAt: now })
    .returning({ id: clinics.id })
    .get().id;
}

export function campaignWithSlots(
  h: Harness,
  campaign: Partial<CampaignInput> & Pick<CampaignInput, 'clinicIds'>,
  slots: (Partial<SlotsInput> & Pick<SlotsInput, 'fromDate' | 'toDate'>) | null,
): Campaign {
  const db = h.runtime.store.db;
  const c = createCampaign(
    db,
    system,
    {
      year: 2026,
      round: 1,
      name: 'Khám sức khỏe định kỳ đợt 1 năm 2026',
      startDate: '2026-03-02',
      endDate: '2026-03-31',
      eligibleCategories: ['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac'],
      instructions: 'Nhịn ăn sáng, mang theo sổ y bạ và thẻ bảo hiểm y tế.',
      status: 'open',
      nudgeAfterDays: null,
      ...campaign,
    },
    null,
    h.clock.now(),
  );
  if (slots) {
    createSlots(
      db,
      system,
      c.id,
      { clinicIds: campaign.clinicIds, weekdays: [1, 2, 3, 4, 5], startTime: 7 * 60, endTime: 11 * 60, slotMinutes: 30, capacity: 2, ...slots },
      h.clock.now(),
    );
  }
  return c;
}

export function linkUser(h: Harness, zaloUserId: string, cadreId: number): void {
  const now = h.clock.now();
  inTransaction(h.runtime.store.db, (tx) => {
    recordZaloUser(tx, { id: zaloUserId, followed: true, interactedAt: now }, now);
    linkZaloUser(tx, { cadreId, zaloUserId, method: 'phone', now });
  });
}

/** Sends a text through the real webhook and waits for the reply; returns the reply text and its buttons. */
export async function chat(h: Harness, user: string, text: string): Promise<{ text: string; buttons: string[] }> {
  const before = h.fake.messagesTo(user).length;
  const res = await h.say(user, text);
  expect(res.status).toBe(200);
  const msgs = await waitFor(() => (h.fake.messagesTo(user).length > before ? h.fake.messagesTo(user) : null), `reply to "${text}"`);
  const fresh = msgs.slice(before);
  return { text: fresh.map((m) => m.text ?? `[${m.kind}]`).join('\n---\n'), buttons: fresh.flatMap((m) => (m.buttons ?? []).map((b) => String(b.payload))) };
}

export const stateOf = async (h: Harness, user: string) => {
  const { conversations } = await import('../src/store/schema');
  const row = h.runtime.store.db.select().from(conversations).where(eq(conversations.zaloUserId, user)).get();
  return row?.state as { flow: string; step?: string } | undefined;
};
