import { freshStoreEachTest } from '../../test/tempStore';
import { describe, expect, it } from 'vitest';
import { getZaloUser, recordZaloUser } from './zaloUsers';

const temp = freshStoreEachTest('cadrecare-zalo-users-');

const T0 = 1_800_000_000_000;
const ID = '7300000000000000001';

describe('recordZaloUser', () => {
  it('creates the user, then changes only what a sighting brings, never moving the last interaction back', () => {
    recordZaloUser(temp.store.db, { id: ID, userIdByApp: '97300', interactedAt: T0 }, T0);
    expect(getZaloUser(temp.store.db, ID)).toMatchObject({ userIdByApp: '97300', followed: true, lastInteractionAt: T0, updatedAt: T0 });

    recordZaloUser(temp.store.db, { id: ID, interactedAt: T0 - 60_000, phone: '0912345678' }, T0 + 1_000);
    expect(getZaloUser(temp.store.db, ID)).toMatchObject({ userIdByApp: '97300', lastInteractionAt: T0, phone: '0912345678', updatedAt: T0 + 1_000 });

    recordZaloUser(temp.store.db, { id: ID, followed: false }, T0 + 2_000);
    expect(getZaloUser(temp.store.db, ID)).toMatchObject({ followed: false, phone: '0912345678', updatedAt: T0 + 2_000 });

    recordZaloUser(temp.store.db, { id: ID, interactedAt: T0 + 3_000 }, T0 + 3_000);
    expect(getZaloUser(temp.store.db, ID)).toMatchObject({ followed: false, lastInteractionAt: T0 + 3_000, updatedAt: T0 + 3_000 });
  });

  it('a sighting that changes nothing leaves the row as it was, updated time included', () => {
    recordZaloUser(temp.store.db, { id: ID, userIdByApp: '97300', followed: true, interactedAt: T0, displayName: 'Nguyễn Văn An' }, T0);
    const before = getZaloUser(temp.store.db, ID);
    // A retry of the same event, an older one, and an event that brings nothing new.
    recordZaloUser(temp.store.db, { id: ID, userIdByApp: '97300', interactedAt: T0 }, T0 + 5_000);
    recordZaloUser(temp.store.db, { id: ID, interactedAt: T0 - 1_000, followed: true }, T0 + 6_000);
    recordZaloUser(temp.store.db, { id: ID, displayName: 'Nguyễn Văn An' }, T0 + 7_000);
    expect(getZaloUser(temp.store.db, ID)).toEqual(before);
  });
});
