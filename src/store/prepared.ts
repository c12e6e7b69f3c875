import type Database from 'better-sqlite3';
import { clientOf, type DbOrTx } from './db';

/**
 * Statements on the webhook's hot path are prepared once per connection and reused: building and preparing
 * SQL on every call cost more than running it. A statement prepared on the connection runs inside whatever
 * transaction is open on it.
 */
const caches = new WeakMap<Database.Database, Map<string, unknown>>();

/** Returns the cached value for `key` on this connection, building it on first use. */
export function prepared<T>(db: DbOrTx, key: string, build: (client: Database.Database) => T): T {
  const client = clientOf(db);
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map()));
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = build(client);
    cache.set(key, value);
  }
  return value;
}

/** A raw better-sqlite3 statement, prepared once per connection. */
export const statement = (db: DbOrTx, sqlText: string): Database.Statement => prepared(db, sqlText, (client) => client.prepare(sqlText));

/** A raw statement whose rows have the shape `Row` (the SQL's column aliases name the fields), prepared once per connection. */
export const rowsOf = <Row>(db: DbOrTx, sqlText: string): Database.Statement<unknown[], Row> =>
  prepared(db, sqlText, (client) => client.prepare<unknown[], Row>(sqlText));
