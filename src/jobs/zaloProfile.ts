import { eq } from 'drizzle-orm';
import { markDone } from '../store/outbox';
import { outbox, zaloUsers, type OutboxRow } from '../store/schema';
import type { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { jobCatalog } from './catalog';
import type { JobDeps } from './jobDeps';

export interface ZaloProfileDeps extends JobDeps {
  zalo: ZaloClient;
}

/**
 * Stores a Zalo user's display name from the profile API (e.g. someone asking to act as a proxy, so staff
 * see who asked). A refusal (unknown user, no permission) finishes the row with the reason; transient
 * errors retry.
 */
export async function fetchZaloProfile(deps: ZaloProfileDeps, row: OutboxRow): Promise<void> {
  const { userId } = jobCatalog['zalo.profile'].payload.parse(row.payload);
  try {
    const profile = await deps.zalo.getProfile(userId);
    const name = profile.displayName?.trim().slice(0, 100);
    if (name) deps.db.update(zaloUsers).set({ displayName: name, updatedAt: deps.clock.now() }).where(eq(zaloUsers.id, userId)).run();
    markDone(deps.db, row.id, 'zalo', deps.clock.now());
  } catch (err) {
    if (!(err instanceof ZaloApiError) || err.kind === 'transient' || err.kind === 'auth') throw err;
    deps.logger.warn({ outboxId: row.id, code: err.code }, 'Zalo profile not available');
    markDone(deps.db, row.id, 'none', deps.clock.now());
    deps.db.update(outbox).set({ lastError: `profile refused: ${err.code}` }).where(eq(outbox.id, row.id)).run();
  }
}
