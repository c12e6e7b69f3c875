import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './db';
import { getZaloUser, recordZaloUser } from './zaloUsers';

let store: Store;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadrecare-zalo-users-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_800_000_000_000;
const ID = '7300000000000000001';

describe('recordZaloUser', () => {
  it('creates the user, then changes only what a sighting brings, never moving the last interaction back', () => {
    recordZaloUser(store.db, { id: ID, userIdByApp: '97300', interactedAt: T0 }, T0);
    expect(getZaloUser(store.db, ID)).toMatchObject({ userIdByApp: '97300', followed: true, lastInteractionAt: T0, updatedAt: T0 });

    recordZaloUser(store.db, { id: ID, interactedAt: T0 - 60_000, phone: '0912345678' }, T0 + 1_000);
    expect(getZaloUser(store.db, ID)).toMatchObject({ userIdByApp: '97300', lastInteractionAt: T0, phone: '0912345678', updatedAt: T0 + 1_000 });

    recordZaloUser(store.db, { id: ID, followed: false }, T0 + 2_000);
    expect(getZaloUser(store.db, ID)).toMatchObject({ followed: false, phone: '0912345678', updatedAt: T0 + 2_000 });

    recordZaloUser(store.db, { id: ID, interactedAt: T0 + 3_000 }, T0 + 3_000);
    expect(getZaloUser(store.db, ID)).toMatchObject({ followed: false, lastInteractionAt: T0 + 3_000, updatedAt: T0 + 3_000 });
  });

  it('a sighting that changes nothing leaves the row as it was, updated time included', () => {
    recordZaloUser(store.db, { id: ID, userIdByApp: '97300', followed: true, interactedAt: T0, displayName: 'Nguyễn Văn An' }, T0);
    const before = getZaloUser(store.db, ID);
    // A retry of the same event, an older one, and an event that brings nothing new.
    recordZaloUser(store.db, { id: ID, userIdByApp: '97300', interactedAt: T0 }, T0 + 5_000);
    recordZaloUser(store.db, { id: ID, interactedAt: T0 - 1_000, followed: true }, T0 + 6_000);
    recordZaloUser(store.db, { id: ID, displayName: 'Nguyễn Văn An' }, T0 + 7_000);
    expect(getZaloUser(store.db, ID)).toEqual(before);
  });
});
