import { AppError } from '../errors';
import type { DbOrTx } from './db';
import { rowsOf, statement } from './prepared';

export interface StoredConversation {
  state: unknown;
  version: number;
}

export function loadConversation(tx: DbOrTx, zaloUserId: string): StoredConversation {
  const row = rowsOf<{ state: string; version: number }>(tx, 'SELECT state, version FROM conversations WHERE zalo_user_id = ?').get(zaloUserId);
  return row ? { state: JSON.parse(row.state), version: row.version } : { state: null, version: 0 };
}

/** Saves the state if nobody committed a turn for this user since `version` was read. */
export function saveConversation(tx: DbOrTx, zaloUserId: string, state: unknown, version: number, now: number): number {
  const next = version + 1;
  const json = JSON.stringify(state);
  const res =
    version === 0
      ? statement(tx, 'INSERT INTO conversations (zalo_user_id, state, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
          zaloUserId,
          json,
          next,
          now,
        )
      : statement(tx, 'UPDATE conversations SET state = ?, version = ?, updated_at = ? WHERE zalo_user_id = ? AND version = ?').run(
          json,
          next,
          now,
          zaloUserId,
          version,
        );
  if (res.changes !== 1) throw new AppError('conflict', 'conversation changed concurrently');
  return next;
}
