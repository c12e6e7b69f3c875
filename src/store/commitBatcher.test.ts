import { freshStoreEachTest } from '../../test/tempStore';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { CommitBatcher } from './commitBatcher';
import { statement } from './prepared';

const temp = freshStoreEachTest('cadrecare-batch-');

const insertEvent = (key: string) => (tx: Parameters<Parameters<CommitBatcher['run']>[0]>[0]) =>
  statement(tx, "INSERT INTO inbound_events (dedupe_key, event_name, event_at, received_at) VALUES (?, 'x', 0, 0)").run(key).changes;
const keys = () => (temp.store.db.all(sql`select dedupe_key as k from inbound_events order by k`) as { k: string }[]).map((r) => r.k);

describe('CommitBatcher', () => {
  it('runs work of one tick in one transaction; a unit that throws rolls back alone', async () => {
    const batcher = new CommitBatcher(temp.store.db);
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
    const batcher = new CommitBatcher(temp.store.db);
    const done = await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        batcher.run(insertEvent(`k${i}`)).then(() => {
          // Visible from outside any transaction: committed.
          return statement(temp.store.db, 'SELECT 1 FROM inbound_events WHERE dedupe_key = ?').get(`k${i}`) !== undefined;
        }),
      ),
    );
    expect(done.every(Boolean)).toBe(true);
    expect(keys()).toHaveLength(450);
  });

  it('waits for a write lock another process holds without blocking the event loop, then commits', async () => {
    const other = new Database(temp.store.sqlite.name);
    try {
      other.exec('BEGIN IMMEDIATE');
      const batcher = new CommitBatcher(temp.store.db);
      let committed = false;
      const run = batcher.run(insertEvent('late')).then(() => (committed = true));
      // Timers keep firing while the batch waits: the process goes on serving.
      let ticks = 0;
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 5));
        ticks++;
      }
      expect(ticks).toBe(5);
      expect(committed).toBe(false);
      const joined = batcher.run(insertEvent('joined'));
      other.exec('COMMIT');
      await Promise.all([run, joined]);
      expect(keys()).toEqual(['joined', 'late']);
    } finally {
      other.close();
    }
  });

  it('gives up with SQLITE_BUSY after the connection busy_timeout, as a blocking wait would', async () => {
    temp.store.sqlite.pragma('busy_timeout = 40');
    const other = new Database(temp.store.sqlite.name);
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = performance.now();
      const err = await new CommitBatcher(temp.store.db).run(insertEvent('never')).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(performance.now() - started).toBeGreaterThanOrEqual(40);
      other.exec('ROLLBACK');
      expect(keys()).toEqual([]);
      expect(temp.store.sqlite.pragma('busy_timeout', { simple: true })).toBe(40);
    } finally {
      other.close();
    }
  });
});
