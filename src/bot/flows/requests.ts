import { addDays, formatVietnamDay } from '../../domain/shared/dates';
import { parseDay } from '../understand/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { ackDeadline } from '../../domain/requests/sla';
import { requestStateLabels, requestTypeLabels, ticketOf, timeOfDayLabels, urgencyLabels } from '../../domain/requests/labels';
import type { NewRequest } from '../../domain/requests/creation';
import type { CareRequestType, TimeOfDay } from '../../store/schema';
import type { BotEvent } from '../../conversation/events';
import type { Effect } from '../effects';
import type { CadreSummary } from '../lookups';
import { answer, honorific } from '../reply';
import type { IntentStarter, Subject, TurnContext, TurnResult } from '../flow';
import { chooseOption, numberedMenu } from '../menu';
import type { ConversationState, RequestsState } from '../state';
import { containsPhrase, foldVietnamese } from '../text';

/**
 * Requests to the committee, one flow for four kinds: home visit (reason, address or shared location, day,
 * time of day, urgency), medicine delivery, record-book (sổ y bạ) renewal, and a question for medical staff.
 * Each step is a pure function of the state and the message; the last step shows a summary to confirm and
 * the request is written with a ticket number (YC-000123). "Yêu cầu của tôi" lists open requests.
 */

export type RequestKind = Exclude<CareRequestType, 'emergency' | 'follow_up' | 'feedback'>;
type Target = RequestKind | 'menu' | 'mine';
type Draft = RequestsState['draft'];

export const requestText = {
  otherHint: 'Cần thuốc, đổi sổ y bạ, hay hỏi nhân viên y tế? Gõ "yêu cầu khác".',
  menu: 'Ông/Bà cần yêu cầu gì? Xin gõ số:',
  askReason: (who: string) => `Yêu cầu khám tại nhà cho ${who}.\nXin cho biết lý do, hoặc tình trạng sức khỏe hiện nay (ví dụ: đau khớp, đi lại khó khăn).`,
  askMedicine: (who: string) => `Yêu cầu nhận thuốc tại nhà cho ${who}.\nXin gõ tên thuốc cần nhận (hoặc "như đơn cũ").`,
  askRecordBook: (who: string) => `Yêu cầu đổi sổ y bạ cho ${who}.\nSổ hiện nay thế nào? Xin gõ số:`,
  askQuestion: (who: string) => `Câu hỏi gửi nhân viên y tế (cho ${who}).\nXin gõ câu hỏi. Nhân viên sẽ trả lời qua Zalo hoặc gọi điện.`,
  askAddressKnown: (address: string) => `Địa chỉ nhận ở đâu? Xin gõ số, gõ địa chỉ mới, hoặc gửi vị trí Zalo:\n1. ${address}\n2. Địa chỉ khác`,
  askAddress: 'Xin gõ địa chỉ nhà (số nhà, đường, phường/xã), hoặc gửi vị trí Zalo (bấm dấu + rồi chọn «Vị trí»).',
  addressTooShort: 'Địa chỉ quá ngắn. Xin gõ đủ số nhà, đường, phường/xã, hoặc gửi vị trí Zalo.',
  locationSaved: 'Đã nhận vị trí.',
  askDay: 'Ông/Bà muốn vào ngày nào? Xin gõ:\n1. Sớm nhất có thể\nhoặc gõ ngày, ví dụ: "mai", "05/03".',
  badDay: (max: string) => `Ngày chưa đúng. Xin gõ ngày từ hôm nay đến ${max}, ví dụ 05/03, hoặc gõ 1 (sớm nhất có thể).`,
  askTime: 'Buổi nào thuận tiện? Xin gõ số:',
  askUrgency: 'Mức độ cần gấp? Xin gõ số:\n(Nếu nguy cấp, xin gọi ngay 115.)',
  tooShort: 'Xin gõ thêm vài chữ để nhân viên hiểu rõ.',
  summaryTitle: 'Xin kiểm tra lại yêu cầu:',
  confirmPrompt: 'Gửi yêu cầu này? Xin gõ số:',
  sent: (kind: RequestKind) =>
    `Đã gửi yêu cầu ${requestTypeLabels[kind].toLowerCase()}. Số phiếu: {ticket}.\nNhân viên phòng khám sẽ liên hệ với Ông/Bà. Gõ "yêu cầu của tôi" để xem tình trạng.`,
  restart: 'Được, xin làm lại từ đầu.',
  pick: 'Xin gõ một số trong danh sách.',
  mineNone: 'Ông/Bà không có yêu cầu nào đang chờ xử lý.',
  mineTitle: 'Yêu cầu đang xử lý:',
  mineFooter: 'Gõ "yêu cầu khác" để gửi yêu cầu mới, hoặc "menu" để quay lại.',
  whom: 'Ông/Bà làm việc này cho ai? Xin gõ số:',
};

const menuOptions: { label: string; target: Target; phrases: string[] }[] = [
  { label: 'Khám tại nhà', target: 'home_visit', phrases: ['kham tai nha', 'tai nha', 'bac si den nha'] },
  { label: 'Nhận thuốc tại nhà', target: 'medicine', phrases: ['thuoc', 'nhan thuoc', 'xin thuoc', 'cap thuoc'] },
  { label: 'Đổi sổ y bạ', target: 'record_book', phrases: ['so y ba', 'doi so'] },
  { label: 'Hỏi nhân viên y tế', target: 'question', phrases: ['hoi', 'cau hoi', 'hoi bac si'] },
  { label: 'Yêu cầu của tôi', target: 'mine', phrases: ['yeu cau cua toi', 'xem yeu cau', 'tinh trang'] },
];

const recordBookOptions = [
  { label: 'Hết trang', phrases: ['het trang', 'het'] },
  { label: 'Bị hỏng, rách', phrases: ['hong', 'rach'] },
  { label: 'Bị mất', phrases: ['mat', 'bi mat'] },
  { label: 'Lý do khác', phrases: ['khac'] },
];

const timeOptions: { label: string; value: TimeOfDay; phrases: string[] }[] = [
  { label: 'Buổi sáng', value: 'morning', phrases: ['sang', 'buoi sang'] },
  { label: 'Buổi chiều', value: 'afternoon', phrases: ['chieu', 'buoi chieu'] },
  { label: 'Lúc nào cũng được', value: 'any', phrases: ['luc nao cung duoc', 'sao cung duoc', 'bat ky', 'nao cung duoc'] },
];

const urgencyOptions = [
  { label: 'Bình thường', phrases: ['binh thuong', 'khong gap'] },
  { label: 'Gấp, cần trong ngày', phrases: ['gap', 'khan', 'can gap'] },
];

/** Yes is the number or the button: typed yes/no words are read by the understanding step (bot/understand). */
const confirmOptions = [
  { label: 'Gửi yêu cầu', phrases: ['gui yeu cau'] },
  { label: 'Làm lại', phrases: ['lam lai', 'sua'] },
];

// --- entry ------------------------------------------------------------------------------------------------

const whoOf = (s: Pick<CadreSummary, 'sex' | 'fullName'>, viaProxy: boolean) => (viaProxy ? `${honorific(s.sex).toLowerCase()} ${s.fullName}` : `${honorific(s.sex)} ${s.fullName}`);

function stateFor(kind: RequestKind, subject: Subject, step: RequestsState['step'], draft: Draft = {}): RequestsState {
  return { flow: 'requests', step, kind, cadreId: subject.id, viaProxy: subject.viaProxy, draft };
}

function startKind(kind: RequestKind, subject: Subject, ctx: TurnContext, lead?: string): TurnResult {
  const who = whoOf(subject, subject.viaProxy);
  const say = (state: RequestsState, text: string, buttons?: { title: string; payload: string }[]) =>
    answer(state, [lead, text].filter(Boolean).join('\n\n'), buttons);
  switch (kind) {
    case 'home_visit':
      return say(stateFor(kind, subject, 'reason'), `${requestText.askReason(who)}\n\n${requestText.otherHint}`);
    case 'medicine':
      return say(stateFor(kind, subject, 'reason'), requestText.askMedicine(who));
    case 'record_book': {
      const menu = numberedMenu(requestText.askRecordBook(who), recordBookOptions);
      return say(stateFor(kind, subject, 'reason'), menu.text, menu.buttons);
    }
    case 'question':
      return say(stateFor(kind, subject, 'reason'), requestText.askQuestion(who));
  }
}

function showMenu(subject: Subject, lead?: string): TurnResult {
  const menu = numberedMenu(requestText.menu, menuOptions);
  const state: RequestsState = { flow: 'requests', step: 'menu', cadreId: subject.id, viaProxy: subject.viaProxy, draft: {} };
  return answer(state, [lead, menu.text].filter(Boolean).join('\n\n'), menu.buttons);
}

function showMine(ctx: TurnContext, lead?: string): TurnResult {
  const identity = ctx.lookups.identity();
  const cadreIds = [...(identity.self ? [identity.self.id] : []), ...identity.proxyFor.map((c) => c.id)];
  const open = ctx.lookups.requests.openRequests(cadreIds);
  const names = new Map([...(identity.self ? [identity.self] : []), ...identity.proxyFor].map((c) => [c.id, c.fullName]));
  if (!open.length) return answer({ flow: 'idle' }, [lead, requestText.mineNone, requestText.mineFooter].filter(Boolean).join('\n\n'));
  const lines = open.map((r) => {
    const parts = [`${ticketOf(r.id)} · ${requestTypeLabels[r.type]}`];
    if (cadreIds.length > 1 && r.cadreId !== null) parts.push(names.get(r.cadreId) ?? '');
    let status = requestStateLabels[r.state];
    if (r.state === 'scheduled' && r.scheduledDate) status = `Đã hẹn ${formatVietnamDay(r.scheduledDate)}, ${timeOfDayLabels[r.scheduledTime ?? 'any']}`;
    if (r.handlerName && r.state !== 'new') status += ` (${r.handlerName})`;
    return `• ${parts.filter(Boolean).join(' · ')}\n  ${status}`;
  });
  return answer({ flow: 'idle' }, [lead, requestText.mineTitle, ...lines, '', requestText.mineFooter].filter((l) => l !== undefined).join('\n'));
}

function startTarget(target: Target, subject: Subject, ctx: TurnContext, lead?: string): TurnResult {
  if (target === 'menu') return showMenu(subject, lead);
  if (target === 'mine') return showMine(ctx, lead);
  return startKind(target, subject, ctx, lead);
}

/** intentStarters.homeVisit: straight to a home visit for the chosen cadre. */
export const startHomeVisit: IntentStarter = (subject, ctx, lead) => startKind('home_visit', subject, ctx, lead);

/**
 * A request typed from the idle state: "mine" needs no subject; the others need a verified cadre (linking
 * first, which resumes at the home-visit flow) and ask "for whom?" when the user acts for several.
 */
export function startFromKeyword(target: Target, ctx: TurnContext): TurnResult {
  if (target === 'mine') return showMine(ctx);
  const identity = ctx.lookups.identity();
  const options: Subject[] = [...(identity.self ? [{ ...identity.self, viaProxy: false }] : []), ...identity.proxyFor.map((c) => ({ ...c, viaProxy: true }))];
  if (options.length === 1) return startTarget(target, options[0]!, ctx);
  if (options.length === 0) return ctx.flows.withSubject('homeVisit', ctx, (_i, s, c, lead) => startTarget(target, s, c, lead));
  const menu = numberedMenu(
    requestText.whom,
    options.map((s) => ({ label: s.viaProxy ? s.fullName : `Bản thân (${s.fullName})` })),
  );
  const state: RequestsState = { flow: 'requests', step: 'subject', target, cadreIds: options.map((s) => s.id), viaProxy: false, draft: {} };
  return answer(state, menu.text, menu.buttons);
}

// --- emergencies and handoffs, before any flow ------------------------------------------------------------

/**
 * Runs before the flows (after the emergency check in the turn): while staff are talking with the user the bot
 * is silent; a shared location or phone during a request goes to the request.
 */
export function beforeFlows(state: ConversationState, event: BotEvent, ctx: TurnContext): TurnResult | null {
  if (ctx.lookups.requests.inHandoff()) return ctx.flows.duringHandoff(state, event, ctx);
  if (state.flow === 'requests' && (event.type === 'location' || event.type === 'shared_info')) return handleRequests(state, event, ctx);
  return null;
}

// --- steps ------------------------------------------------------------------------------------------------

function subjectOf(state: RequestsState, ctx: TurnContext): Subject | null {
  if (state.cadreId === undefined) return null;
  const identity = ctx.lookups.identity();
  if (identity.self?.id === state.cadreId) return { ...identity.self, viaProxy: false };
  const proxy = identity.proxyFor.find((c) => c.id === state.cadreId);
  return proxy ? { ...proxy, viaProxy: true } : null;
}

const MAX_DAYS_AHEAD = 90;


/** "1", "sớm nhất" -> null (soonest); a day the shared reader understands ("mai", "thứ 5", "05/03") -> a date; else undefined. */
function parsePreferredDay(input: string, now: number): string | null | undefined {
  const folded = foldVietnamese(input);
  const today = vietnamDate(now);
  if (folded === '1' || containsPhrase(folded, 'som nhat') || containsPhrase(folded, 'cang som cang tot') || containsPhrase(folded, 'ngay nao cung duoc')) return null;
  const date = parseDay(input, now);
  if (!date || date < today || date > addDays(today, MAX_DAYS_AHEAD)) return undefined;
  return date;
}

function askAddress(state: RequestsState, ctx: TurnContext, lead?: string): TurnResult {
  const known = state.cadreId !== undefined ? ctx.lookups.requests.lastAddress(state.cadreId) : null;
  const text = known ? requestText.askAddressKnown(known) : requestText.askAddress;
  return answer({ ...state, step: known ? 'address' : 'addressTyped' }, [lead, text].filter(Boolean).join('\n'));
}

function askDay(state: RequestsState, lead?: string): TurnResult {
  return answer({ ...state, step: 'day' }, [lead, requestText.askDay].filter(Boolean).join('\n'));
}

function askTime(state: RequestsState): TurnResult {
  const menu = numberedMenu(requestText.askTime, timeOptions);
  return answer({ ...state, step: 'time' }, menu.text, menu.buttons);
}

function askUrgency(state: RequestsState): TurnResult {
  const menu = numberedMenu(requestText.askUrgency, urgencyOptions);
  return answer({ ...state, step: 'urgency' }, menu.text, menu.buttons);
}

function summary(state: RequestsState, subject: Subject): string {
  const d = state.draft;
  const kind = state.kind!;
  const lines = [requestText.summaryTitle, `• Loại: ${requestTypeLabels[kind]}`, `• Cho: ${honorific(subject.sex)} ${subject.fullName}`];
  const reasonLabel = { home_visit: 'Lý do', medicine: 'Thuốc', record_book: 'Tình trạng sổ', question: 'Câu hỏi' }[kind];
  if (d.reason) lines.push(`• ${reasonLabel}: ${d.reason}`);
  if (d.address) lines.push(`• Địa chỉ: ${d.address}`);
  if (kind === 'home_visit' || kind === 'medicine') {
    const day = d.date ? formatVietnamDay(d.date) : 'Sớm nhất có thể';
    lines.push(`• Ngày mong muốn: ${day}, ${timeOfDayLabels[d.time ?? 'any']}`);
  }
  if (kind === 'home_visit') lines.push(`• Mức độ: ${urgencyLabels[d.urgency ?? 'normal']}`);
  return lines.join('\n');
}

function askConfirm(state: RequestsState, subject: Subject): TurnResult {
  const menu = numberedMenu(requestText.confirmPrompt, confirmOptions);
  return answer({ ...state, step: 'confirm' }, `${summary(state, subject)}\n\n${menu.text}`, menu.buttons);
}

function submit(state: RequestsState, subject: Subject, ctx: TurnContext): TurnResult {
  const kind = state.kind!;
  const d = state.draft;
  const urgency = kind === 'home_visit' ? (d.urgency ?? 'normal') : 'normal';
  const request: NewRequest = {
    type: kind,
    cadreId: subject.id,
    clinicId: subject.clinicId,
    viaProxy: subject.viaProxy,
    urgency,
    details: d.reason ?? '',
    address: d.address ?? null,
    latitude: d.latitude ?? null,
    longitude: d.longitude ?? null,
    preferredDate: kind === 'home_visit' || kind === 'medicine' ? (d.date ?? null) : null,
    preferredTime: kind === 'home_visit' || kind === 'medicine' ? (d.time ?? 'any') : null,
    ackDueAt: ackDeadline(urgency, ctx.now, ctx.lookups.requests.settings().policy),
    ...(d.attachments?.length ? { attachments: d.attachments } : {}),
  };
  // A proxy's request is told to the cadre too (after it is written, in the same turn).
  const told: Effect[] = subject.viaProxy ? [{ type: 'proxyActed', cadreId: subject.id, action: 'requested' }] : [];
  return { state: { flow: 'idle' }, effects: [{ type: 'requestCreate', request, confirmText: requestText.sent(kind) }, ...told] };
}

/** After the reason: what each kind asks next. */
function afterReason(state: RequestsState, subject: Subject, ctx: TurnContext): TurnResult {
  if (state.kind === 'home_visit' || state.kind === 'medicine') return askAddress(state, ctx);
  return askConfirm(state, subject);
}

/** After the address: day for visits and deliveries. */
const afterAddress = (state: RequestsState, lead?: string) => askDay(state, lead);

/** The first steps: whom the request is for, then which kind. */
function chooseSubjectOrKind(state: RequestsState, event: BotEvent, ctx: TurnContext): TurnResult {
  if (event.type !== 'text') return answer(state, requestText.pick);
  if (state.step === 'subject') {
    const identity = ctx.lookups.identity();
    const options: Subject[] = [...(identity.self ? [{ ...identity.self, viaProxy: false }] : []), ...identity.proxyFor.map((c) => ({ ...c, viaProxy: true }))].filter((s) =>
      (state.cadreIds ?? []).includes(s.id),
    );
    const i = chooseOption(event.text, options.map((s) => ({ label: s.viaProxy ? s.fullName : `Bản thân (${s.fullName})`, phrases: s.viaProxy ? [] : ['ban than', 'toi'] })));
    if (i === null) return answer(state, requestText.pick);
    return startTarget(state.target ?? 'menu', options[i]!, ctx);
  }
  const subject = subjectOf(state, ctx);
  if (!subject) return answer({ flow: 'idle' }, requestText.mineFooter);
  const i = chooseOption(event.text, menuOptions);
  if (i === null) return showMenu(subject, requestText.pick);
  return startTarget(menuOptions[i]!.target, subject, ctx);
}

/** A location or an address shared through Zalo: taken as the address when one is asked for. */
function sharedPlace(state: RequestsState, event: Extract<BotEvent, { type: 'location' | 'shared_info' }>): TurnResult {
  const askingAddress = state.step === 'address' || state.step === 'addressTyped';
  if (event.type === 'location') {
    if (!askingAddress) return answer(state, requestText.pick);
    const label = event.label?.trim() || `Vị trí Zalo (${event.latitude.toFixed(5)}, ${event.longitude.toFixed(5)})`;
    return afterAddress({ ...state, draft: { ...state.draft, address: label.slice(0, 300), latitude: event.latitude, longitude: event.longitude } }, requestText.locationSaved);
  }
  if (askingAddress && event.address && event.address.trim().length >= 6) {
    return afterAddress({ ...state, draft: { ...state.draft, address: event.address.trim().slice(0, 300) } });
  }
  return answer(state, requestText.pick);
}

/** A typed answer to the step the request is at. */
function answerStep(state: RequestsState & { kind: NonNullable<RequestsState['kind']> }, text: string, folded: string, subject: Subject, ctx: TurnContext): TurnResult {
  switch (state.step) {
    case 'reason': {
      if (state.kind === 'record_book') {
        const i = chooseOption(text, recordBookOptions);
        const reason = i !== null ? recordBookOptions[i]!.label : folded.length >= 3 ? text : null;
        if (!reason) return startKind('record_book', subject, ctx, requestText.pick);
        return afterReason({ ...state, draft: { ...state.draft, reason: reason.slice(0, 500) } }, subject, ctx);
      }
      if (folded.replace(/\s/g, '').length < 3) return answer(state, requestText.tooShort);
      return afterReason({ ...state, draft: { ...state.draft, reason: text.slice(0, 1000) } }, subject, ctx);
    }
    case 'address': {
      const known = ctx.lookups.requests.lastAddress(subject.id);
      if (folded === '1' && known) return afterAddress({ ...state, draft: { ...state.draft, address: known } });
      if (folded === '2' || containsPhrase(folded, 'dia chi khac')) return answer({ ...state, step: 'addressTyped' }, requestText.askAddress);
      if (text.length >= 10) return afterAddress({ ...state, draft: { ...state.draft, address: text.slice(0, 300) } });
      return askAddress(state, ctx, requestText.pick);
    }
    case 'addressTyped':
      if (text.length < 10) return answer(state, requestText.addressTooShort);
      return afterAddress({ ...state, draft: { ...state.draft, address: text.slice(0, 300) } });
    case 'day': {
      const day = parsePreferredDay(text, ctx.now);
      if (day === undefined) return answer(state, requestText.badDay(formatVietnamDay(addDays(vietnamDate(ctx.now), MAX_DAYS_AHEAD))));
      return askTime({ ...state, draft: { ...state.draft, date: day } });
    }
    case 'time': {
      const i = chooseOption(text, timeOptions);
      if (i === null) return answer(state, requestText.pick);
      const next = { ...state, draft: { ...state.draft, time: timeOptions[i]!.value } };
      return state.kind === 'home_visit' ? askUrgency(next) : askConfirm(next, subject);
    }
    case 'urgency': {
      const i = chooseOption(text, urgencyOptions);
      if (i === null) return answer(state, requestText.pick);
      return askConfirm({ ...state, draft: { ...state.draft, urgency: i === 1 ? 'urgent' : 'normal' } }, subject);
    }
    case 'confirm': {
      const i = chooseOption(text, confirmOptions);
      if (i === 0) return submit(state, subject, ctx);
      if (i === 1) return startKind(state.kind, subject, ctx, requestText.restart);
      return answer(state, requestText.pick);
    }
  }
  return answer({ flow: 'idle' }, requestText.mineFooter);
}

export function handleRequests(state: RequestsState, event: BotEvent, ctx: TurnContext): TurnResult {
  if (state.step === 'subject' || state.step === 'menu') return chooseSubjectOrKind(state, event, ctx);
  const subject = subjectOf(state, ctx);
  // The user is no longer allowed to act for this cadre (unlinked, proxy revoked): start over.
  if (!subject || !state.kind) return answer({ flow: 'idle' }, requestText.mineFooter);
  if (event.type === 'location' || event.type === 'shared_info') return sharedPlace(state, event);
  if (event.type !== 'text') return answer(state, requestText.pick);
  const text = event.text.trim();
  const folded = foldVietnamese(text);
  if (containsPhrase(folded, 'yeu cau khac')) return showMenu(subject);
  return answerStep({ ...state, kind: state.kind }, text, folded, subject, ctx);
}

export type { Target as RequestTarget };
