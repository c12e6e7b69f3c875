import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../src/store/db';

/**
 * A migrated SQLite file of its own for every test of the calling file, closed and removed after the test.
 * Read `.store` inside a test (it is replaced before each one).
 */
export function freshStoreEachTest(prefix: string): { readonly store: Store } {
  let current: Store | undefined;
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    current = openStore(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    current?.close();
    current = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store(): Store {
      if (!current) throw new Error('the store exists only inside a test');
      return current;
    },
  };
}
