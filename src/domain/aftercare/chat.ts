import type { DbOrTx } from '../../store/db';
import { sendToUser } from '../../jobs/enqueue';
import { rowsOf } from '../../store/prepared';
import { bookingDetailLines } from '../booking/reminders';
import { ticketOf } from '../requests/labels';
import { chooseFollowUp } from './followUps';
import { recordRating } from './ratings';
import { answerOffer, joinWaitlist } from './waitlist';

/**
 * What the chat reads and writes for care around exams: the question the bot last put to the user on its own
 * initiative (a waitlist offer, a follow-up choice, a rating), and joining a waitlist. A question counts as
 * pending only while no other conversation happened since it went out, so a later "1" is a menu choice again.
 */

interface Person {
  cadreId: number;
  viaProxy: boolean;
  fullName: string;
  sex: 'male' | 'female';
}

export type PendingAsk =
  | (Person & { kind: 'waitlistOffer'; offerId: number; expiresAt: number; details: string[] })
  | (Person & { kind: 'followUp'; followUpId: number })
  /** `stale`: the user talked about something else since; only an unmistakable rating ("5 sao") answers it then. */
  | (Person & { kind: 'rating'; ratingId: number; stale?: boolean });

export interface AftercareLookups {
  pendingAsk(): PendingAsk | null;
  /** The cadre's live place in line in the campaign: clinic and how many are ahead. */
  waitlisted(cadreId: number, campaignId: number): { clinicId: number; clinicName: string; ahead: number } | null;
  /** How many wait at a clinic in a campaign. */
  waitingAt(campaignId: number, clinicId: number): number;
}

/** Cadres this Zalo user acts for: their own (linked) and approved proxies. */
const PEOPLE = `SELECT c.id AS cadreId, 0 AS viaProxy, c.full_name AS fullName, c.sex AS sex FROM zalo_links l JOIN cadres c ON c.id = l.cadre_id
  WHERE l.zalo_user_id = @user AND c.active = 1
  UNION ALL SELECT c.id, 1, c.full_name, c.sex FROM proxies p JOIN cadres c ON c.id = p.cadre_id
  WHERE p.zalo_user_id = @user AND p.status = 'approved' AND c.active = 1`;

export function createAftercareLookups(tx: DbOrTx, zaloUserId: string, now: number): AftercareLookups {
  const q = <Row>(sql: string) => rowsOf<Row>(tx, sql);
  return {
    pendingAsk() {
      const people = q<Omit<Person, 'viaProxy'> & { viaProxy: number }>(PEOPLE).all({ user: zaloUserId });
      if (!people.length) return null;
      const byId = new Map(people.map((p) => [p.cadreId, { ...p, viaProxy: p.viaProxy === 1 }]));
      const ids = JSON.stringify([...byId.keys()]);
      const lastTurn = (q<{ at: number }>('SELECT updated_at AS at FROM conversations WHERE zalo_user_id = ?').get(zaloUserId))?.at ?? 0;
      const offer = q<{ offerId: number; expiresAt: number; at: number; cadreId: number }>(
        `SELECT o.id AS offerId, o.expires_at AS expiresAt, o.offered_at AS at, e.cadre_id AS cadreId FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id
         WHERE o.status = 'open' AND e.cadre_id IN (SELECT value FROM json_each(@ids)) AND o.offered_at <= @now
           AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.cadre_id = e.cadre_id AND b.campaign_id = e.campaign_id AND b.status IN ('booked', 'attended'))
         ORDER BY o.offered_at DESC LIMIT 1`,
      ).get({ ids, now });
      const follow = q<{ followUpId: number; at: number; cadreId: number }>(
        `SELECT id AS followUpId, offered_at AS at, cadre_id AS cadreId FROM follow_ups
         WHERE status = 'open' AND choice IS NULL AND cadre_id IN (SELECT value FROM json_each(@ids)) AND offered_at <= @now AND offered_at > @since
         ORDER BY offered_at DESC LIMIT 1`,
      ).get({ ids, now, since: now - 14 * 24 * 3600_000 });
      const rating = q<{ ratingId: number; at: number; cadreId: number }>(
        `SELECT id AS ratingId, asked_at AS at, cadre_id AS cadreId FROM ratings
         WHERE answered_at IS NULL AND cadre_id IN (SELECT value FROM json_each(@ids)) AND asked_at <= @now AND expires_at > @now
         ORDER BY asked_at DESC LIMIT 1`,
      ).get({ ids, now });
      // The most recent question the user has not talked past; an offer first when two went out together.
      const candidates = [
        offer && { at: offer.at, rank: 0, ask: () => offerAsk(offer) },
        follow && { at: follow.at, rank: 1, ask: () => ({ ...byId.get(follow.cadreId)!, kind: 'followUp' as const, followUpId: follow.followUpId }) },
        rating && { at: rating.at, rank: 2, ask: () => ({ ...byId.get(rating.cadreId)!, kind: 'rating' as const, ratingId: rating.ratingId }) },
      ].filter((c): c is { at: number; rank: number; ask: () => PendingAsk } => !!c && c.at >= lastTurn);
      candidates.sort((a, b) => b.at - a.at || a.rank - b.rank);
      if (candidates[0]) return candidates[0].ask();
      // A rating still open after another conversation: "5 sao" typed later is still its answer.
      return rating ? { ...byId.get(rating.cadreId)!, kind: 'rating', ratingId: rating.ratingId, stale: true } : null;

      function offerAsk(o: NonNullable<typeof offer>): PendingAsk {
        const slot = q<{ localDate: string; startsAt: number; clinicName: string; clinicAddress: string; clinicPhone: string; campaignName: string; instructions: string }>(
          `SELECT s.local_date AS localDate, s.starts_at AS startsAt, k.name AS clinicName, k.address AS clinicAddress, k.phone AS clinicPhone, c.name AS campaignName, c.instructions AS instructions
           FROM waitlist_offers o JOIN exam_slots s ON s.id = o.slot_id JOIN clinics k ON k.id = s.clinic_id JOIN campaigns c ON c.id = s.campaign_id WHERE o.id = ?`,
        ).get(o.offerId)!; // the offer's slot, clinic and campaign exist (foreign keys)
        const details = bookingDetailLines({
          clinic: { id: 0, name: slot.clinicName, address: slot.clinicAddress, phone: slot.clinicPhone },
          slot,
          campaign: { name: slot.campaignName, instructions: slot.instructions },
        });
        return { ...byId.get(o.cadreId)!, kind: 'waitlistOffer', offerId: o.offerId, expiresAt: o.expiresAt, details };
      }
    },
    waitlisted(cadreId, campaignId) {
      return (
        (q<{ clinicId: number; clinicName: string; ahead: number }>(
          `SELECT e.clinic_id AS clinicId, k.name AS clinicName,
             (SELECT count(*) FROM waitlist_entries x WHERE x.campaign_id = e.campaign_id AND x.clinic_id = e.clinic_id AND x.status IN ('waiting', 'offered') AND x.id < e.id) AS ahead
           FROM waitlist_entries e JOIN clinics k ON k.id = e.clinic_id WHERE e.cadre_id = ? AND e.campaign_id = ? AND e.status IN ('waiting', 'offered')`,
        ).get(cadreId, campaignId)) ?? null
      );
    },
    waitingAt(campaignId, clinicId) {
      return q<{ n: number }>(`SELECT count(*) AS n FROM waitlist_entries WHERE campaign_id = ? AND clinic_id = ? AND status IN ('waiting', 'offered')`).get(campaignId, clinicId)?.n ?? 0;
    },
  };
}

export type AftercareEffect =
  | { type: 'waitlist.join'; cadreId: number; campaignId: number; clinicId: number; viaProxy: boolean }
  | { type: 'waitlist.answer'; offerId: number; cadreId: number; accept: boolean; viaProxy: boolean }
  /** `confirmText` has "{ticket}" where the new request's ticket goes. */
  | { type: 'followUp.choose'; followUpId: number; cadreId: number; choice: 'clinic' | 'home'; viaProxy: boolean; confirmText: string; ackDueAt: number }
  | { type: 'rating.answer'; ratingId: number; cadreId: number; score: number; comment: string; viaProxy: boolean; ackDueAt: number };

/** Writes one effect inside the turn's transaction; returns the outbox ids it created. */
export function applyAftercareEffect(tx: DbOrTx, ctx: { zaloUserId: string; now: number }, effect: AftercareEffect): number[] {
  const actor = { type: 'zalo' as const, id: ctx.zaloUserId, onBehalfOfCadreId: effect.viaProxy ? effect.cadreId : null };
  switch (effect.type) {
    case 'waitlist.join':
      joinWaitlist(tx, { cadreId: effect.cadreId, campaignId: effect.campaignId, clinicId: effect.clinicId, zaloUserId: ctx.zaloUserId }, actor, ctx.now);
      return [];
    case 'waitlist.answer':
      answerOffer(tx, effect.offerId, effect.accept, actor, effect.viaProxy, ctx.now);
      return [];
    case 'followUp.choose': {
      const r = chooseFollowUp(tx, effect.followUpId, effect.choice, ctx.zaloUserId, effect.viaProxy, effect.ackDueAt, ctx.now);
      if (!r) return [];
      const text = effect.confirmText.replaceAll('{ticket}', ticketOf(r.requestId));
      const reply = sendToUser(tx, ctx.zaloUserId, [{ type: 'text', text }], { now: ctx.now });
      return [...r.outboxIds, reply];
    }
    case 'rating.answer':
      return recordRating(tx, effect.ratingId, { score: effect.score, comment: effect.comment }, actor, effect.ackDueAt, ctx.now).outboxIds;
  }
}

