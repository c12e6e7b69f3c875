import type Database from 'better-sqlite3';
import { foldVietnamese } from '../domain/shared/vietnamese';

/**
 * `vi_fold(text)` in SQL: the Vietnamese folding of domain/shared/vietnamese.ts ("Nguyễn Văn Ân" -> "nguyen van
 * an"). The cadres triggers call it to keep cadres.folded_name up to date on every insert and rename, so every
 * connection that writes to the database registers it (openStore does, before migrating).
 */
export function registerFold(sqlite: Database.Database): void {
  sqlite.function('vi_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldVietnamese(text) : ''));
}
