import { eq } from 'drizzle-orm';
import type { Db } from '../../store/db';
import { cadres, clinics, examResults } from '../../store/schema';
import type { NoticeRef, RenderedNotice } from '../outreach/notices';
import { committeeWord } from '../shared/organisation';
import { honorific } from '../shared/vietnamese';

// --- the "results are ready" notice -----------------------------------------------------------------------

export const RESULT_NOTICE_KIND = 'result.released';
/** One "ready" notice per result chain: a later release replaces an unsent earlier one. */
export const resultSubject = (chainId: number) => `result-${chainId}`;

const resultNoticeText = {
  ready: (who: string) => `Kết quả khám sức khỏe của ${who} đã có.`,
  corrected: (who: string) => `Kết quả khám sức khỏe của ${who} vừa được bổ sung, đính chính.`,
  how: 'Để giữ bí mật, kết quả chỉ xem trong khung chat này. Xin bấm «Xem kết quả» hoặc gõ "xem kết quả".',
  button: 'Xem kết quả',
  emailSubject: 'Đã có kết quả khám sức khỏe',
  email: (who: string, clinic: string | null) =>
    [
      `Kính gửi ${who},`,
      '',
      `Kết quả khám sức khỏe của ${who} đã có.`,
      'Để giữ bí mật thông tin sức khỏe, kết quả không gửi qua thư điện tử.',
      `Xin mở Zalo, nhắn "xem kết quả" cho ${committeeWord()} trong khung chat, hoặc đến ${clinic ?? 'phòng khám'} để nhận kết quả.`,
      '',
      'Thư này được gửi tự động; xin đừng trả lời thư.',
    ].join('\n'),
};

/**
 * Renders "results are ready" from the result id: the cadre's name and where to go, never the result itself.
 * Null when the result is no longer released (discarded, or superseded by a correction that has its own notice).
 */
export function renderResultReleased(db: Db, ref: NoticeRef): RenderedNotice | null {
  const row = db
    .select({ status: examResults.status, cadre: cadres, clinicName: clinics.name, clinicPhone: clinics.phone })
    .from(examResults)
    .innerJoin(cadres, eq(cadres.id, examResults.cadreId))
    .leftJoin(clinics, eq(clinics.id, examResults.clinicId))
    .where(eq(examResults.id, ref.id))
    .get();
  if (!row || row.status !== 'released') return null;
  const who = `${honorific(row.cadre.sex)} ${row.cadre.fullName}`;
  const first = ref.variant === 'corrected' ? resultNoticeText.corrected(who) : resultNoticeText.ready(who);
  const clinic = row.clinicName ? `${row.clinicName}${row.clinicPhone ? ` (điện thoại ${row.clinicPhone})` : ''}` : null;
  return {
    text: `${first}\n${resultNoticeText.how}`,
    buttons: [{ title: resultNoticeText.button, payload: resultNoticeText.button }],
    email: { subject: resultNoticeText.emailSubject, text: resultNoticeText.email(who, clinic) },
    template: { name: 'result_released', data: { name: row.cadre.fullName } },
  };
}
