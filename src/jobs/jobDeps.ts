import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';

/** What every outbox job handler works with: the database it commits to, the clock and the logger. */
export interface JobDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}
