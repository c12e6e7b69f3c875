import { formatIsoDate } from '../../domain/shared/dates';
import type { ResultListItem, ResultView } from '../../domain/results/resultsInChat';
import { healthClassLabel, healthClassOf } from '../../domain/results/classification';
import { t } from '../catalog';
import type { Effect } from '../effects';
import type { ResultsState } from '../state';
import { honorific, textMessage } from '../reply';
import type { IntentStarter, Subject, TurnContext, TurnResult } from '../flow';
import { chooseOption, numberedMenu } from '../menu';
import { committeeWord } from '../../domain/shared/organisation';

/**
 * Seeing one's exam results in chat. The dispatcher has already made sure the user is verified and chosen
 * for whom; every step checks again through the lookups (which answer only for the cadre's own account or
 * an approved proxy), so a stale state, a typed number or a button payload can never show another cadre's
 * result. Drafts are never shown. Each result or list shown is audited (a `resultViewed` effect), and the
 * reply carrying health data is marked sensitive so its text is scrubbed from the outbox once Zalo has it.
 */

const MAX_LISTED = 10;

export const resultsText = {
  none: (who: string) =>
    `Hiện chưa có kết quả khám nào của ${who} được công bố.\nKhi có kết quả, chúng tôi sẽ nhắn tin báo qua Zalo.`,
  title: (who: string) => `KẾT QUẢ KHÁM SỨC KHỎE của ${who}`,
  forProxy: '(Ông/Bà đang xem thay cán bộ. Xin giữ bí mật thông tin này.)',
  examOn: (date: string, clinic: string | null) => `Ngày khám: ${date}${clinic ? `, tại ${clinic}` : ''}`,
  corrected: 'Đây là kết quả đã được đính chính.',
  classLine: (label: string) => `Phân loại sức khỏe: ${label}.`,
  classMeaning: (plain: string) => `Nghĩa là: ${plain}`,
  noClass: 'Phân loại sức khỏe: chưa phân loại.',
  conclusions: 'Kết luận của bác sĩ:',
  diagnoses: 'Chẩn đoán:',
  advice: 'Lời khuyên:',
  nextFollowUp: (where: string) => `Việc cần làm tiếp: Ông/Bà nên đi khám lại tại ${where}.`,
  get nextRoutine() {
    return `Việc cần làm tiếp: không cần khám lại; xin giữ khám sức khỏe định kỳ theo lịch của ${committeeWord()}.`;
  },
  signed: (name: string) => `Bác sĩ ký kết luận: ${name}`,
  earlier: 'Các lần khám trước',
  whatNext: 'Ông/Bà muốn xem gì tiếp?',
  noEarlier: 'Chưa có kết quả nào trước lần khám này.',
  listPrompt: 'Các lần khám trước đã có kết quả. Xin gõ số để xem:',
  listItem: (r: ResultListItem) => `Khám ngày ${formatIsoDate(r.examDate)}${r.clinicName ? ` – ${r.clinicName}` : ''}`,
  gone: 'Kết quả này không còn xem được (có thể đã được đính chính). Dưới đây là kết quả mới nhất.',
  noLonger: 'Ông/Bà không còn xem được kết quả của cán bộ này qua Zalo. Cần giúp, xin gọi',
  backToMenu: 'Gõ 0 để quay lại menu.',
  pickOne: 'Xin gõ một số trong danh sách.',
};

const whoOf = (s: Pick<Subject, 'sex' | 'fullName'>) => `${honorific(s.sex)} ${s.fullName}`;

/** The result as short plain Vietnamese: class and what it means, conclusions, diagnoses, advice, next steps. */
function resultSummary(r: ResultView, who: string, viaProxy: boolean): string {
  const parts: string[] = [resultsText.title(who)];
  if (viaProxy) parts.push(resultsText.forProxy);
  parts.push(resultsText.examOn(formatIsoDate(r.examDate), r.clinicName));
  if (r.version > 1) parts.push(resultsText.corrected);
  parts.push('');
  if (r.healthClass) {
    const info = healthClassOf(r.healthClass);
    parts.push(resultsText.classLine(healthClassLabel(r.healthClass)), ...(info ? [resultsText.classMeaning(info.plain)] : []));
  } else parts.push(resultsText.noClass);
  if (r.conclusions) parts.push('', resultsText.conclusions, r.conclusions);
  if (r.diagnoses.length) parts.push('', resultsText.diagnoses, ...r.diagnoses.map((d) => `- ${d}`));
  if (r.advice) parts.push('', resultsText.advice, r.advice);
  parts.push('', r.followUp ? resultsText.nextFollowUp(r.followUpWhere || 'phòng khám') : resultsText.nextRoutine);
  if (r.signedBy) parts.push(resultsText.signed(r.signedBy));
  return parts.join('\n');
}

/** A reply that carries health data: kept only in SQLite, and scrubbed from the outbox once Zalo accepted it. */
const sensitiveReply = (text: string, buttons?: { title: string; payload: string }[]): Effect => ({
  type: 'reply',
  messages: [textMessage(text, buttons)],
  sensitive: true,
});

const viewed = (cadreId: number, resultIds: number[], what: 'result' | 'list'): Effect => ({ type: 'resultViewed', cadreId, resultIds, what });

/** Shows one result with the "earlier ones" choice (when there are earlier ones). */
function showResult(subject: { cadreId: number; viaProxy: boolean; who: string }, view: ResultView, hasEarlier: boolean, lead?: string): TurnResult {
  const body = resultSummary(view, subject.who, subject.viaProxy);
  const menu = hasEarlier ? numberedMenu(resultsText.whatNext, [{ label: resultsText.earlier }], resultsText.backToMenu) : null;
  const text = [lead, body, menu ? menu.text : `${t.menuFooter}`].filter(Boolean).join('\n\n');
  // Without earlier results there is nothing to choose here: the next message goes to the main menu.
  const state: ResultsState | { flow: 'idle' } = hasEarlier
    ? { flow: 'results', cadreId: subject.cadreId, viaProxy: subject.viaProxy, step: 'latest', listIds: [] }
    : { flow: 'idle' };
  return { state, effects: [viewed(subject.cadreId, [view.id], 'result'), sensitiveReply(text, menu?.buttons)] };
}

function showLatest(ctx: TurnContext, subject: { cadreId: number; viaProxy: boolean; who: string }, lead?: string): TurnResult {
  const list = ctx.lookups.results.released(subject.cadreId);
  const latest = list[0] ? ctx.lookups.results.view(subject.cadreId, list[0].id) : null;
  if (!latest) {
    return { state: { flow: 'idle' }, effects: [{ type: 'reply', messages: [textMessage([lead, resultsText.none(subject.who), t.menuFooter].filter(Boolean).join('\n\n'))] }] };
  }
  return showResult(subject, latest, list.length > 1, lead);
}

/** Entry from the main menu ("Xem kết quả khám"), for a subject the dispatcher resolved. */
export const startResults: IntentStarter = (subject, ctx, lead) =>
  showLatest(ctx, { cadreId: subject.id, viaProxy: subject.viaProxy, who: whoOf(subject) }, lead);

/** The subject behind a stored state, only if this user may still act for them. */
function currentSubject(state: ResultsState, ctx: TurnContext) {
  const identity = ctx.lookups.identity();
  const cadre = state.viaProxy ? identity.proxyFor.find((c) => c.id === state.cadreId) : identity.self?.id === state.cadreId ? identity.self : undefined;
  return cadre ? { cadreId: cadre.id, viaProxy: state.viaProxy, who: whoOf(cadre) } : null;
}

const earlierOptions = [{ label: resultsText.earlier, phrases: ['lan truoc', 'cac lan truoc', 'ket qua truoc', 'cu', 'truoc', 'xem them'] }];

/**
 * A message while a result or the list is on screen. Returns null when the text is not a choice of this
 * flow, so the dispatcher treats it as a main-menu request (e.g. "đặt lịch").
 */
export function handleResults(state: ResultsState, text: string, ctx: TurnContext): TurnResult | null {
  const subject = currentSubject(state, ctx);
  if (!subject) {
    return { state: { flow: 'idle' }, effects: [{ type: 'reply', messages: [textMessage(`${resultsText.noLonger} ${ctx.lookups.hotline}.\n${t.menuFooter}`)] }] };
  }
  if (state.step === 'latest') {
    if (chooseOption(text, earlierOptions) !== 0) return null;
    const earlier = ctx.lookups.results.released(subject.cadreId).slice(1, 1 + MAX_LISTED);
    if (!earlier.length) return showLatest(ctx, subject, resultsText.noEarlier);
    const menu = numberedMenu(resultsText.listPrompt, earlier.map((r) => ({ label: resultsText.listItem(r) })), resultsText.backToMenu);
    const next: ResultsState = { ...state, step: 'list', listIds: earlier.map((r) => r.id) };
    return { state: next, effects: [viewed(subject.cadreId, next.listIds, 'list'), sensitiveReply(menu.text, menu.buttons)] };
  }
  // step 'list': a number, or a tapped/typed label, picks one of the ids shown; nothing else is accepted.
  const listed = ctx.lookups.results.released(subject.cadreId);
  const labels = state.listIds.map((id) => {
    const item = listed.find((r) => r.id === id);
    return { label: item ? resultsText.listItem(item) : `#${id}` };
  });
  const choice = chooseOption(text, labels);
  if (choice === null) {
    if (/^\s*\d{1,2}\s*$/.test(text)) return { state, effects: [{ type: 'reply', messages: [textMessage(`${resultsText.pickOne}\n${resultsText.backToMenu}`)] }] };
    return null;
  }
  const view = ctx.lookups.results.view(subject.cadreId, state.listIds[choice]!);
  if (!view) return showLatest(ctx, subject, resultsText.gone);
  return showResult(subject, view, listed.length > 1);
}
