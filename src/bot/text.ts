/**
 * Folds Vietnamese input so "Đặt lịch khám", "dat lich kham" and "ĐẶT  LỊCH KHÁM!" compare equal:
 * NFD, strip combining marks, đ -> d, lower case, punctuation to spaces, spaces collapsed.
 */
export function foldVietnamese(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, ' ')
    .trim();
}

/** True when `phrase` (already folded) occurs in `folded` as whole words. */
export function containsPhrase(folded: string, phrase: string): boolean {
  return ` ${folded} `.includes(` ${phrase} `);
}
