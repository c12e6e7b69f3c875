import { sql } from 'drizzle-orm';
import { cadres, type Cadre } from '../../store/schema';

/** What a flow needs to know about a cadre: no health data. */
export interface CadreSummary {
  id: number;
  code: string;
  fullName: string;
  sex: 'male' | 'female';
  clinicId: number | null;
  frail: boolean;
  /** "n***@gmail.com", or null when the registry has no email. */
  maskedEmail: string | null;
}

export function maskEmail(email: string | null): string | null {
  if (!email || !email.includes('@')) return null;
  const [local, domain] = email.split('@') as [string, string];
  return `${local.slice(0, 1)}***@${domain}`;
}

/** The cadre columns a summary is made of. */
export type SummarySource = Pick<Cadre, 'id' | 'code' | 'fullName' | 'sex' | 'clinicId' | 'frail' | 'email'>;

export function toCadreSummary(c: SummarySource): CadreSummary {
  return {
    id: c.id,
    code: c.code,
    fullName: c.fullName,
    sex: c.sex,
    clinicId: c.clinicId,
    frail: c.frail,
    maskedEmail: maskEmail(c.email),
  };
}

/** The condition matching a cadre code as staff and cadres type it: trimmed, in any case ("cb0007" is CB0007). */
export const cadreCodeIs = (code: string) => sql`lower(${cadres.code}) = ${code.trim().toLowerCase()}`;
