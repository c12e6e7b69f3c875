import type { BotEvent } from '../conversation/events';
import { t } from './catalog';
import { handleLinking, startLeaveProxy, startLinking, startProxyRequest, startUnlink } from './flows/linking';
import { withSubject } from './flows/subject';
import { attachmentOf, handleHandoff } from './flows/handoff';
import { startFromKeyword, type RequestTarget } from './flows/requests';
import { intentStarters, openIntents } from './intents';
import type { CadreSummary } from './lookups';
import { mainMenuButtons, mainMenuText, numberedMenu } from './menu';
import { answer, honorific, reply, textMessage } from './reply';
import type { Goal, RunIntent, Subject, TurnContext, TurnResult } from './flow';
import { parseState, type ClarifyState, type ConversationState, type Intent } from './state';
import type { IntentId } from './understand/intents';
import { INTENTS } from './understand/intents';

/**
 * Starting what the user asked for, outside any flow's own steps: an understood intent or a main-menu choice,
 * the main menu itself, "did you mean …?" for a fuzzy match, and a file sent outside a live chat.
 */

/** Verified in this turn: greet now, and start what they asked for once the link is written (a 'resume' turn). */
export const resumeAfterLink = (goal: Goal, _c: TurnContext, _cadre: CadreSummary, lead: string): TurnResult => ({
  state: { flow: 'idle' },
  effects: [reply(textMessage(lead))],
  resume: goal,
});

export const menuResult = (prefix?: string): TurnResult => ({
  state: { flow: 'idle' },
  effects: [reply(textMessage([prefix, mainMenuText(t.menuPrompt, t.menuFooter)].filter(Boolean).join('\n\n'), mainMenuButtons))],
});

export const runIntent: RunIntent = (intent, subject, ctx, lead) => intentStarters[intent](subject, ctx, lead);

export function startIntent(intent: Intent, ctx: TurnContext): TurnResult {
  if (openIntents.has(intent)) {
    const identity = ctx.lookups.identity();
    const subject = identity.self ? { ...identity.self, viaProxy: false } : null;
    return intentStarters[intent](subject as Subject, ctx);
  }
  return withSubject(intent, ctx, runIntent);
}

/** How to address the user: their known title once linked, else "Ông/Bà". */
export const titleOf = (ctx: TurnContext) => {
  const self = ctx.lookups.identity().self;
  return self ? honorific(self.sex) : 'Ông/Bà';
};

const bookingCommands: Partial<Record<IntentId, string>> = { moveBooking: 'đổi lịch', cancelBooking: 'hủy lịch', myBookings: 'lịch của tôi' };
const requestTargets: Partial<Record<IntentId, RequestTarget>> = {
  medicine: 'medicine',
  recordBook: 'record_book',
  question: 'question',
  myRequests: 'mine',
  otherRequest: 'menu',
};

/** Starts what an understood intent asks for, as if chosen from the main menu. */
export function runIntentId(id: IntentId, ctx: TurnContext): TurnResult {
  const command = bookingCommands[id];
  if (command) return startIntent('booking', { ...ctx, input: command });
  const target = requestTargets[id];
  if (target) return startFromKeyword(target, ctx);
  if (id === 'unlink') return startUnlink(ctx);
  if (id === 'link') return startLinking(ctx, undefined, t.linkIntro);
  if (id === 'addProxy') return startProxyRequest(ctx);
  if (id === 'leaveProxy') return startLeaveProxy(ctx);
  return startIntent(id as Intent, ctx);
}

/** Which intents a flow handles itself (so typing them inside it is an answer, not a switch). */
export const ownIntents: Record<ConversationState['flow'], IntentId[]> = {
  idle: [],
  clarify: [],
  linking: ['link', 'addProxy', 'leaveProxy'],
  chooseSubject: [],
  booking: ['booking', 'moveBooking', 'cancelBooking', 'myBookings'],
  results: ['results'],
  requests: ['homeVisit', 'medicine', 'recordBook', 'question', 'myRequests', 'otherRequest'],
  handoff: ['staff'],
};

type Where = 'confirm' | 'field' | 'choice';

/** Where a flow's step stands: a yes/no before committing, a value being typed, or a menu to pick from. */
export function whereIn(state: ConversationState): Where {
  switch (state.flow) {
    case 'booking':
      return state.step === 'confirm' || state.step === 'cancelConfirm' || state.step === 'waitlist' ? 'confirm' : state.step === 'cancelReason' ? 'field' : 'choice';
    case 'requests':
      return state.step === 'confirm' ? 'confirm' : ['reason', 'address', 'addressTyped', 'day'].includes(state.step) ? 'field' : 'choice';
    case 'linking':
      return state.step === 'unlinkConfirm' || state.step === 'proxyConfirm' || state.step === 'leaveConfirm'
        ? 'confirm'
        : state.step === 'choose' || state.step === 'help' || state.step === 'leaveChoose'
          ? 'choice'
          : 'field';
    case 'handoff':
      return 'field';
    default:
      return 'choice';
  }
}

/** What a no at a step means to the user: nothing was done, and what stays as it was. */
export function declined(state: ConversationState): string {
  if (state.flow === 'booking') {
    if (state.purpose === 'book') return t.notBooked;
    return t.bookingKept;
  }
  if (state.flow === 'requests') return t.requestNotSent;
  return t.stopped;
}

export function clarify(state: ConversationState, id: IntentId, ctx: TurnContext, text: string): TurnResult {
  const label = INTENTS.find((i) => i.id === id)!.label;
  const inFlow = state.flow !== 'idle';
  const menu = numberedMenu(t.didYouMean(titleOf(ctx), label), [{ label: t.didYouMeanYes }, { label: t.didYouMeanNo(inFlow) }]);
  const { misses: _misses, ...resume } = state as ConversationState & { misses?: number };
  const next: ClarifyState = { flow: 'clarify', ask: 'intent', intent: id, resume: inFlow ? resume : { flow: 'idle' } };
  void text;
  return answer(next, menu.text, menu.buttons);
}

/**
 * A photo, file, voice note, video, sticker or GIF outside a live chat: a sticker is a nod; while a request is
 * being filed the file goes with it; while "gặp nhân viên" asks for the topic it is the topic; otherwise the
 * bot says what it got and asks whether to send it to staff. Never "not understood".
 */
export function onAttachment(state: ConversationState, event: Extract<BotEvent, { type: 'attachment' }>, ctx: TurnContext): TurnResult {
  const title = titleOf(ctx);
  const current = state.flow === 'clarify' ? parseState(state.resume) : state;
  if (event.kind === 'sticker' || event.kind === 'gif') {
    return current.flow === 'idle' ? answer({ flow: 'idle' }, `${t.ack} ${t.menuFooter}`) : answer(current, t.carryOn(title));
  }
  if (current.flow === 'handoff') return handleHandoff(current, event, ctx);
  if (current.flow === 'linking') return handleLinking(current, event, ctx, resumeAfterLink);
  const what = t.attachmentWords[event.kind] ?? 'tệp';
  if (!event.url) return current.flow === 'idle' ? menuResult(t.attachmentNotRead) : answer(current, `${t.attachmentNotRead}\n${t.carryOn(title)}`);
  const attachment = attachmentOf(event);
  if (current.flow === 'requests' && current.step !== 'subject' && current.step !== 'menu') {
    const kept = [...(current.draft.attachments ?? []), attachment].slice(-5);
    return answer({ ...current, draft: { ...current.draft, attachments: kept } }, `${t.attachmentKept(what)}\n${t.carryOn(title)}`);
  }
  const { misses: _misses, ...resume } = current as ConversationState & { misses?: number };
  const lead = event.kind === 'audio' ? t.voiceNotHeard : t.attachmentReceived(what);
  const menu = numberedMenu(lead, [{ label: t.sendToStaff }, { label: t.dontSend }]);
  const next: ClarifyState = { flow: 'clarify', ask: 'sendAttachment', attachment, resume };
  return answer(next, menu.text, menu.buttons);
}
