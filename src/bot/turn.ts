import type { BotEvent } from '../zalo/events';
import type { OutMessage } from '../zalo/messages';
import { t, type CatalogContext } from './catalog';
import { mainMenuButtons, mainMenuText, parseMenuChoice } from './menu';
import type { ConversationState } from './state';

/** Read-only facts a turn may consult; supplied by the caller so the turn stays pure. */
export interface Lookups extends CatalogContext {}

/** What a turn asks the world to do; the store turns each effect into outbox rows in the same transaction. */
export type Effect =
  | { type: 'reply'; messages: OutMessage[] }
  | { type: 'email'; to: string; subject: string; text: string };

export interface TurnResult {
  state: ConversationState;
  effects: Effect[];
}

const menuMessage = (prefix?: string): OutMessage => ({
  type: 'text',
  text: [prefix, mainMenuText(t.menuPrompt, t.menuFooter)].filter(Boolean).join('\n\n'),
  buttons: mainMenuButtons,
});

const reply = (...messages: OutMessage[]): Effect => ({ type: 'reply', messages });

/**
 * One dialog turn: a pure function of (state, event, now, lookups). No I/O, no clock, no randomness, so
 * every flow is testable without HTTP and property-testable with random input.
 */
export function turn(state: ConversationState, event: BotEvent, _now: number, lookups: Lookups): TurnResult {
  switch (event.type) {
    case 'follow':
      return { state: { flow: 'idle' }, effects: [reply(menuMessage(t.welcome(lookups)))] };
    case 'unfollow':
    case 'chat_opened':
      // Nothing can be sent after an unfollow; opening the chat only refreshes Zalo's 7-day window.
      return { state, effects: [] };
    case 'attachment':
      return { state, effects: [reply(menuMessage(t.attachmentNotRead))] };
    case 'location':
    case 'shared_info':
      return { state, effects: [reply(menuMessage(t.thanksForInfo))] };
    case 'text': {
      const choice = parseMenuChoice(event.text);
      if (choice.kind === 'showMenu') return { state: { flow: 'idle' }, effects: [reply(menuMessage())] };
      if (choice.kind === 'unknown') return { state, effects: [reply(menuMessage(t.notUnderstood))] };
      return {
        state: { flow: 'idle' },
        effects: [reply({ type: 'text', text: `${t.comingSoon(choice.label, lookups)}\n\n${t.menuFooter}` })],
      };
    }
  }
}
