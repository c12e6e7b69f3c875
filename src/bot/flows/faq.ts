import { t } from '../catalog';
import { mainMenuButtons, mainMenuText } from '../menu';
import { reply, textMessage } from '../reply';
import type { TurnContext, TurnResult } from '../flow';

const faqText = {
  more: 'Cần hỏi thêm, xin gõ "gặp nhân viên". Gõ "menu" để xem các việc có thể làm.',
  offerStaff: 'Ông/Bà có thể gõ "gặp nhân viên" để hỏi trực tiếp nhân viên, hoặc chọn một việc dưới đây.',
};

/** The FAQ entry that answers a message well, with its placeholders filled; null when none does. */
export function faqAnswer(text: string, ctx: TurnContext): TurnResult | null {
  const identity = ctx.lookups.identity();
  const clinicId = identity.self?.clinicId ?? identity.proxyFor[0]?.clinicId ?? null;
  const hit = ctx.lookups.faq?.answer(text, clinicId, ctx.lookups.hotline) ?? null;
  return hit ? { state: { flow: 'idle' }, effects: [reply(textMessage(`${hit.answer}\n\n${faqText.more}`))] } : null;
}

/** Nothing matched well: say so, offer staff, and show the menu. */
export function offerStaff(_ctx: TurnContext): TurnResult {
  const menu = mainMenuText(t.menuPrompt, t.menuFooter);
  return { state: { flow: 'idle' }, effects: [reply(textMessage(`${t.notUnderstood} ${faqText.offerStaff}\n\n${menu}`, mainMenuButtons))] };
}
