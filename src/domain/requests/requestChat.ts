import { storedHolidayCalendar } from '../shared/holidays';
import type { ChatAttachment } from '../../store/schema';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../store/db';
import { sendToUser } from '../../jobs/enqueue';
import { cadres, clinics } from '../../store/schema';
import { addTimeline, createRequest, type NewRequest } from './creation';
import { defaultRequestPolicy, type RequestPolicy } from './sla';
import { lastAddressOf, openRequestsOf, recentEmergencyOf, type OpenRequestSummary } from './reads';
import { ticketOf } from './labels';
import { openHandoff, openHandoffOf, userClosesHandoff } from '../conversations/handoff';

/**
 * What the dialog needs from requests and handoffs: its effects (written in the turn's transaction) and
 * its read-only lookups.
 */

/** Settings a turn needs, from config (the runtime passes them in the catalog context). */
export interface RequestSettings {
  policy: RequestPolicy;
  handoffTimeoutMs: number;
  publicBaseUrl: string;
}

export const defaultRequestSettings: RequestSettings = {
  policy: defaultRequestPolicy,
  handoffTimeoutMs: 24 * 3600_000,
  publicBaseUrl: 'http://127.0.0.1:3000',
};

/** A repeat emergency mention by the same user within this adds to the open one instead of paging again. */
const EMERGENCY_REPEAT_MS = 30 * 60_000;

export type RequestEffect =
  /** `confirmText` has "{ticket}" where the new ticket number goes; it is sent to the user in their lane. */
  | { type: 'requestCreate'; request: NewRequest; confirmText: string }
  | { type: 'emergency'; cadreId: number | null; clinicId: number | null; viaProxy: boolean; text: string; ackDueAt: number }
  | { type: 'handoffOpen'; cadreId: number | null; clinicId: number | null; topic: string; timeoutMs: number; publicBaseUrl: string; attachment?: ChatAttachment }
  | { type: 'handoffClose' };

/** Writes one request effect inside the turn's transaction; returns the outbox ids it created. */
export function applyRequestEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: RequestEffect): number[] {
  const { zaloUserId, now } = ctx;
  switch (effect.type) {
    case 'requestCreate': {
      const created = createRequest(tx, zaloUserId, effect.request, now);
      const text = effect.confirmText.replaceAll('{ticket}', ticketOf(created.id));
      const reply = sendToUser(tx, zaloUserId, [{ type: 'text', text }], { now });
      return [...created.outboxIds, reply];
    }
    case 'emergency': {
      const open = recentEmergencyOf(tx, zaloUserId, now - EMERGENCY_REPEAT_MS);
      if (open !== null) {
        addTimeline(tx, open, 'mentioned_again', { type: 'zalo', id: zaloUserId }, null, now);
        return [];
      }
      return createRequest(
        tx,
        zaloUserId,
        {
          type: 'emergency',
          cadreId: effect.cadreId,
          clinicId: effect.clinicId,
          viaProxy: effect.viaProxy,
          urgency: 'urgent',
          details: effect.text,
          ackDueAt: effect.ackDueAt,
        },
        now,
      ).outboxIds;
    }
    case 'handoffOpen':
      return openHandoff(tx, zaloUserId, effect, now);
    case 'handoffClose':
      userClosesHandoff(tx, zaloUserId, now);
      return [];
  }
}

export interface RequestLookups {
  settings(): RequestSettings;
  /** The address used on the cadre's last request. */
  lastAddress(cadreId: number): string | null;
  openRequests(cadreIds: number[]): OpenRequestSummary[];
  /** Whether staff are talking with this user now (the bot keeps quiet). */
  inHandoff(): boolean;
  /** The clinic to call: the cadre's, else none. */
  clinicOf(cadreId: number | null): { name: string; phone: string } | null;
}

export function createRequestLookups(tx: DbOrTx, zaloUserId: string, settings: RequestSettings | undefined): RequestLookups {
  // Methods, not arrow-function properties: made on every turn, and the build names each arrow function it makes.
  return {
    settings() {
      const base = settings ?? defaultRequestSettings;
      // Staff-added days off count like public holidays in the acknowledgement deadline.
      return { ...base, policy: { ...base.policy, holidays: storedHolidayCalendar(tx) } };
    },
    lastAddress(cadreId) {
      return lastAddressOf(tx, cadreId);
    },
    openRequests(cadreIds) {
      return openRequestsOf(tx, cadreIds, zaloUserId);
    },
    inHandoff() {
      return openHandoffOf(tx, zaloUserId) !== undefined;
    },
    clinicOf(cadreId) {
      if (cadreId === null) return null;
      const row = tx
        .select({ name: clinics.name, phone: clinics.phone })
        .from(cadres)
        .innerJoin(clinics, eq(clinics.id, cadres.clinicId))
        .where(and(eq(cadres.id, cadreId)))
        .get();
      return row ?? null;
    },
  };
}
