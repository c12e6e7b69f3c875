/**
 * Vietnamese text primitives, written once: diacritics folding for comparing what people type, and the
 * form of address (Ông / Bà) used in every text to a cadre.
 */

/** Diacritics removed, đ -> d and Đ -> D; case and everything else kept. */
export function stripDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/**
 * Folds Vietnamese input so "Đặt lịch khám", "dat lich kham" and "ĐẶT  LỊCH KHÁM!" compare equal:
 * NFD, strip combining marks, đ -> d, lower case, punctuation to spaces, spaces collapsed.
 */
export function foldVietnamese(input: string): string {
  return stripDiacritics(input)
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, ' ')
    .trim();
}

/**
 * Lower case, no diacritics, đ -> d, single spaces, punctuation kept: how spreadsheet headers and cell labels
 * ("Loại II", "01/1950") are compared.
 */
export function foldLabel(s: string): string {
  return stripDiacritics(s).toLowerCase().replace(/\s+/g, ' ').trim();
}

/** How a cadre is addressed: "Ông" or "Bà". */
export const honorific = (sex: 'male' | 'female'): 'Ông' | 'Bà' => (sex === 'male' ? 'Ông' : 'Bà');
