import { describe, expect, it } from 'vitest';
import { CAPPED_BACKOFF_MAX_MS, cappedBackoff, jobOptions, outboxJobId } from './catalog';

describe('job catalog', () => {
  it('job ids are deterministic, contain no colon and are not all digits', () => {
    expect(outboxJobId(42)).toBe('outbox-42');
    expect(outboxJobId(42)).not.toMatch(/:|^\d+$/);
  });

  it('Zalo sends back off exponentially; email keeps trying for hours with waits capped at 5 minutes', () => {
    const policy = { attempts: 8, backoffMs: 1000 };
    expect(jobOptions(policy, 'zalo.message')).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 1000 } });
    const email = jobOptions(policy, 'email.message');
    expect(email).toMatchObject({ attempts: 60, backoff: { type: 'capped', delay: 1000 } });
    const waits = Array.from({ length: 59 }, (_, i) => cappedBackoff(i + 1, 'capped', 1000));
    expect(waits.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...waits)).toBe(CAPPED_BACKOFF_MAX_MS);
    const totalHours = waits.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(totalHours).toBeGreaterThan(4);
    expect(cappedBackoff(3, 'exponential', 1000)).toBe(-1);
  });
});
