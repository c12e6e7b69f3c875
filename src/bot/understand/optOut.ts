import { stripDiacritics } from '../../domain/shared/vietnamese';

/** Which opt-out command a message is, if any: diacritics make the phrase certain; unaccented text must be the command alone. */
export function broadcastPreferenceCommand(text: string): 'stop' | 'resume' | null {
  const lower = text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const folded = stripDiacritics(lower);
  if (folded !== lower) {
    // "nhắn tin lại" (text back) folds like "nhận tin lại": only the accented phrase counts.
    if (/(^| )(dừng|hủy|huỷ|ngừng) nhận tin( |$)/.test(lower)) return 'stop';
    if (/(^| )nhận tin lại( |$)/.test(lower)) return 'resume';
    return null;
  }
  if (['dung nhan tin', 'huy nhan tin', 'ngung nhan tin'].includes(folded)) return 'stop';
  if (folded === 'nhan tin lai') return 'resume';
  return null;
}
