import MiniSearch from 'minisearch';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { foldVietnamese } from '../shared/vietnamese';
import type { AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { rowsOf } from '../../store/prepared';
import { clinics, faqEntries, type FaqEntry } from '../../store/schema';
import { editableList } from '../staff/editableList';

/**
 * Answers to simple questions, managed by staff (/staff/faq) and searched by the bot over folded text with a
 * small full-text index (MiniSearch). Words and pairs of adjacent words are indexed, so "ở đâu" or "giờ làm
 * việc" match as phrases; an answer is given only when it covers most of what was asked, else staff are offered.
 */

export const FaqInput = z.object({
  question: z.string().trim().min(3, 'Xin nhập câu hỏi.').max(200),
  phrasings: z.string().trim().max(2000).default(''),
  answer: z.string().trim().min(3, 'Xin nhập câu trả lời.').max(1500),
  active: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).default(false),
  sortOrder: z.coerce.number().int().min(0).max(999).default(0),
});
export type FaqInput = z.infer<typeof FaqInput>;

/** Placeholders an answer may hold, filled from the clinics table when the bot answers. */
export const faqPlaceholders = {
  '{dia_chi}': 'địa chỉ các nơi khám, kèm đường dẫn bản đồ',
  '{dien_thoai}': 'điện thoại các nơi khám',
  '{gio_lam_viec}': 'giờ làm việc các nơi khám',
  '{hotline}': 'số đường dây nóng',
} as const;

export function listFaq(db: DbOrTx): FaqEntry[] {
  return db.select().from(faqEntries).orderBy(asc(faqEntries.sortOrder), asc(faqEntries.id)).all();
}

const faqList = editableList(faqEntries, { action: 'faq', entity: 'faq_entry' }, 'Không có câu hỏi này.');

export function getFaq(db: DbOrTx, id: number): FaqEntry {
  return faqList.get(db, id);
}

export function saveFaq(db: Db, actor: AuditActor, id: number | null, input: FaqInput, now: number): FaqEntry {
  return inTransaction(db, (tx) => faqList.save(tx, actor, id, (stamp) => ({ ...input, ...stamp }), now));
}

export function deleteFaq(db: Db, actor: AuditActor, id: number, now: number): void {
  inTransaction(db, (tx) => faqList.remove(tx, actor, id, now));
}

// --- search ---------------------------------------------------------------------------------------------------

/** Words that say nothing on their own; they still count inside word pairs ("ở đâu"). */
const STOP = new Set(['a', 'ah', 'nhe', 'nha', 'voi', 'cho', 'toi', 'la', 'gi', 'cua', 'thi', 'va', 'o', 'oi', 'chau', 'ong', 'ba', 'xin', 'hoi', 'em', 'anh', 'chi', 'co', 'khong', 'duoc', 'nao', 'the', 'vay', 'minh', 'ban', 'can', 'muon', 'biet', 'lam', 'sao']);

/** Folded words (without stop words) and every pair of adjacent words, joined by "_". */
function faqTerms(text: string): string[] {
  const words = foldVietnamese(text).split(' ').filter(Boolean);
  const pairs = words.slice(1).map((w, i) => `${words[i]}_${w}`);
  return [...words.filter((w) => !STOP.has(w)), ...pairs];
}

interface Indexed {
  id: number;
  question: string;
  phrasings: string;
}

interface FaqHit {
  id: number;
  question: string;
  answer: string;
}

export interface FaqLookups {
  /** The entry that answers `text` well, with its placeholders filled (the cadre's clinic first); else null. */
  answer(text: string, clinicId: number | null, hotline: string): FaqHit | null;
}

/** One index per process, rebuilt when what it indexes (ids, questions, phrasings) changes. */
let cached: { rows: Indexed[]; index: MiniSearch<Indexed> } | null = null;

const sameRows = (a: Indexed[], b: Indexed[]) =>
  a.length === b.length && a.every((r, i) => r.id === b[i]!.id && r.question === b[i]!.question && r.phrasings === b[i]!.phrasings);

function indexOf(tx: DbOrTx): MiniSearch<Indexed> {
  // A few dozen short rows, read by a statement prepared once (building the query each turn cost more than
  // running it); rebuilding the index only happens after an edit.
  const rows = rowsOf<Indexed>(tx, 'SELECT id, question, phrasings FROM faq_entries WHERE active = 1 ORDER BY id').all();
  if (cached && sameRows(cached.rows, rows)) return cached.index;
  const index = new MiniSearch<Indexed>({ fields: ['question', 'phrasings'], storeFields: ['id'], tokenize: faqTerms, processTerm: (term) => term });
  index.addAll(rows);
  cached = { rows, index };
  return index;
}

/**
 * The best entry for `text`, only when it answers well: it matches a word pair, or at least two words, and
 * covers at least half of what was asked (words and pairs alike). "tôi muốn đổi phòng khám" shares
 * "phòng khám" with the address entry but is not a question about it.
 */
function bestFaq(tx: DbOrTx, text: string): number | null {
  const asked = [...new Set(faqTerms(text))];
  // Checked before the index is read: most messages ("1", "menu") are a single term.
  if (asked.length < 2) return null;
  const results = indexOf(tx).search(text, {
    tokenize: faqTerms,
    processTerm: (term) => term,
    fuzzy: (term) => (!term.includes('_') && term.length >= 5 ? 0.2 : false),
    boost: { question: 2 },
    combineWith: 'OR',
  });
  const top = results[0];
  if (!top) return null;
  const matched = new Set(top.queryTerms);
  const pairs = [...matched].filter((t) => t.includes('_')).length;
  const covered = matched.size / asked.length;
  if ((pairs >= 1 || matched.size >= 2) && covered >= 0.5) return top.id as number;
  return null;
}

const mapLink = (address: string) => `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`;

/** Fills the placeholders of an answer from the clinics (the cadre's own clinic first). */
export function renderFaqAnswer(tx: DbOrTx, answer: string, clinicId: number | null, hotline: string): string {
  if (!/\{(dia_chi|dien_thoai|gio_lam_viec|hotline)\}/.test(answer)) return answer;
  const all = tx.select().from(clinics).orderBy(asc(clinics.id)).all();
  const list = [...all.filter((c) => c.id === clinicId), ...all.filter((c) => c.id !== clinicId)].slice(0, 5);
  const lines = (pick: (c: (typeof all)[number]) => string | null) => list.map(pick).filter(Boolean).join('\n') || '—';
  return answer
    .replaceAll('{dia_chi}', lines((c) => (c.address ? `• ${c.name}: ${c.address}\n  Bản đồ: ${mapLink(`${c.name}, ${c.address}`)}` : null)))
    .replaceAll('{dien_thoai}', lines((c) => (c.phone ? `• ${c.name}: ${c.phone}` : null)))
    .replaceAll('{gio_lam_viec}', lines((c) => (c.workingHours ? `• ${c.name}: ${c.workingHours}` : null)))
    .replaceAll('{hotline}', hotline);
}

export function createFaqLookups(tx: DbOrTx): FaqLookups {
  return {
    answer(text, clinicId, hotline) {
      const id = bestFaq(tx, text);
      const row = id === null ? undefined : tx.select().from(faqEntries).where(eq(faqEntries.id, id)).get();
      return row?.active ? { id: row.id, question: row.question, answer: renderFaqAnswer(tx, row.answer, clinicId, hotline) } : null;
    },
  };
}
