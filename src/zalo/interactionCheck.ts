import type { ZaloClient } from './client';
import { ZaloApiError } from './errors';

/**
 * Zalo's own view of a user's last interaction (the quota call, ZALO.md §7), cached briefly so a burst of
 * notices asks once per user. Where Zalo does not offer the call (or answers without a time), the caller keeps
 * what the events told us.
 */
export class InteractionCheck {
  private readonly cache = new Map<string, { at: number; lastInteraction: number | null }>();

  constructor(
    private readonly zalo: Pick<ZaloClient, 'lastInteraction'>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Epoch ms of the user's last interaction as Zalo knows it; null when Zalo does not say. */
  async lastInteraction(userId: string): Promise<number | null> {
    const now = this.now();
    const hit = this.cache.get(userId);
    if (hit && now - hit.at < this.ttlMs) return hit.lastInteraction;
    let value: number | null;
    try {
      value = await this.zalo.lastInteraction(userId);
    } catch (err) {
      // A passing fault is not remembered; a refusal (the OA lacks the call) is, for as long as an answer would be.
      if (!(err instanceof ZaloApiError) || err.kind === 'transient') return null;
      value = null;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(userId, { at: now, lastInteraction: value });
    return value;
  }
}
