import { loadConfigOrExit } from '../config';
import { listFailedEvents, replayFailedEvent } from '../domain/conversations/failedEvents';
import { openStore } from '../store/db';
import { inboundEventFromBody } from '../zalo/events';

/**
 * Lists the webhook events whose turn failed, or runs them again:
 *   npm run events:failed            list the ones waiting
 *   npm run events:failed -- 12 15   replay events 12 and 15
 *   npm run events:failed -- --all   replay every waiting event
 * Replies are written to the outbox; the running service's reconciler sends them.
 */
async function main() {
  const config = loadConfigOrExit();
  const store = openStore(config.databaseFile);
  const args = process.argv.slice(2);
  try {
    const waiting = listFailedEvents(store.db, 'failed', 10_000);
    if (!args.length) {
      if (!waiting.length) console.log('No failed events waiting.');
      for (const r of waiting) console.log(`${r.id}\t${new Date(r.failedAt).toISOString()}\t${r.eventName}\t${r.zaloUserId}\t${r.attempts}x\t${r.error.split('\n')[0]}`);
      return;
    }
    const ids = args.includes('--all') ? waiting.map((r) => r.id) : args.map(Number);
    let failed = 0;
    for (const id of ids) {
      try {
        const outcome = replayFailedEvent(store.db, id, { type: 'system', id: 'cli' }, Date.now(), {
          committeeName: config.committee.name,
          hotline: config.committee.hotline,
          requestInfoImageUrl: config.zalo.requestInfoImageUrl,
        }, inboundEventFromBody);
        console.log(`${id}: replayed (${outcome.status})`);
      } catch (err) {
        failed++;
        console.error(`${id}: ${(err as Error).message}`);
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    store.close();
  }
}

void main();
