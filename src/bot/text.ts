export { foldVietnamese } from '../domain/shared/vietnamese';

/** True when `phrase` (already folded) occurs in `folded` as whole words. */
export function containsPhrase(folded: string, phrase: string): boolean {
  return ` ${folded} `.includes(` ${phrase} `);
}
