import type { Clock } from '../../clock';

/**
 * Counts failed logins per key (username + client address) in a sliding window. In memory: the web role
 * runs as one process, and a restart forgetting the counts only ever helps a legitimate user.
 */
export class LoginRateLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string): number[] {
    const since = this.clock.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.maxFailures) return 0;
    return list[list.length - this.maxFailures]! + this.windowMs - this.clock.now();
  }

  recordFailure(key: string): void {
    if (this.failures.size > 50_000) this.prune();
    const list = this.recent(key);
    list.push(this.clock.now());
    this.failures.set(key, list);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
  }
}
