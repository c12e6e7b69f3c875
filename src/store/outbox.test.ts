import { freshStoreEachTest } from '../../test/tempStore';
import { describe, expect, it } from 'vitest';
import { inTransaction } from './db';
import { claimingOutbox, getOutbox, insertOutbox, markDone, releaseLane } from './outbox';

const temp = freshStoreEachTest('cadrecare-outbox-');

const NOW = 1_800_000_000_000;
const reply = (lane: string, dueAt = NOW) => ({ kind: 'zalo.message', payload: { userId: lane }, lane, dueAt });
const statusOf = (id: number) => getOutbox(temp.store.db, id)?.status;

describe('insertOutbox', () => {
  it('outside a claiming scope writes pending rows for the relay, and blocks a row behind its lane', () => {
    const first = insertOutbox(temp.store.db, reply('zalo-1'), NOW);
    const second = insertOutbox(temp.store.db, reply('zalo-1'), NOW);
    const timer = insertOutbox(temp.store.db, { kind: 'email.message', payload: {}, dueAt: NOW + 60_000 }, NOW);
    expect([statusOf(first), statusOf(second), statusOf(timer)]).toEqual(['pending', 'blocked', 'pending']);
  });

  it('inside a claiming scope writes a row due now as queued and hands it back; later or blocked rows are not claimed', () => {
    const earlier = insertOutbox(temp.store.db, reply('zalo-2'), NOW);
    const { value: ids, claims } = inTransaction(temp.store.db, (tx) =>
      claimingOutbox(tx, () => [
        insertOutbox(tx, reply('zalo-1'), NOW),
        insertOutbox(tx, reply('zalo-1'), NOW),
        insertOutbox(tx, reply('zalo-2'), NOW),
        insertOutbox(tx, { kind: 'email.message', payload: {}, subject: 'booking-1', dueAt: NOW + 3_600_000 }, NOW),
      ]),
    );
    const [own, behindOwn] = ids;
    expect(ids.map(statusOf)).toEqual(['queued', 'blocked', 'blocked', 'pending']);
    expect(claims).toEqual({ claimed: [{ id: own, kind: 'zalo.message', dueAt: NOW }], pending: 1 });
    expect(statusOf(earlier)).toBe('pending');

    // The lane moves on as before: once the claimed row is done, the row behind it is released.
    markDone(temp.store.db, own!, 'zalo', NOW);
    expect(releaseLane(temp.store.db, 'zalo-1', NOW)).toBe(true);
    expect(statusOf(behindOwn!)).toBe('pending');
  });

  it('a unit that throws inside the scope leaves no rows and the next scope starts empty', () => {
    expect(() =>
      inTransaction(temp.store.db, (tx) =>
        claimingOutbox(tx, () => {
          insertOutbox(tx, reply('zalo-3'), NOW);
          throw new Error('turn failed');
        }),
      ),
    ).toThrow('turn failed');
    const { claims } = inTransaction(temp.store.db, (tx) => claimingOutbox(tx, () => insertOutbox(tx, reply('zalo-3'), NOW)));
    expect(claims.claimed).toHaveLength(1);
    expect(statusOf(claims.claimed[0]!.id)).toBe('queued');
    // The scope is closed: a row written after it goes to the relay again.
    expect(statusOf(insertOutbox(temp.store.db, reply('zalo-4'), NOW))).toBe('pending');
  });
});
