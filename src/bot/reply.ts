import { fitButtons, type OutMessage, type QuickReply } from '../conversation/messages';
import { honorific } from '../domain/shared/vietnamese';
import type { Effect } from './effects';
import type { CadreSummary, Lookups } from './lookups';
import type { ConversationState, Intent } from './state';

/** Everything a flow step gets: the clock reading and read-only lookups. */
export interface TurnContext {
  now: number;
  lookups: Lookups;
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

/** A text with optional buttons, the buttons fitted to Zalo's limits (count, title length) as it is built. */
export const textMessage = (text: string, buttons?: QuickReply[]): OutMessage => {
  const fitted = fitButtons(buttons);
  return fitted.length ? { type: 'text', text, buttons: fitted } : { type: 'text', text };
};

export const reply = (...messages: OutMessage[]): Effect => ({ type: 'reply', messages });

/** A step that only answers: new state plus one text message (with optional buttons). */
export function answer(state: ConversationState, text: string, buttons?: QuickReply[], ...more: Effect[]): TurnResult {
  return { state, effects: [...more, reply(textMessage(text, buttons))] };
}

export { honorific };
