import { applyLinkingEffect, type LinkingEffect } from '../domain/linking/linking';
import { applyBroadcastPreference, type BroadcastPreferenceEffect } from '../domain/broadcasts/preferences';
import { applyRequestEffect, type RequestEffect } from '../domain/requests/requestChat';
import { applyBookingEffect, type BookingEffect } from '../domain/booking/effects';
import { applyAttendanceEffect, type AttendanceEffect } from '../domain/attendance/attendanceTurn';
import { applyResultEffect, type ResultEffect } from '../domain/results/resultsInChat';
import { applyProxyEffect, type ProxyEffect } from '../domain/linking/proxies';
import { applyAftercareEffect, type AftercareEffect } from '../domain/aftercare/chat';
import type { DbOrTx } from '../store/db';
import { enqueue, sendToUser } from '../jobs/enqueue';
import { fitMessages, type OutMessage } from '../conversation/messages';

/** What a turn asks the world to do; each becomes rows (outbox, domain, audit) in the turn's transaction. */
export type Effect =
  /** `sensitive`: carries health data; the send job scrubs the text from the outbox once Zalo accepted it. */
  | { type: 'reply'; messages: OutMessage[]; sensitive?: boolean }
  | { type: 'email'; to: string; subject: string; text: string }
  | LinkingEffect
  | BroadcastPreferenceEffect
  | RequestEffect
  | BookingEffect
  | AttendanceEffect
  | ResultEffect
  | ProxyEffect
  | AftercareEffect;

/** Writes a turn's effects as outbox rows, inside the turn's transaction. Returns the new row ids. */
export function applyEffects(tx: DbOrTx, zaloUserId: string, effects: Effect[], now: number): number[] {
  const ids: number[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'link':
      case 'unlink':
      case 'otpStart':
      case 'otpAttempt':
      case 'verifyFailed':
      case 'linkHold':
      case 'proxyRequest':
        applyLinkingEffect(tx, { zaloUserId, now }, effect);
        break;
      case 'proxyWithdraw':
      case 'proxyActed':
        applyProxyEffect(tx, { zaloUserId, now }, effect);
        break;
      case 'broadcastPreference':
        applyBroadcastPreference(tx, { zaloUserId, now }, effect);
        break;
      case 'resultViewed':
        applyResultEffect(tx, { zaloUserId, now }, effect);
        break;
      case 'booking.create':
      case 'booking.move':
      case 'booking.cancel':
        applyBookingEffect(tx, { zaloUserId, now }, effect);
        break;
      case 'attendance.confirm':
      case 'attendance.checkIn':
        applyAttendanceEffect(tx, { zaloUserId, now }, effect);
        break;
      case 'requestCreate':
      case 'emergency':
      case 'handoffOpen':
      case 'handoffClose':
        ids.push(...applyRequestEffect(tx, { zaloUserId, now }, effect));
        break;
      case 'waitlist.join':
      case 'waitlist.answer':
      case 'followUp.choose':
      case 'rating.answer':
        ids.push(...applyAftercareEffect(tx, { zaloUserId, now }, effect));
        break;
      case 'reply':
        if (effect.messages.length === 0) break;
        ids.push(sendToUser(tx, zaloUserId, fitMessages(effect.messages), { now, sensitive: effect.sensitive }));
        break;
      case 'email':
        ids.push(enqueue(tx, 'email.message', { to: effect.to, subject: effect.subject, text: effect.text }, { now }));
        break;
      default:
        // Every effect type has its case above: a new type fails to compile here rather than being dropped.
        effect satisfies never;
    }
  }
  return ids;
}
