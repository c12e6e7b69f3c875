import type { BotEvent } from '../conversation/events';
import { t } from './catalog';
import { handleLinking, onSharedPhone, startLinking, startUnlink } from './flows/linking';
import { handleBooking } from './flows/booking';
import { attendanceTurn } from './flows/attendance';
import { emergencyReply } from './flows/emergency';
import { handleChooseSubject } from './flows/subject';
import { attachmentTopic, duringHandoff, handleHandoff, openHandoffWith } from './flows/handoff';
import { beforeFlows, handleRequests } from './flows/requests';
import { handleResults } from './flows/results';
import { faqAnswer, offerStaff } from './flows/faq';
import { flowEntries } from './intents';
import { broadcastPreferenceTurn } from './flows/broadcasts';
import { answerPendingAsk } from './flows/aftercare';
import type { Lookups } from './lookups';
import { parseMenuChoice, chooseOption, numberedMenu } from './menu';
import { answer, honorific, reply, textMessage } from './reply';
import type { Goal, TurnContext, TurnResult } from './flow';
import { parseState, type ClarifyState, type ConversationState } from './state';
import { decide, understand, type Meaning } from './understand';
import { typedFormOf } from './understand/intents';
import { resumeAfterLink, menuResult, runIntent, startIntent, titleOf, runIntentId, ownIntents, whereIn, declined, clarify, onAttachment } from './routing';

export type { Lookups, TurnResult };

/** What a turn reacts to: an event from Zalo, or the goal of the previous turn resumed after its effects. */
export type TurnEvent = BotEvent | ({ type: 'resume' } & Goal);

/** The answer to "Có phải … ?": yes starts it, no goes back, anything else is read as if it had not been asked. */
function answerClarify(state: ClarifyState, event: Extract<BotEvent, { type: 'text' }>, meaning: Meaning, ctx: TurnContext): TurnResult {
  const resume = parseState(state.resume);
  const d = decide(meaning, 'confirm');
  if (state.intent && (d.kind === 'yes' || (d.kind === 'number' && d.n === 1))) return runIntentId(state.intent, ctx);
  if (d.kind === 'no' || (d.kind === 'number' && d.n === 2)) {
    if (resume.flow === 'idle') return menuResult(t.misread);
    return answer(resume, t.carryOn(titleOf(ctx)));
  }
  return textTurn(resume, event, meaning, ctx);
}

/** "Gửi cho nhân viên?" after a photo or file: yes opens a conversation with it; no goes back to where they were. */
function answerSendAttachment(state: ClarifyState, event: Extract<BotEvent, { type: 'text' }>, meaning: Meaning, ctx: TurnContext): TurnResult {
  const resume = parseState(state.resume);
  const d = decide(meaning, 'confirm');
  const chosen = chooseOption(event.text, [{ label: t.sendToStaff, phrases: ['gui nhan vien', 'nhan vien'] }, { label: t.dontSend }]);
  if (state.attachment && (d.kind === 'yes' || (d.kind === 'number' && d.n === 1) || chosen === 0)) {
    const self = ctx.lookups.identity().self;
    const a = state.attachment;
    return openHandoffWith({ cadreId: self?.id ?? null, clinicId: self?.clinicId ?? null }, attachmentTopic(a), ctx, a);
  }
  if (d.kind === 'no' || (d.kind === 'number' && d.n === 2) || chosen === 1) {
    return resume.flow === 'idle' ? menuResult(t.notSentToStaff) : answer(resume, `${t.notSentToStaff}\n${t.carryOn(titleOf(ctx))}`);
  }
  return textTurn(resume, event, meaning, ctx);
}

/** While staff are talking with the user: silence (staff read it), except leaving, which is confirmed first. */
function inLiveChat(state: ConversationState, event: BotEvent, meaning: Meaning | null, ctx: TurnContext): TurnResult {
  const title = titleOf(ctx);
  if (state.flow === 'clarify' && state.ask === 'leaveChat') {
    const resume = parseState(state.resume);
    if (meaning) {
      const d = decide(meaning, 'confirm');
      if (d.kind === 'yes' || (d.kind === 'number' && d.n === 1)) return { ...menuResult(t.leftChat(title)), effects: [{ type: 'handoffClose' }, ...menuResult(t.leftChat(title)).effects] };
      if (d.kind === 'no' || (d.kind === 'number' && d.n === 2)) return answer(resume, t.stayInChat(title));
    }
    return duringHandoff(resume, event, ctx);
  }
  const direct = duringHandoff(state, event, ctx);
  if (direct.effects.length) return direct;
  if (meaning && (meaning.toMenu || meaning.endChat)) {
    const menu = numberedMenu(t.leaveChatAsk(title), [{ label: t.leaveChatYes }, { label: t.leaveChatNo }]);
    const next: ClarifyState = { flow: 'clarify', ask: 'leaveChat', resume: state };
    return answer(next, menu.text, menu.buttons);
  }
  return direct;
}

function runFlow(state: ConversationState, event: Extract<BotEvent, { type: 'text' }>, ctx: TurnContext): TurnResult | null {
  switch (state.flow) {
    case 'linking':
      return handleLinking(state, event, ctx, resumeAfterLink);
    case 'chooseSubject':
      return handleChooseSubject(state, event.text, ctx, runIntent);
    case 'requests':
      return handleRequests(state, event, ctx);
    case 'handoff':
      return handleHandoff(state, event, ctx);
    case 'results':
      return handleResults(state, event.text, ctx);
    case 'booking':
      return handleBooking(state, event.text, ctx);
    default:
      return null;
  }
}

const withoutMisses = (s: ConversationState) => {
  const { misses: _m, ...rest } = s as ConversationState & { misses?: number };
  return JSON.stringify(rest);
};

/** A flow step that only re-asked: the state did not move and nothing but a reply came out. */
const isReprompt = (before: ConversationState, r: TurnResult) =>
  withoutMisses(before) === withoutMisses(r.state) && r.effects.every((e) => e.type === 'reply');

/** A message inside a flow: yes/no at a confirmation, a switch offered for a command, else the flow's own step. */
function inFlow(state: ConversationState, event: Extract<BotEvent, { type: 'text' }>, meaning: Meaning, ctx: TurnContext): TurnResult | null {
  const where = whereIn(state);
  const own = ownIntents[state.flow];
  const foreign = (m: Meaning) => (m.intent && m.intent.strong && !own.includes(m.intent.id) ? m.intent.id : null);
  if (where === 'confirm') {
    const d = decide(meaning, 'confirm');
    // Only "1" or a clear yes reaches the flow's commit; a no never does.
    if (d.kind === 'yes') return runFlow(state, { ...event, text: '1' }, ctx);
    // A no at an exam's confirmation goes back to the times (the booking flow's "Chọn giờ khác").
    if (d.kind === 'no' && state.flow === 'booking' && state.step === 'confirm') return runFlow(state, { ...event, text: '2' }, ctx);
    if (d.kind === 'no') return menuResult(declined(state));
    if (d.kind === 'number') return runFlow(state, { ...event, text: String(d.n) }, ctx);
    const other = foreign(meaning);
    if (other) return clarify(state, other, ctx, event.text);
    // Neither yes nor no: the flow may still read its own button ("Gửi yêu cầu", "Chọn giờ khác"); its
    // confirm options hold no yes/no words, so this can only re-ask or go back, or commit on its own button.
    return runFlow(state, event, ctx);
  }
  if (where === 'field') {
    const d = decide(meaning, 'field');
    if (d.kind === 'no') return menuResult(declined(state));
    const other = foreign(meaning);
    if (other && !meaning.intent!.fuzzy) return clarify(state, other, ctx, event.text);
  }
  const result = runFlow(state, event, ctx);
  if (result && isReprompt(state, result)) {
    const other = foreign(meaning);
    if (other) return clarify(state, other, ctx, event.text);
  }
  return result;
}

/** A message when no flow is waiting: a menu number, a request, small talk, or not understood (a miss). */
function atIdle(meaning: Meaning, ctx: TurnContext): TurnResult & { miss?: boolean } {
  const d = decide(meaning, 'idle');
  const title = titleOf(ctx);
  // A simple question staff answered ("phòng khám ở đâu", "cho hỏi chỗ để xe") gets its answer rather than a
  // question ticket, a guessed intent or "not understood".
  // "có phải nhịn ăn không" ends in "không" but asks; at idle there is nothing to say no to.
  if (d.kind === 'confirmIntent' || d.kind === 'unknown' || d.kind === 'no' || (d.kind === 'intent' && d.id === 'question')) {
    const known = faqAnswer(ctx.input ?? '', ctx);
    if (known) return known;
  }
  switch (d.kind) {
    case 'number': {
      const choice = parseMenuChoice(String(d.n));
      if (choice.kind === 'item') return startIntent(choice.id, ctx);
      if (choice.kind === 'showMenu') return menuResult();
      return { ...menuResult(t.notUnderstood), miss: true };
    }
    case 'intent':
      return runIntentId(d.id, ctx);
    case 'confirmIntent':
      return clarify({ flow: 'idle' }, d.id, ctx, ctx.input ?? '');
    case 'smallTalk':
      if (d.what === 'greeting') return menuResult(t.greeting(title));
      if (d.what === 'thanks') return answer({ flow: 'idle' }, `${t.thanks(title)}\n${t.menuFooter}`);
      if (d.what === 'bye') return answer({ flow: 'idle' }, t.bye(title));
      return answer({ flow: 'idle' }, `${t.ack} ${t.menuFooter}`);
    case 'no':
      return answer({ flow: 'idle' }, `${t.noted} ${t.menuFooter}`);
    case 'menu':
      return menuResult();
    default:
      return { ...offerStaff(ctx), miss: true };
  }
}

function textTurn(state: ConversationState, event: Extract<BotEvent, { type: 'text' }>, meaning: Meaning, ctx: TurnContext): TurnResult & { miss?: boolean } {
  if (state.flow === 'clarify' && state.ask === 'sendAttachment') return answerSendAttachment(state, event, meaning, ctx);
  if (state.flow === 'clarify') return answerClarify(state, event, meaning, ctx);
  const preference = broadcastPreferenceTurn(state, event.text, ctx);
  if (preference) return preference;
  if (meaning.toMenu) return menuResult();
  // The day-before question's answer and check-in on the exam day come before the menus they look like.
  const aroundExam = attendanceTurn(state, event.text, meaning, ctx);
  if (aroundExam) return aroundExam;
  if (meaning.intent?.id === 'unlink' && !meaning.intent.fuzzy) return startUnlink(ctx);
  if (meaning.intent?.id === 'link' && meaning.intent.strong && !meaning.intent.fuzzy) return startLinking(ctx, undefined, t.linkIntro);
  if (state.flow !== 'idle') {
    const r = inFlow(state, event, meaning, ctx);
    if (r) return r;
  } else {
    const asked = answerPendingAsk(meaning, event.text, ctx);
    if (asked) return asked;
  }
  return atIdle(meaning, ctx);
}

function dispatch(state: ConversationState, event: TurnEvent, now: number, lookups: Lookups): TurnResult & { miss?: boolean } {
  // A tap on the OA's menu reaches flows as the label it stands for, so they read it as if typed.
  if (event.type === 'text') event = { ...event, text: typedFormOf(event.text) };
  const ctx: TurnContext = { now, lookups, flows: flowEntries, input: event.type === 'text' ? event.text : undefined };
  if (event.type === 'resume') return startIntent(event.intent, { ...ctx, input: event.input, saidAt: event.saidAt });
  const meaning = event.type === 'text' ? understand(event.text) : null;
  // Emergencies first, in any state, a live chat with staff included.
  if (event.type === 'text' && meaning?.emergency) return emergencyReply(event.text, ctx);
  if (lookups.requests.inHandoff()) return inLiveChat(state, event, meaning, ctx);
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
      return onSharedPhone(state.flow === 'linking' ? state : null, event, ctx, resumeAfterLink);
    case 'attachment':
      return onAttachment(state, event, ctx);
    case 'location':
      if (state.flow !== 'idle') return answer(state, `${t.locationNoted}\n${t.carryOn(titleOf(ctx))}`);
      return menuResult(t.thanksForInfo);
    case 'text':
      return textTurn(state, event, meaning!, ctx);
  }
}

/**
 * One dialog turn: a pure function of (state, event, now, lookups). No I/O, no clock, no randomness, so
 * every flow is testable without HTTP and property-testable with random input. Lookups are read-only.
 * The message is understood first (src/bot/understand); two misunderstandings in a row offer staff and the
 * hotline.
 */
export function turn(state: ConversationState, event: TurnEvent, now: number, lookups: Lookups): TurnResult {
  return addressedByTitle(understoodTurn(state, event, now, lookups), lookups);
}

/**
 * Once the account is linked, the cadre's known title replaces "Ông/Bà" in every reply, whichever flow or
 * catalog text built it. A proxy (or someone not yet verified) is still addressed "Ông/Bà".
 */
function addressedByTitle(result: TurnResult, lookups: Lookups): TurnResult {
  const self = lookups.identity().self;
  if (!self) return result;
  const title = honorific(self.sex);
  const fix = (text: string) => text.replaceAll('Ông/Bà', title).replaceAll('ông/bà', title.toLowerCase());
  return {
    ...result,
    effects: result.effects.map((e) =>
      e.type === 'reply' ? { ...e, messages: e.messages.map((m) => (m.type === 'text' ? { ...m, text: fix(m.text) } : m)) } : e,
    ),
  };
}

function understoodTurn(state: ConversationState, event: TurnEvent, now: number, lookups: Lookups): TurnResult {
  const { miss, ...result } = dispatch(state, event, now, lookups);
  if (event.type !== 'text') return result;
  const missed = miss || (state.flow !== 'idle' && state.flow !== 'clarify' && isReprompt(state, result));
  const misses = missed ? ((state as { misses?: number }).misses ?? 0) + 1 : 0;
  const { misses: _old, ...clean } = result.state as ConversationState & { misses?: number };
  if (misses < 2) return { ...result, state: (misses ? { ...clean, misses } : clean) as ConversationState };
  const ctx: TurnContext = { now, lookups, flows: flowEntries };
  return {
    ...result,
    state: clean as ConversationState,
    effects: [...result.effects, reply(textMessage(t.stillMisunderstood(titleOf(ctx), lookups.hotline)))],
  };
}
