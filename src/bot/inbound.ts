import type { Db, Tx } from '../store/db';
import { inTransaction } from '../store/db';
import { loadConversation, saveConversation } from '../store/conversations';
import { statement } from '../store/prepared';
import { claimingOutbox, type ClaimedRow } from '../store/outbox';
import { openHandoffOf, recordChatTurn } from '../domain/conversations/handoff';
import { recordZaloUser } from '../store/zaloUsers';
import { isInteraction, type InboundEvent } from '../conversation/events';
import { applyEffects } from './effects';
import { parseState } from './state';
import { createStoreLookups } from './lookups';
import type { CatalogContext } from './catalog';
import { turn } from './turn';

export type InboundOutcome =
  | {
      status: 'processed';
      outboxIds: number[];
      /** Rows written already queued in the turn's transaction: add their jobs right after commit. */
      claimed: ClaimedRow[];
      /** Rows left for the relay (due later); rows waiting behind an earlier reply are released by the worker. */
      pendingForRelay: number;
    }
  | { status: 'duplicate' };

/**
 * Handles one verified event from a channel adapter: dedupe, user bookkeeping, the dialog turn and its outbox
 * rows, all in ONE synchronous SQLite transaction. Nothing here awaits; enqueueing happens after commit.
 */
export function processInboundEvent(db: Db, inbound: InboundEvent, now: number, catalog: CatalogContext): InboundOutcome {
  return inTransaction(db, (tx) => inboundTurn(tx, inbound, now, catalog));
}

/**
 * The work of processInboundEvent inside a transaction the caller opened and rolls back whole if this throws
 * (the webhook's group commit gives each event its own savepoint: a second one here would only cost).
 */
export function inboundTurn(tx: Tx, inbound: InboundEvent, now: number, catalog: CatalogContext): InboundOutcome {
  const { userId, at: eventAt, event: botEvent } = inbound;
  const inserted = statement(
    tx,
    'INSERT INTO inbound_events (dedupe_key, event_name, zalo_user_id, event_at, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  ).run(inbound.dedupeKey, inbound.channelEvent, userId, eventAt, now);
  if (inserted.changes === 0) return { status: 'duplicate' } as const;

  recordZaloUser(
    tx,
    {
      id: userId,
      userIdByApp: inbound.userIdByApp,
      followed: botEvent.type === 'follow' ? true : botEvent.type === 'unfollow' ? false : undefined,
      interactedAt: isInteraction(botEvent) ? eventAt : undefined,
    },
    now,
  );
  // Every row the turn writes that may go now is written queued and handed back, so its job is added right after
  // commit; rows due later (a booking's reminders, written by effects that do not return them) are left to the relay.
  const { value: outboxIds, claims } = claimingOutbox(tx, () => dialogTurn(tx, userId, botEvent, now, catalog));
  return { status: 'processed', outboxIds, claimed: claims.claimed, pendingForRelay: claims.pending } as const;
}

/** Loads the conversation, runs the pure turn (and its resumption), writes its effects and saves the new state. */
function dialogTurn(tx: Tx, userId: string, botEvent: InboundEvent['event'], now: number, catalog: CatalogContext): number[] {
  const stored = loadConversation(tx, userId);
  const state = parseState(stored.state);
  const openBefore = openHandoffOf(tx, userId) !== undefined;
  const first = turn(state, botEvent, now, createStoreLookups(tx, userId, now, catalog));
  const outboxIds = applyEffects(tx, userId, first.effects, now);
  // A goal given before a step that changes what the lookups see (e.g. "xem kết quả" before linking) resumes
  // in a second pure turn, once the first turn's effects are written: it sees the new link.
  let result = first;
  if (first.resume) {
    const next = turn(first.state, { type: 'resume', ...first.resume }, now, createStoreLookups(tx, userId, now, catalog));
    outboxIds.push(...applyEffects(tx, userId, next.effects, now));
    result = { state: next.state, effects: [...first.effects, ...next.effects] };
  }
  saveConversation(tx, userId, result.state, stored.version, now);
  recordChatTurn(
    tx,
    userId,
    botEvent,
    result.effects.flatMap((e) => (e.type === 'reply' ? [e] : [])),
    { openBefore, linkingStep: state.flow === 'linking' ? state.step : undefined },
    now,
  );
  return outboxIds;
}
