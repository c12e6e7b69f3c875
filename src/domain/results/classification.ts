import { foldLabel } from '../shared/vietnamese';

/**
 * Health classification schemes. A committee chooses one at setup (HEALTH_CLASS_SCHEME): Loại I–V, the
 * long-standing default, or A / B1 / B2 / C / D (Decision 1266/QĐ-BYT, 2020). This module is the only place
 * that knows the classes, their Vietnamese labels and what each means in plain words for the cadre.
 *
 * The codes of the schemes never overlap, so a stored code names its own scheme: a result classified "III"
 * keeps showing "Loại III – Trung bình" after the committee moves to A–D, and nothing stored is rewritten.
 * New entries and imports accept the codes of the active scheme only.
 */

export const classSchemeIds = ['I-V', 'A-D'] as const;
export type ClassSchemeId = (typeof classSchemeIds)[number];

export interface HealthClassDef {
  code: string;
  /** Short Vietnamese label shown beside the code. */
  label: string;
  /** What the class means, in plain words for an elderly reader. */
  plain: string;
}

const romanClasses = [
  { code: 'I', label: 'Rất khỏe', plain: 'Sức khỏe rất tốt.' },
  { code: 'II', label: 'Khỏe', plain: 'Sức khỏe tốt; nếu có bệnh thì nhẹ, không ảnh hưởng đến sinh hoạt.' },
  { code: 'III', label: 'Trung bình', plain: 'Sức khỏe ở mức trung bình; có một số bệnh cần theo dõi và giữ gìn.' },
  { code: 'IV', label: 'Yếu', plain: 'Sức khỏe yếu; có bệnh cần điều trị và theo dõi thường xuyên.' },
  { code: 'V', label: 'Rất yếu', plain: 'Sức khỏe rất yếu; cần được chăm sóc và điều trị đặc biệt.' },
] as const satisfies readonly HealthClassDef[];

const letterClasses = [
  { code: 'A', label: 'Khỏe mạnh', plain: 'Sức khỏe tốt, không có bệnh hoặc chỉ có bệnh nhẹ.' },
  { code: 'B1', label: 'Có bệnh đã ổn định', plain: 'Có bệnh mạn tính đã ổn định; vẫn sinh hoạt và làm việc bình thường.' },
  { code: 'B2', label: 'Có bệnh cần theo dõi', plain: 'Có bệnh cần điều trị và khám lại định kỳ; sức khỏe bị ảnh hưởng một phần.' },
  { code: 'C', label: 'Bệnh nặng', plain: 'Có bệnh nặng cần điều trị thường xuyên; sức khỏe bị hạn chế nhiều.' },
  { code: 'D', label: 'Bệnh rất nặng', plain: 'Bệnh rất nặng; cần được chăm sóc và điều trị đặc biệt.' },
] as const satisfies readonly HealthClassDef[];

/** Each scheme's classes, best first. */
const classSchemes = {
  'I-V': { id: 'I-V', name: 'Loại I–V', classes: romanClasses },
  'A-D': { id: 'A-D', name: 'A, B1, B2, C, D (Quyết định 1266/QĐ-BYT năm 2020)', classes: letterClasses },
} as const satisfies Record<ClassSchemeId, { id: ClassSchemeId; name: string; classes: readonly HealthClassDef[] }>;

/** Every code a result or a registry row may hold, of any scheme (the stored column's values). */
export const healthClassCodes = [...romanClasses.map((c) => c.code), ...letterClasses.map((c) => c.code)] as [
  (typeof romanClasses)[number]['code'] | (typeof letterClasses)[number]['code'],
  ...((typeof romanClasses)[number]['code'] | (typeof letterClasses)[number]['code'])[],
];
export type HealthClassCode = (typeof healthClassCodes)[number];

const byCode = new Map<string, HealthClassDef & { scheme: ClassSchemeId; rank: number }>();
for (const id of classSchemeIds) classSchemes[id].classes.forEach((c, rank) => byCode.set(c.code, { ...c, scheme: id, rank }));

const isHealthClassCode = (code: string): code is HealthClassCode => byCode.has(code);

/** The class a stored code stands for, with the scheme it belongs to and its rank there (0 = best). */
export function healthClassOf(code: string | null | undefined): (HealthClassDef & { scheme: ClassSchemeId; rank: number }) | null {
  return code ? (byCode.get(code) ?? null) : null;
}

/** The codes of a scheme, best first. */
export function classCodes(scheme: ClassSchemeId): HealthClassCode[] {
  return classSchemes[scheme].classes.map((c) => c.code);
}

/** "Loại III – Trung bình": the code with its label, in its own scheme; "Chưa phân loại" when absent. */
export function healthClassLabel(code: string | null | undefined): string {
  const c = healthClassOf(code);
  if (!code) return 'Chưa phân loại';
  return c ? `Loại ${c.code} – ${c.label}` : `Loại ${code}`;
}

/** The two lowest classes of a scheme (worst last): the results that call for a follow-up. */
export function lowestTwoClasses(scheme: ClassSchemeId): HealthClassCode[] {
  return classCodes(scheme).slice(-2);
}

/**
 * The classes that call for a follow-up: the two lowest of each scheme (IV, V and C, D). The codes of the
 * schemes never overlap, so a result is judged in the scheme it was classified under, whichever is active now.
 */
export function lowestHealthClasses(): HealthClassCode[] {
  return classSchemeIds.flatMap((id) => lowestTwoClasses(id));
}

/** "I, II, III, IV, V": the codes of a scheme as an error message names them. */
export const allowedCodesText = (scheme: ClassSchemeId): string => classCodes(scheme).join(', ');

/** How a template's class column is filled in the scheme: each code with its label, and what else is read. */
export function healthClassHelp(scheme: ClassSchemeId): string {
  const list = classSchemes[scheme].classes.map((c) => `${c.code} (${c.label})`).join(', ');
  return `${list}${scheme === 'I-V' ? '; cũng nhận 1–5 và “Loại II”' : '; chữ hoa hay thường đều được'}.`;
}

/**
 * A class as typed in a form or a spreadsheet cell, read in the active scheme: case and a leading "Loại"
 * ignored, Loại I–V also as 1–5. Returns null for an empty value, undefined when not a class of the scheme.
 */
export function parseHealthClass(input: string, scheme: ClassSchemeId): HealthClassCode | null | undefined {
  const folded = foldLabel(input)
    .replace(/^loai\s*/, '')
    .replace(/\s+/g, '')
    .toUpperCase();
  if (!folded) return null;
  const codes = classCodes(scheme);
  if (scheme === 'I-V' && /^[1-5]$/.test(folded)) return codes[Number(folded) - 1];
  return codes.find((c) => c === folded);
}

/**
 * The class chosen on a result form: a code of the active scheme, or the code the result already holds (a
 * draft or correction of a result classified under an earlier scheme keeps it unless staff change it).
 * Null for "not classified"; undefined when neither.
 */
export function chosenHealthClass(input: string, scheme: ClassSchemeId, current: string | null = null): HealthClassCode | null | undefined {
  if (current && input.trim() === current && isHealthClassCode(current)) return current;
  return parseHealthClass(input, scheme);
}

/** The choices a result form offers: the active scheme's classes, and the one the result holds if of another scheme. */
export function healthClassChoices(scheme: ClassSchemeId, current: string | null = null): HealthClassCode[] {
  const codes = classCodes(scheme);
  return current && isHealthClassCode(current) && !codes.includes(current) ? [...codes, current] : codes;
}
