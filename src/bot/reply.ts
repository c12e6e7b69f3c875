import { fitButtons, type OutMessage, type QuickReply } from '../conversation/messages';
import { honorific } from '../domain/shared/vietnamese';
import type { Effect } from './effects';
import type { TurnResult } from './flow';
import type { ConversationState } from './state';

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
