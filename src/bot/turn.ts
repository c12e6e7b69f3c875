import type { BotEvent } from '../zalo/events';
import { t } from './catalog';
import { handleLinking, onSharedPhone, startLinking, startUnlink } from './flows/linking';
import { handleBooking } from './flows/booking';
import { handleChooseSubject, withSubject, type RunIntent, type Subject } from './flows/subject';
import { handleHandoff } from './flows/handoff';
import { beforeFlows, handleRequests, requestKeyword, startFromKeyword } from './flows/requests';
import { handleResults } from './flows/results';
import { intentStarters, openIntents } from './intents';
import { broadcastPreferenceTurn } from './flows/broadcasts';
import type { CadreSummary, Lookups } from './lookups';
import { mainMenuButtons, mainMenuText, parseMenuChoice } from './menu';
import { answer, reply, textMessage, type TurnContext, type TurnResult } from './reply';
import type { ConversationState, Intent } from './state';
import { containsPhrase, foldVietnamese } from './text';

export type { Lookups, TurnResult };

/** What a turn reacts to: an event from Zalo, or the goal of the previous turn resumed after its effects. */
export type TurnEvent = BotEvent | { type: 'resume'; intent: Intent };

const menuResult = (prefix?: string): TurnResult => ({
  state: { flow: 'idle' },
  effects: [reply(textMessage([prefix, mainMenuText(t.menuPrompt, t.menuFooter)].filter(Boolean).join('\n\n'), mainMenuButtons))],
});

const runIntent: RunIntent = (intent, subject, ctx, lead) => intentStarters[intent](subject, ctx, lead);

function startIntent(intent: Intent, ctx: TurnContext): TurnResult {
  if (openIntents.has(intent)) {
    const identity = ctx.lookups.identity();
    const subject = identity.self ? { ...identity.self, viaProxy: false } : null;
    return intentStarters[intent](subject as Subject, ctx);
  }
  return withSubject(intent, ctx, runIntent);
}

/** Commands that work in any state. */
type GlobalCommand = 'menu' | 'unlink' | 'link';
function globalCommand(text: string): GlobalCommand | null {
  const folded = foldVietnamese(text);
  if (['0', 'menu', 'huy bo', 'thoat', 'quay lai', 've menu', 'trang chu'].includes(folded)) return 'menu';
  if (containsPhrase(folded, 'huy lien ket') || containsPhrase(folded, 'bo lien ket')) return 'unlink';
  if (['lien ket', 'xac minh', 'lien ket tai khoan', 'xac minh tai khoan', 'dang nhap'].includes(folded)) return 'link';
  return null;
}

/**
 * One dialog turn: a pure function of (state, event, now, lookups). No I/O, no clock, no randomness, so
 * every flow is testable without HTTP and property-testable with random input. Lookups are read-only.
 */
export function turn(state: ConversationState, event: TurnEvent, now: number, lookups: Lookups): TurnResult {
  const ctx: TurnContext = { now, lookups, input: event.type === 'text' ? event.text : undefined };
  // Verified in this turn: greet now, and start what they asked for once the link is written (a 'resume' turn).
  const resume = (intent: Intent, _c: TurnContext, _cadre: CadreSummary, lead: string): TurnResult => ({
    state: { flow: 'idle' },
    effects: [reply(textMessage(lead))],
    resume: intent,
  });
  if (event.type === 'resume') return startIntent(event.intent, ctx);
  // Emergencies first, in any state; then silence while staff are talking with the user.
  const early = beforeFlows(state, event, ctx);
  if (early) return early;

  switch (event.type) {
    case 'follow':
      return menuResult(t.welcome(lookups));
    case 'unfollow':
    case 'chat_opened':
      // Nothing can be sent after an unfollow; opening the chat only refreshes Zalo's 7-day window.
      return { state, effects: [] };
    case 'shared_info':
      return onSharedPhone(state.flow === 'linking' ? state : null, event, ctx, resume);
    case 'attachment':
    case 'location':
      if (state.flow !== 'idle') return answer(state, t.attachmentNotRead);
      return menuResult(event.type === 'location' ? t.thanksForInfo : t.attachmentNotRead);
    case 'text':
      break;
  }

  const preference = broadcastPreferenceTurn(state, event.text, ctx);
  if (preference) return preference;
  const command = globalCommand(event.text);
  if (command === 'menu') return menuResult();
  if (command === 'unlink') return startUnlink(ctx);
  if (command === 'link') return startLinking(ctx, undefined, t.linkIntro);

  switch (state.flow) {
    case 'linking':
      return handleLinking(state, event, ctx, resume);
    case 'chooseSubject':
      return handleChooseSubject(state, event.text, ctx, runIntent);
    case 'requests':
      return handleRequests(state, event, ctx);
    case 'handoff':
      return handleHandoff(state, event, ctx);
    case 'results': {
      const r = handleResults(state, event.text, ctx);
      if (r) return r;
      break;
    }
    case 'booking':
      return handleBooking(state, event.text, ctx);
    case 'idle':
      break;
  }

  const choice = parseMenuChoice(event.text);
  if (choice.kind === 'showMenu') return menuResult();
  if (choice.kind === 'unknown') {
    const wanted = requestKeyword(event.text);
    return wanted ? startFromKeyword(wanted, ctx) : menuResult(t.notUnderstood);
  }
  return startIntent(choice.id, ctx);
}
