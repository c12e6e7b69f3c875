/**
 * Vietnamese phone numbers in one form (ZALO.md §6): E.164 digits without '+', "84" followed by the
 * 9-digit subscriber number. Accepts 0912 345 678, 84912345678, +84 912-345-678, (084) 912345678.
 * Returns null for anything that is not a plausible Vietnamese number.
 */
export function normalizePhone(input: string | number | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  let digits = String(input).replace(/\D+/g, '');
  if (digits.startsWith('0084')) digits = digits.slice(4);
  else if (digits.startsWith('84') && digits.length >= 11) digits = digits.slice(2);
  if (digits.startsWith('0')) digits = digits.slice(1);
  // Mobile (9 digits) and landline with area code (9-10 digits).
  if (!/^[1-9]\d{8,9}$/.test(digits)) return null;
  return `84${digits}`;
}

/** Shows a stored phone the Vietnamese way: 0912 345 678. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '';
  const local = e164.startsWith('84') ? `0${e164.slice(2)}` : e164;
  return local.length === 10 ? `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}` : local;
}

/** The `tel:` address of a stored phone (+84…), so one tap on a phone calls it; '' when there is none. */
export function telHref(e164: string | null | undefined): string {
  if (!e164) return '';
  return /^84\d{8,10}$/.test(e164) ? `tel:+${e164}` : `tel:${e164.replace(/[^\d+]/g, '')}`;
}
