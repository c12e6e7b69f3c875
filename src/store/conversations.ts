import { and, eq } from 'drizzle-orm';
import { AppError } from '../errors';
import type { DbOrTx } from './db';
import { conversations } from './schema';

export interface StoredConversation {
  state: unknown;
  version: number;
}

export function loadConversation(tx: DbOrTx, zaloUserId: string): StoredConversation {
  const row = tx.select().from(conversations).where(eq(conversations.zaloUserId, zaloUserId)).get();
  return row ? { state: row.state, version: row.version } : { state: null, version: 0 };
}

/** Saves the state if nobody committed a turn for this user since `version` was read. */
export function saveConversation(tx: DbOrTx, zaloUserId: string, state: unknown, version: number, now: number): number {
  const next = version + 1;
  if (version === 0) {
    tx.insert(conversations).values({ zaloUserId, state, version: next, updatedAt: now }).run();
    return next;
  }
  const res = tx
    .update(conversations)
    .set({ state, version: next, updatedAt: now })
    .where(and(eq(conversations.zaloUserId, zaloUserId), eq(conversations.version, version)))
    .run();
  if (res.changes !== 1) throw new AppError('conflict', 'conversation changed concurrently');
  return next;
}
