import { count, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { foldVietnamese } from './vietnamese';

/** Rows on one page of every staff list. */
export const PAGE_SIZE = 50;

/** Which rows of a list one page shows: rows `from`–`to` (1-based) of `total`. */
export interface PageWindow {
  page: number;
  pages: number;
  pageSize: number;
  offset: number;
  total: number;
  from: number;
  to: number;
}

/** The page asked for, kept inside 1..pages (a page past the end shows the last one). */
function pageWindow(total: number, requested: number, pageSize = PAGE_SIZE): PageWindow {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(requested) || 1), pages);
  const offset = (page - 1) * pageSize;
  return { page, pages, pageSize, offset, total, from: total ? offset + 1 : 0, to: Math.min(total, offset + pageSize) };
}

/** The selection that counts a list's matching rows: `db.select(rowCount).from(table).where(filter)`. */
export const rowCount = { n: count() };

/** A counting query built on `rowCount`, not run yet. */
interface CountQuery {
  get(): { n: number } | undefined;
}

/** A query for a list's rows, ordered with a unique tie-break and not run yet: the page is cut from it. */
interface PageableQuery<Row> {
  limit(limit: number): { offset(offset: number): { all(): Row[] } };
}

/**
 * One page of a staff list and where it sits in the whole: every matching row is counted, only the page's rows
 * are read, so every row is reachable and none is silently cut.
 */
export function readPage<Row>(countQuery: CountQuery, rowsQuery: PageableQuery<Row>, requested: number): { items: Row[]; window: PageWindow } {
  const window = pageWindow(countQuery.get()?.n ?? 0, requested);
  return { items: rowsQuery.limit(window.pageSize).offset(window.offset).all(), window };
}

/** The `page` query parameter of a list (1 when absent). */
export const pageParam = z.coerce.number().int().min(1).max(1_000_000).default(1);

/** `page`, `sort` and `dir` query parameters of a list whose sortable columns are `keys`. */
export function listParams<K extends string>(keys: readonly [K, ...K[]]) {
  return {
    page: pageParam,
    sort: z.enum(keys).or(z.literal('')).optional(),
    dir: z.enum(['asc', 'desc', '']).optional(),
  };
}

export type SortDir = 'asc' | 'desc';

/** ORDER BY for the chosen column (or the list's default), ties broken by `tieBreak` so pages never overlap. */
export function orderFor<K extends string>(
  columns: Record<K, AnyColumn | SQL>,
  chosen: { sort?: K | ''; dir?: SortDir | '' },
  fallback: { sort: K; dir: SortDir },
  tieBreak: AnyColumn,
): SQL[] {
  const key = chosen.sort || fallback.sort;
  const dir = chosen.dir || (chosen.sort ? 'asc' : fallback.dir);
  const col = columns[key];
  return dir === 'desc' ? [sql`${col} desc`, sql`${tieBreak} desc`] : [sql`${col} asc`, sql`${tieBreak} asc`];
}

/**
 * A search typed by staff for a person: the name with or without diacritics, in any case ("phuong", "Phương"),
 * or a part of the code. Null when nothing searchable was typed. `foldedName` is a stored folded name
 * (cadres.foldedName), so no row's name is folded while searching.
 */
export function personSearch(typed: string | undefined, foldedName: AnyColumn, code: AnyColumn): SQL | null {
  const needle = foldVietnamese(typed ?? '');
  if (!needle) return null;
  // Codes keep their punctuation ("NV-01"), so they are matched on the typed text, not the folded one.
  const codeNeedle = (typed ?? '').trim().toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return sql`(${foldedName} like ${`%${needle}%`} or lower(${code}) like ${`%${codeNeedle}%`} escape '\\')`;
}
