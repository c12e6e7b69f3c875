import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Mailer } from '../email/mailer';
import type { BroadcastJobs } from '../jobs/broadcast';
import type { OutboxRelay } from '../jobs/outboxRelay';
import type { Queues } from '../jobs/queues';
import type { ReconcilerDeps } from '../jobs/reconciler';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { CommitBatcher } from '../store/commitBatcher';
import type { Store } from '../store/db';
import type { AfterCommit } from '../store/outbox';
import type { Cleanups } from './cleanups';
import type { Settings } from './settings';
import type { ZaloParts } from './zalo';

/** What every role is built from: the config and the values derived from it once, the stores, queues and Zalo. */
export interface Parts {
  config: Config;
  settings: Settings;
  logger: Logger;
  clock: Clock;
  store: Store;
  /** One group committer per connection: webhook turns and broadcast sends share commits under load. */
  commits: CommitBatcher;
  mailer: Mailer;
  redisUrl: string;
  producer: Redis;
  queues: Queues;
  relay: OutboxRelay;
  reconciler: ReconcilerDeps;
  broadcasts: BroadcastJobs;
  metrics: Metrics;
  zalo: ZaloParts;
  /** The one hook after a transaction wrote outbox rows: move them to the queues now, not at the next reconcile. */
  afterCommit: AfterCommit;
  cleanups: Cleanups;
}
