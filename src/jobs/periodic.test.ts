import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runEvery } from './periodic';

describe('runEvery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one pass at a time, keeps going after a failed pass, and stop waits for the pass under way', async () => {
    const events: string[] = [];
    const errors: string[] = [];
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let calls = 0;
    const stop = runEvery(
      100,
      async () => {
        const n = ++calls;
        events.push(`start ${n}`);
        if (n === 1) throw new Error('first pass failed');
        await gate;
        events.push(`end ${n}`);
      },
      (err) => errors.push(err.message),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(errors).toEqual(['first pass failed']);
    // The second pass hangs: the ticks after it wait behind it instead of overlapping it.
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['start 1', 'start 2']);

    let stopDone = false;
    const stopped = stop().then(() => (stopDone = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopDone).toBe(false);
    openGate();
    await stopped;
    // Every pass ended before the next began, and stop returned only after the last one.
    expect(events.slice(1)).toEqual(Array.from({ length: calls - 1 }, (_, i) => [`start ${i + 2}`, `end ${i + 2}`]).flat());
    const callsAtStop = calls;
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(callsAtStop);
  });
});
