import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { CommitBatcher } from './commitBatcher';
import { openStore, type Store } from './db';
import { statement } from './prepared';

let store: Store;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadrecare-batch-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const insertEvent = (key: string) => (tx: Parameters<Parameters<CommitBatcher['run']>[0]>[0]) =>
  statement(tx, "INSERT INTO inbound_events (dedupe_key, event_name, event_at, received_at) VALUES (?, 'x', 0, 0)").run(key).changes;
const keys = () => (store.db.all(sql`select dedupe_key as k from inbound_events order by k`) as { k: string }[]).map((r) => r.k);

describe('CommitBatcher', () => {
  it('runs work of one tick in one transaction; a unit that throws rolls back alone', async () => {
    const batcher = new CommitBatcher(store.db);
    const results = await Promise.allSettled([
      batcher.run(insertEvent('a')),
      batcher.run((tx) => {
        insertEvent('b')(tx);
        throw new Error('this unit fails after writing');
      }),
      batcher.run(insertEvent('c')),
      batcher.run(insertEvent('a')), // a unique-key conflict fails only this unit
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(keys()).toEqual(['a', 'c']);
  });

  it('settles every promise only after the commit', async () => {
    const batcher = new CommitBatcher(store.db);
    const done = await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        batcher.run(insertEvent(`k${i}`)).then(() => {
          // Visible from outside any transaction: committed.
          return statement(store.db, 'SELECT 1 FROM inbound_events WHERE dedupe_key = ?').get(`k${i}`) !== undefined;
        }),
      ),
    );
    expect(done.every(Boolean)).toBe(true);
    expect(keys()).toHaveLength(450);
  });
});
