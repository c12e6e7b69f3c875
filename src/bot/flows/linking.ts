import { linkMoveText, OTP_PER_CADRE_PER_DAY, OTP_PER_USER_PER_HOUR, VERIFY_FAILURES_PER_CODE_PER_DAY, VERIFY_FAILURES_PER_USER_PER_DAY } from '../../domain/linking/linking';
import { formatPhone, normalizePhone } from '../../domain/shared/phone';
import { parseVietnameseDate } from '../../domain/shared/dates';
import type { BotEvent } from '../../conversation/events';
import { linkingText as lt, t } from '../catalog';
import type { CadreSummary } from '../lookups';
import { answer, honorific, reply, textMessage } from '../reply';
import type { Goal, TurnContext, TurnResult } from '../flow';
import { chooseOption, numberedMenu } from '../menu';
import type { Intent, LinkingState } from '../state';
import { containsPhrase, foldVietnamese } from '../text';

/**
 * Linking a Zalo account to a cadre: (a) the phone Zalo shares matches exactly one active cadre, or
 * (b) cadre code + birth date, then a 6-digit code mailed to the registry email. Also: asking to act for a
 * cadre as a proxy, and unlinking. Resumes what the user wanted (`then`) once verified.
 */

const MAX_CODE_FAILURES = 3;

const chooseOptions = [
  { label: lt.optionPhone, phrases: ['so dien thoai', 'dien thoai', 'chia se', 'gui so', 'sdt'] },
  { label: lt.optionCode, phrases: ['ma can bo', 'nhap ma', 'ngay sinh'] },
  { label: lt.optionProxy, phrases: ['nguoi nha', 'thu ky', 'con', 'vo', 'chong', 'giup'] },
];

/** Called once a cadre is verified, to carry on with what the user asked for. */
export type ResumeIntent = (goal: Goal, ctx: TurnContext, subject: CadreSummary, lead: string) => TurnResult;

function linkingState(step: LinkingState['step'], from: Partial<LinkingState> = {}): LinkingState {
  return {
    flow: 'linking',
    step,
    then: from.then,
    ...(from.then && from.thenInput ? { thenInput: from.thenInput, thenAt: from.thenAt } : {}),
    code: from.code,
    cadreId: from.cadreId,
    relation: from.relation,
    ...(from.requesterPhone ? { requesterPhone: from.requesterPhone, requesterName: from.requesterName } : {}),
    failures: from.failures ?? 0,
    ...(from.why ? { why: from.why } : {}),
    ...(from.cadreIds ? { cadreIds: from.cadreIds } : {}),
  };
}

function shareRequest(ctx: TurnContext) {
  return { type: 'request_user_info' as const, title: lt.shareTitle, subtitle: lt.shareSubtitle, imageUrl: ctx.lookups.requestInfoImageUrl };
}

/** The goal a linking state carries, as it was typed. */
const goalOf = (state: LinkingState): Goal | undefined =>
  state.then ? { intent: state.then, input: state.thenInput, saidAt: state.thenAt } : undefined;

/**
 * Entry: explain why, offer the three ways, and ask Zalo for the phone right away (the quickest way). A goal
 * given as an intent was asked for by this turn's message, which is kept with it ("đặt lịch khám thứ năm
 * tuần sau" resumes on that Thursday).
 */
export function startLinking(ctx: TurnContext, then?: Intent | Goal, lead: string = lt.needLink): TurnResult {
  const menu = numberedMenu(lt.choose, chooseOptions, lt.backToMenu);
  const goal: Goal | undefined = typeof then === 'string' ? { intent: then, input: ctx.input, saidAt: ctx.saidAt ?? ctx.now } : then;
  return {
    state: linkingState('choose', { then: goal?.intent, thenInput: goal?.input?.slice(0, 500), thenAt: goal?.saidAt }),
    effects: [reply(textMessage(`${lead}\n\n${menu.text}`, menu.buttons))],
  };
}

function linkedResult(ctx: TurnContext, state: LinkingState, cadre: CadreSummary, method: 'phone' | 'otp', resume: ResumeIntent, extra: TurnResult['effects'] = []): TurnResult {
  const greeting = lt.linked(honorific(cadre.sex), cadre.fullName);
  const linkEffect = { type: 'link' as const, cadreId: cadre.id, method };
  const goal = goalOf(state);
  if (goal) {
    const next = resume(goal, ctx, cadre, greeting);
    return { ...next, effects: [...extra, linkEffect, ...next.effects] };
  }
  return { state: { flow: 'idle' }, effects: [...extra, linkEffect, reply(textMessage(`${greeting}\n${lt.whatNext}`))] };
}

/** The proxy gave a phone to call back: the summary to confirm before the request is sent. */
function proxySummary(state: LinkingState, phone: string, name: string | undefined): TurnResult {
  const next = linkingState('proxyConfirm', { ...state, requesterPhone: phone, requesterName: name?.trim().slice(0, 100) || undefined });
  const menu = numberedMenu(lt.proxyConfirm(state.code ?? '', state.relation ?? '', formatPhone(phone)), [{ label: lt.proxySend }, { label: lt.proxyCancel }]);
  return answer(next, menu.text, menu.buttons);
}

/** A phone shared through Zalo (user_submit_info), in any state. */
export function onSharedPhone(state: LinkingState | null, event: Extract<BotEvent, { type: 'shared_info' }>, ctx: TurnContext, resume: ResumeIntent): TurnResult {
  if (state?.step === 'proxyPhone') {
    const own = normalizePhone(event.phone);
    return own ? proxySummary(state, own, event.name) : answer(state, lt.proxyAskPhone);
  }
  const base = state ?? linkingState('choose');
  const phone = normalizePhone(event.phone);
  const matches = phone ? ctx.lookups.activeCadresByPhone(phone) : [];
  if (matches.length === 1 && phone) {
    const cadre = matches[0]!;
    // A phone alone does not move a verified link (recycled SIMs, stale registry phones): staff check first.
    if (ctx.lookups.linkedElsewhere(cadre.id)) return answer({ flow: 'idle' }, linkMoveText.held, undefined, { type: 'linkHold', cadreId: cadre.id, phone });
    return linkedResult(ctx, base, cadre, 'phone', resume);
  }
  const why = matches.length > 1 ? lt.phoneAmbiguous : lt.phoneNotFound;
  return answer(linkingState('code', base), `${why}\n${lt.askCode(codeExample(ctx))}`);
}

function sendOtp(ctx: TurnContext, state: LinkingState, cadre: CadreSummary): TurnResult {
  if (!cadre.maskedEmail) return otherWays(ctx, state, lt.noEmail, lt.whyNoEmail);
  const sent = ctx.lookups.otpSentCounts(cadre.id);
  if (sent.userLastHour >= OTP_PER_USER_PER_HOUR || sent.cadreLastDay >= OTP_PER_CADRE_PER_DAY) {
    return answer(linkingState('otp', { ...state, cadreId: cadre.id }), lt.otpRateLimited(ctx.lookups.hotline));
  }
  return answer(linkingState('otp', { ...state, cadreId: cadre.id }), lt.otpSent, undefined, {
    type: 'otpStart',
    cadreId: cadre.id,
    committeeName: ctx.lookups.committeeName,
  });
}

const normalizeCode = (text: string) => text.trim().toUpperCase().replace(/\s+/g, '');

/** "tôi không nhớ mã", "quên mã", "ko biết mã", "mất sổ": the user cannot type the code. */
function forgotCode(folded: string): boolean {
  return ['khong nho', 'ko nho', 'k nho', 'quen ma', 'quen mat', 'khong biet ma', 'ko biet ma', 'khong co ma', 'mat so', 'khong tim thay', 'khong thay ma', 'la gi', 'o dau'].some((p) =>
    containsPhrase(folded, p),
  );
}

/** The code example in prompts, in the registry's own format (letters kept, digits made up). */
function codeExample(ctx: TurnContext): string {
  return ctx.lookups.codeExample?.() ?? 'HP-00123';
}

const helpOptions = [
  { label: lt.helpPhone, phrases: ['so dien thoai', 'chia se', 'gui so', 'dien thoai', 'sdt'] },
  { label: lt.helpStaff, phrases: ['nhan vien', 'nho nhan vien', 'gap nhan vien', 'xac minh giup'] },
];

/**
 * When the code-and-email way cannot work (no email on record, code forgotten, too many misses): the other
 * ways, never a dead end. Staff can verify in chat; `why` goes into the topic they see.
 */
function otherWays(ctx: TurnContext, state: LinkingState, lead: string, why: string | undefined): TurnResult {
  const menu = numberedMenu(lt.otherWays, helpOptions, lt.helpFooter(ctx.lookups.hotline));
  const reason = why ? `${why}${state.code ? ` (mã đã gõ: ${state.code})` : ''}` : state.why;
  return answer(linkingState('help', { ...state, why: reason }), `${lead}\n\n${menu.text}`, menu.buttons);
}

/** Guesses left today for this user and code; none left means the birth-date way is closed until tomorrow. */
function guessesLeftToday(ctx: TurnContext, code: string): number {
  const failed = ctx.lookups.verificationFailures(code);
  return Math.min(VERIFY_FAILURES_PER_USER_PER_DAY - failed.userLastDay, VERIFY_FAILURES_PER_CODE_PER_DAY - failed.codeLastDay);
}

/** Too many wrong guesses today: stop, and offer staff help (a button and the hotline). */
const verifyLocked = (ctx: TurnContext): TurnResult =>
  answer({ flow: 'idle' }, lt.verifyLocked(ctx.lookups.hotline), [{ title: lt.staffHelp, payload: lt.staffHelp }]);

function afterCodeAndBirth(state: LinkingState, text: string, ctx: TurnContext, proxy: boolean): TurnResult {
  // A year alone ("1940") matches cadres whose records give only the year of birth.
  const birth = parseVietnameseDate(text) ?? /^\s*(?:nam\s+|năm\s+)?(19\d{2}|20\d{2})\s*$/i.exec(text)?.[1] ?? null;
  if (!birth) return answer(state, lt.badDate);
  const code = state.code ?? '';
  // Checked before the registry is read, so a right guess after the limit reveals nothing either.
  const left = guessesLeftToday(ctx, code);
  if (left <= 0) return verifyLocked(ctx);
  const cadre = ctx.lookups.cadreByCodeAndBirthDate(code, birth);
  if (!cadre) {
    const failed: TurnResult['effects'] = [{ type: 'verifyFailed', code }];
    const failures = state.failures + 1;
    if (left - 1 <= 0) {
      const locked = verifyLocked(ctx);
      return { state: locked.state, effects: [...failed, ...locked.effects] };
    }
    if (failures >= MAX_CODE_FAILURES) {
      const ways = otherWays(ctx, state, lt.tooManyFailures, lt.whyFailed);
      return { state: ways.state, effects: [...failed, ...ways.effects] };
    }
    const retries = Math.min(MAX_CODE_FAILURES - failures, left - 1);
    return answer(linkingState(proxy ? 'proxyCode' : 'code', { ...state, failures }), lt.noMatch(retries), undefined, ...failed);
  }
  if (proxy) {
    const identity = ctx.lookups.identity();
    if (identity.self?.id === cadre.id) return answer({ flow: 'idle' }, lt.proxyIsSelf);
    // Already approved for this cadre: they may be named (the proxy sees their data anyway).
    const approved = identity.proxyFor.find((c) => c.id === cadre.id);
    if (approved) return answer({ flow: 'idle' }, lt.proxyAlready(approved.fullName));
    if (identity.pendingProxyCadreIds.includes(cadre.id)) return answer({ flow: 'idle' }, lt.proxyPending);
    // The requester is not verified: the cadre is named by the code they typed, never by name.
    return askRelation(linkingState('proxyRelation', { ...state, cadreId: cadre.id }), cadre.code);
  }
  return sendOtp(ctx, state, cadre);
}

/** Relations to pick by number or button (con, vợ/chồng, cháu, người chăm sóc, khác); any other typed is kept. */
const relationOptions = lt.relations.map((label) => ({ label, phrases: [] as string[] }));
const OTHER_RELATION = lt.relations.length - 1;

function askRelation(state: LinkingState, code: string, lead?: string): TurnResult {
  const menu = numberedMenu(lt.proxyAskRelation(code), relationOptions, lt.backToMenu);
  return answer(state, [lead, menu.text].filter(Boolean).join('\n'), menu.buttons);
}

/** The relation given, as staff will read it: a chosen label in lower case, or the words typed. */
function relationFrom(text: string): { relation: string } | { other: true } | null {
  const choice = chooseOption(text, relationOptions);
  if (choice === OTHER_RELATION) return { other: true };
  if (choice !== null) return { relation: lt.relations[choice]!.toLowerCase() };
  const typed = text.trim().replace(/\s+/g, ' ').slice(0, 60);
  // A number out of the list, or a stray letter, is not a relation.
  if (!typed || /^\d+$/.test(typed) || typed.length < 2) return null;
  return { relation: typed };
}

/** "thêm người", "làm người đại diện cho bố tôi": a proxy request for a cadre (a second one too). */
export function startProxyRequest(ctx: TurnContext): TurnResult {
  const identity = ctx.lookups.identity();
  const lead = identity.proxyFor.length || identity.self ? `${lt.proxyAddIntro}\n` : '';
  return answer(linkingState('proxyCode'), `${lead}${lt.proxyAskCode(codeExample(ctx))}\n${lt.backToMenu}`);
}

/** "thôi làm người đại diện": which cadre (when several), then a confirmation; the cadre is told. */
export function startLeaveProxy(ctx: TurnContext): TurnResult {
  const cadres = ctx.lookups.identity().proxyFor;
  if (!cadres.length) return answer({ flow: 'idle' }, `${lt.notProxy}\n${lt.whatNext}`);
  if (cadres.length === 1) return confirmLeave(cadres[0]!);
  const menu = numberedMenu(lt.leaveChoose, cadres.map((c) => ({ label: c.fullName })), lt.backToMenu);
  return answer(linkingState('leaveChoose', { cadreIds: cadres.map((c) => c.id) }), menu.text, menu.buttons);
}

function confirmLeave(cadre: CadreSummary): TurnResult {
  const menu = numberedMenu(lt.leaveConfirm(cadre.fullName), [{ label: lt.leaveYes }, { label: lt.leaveNo }]);
  return answer(linkingState('leaveConfirm', { cadreId: cadre.id }), menu.text, menu.buttons);
}

/** What a step reads: the message as typed and folded, and how to resume what the cadre asked for before linking. */
interface StepInput {
  text: string;
  folded: string;
  resume: ResumeIntent;
}
type LinkingStep = (state: LinkingState, input: StepInput, ctx: TurnContext) => TurnResult;

const onChoose: LinkingStep = (state, { text }, ctx) => {
  const choice = chooseOption(text, chooseOptions);
  if (choice === 0) return { state, effects: [reply(shareRequest(ctx), textMessage(lt.askShare))] };
  if (choice === 1) return answer(linkingState('code', state), lt.askCode(codeExample(ctx)));
  if (choice === 2) return answer(linkingState('proxyCode', state), lt.proxyAskCode(codeExample(ctx)));
  return startLinking(ctx, goalOf(state), t.notUnderstood);
};

const onCode: LinkingStep = (state, { text, folded }, ctx) => {
  if (forgotCode(folded)) return otherWays(ctx, state, lt.codeHelp(codeExample(ctx)), lt.whyNoCode);
  const code = normalizeCode(text);
  if (!/^[A-Z0-9][A-Z0-9._/-]{1,31}$/.test(code)) {
    return answer(state, state.step === 'code' ? lt.askCode(codeExample(ctx)) : lt.proxyAskCode(codeExample(ctx)));
  }
  // Whether the code exists is not revealed: the birth date is always asked next.
  return answer(linkingState(state.step === 'code' ? 'birth' : 'proxyBirth', { ...state, code }), state.step === 'code' ? lt.askBirth : lt.proxyAskBirth);
};

const onHelp: LinkingStep = (state, input, ctx) => {
  const choice = chooseOption(input.text, helpOptions);
  if (choice === 0) return { state: linkingState('choose', state), effects: [reply(shareRequest(ctx), textMessage(lt.askShare))] };
  if (choice === 1) return ctx.flows.openHandoffWith({ cadreId: null, clinicId: null }, lt.staffVerifyTopic(state.why ?? lt.whyNoCode), ctx);
  // A code typed after all: carry on with it.
  if (/^[A-Za-z]{1,5}[-\s]?\d/.test(input.text.trim())) return onCode(linkingState('code', state), input, ctx);
  return otherWays(ctx, state, t.notUnderstood, undefined);
};

const onOtp: LinkingStep = (state, { text, folded, resume }, ctx) => {
  if (containsPhrase(folded, 'gui lai') || containsPhrase(folded, 'ma moi')) {
    const cadre = state.cadreId !== undefined ? ctx.lookups.cadreById(state.cadreId) : null;
    return cadre ? sendOtp(ctx, state, cadre) : startLinking(ctx, goalOf(state));
  }
  const code = text.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return answer(state, lt.otpFormat);
  const check = ctx.lookups.checkOtp(code);
  switch (check.status) {
    case 'ok': {
      const cadre = ctx.lookups.cadreById(check.cadreId);
      if (!cadre) return startLinking(ctx, goalOf(state));
      return linkedResult(ctx, state, cadre, 'otp', resume, [{ type: 'otpAttempt', challengeId: check.challengeId, ok: true }]);
    }
    case 'wrong':
      return answer(state, check.attemptsLeft > 0 ? lt.otpWrong(check.attemptsLeft) : lt.otpLocked, undefined, { type: 'otpAttempt', challengeId: check.challengeId, ok: false });
    case 'locked':
      return answer(state, lt.otpLocked);
    case 'expired':
    case 'none':
      return answer(state, lt.otpExpired);
  }
  return startLinking(ctx, goalOf(state));
};

const onRelation: LinkingStep = (state, { text }, ctx) => {
  const given = state.step === 'proxyRelation' ? relationFrom(text) : relationFrom(text.replace(/^\s*\d+\s*$/, ''));
  if (state.cadreId === undefined) return startLinking(ctx, goalOf(state));
  if (!given) return state.step === 'proxyRelation' ? askRelation(state, state.code ?? '', t.notUnderstood) : answer(state, lt.proxyAskRelationOther);
  if ('other' in given) return answer(linkingState('proxyRelationOther', state), lt.proxyAskRelationOther);
  // Then a phone staff can call back, then the summary; sent only once it is confirmed.
  return { state: linkingState('proxyPhone', { ...state, relation: given.relation }), effects: [reply(shareRequest(ctx), textMessage(lt.proxyAskPhone))] };
};

const onLeaveChoose: LinkingStep = (state, { text }, ctx) => {
  const cadres = ctx.lookups.identity().proxyFor.filter((c) => state.cadreIds?.includes(c.id));
  const i = chooseOption(text, cadres.map((c) => ({ label: c.fullName })));
  if (i === null) return answer(state, lt.pickOne);
  return confirmLeave(cadres[i]!);
};

const onLeaveConfirm: LinkingStep = (state, { text }, ctx) => {
  // The turn turns a clear yes into "1" and answers a no itself.
  const cadre = ctx.lookups.identity().proxyFor.find((c) => c.id === state.cadreId);
  if (!cadre) return answer({ flow: 'idle' }, `${lt.notProxy}\n${lt.whatNext}`);
  const choice = chooseOption(text, [{ label: lt.leaveYes }, { label: lt.leaveNo }]);
  if (choice === 0) return answer({ flow: 'idle' }, `${lt.left(cadre.fullName)}\n${lt.whatNext}`, undefined, { type: 'proxyWithdraw', cadreId: cadre.id });
  if (choice === 1) return answer({ flow: 'idle' }, `${lt.kept}\n${lt.whatNext}`);
  return answer(state, lt.pickOne);
};

const onProxyConfirm: LinkingStep = (state, { text }, ctx) => {
  // The turn turns a clear yes into "1" and answers a no itself; here only the number or the button counts.
  const choice = chooseOption(text, [{ label: lt.proxySend }, { label: lt.proxyCancel }]);
  if (choice === 0 && state.cadreId !== undefined && state.relation) {
    const proxyName = state.requesterName ?? ctx.lookups.identity().displayName ?? '';
    return answer({ flow: 'idle' }, lt.proxyRequested, undefined, { type: 'proxyRequest', cadreId: state.cadreId, relation: state.relation, proxyName, requesterPhone: state.requesterPhone ?? null });
  }
  if (choice === 1) return answer({ flow: 'idle' }, `${t.stopped}\n${lt.whatNext}`);
  return answer(state, lt.pickOne);
};

const linkingSteps: Record<LinkingState['step'], LinkingStep> = {
  choose: onChoose,
  code: onCode,
  proxyCode: onCode,
  help: onHelp,
  birth: (state, { text }, ctx) => afterCodeAndBirth(state, text, ctx, false),
  proxyBirth: (state, { text }, ctx) => afterCodeAndBirth(state, text, ctx, true),
  otp: onOtp,
  proxyRelation: onRelation,
  proxyRelationOther: onRelation,
  leaveChoose: onLeaveChoose,
  leaveConfirm: onLeaveConfirm,
  proxyPhone: (state, { text }) => {
    const typed = normalizePhone(text);
    return typed ? proxySummary(state, typed, undefined) : answer(state, lt.proxyAskPhone);
  },
  proxyConfirm: onProxyConfirm,
  unlinkConfirm: (_state, { text }) => {
    const choice = chooseOption(text, [{ label: lt.unlinkYes }]);
    if (choice === 0) return answer({ flow: 'idle' }, lt.unlinked, undefined, { type: 'unlink' });
    return answer({ flow: 'idle' }, `${lt.kept}\n${lt.whatNext}`);
  },
};

export function handleLinking(state: LinkingState, event: BotEvent, ctx: TurnContext, resume: ResumeIntent): TurnResult {
  if (event.type !== 'text') return answer(state, state.step === 'choose' ? lt.askShare : lt.backToMenu);
  return linkingSteps[state.step](state, { text: event.text, folded: foldVietnamese(event.text), resume }, ctx);
}

/** "hủy liên kết": confirm first, since it cuts off results and bookings in Zalo. */
export function startUnlink(ctx: TurnContext): TurnResult {
  const { self, proxyFor } = ctx.lookups.identity();
  // A proxy has no link of their own: "hủy liên kết" means to stop acting for the cadre.
  if (!self && proxyFor.length) return startLeaveProxy(ctx);
  if (!self) return answer({ flow: 'idle' }, `${lt.notLinked}\n${lt.backToMenu}`);
  const menu = numberedMenu(lt.unlinkConfirm(self.fullName), [{ label: lt.unlinkYes }], `0. ${lt.unlinkNo}`);
  return { state: linkingState('unlinkConfirm'), effects: [reply(textMessage(menu.text, menu.buttons))] };
}
