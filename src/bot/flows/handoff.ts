import { attachmentLabel } from '../../domain/conversations/handoff';
import { inWorkingHours } from '../../domain/requests/sla';
import type { BotEvent } from '../../conversation/events';
import { answer } from '../reply';
import type { IntentStarter, Subject, TurnContext, TurnResult } from '../flow';
import type { Attachment, ConversationState, HandoffState } from '../state';
import { containsPhrase, foldVietnamese } from '../text';

/**
 * "Gặp nhân viên": the user says what it is about, a conversation opens in the staff inbox, and the bot keeps
 * quiet for this user until staff close it, it times out, or the user types "kết thúc". Open to users who
 * have not linked their account.
 */

export const handoffChatText = {
  askTopic: 'Ông/Bà muốn hỏi nhân viên việc gì? Xin gõ ngắn gọn vào đây.\n(Gõ 0 để quay lại menu.)',
  opened: 'Đã chuyển tin nhắn của Ông/Bà tới nhân viên. Nhân viên sẽ trả lời ngay tại đây.',
  openedInHours: 'Nhân viên đang làm việc và sẽ trả lời sớm.',
  openedOutOfHours: 'Bây giờ ngoài giờ làm việc (Thứ Hai – Thứ Sáu, 7:30–16:30); nhân viên sẽ trả lời vào giờ làm việc tiếp theo.',
  howToEnd: 'Gõ "kết thúc" khi muốn quay lại trợ lý tự động. Nếu nguy cấp, xin gọi 115.',
  tooShort: 'Xin gõ vài chữ về việc Ông/Bà cần hỏi.',
  ended: 'Đã kết thúc trò chuyện với nhân viên. Trợ lý tự động tiếp tục giúp Ông/Bà. Gõ "menu" để xem các việc có thể làm.',
};

/** intentStarters.staff: subject is the linked cadre, or null for a user who has not linked. */
export const startHandoff: IntentStarter = (subject: Subject | null, ctx, lead) => {
  const state: HandoffState = { flow: 'handoff', step: 'topic', cadreId: subject?.id ?? null, clinicId: subject?.clinicId ?? null };
  return answer(state, [lead, handoffChatText.askTopic].filter(Boolean).join('\n\n'));
};

export function handleHandoff(state: HandoffState, event: BotEvent, ctx: TurnContext): TurnResult {
  // A photo or file sent as the topic goes to staff as it is.
  if (event.type === 'attachment' && event.url) return openHandoffWith(state, attachmentLabel(event.kind, event.name), ctx, attachmentOf(event));
  if (event.type !== 'text') return answer(state, handoffChatText.askTopic);
  const topic = event.text.trim();
  if (foldVietnamese(topic).length < 2) return answer(state, handoffChatText.tooShort);
  return openHandoffWith(state, topic, ctx);
}

/** Opens a conversation with staff about `topic` right away (the bot keeps quiet until it ends). */
export function openHandoffWith(state: Pick<HandoffState, 'cadreId' | 'clinicId'>, topic: string, ctx: TurnContext, attachment?: Attachment): TurnResult {
  const settings = ctx.lookups.requests.settings();
  const when = inWorkingHours(ctx.now, settings.policy.workingHours, settings.policy.holidays) ? handoffChatText.openedInHours : handoffChatText.openedOutOfHours;
  return answer({ flow: 'idle' }, [handoffChatText.opened, when, handoffChatText.howToEnd].join('\n'), undefined, {
    type: 'handoffOpen',
    cadreId: state.cadreId,
    clinicId: state.clinicId,
    topic: topic.slice(0, 2000),
    timeoutMs: settings.handoffTimeoutMs,
    publicBaseUrl: settings.publicBaseUrl,
    ...(attachment ? { attachment } : {}),
  });
}

/** The topic staff read for a conversation opened by a photo or file: "[Ảnh]", "[Tệp: đơn thuốc.pdf]". */
export const attachmentTopic = (a: Attachment) => attachmentLabel(a.kind, a.name);

/** The attachment as the dialog keeps it (state, effects): kind, where Zalo holds it, a file's name. */
export function attachmentOf(event: Extract<BotEvent, { type: 'attachment' }>): Attachment {
  return { kind: event.kind.slice(0, 20), ...(event.url ? { url: event.url } : {}), ...(event.name ? { name: event.name } : {}), ...(event.thumbnail ? { thumbnail: event.thumbnail } : {}) };
}

const endPhrases = ['ket thuc', 'ket thuc tro chuyen', 'dung tro chuyen', 'quay lai tro ly', 'tro ly tu dong'];

/**
 * While staff are talking with the user, the bot says nothing (the message is kept for staff), except that
 * "kết thúc" ends the conversation. Emergencies are handled before this.
 */
export function duringHandoff(state: ConversationState, event: BotEvent, _ctx: TurnContext): TurnResult {
  if (event.type === 'text') {
    const folded = foldVietnamese(event.text);
    if (endPhrases.some((p) => folded === p || (p.length > 8 && containsPhrase(folded, p)))) {
      return answer({ flow: 'idle' }, handoffChatText.ended, undefined, { type: 'handoffClose' });
    }
  }
  return { state, effects: [] };
}
