import type { CatalogContext } from '../bot/catalog';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import type { AfterCommit } from '../store/outbox';

/** What the staff pages and the staff API need; built by createApp from AppDeps. */
export interface StaffDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  sessionSecret: string;
  sessionTtlMs: number;
  secureCookies: boolean;
  publicBaseUrl: string;
  importMaxBytes: number;
  /** Largest JSON body of the staff API. */
  apiJsonMaxBytes: number;
  /** Where checked uploads wait for "apply" (one file per upload, removed after an hour). */
  uploadDir: string;
  committee: Config['committee'];
  /** How long a conversation with staff stays open without a message (a conversation staff start included). */
  handoffTimeoutMs: number;
  /** Moves outbox rows written by a committed transaction to the queues now (a replayed turn passes its replies). */
  afterCommit: AfterCommit;
  /** What a dialog turn quotes (committee, hotline): replaying a failed event runs a turn. */
  catalog: () => CatalogContext;
}
