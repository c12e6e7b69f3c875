import { fanOutNudges } from '../domain/booking/nudges';
import { inTransaction } from '../store/db';
import { markDone } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import { CampaignNudgePayload } from './catalog';
import type { JobDeps } from './jobDeps';

/**
 * 'campaign.nudge': a campaign's timed nudge. In one transaction it schedules one notice per eligible cadre
 * without a booking (each with a subject naming campaign and cadre, skipped when it exists) and finishes its
 * own row, so a retry or a reconciler pass after a crash nudges nobody twice.
 */
export async function runCampaignNudge(deps: JobDeps, row: OutboxRow): Promise<void> {
  const { campaignId } = CampaignNudgePayload.parse(row.payload);
  const now = deps.clock.now();
  const scheduled = inTransaction(deps.db, (tx) => {
    const n = fanOutNudges(tx, campaignId, now);
    markDone(tx, row.id, 'fanout', now);
    return n;
  });
  deps.logger.info({ outboxId: row.id, campaignId, scheduled }, 'campaign nudge scheduled');
}
