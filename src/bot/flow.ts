import type { BotEvent } from '../conversation/events';
import type { BookingInfo } from '../domain/booking/lookups';
import type { Effect } from './effects';
import type { CadreSummary, Lookups } from './lookups';
import type { Attachment, ConversationState, HandoffState, Intent } from './state';

/**
 * The turn's types every flow shares, next to the flow states in state.ts. A flow that hands over to another flow
 * calls it through `ctx.flows`, which the turn fills in (intents.ts), so no flow imports another.
 */

/** Everything a flow step gets: the clock reading, read-only lookups, and the other flows' entry points. */
export interface TurnContext {
  now: number;
  lookups: Lookups;
  flows: FlowEntries;
  /** The text of the user's message this turn, when it is one (starters read typed commands from it). */
  input?: string;
  /** When `input` was typed, if before this turn (a goal typed before linking): "mai" means the day after that. */
  saidAt?: number;
}

/** What the user asked for before a step that had to come first (linking, "for whom?"), with what they typed. */
export interface Goal {
  intent: Intent;
  /** The message that asked for it ("đặt lịch khám thứ năm tuần sau"): days, times and commands are read from it. */
  input?: string;
  saidAt?: number;
}

/** The cadre a request is for, and whether the Zalo user acts as their proxy (audited with both ids). */
export interface Subject extends CadreSummary {
  viaProxy: boolean;
}

/** Starts the flow behind a menu choice for a known subject; `lead` is said first (e.g. "verified"). */
export type IntentStarter = (subject: Subject, ctx: TurnContext, lead?: string) => TurnResult;

export type RunIntent = (intent: Intent, subject: Subject, ctx: TurnContext, lead?: string) => TurnResult;

export interface TurnResult {
  state: ConversationState;
  effects: Effect[];
  /** What to start once this turn's effects are written: the goal a user gave before linking, resumed then. */
  resume?: Goal;
}

/** The steps of one flow that another flow hands over to. */
export interface FlowEntries {
  /** Linking first, then the goal (linking.ts). */
  startLinking(ctx: TurnContext, then?: Intent | Goal, lead?: string): TurnResult;
  /** "For whom?" when the account acts for several cadres, then `run` (subject.ts). */
  withSubject(intent: Intent, ctx: TurnContext, run: RunIntent): TurnResult;
  /** A conversation with staff opened on a topic (handoff.ts). */
  openHandoffWith(state: Pick<HandoffState, 'cadreId' | 'clinicId'>, topic: string, ctx: TurnContext, attachment?: Attachment): TurnResult;
  /** A message while staff have the conversation (handoff.ts). */
  duringHandoff(state: ConversationState, event: BotEvent, ctx: TurnContext): TurnResult;
  /** A home-visit request (requests.ts). */
  startHomeVisit: IntentStarter;
  /** Moving a booked exam (booking/). */
  startMoveOf(subject: Subject, ctx: TurnContext, booking: BookingInfo, lead?: string): TurnResult;
  /** Declining a booked exam: why, then cancel (booking/). */
  askDeclineReason(subject: Subject, booking: BookingInfo, lead?: string): TurnResult;
}
