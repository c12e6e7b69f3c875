import { linkingText as lt } from '../catalog';
import { answer, reply, textMessage } from '../reply';
import type { RunIntent, Subject, TurnContext, TurnResult } from '../flow';
import { chooseOption, numberedMenu } from '../menu';
import type { ChooseSubjectState, Intent } from '../state';

function subjects(ctx: TurnContext): Subject[] {
  const id = ctx.lookups.identity();
  return [...(id.self ? [{ ...id.self, viaProxy: false }] : []), ...id.proxyFor.map((c) => ({ ...c, viaProxy: true }))];
}

/**
 * Flows that touch a cadre's data need a verified account: the cadre themself, or an approved proxy. With
 * one choice it goes straight on; with several, "for whom?"; with none, linking first.
 */
export function withSubject(intent: Intent, ctx: TurnContext, run: RunIntent): TurnResult {
  const options = subjects(ctx);
  if (options.length === 1) return run(intent, options[0]!, ctx);
  if (options.length === 0) {
    if (ctx.lookups.identity().pendingProxyCadreIds.length) return answer({ flow: 'idle' }, lt.proxyPending);
    return ctx.flows.startLinking(ctx, intent);
  }
  const menu = numberedMenu(
    lt.chooseSubject,
    options.map((s) => ({ label: s.viaProxy ? s.fullName : lt.self(s.fullName) })),
  );
  const said = ctx.input ? { input: ctx.input.slice(0, 500), saidAt: ctx.saidAt ?? ctx.now } : {};
  const state: ChooseSubjectState = { flow: 'chooseSubject', intent, cadreIds: options.map((s) => s.id), ...said };
  return { state, effects: [reply(textMessage(menu.text, menu.buttons))] };
}

export function handleChooseSubject(state: ChooseSubjectState, text: string, ctx: TurnContext, run: RunIntent): TurnResult {
  const options = subjects(ctx).filter((s) => state.cadreIds.includes(s.id));
  const labels = options.map((s) => ({ label: s.viaProxy ? s.fullName : lt.self(s.fullName), phrases: s.viaProxy ? [] : ['ban than', 'toi'] }));
  const i = chooseOption(text, labels);
  if (i === null) return answer(state, lt.pickOne);
  // What was asked with the goal ("đặt lịch khám ngày mai cho bố") carries on once the cadre is chosen.
  return run(state.intent, options[i]!, { ...ctx, input: state.input, saidAt: state.saidAt });
}
