import { ackDeadline } from '../../domain/requests/sla';
import type { QuickReply } from '../../conversation/messages';
import { reply, textMessage } from '../reply';
import type { TurnContext, TurnResult } from '../flow';
import { committeeWord } from '../../domain/shared/organisation';

/**
 * An emergency told in any state (a flow, a live chat with staff): "call 115 now" and the clinic's phone,
 * with call buttons where the OA shows buttons, and the on-call staff paged (an urgent emergency request,
 * see domain/requests/requestChat.ts). The conversation goes back to idle, so the next message is never taken as the
 * answer to a question asked before the emergency.
 */

const emergencyText = {
  reply: (clinic: { name: string; phone: string } | null, hotline: string) =>
    [
      'Nếu đang nguy cấp, xin GỌI NGAY 115 (cấp cứu).',
      clinic?.phone ? `Phòng khám ${clinic.name}: ${clinic.phone}.` : `Đường dây của ${committeeWord()}: ${hotline}.`,
      'Chúng tôi đã báo nhân viên trực.',
    ].join('\n'),
  call115: 'Gọi 115',
  callClinic: 'Gọi phòng khám',
  callHotline: 'Gọi đường dây nóng',
};

const dialable = (phone: string) => phone.replace(/[^\d+]/g, '');

export function emergencyReply(text: string, ctx: TurnContext): TurnResult {
  const identity = ctx.lookups.identity();
  const cadre = identity.self ?? (identity.proxyFor.length === 1 ? identity.proxyFor[0]! : null);
  const clinic = ctx.lookups.requests.clinicOf(cadre?.id ?? null);
  const policy = ctx.lookups.requests.settings().policy;
  const second = clinic?.phone ? dialable(clinic.phone) : dialable(ctx.lookups.hotline);
  const buttons: QuickReply[] = [{ title: emergencyText.call115, payload: '115', phone: '115' }];
  if (/^\+?\d{3,15}$/.test(second)) buttons.push({ title: clinic?.phone ? emergencyText.callClinic : emergencyText.callHotline, payload: second, phone: second });
  return {
    state: { flow: 'idle' },
    effects: [
      reply(textMessage(emergencyText.reply(clinic, ctx.lookups.hotline), buttons)),
      {
        type: 'emergency',
        cadreId: cadre?.id ?? null,
        clinicId: cadre?.clinicId ?? null,
        viaProxy: !identity.self && !!cadre,
        text: text.slice(0, 2000),
        ackDueAt: ackDeadline('urgent', ctx.now, policy),
      },
    ],
  };
}
