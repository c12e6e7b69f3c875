import { answer, honorific } from '../reply';
import type { TurnContext, TurnResult } from '../flow';
import type { ConversationState } from '../state';
import { broadcastPreferenceCommand } from '../understand/optOut';
import { committeeWord } from '../../domain/shared/organisation';

const broadcastPreferenceText = {
  stopped: (title: string) =>
    `${committeeWord()} đã dừng gửi thông báo chung (đợt khám, lời khuyên sức khỏe, thay đổi lịch) đến ${title}. Nhắc lịch khám và kết quả khám vẫn được gửi như thường.\nKhi muốn nhận lại, ${title} nhắn: Nhận tin lại`,
  resumed: (title: string) => `${committeeWord()} sẽ gửi lại thông báo chung đến ${title}. Cảm ơn ${title} đã quan tâm.`,
};

/**
 * "Dừng nhận tin" / "hủy nhận tin" stop broadcasts for this account (and its own cadre); "nhận tin lại"
 * resumes them. Reminders and results are not affected. Works in any state and leaves the flow where it was.
 */
export function broadcastPreferenceTurn(state: ConversationState, text: string, ctx: TurnContext): TurnResult | null {
  const command = broadcastPreferenceCommand(text);
  if (!command) return null;
  const self = ctx.lookups.identity().self;
  const title = self ? honorific(self.sex) : 'Ông/Bà';
  const receive = command === 'resume';
  return answer(state, receive ? broadcastPreferenceText.resumed(title) : broadcastPreferenceText.stopped(title), undefined, {
    type: 'broadcastPreference',
    receive,
  });
}
