import { Hono } from 'hono';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { FakeZaloApi } from '../../zalo/fakeApi';
import type { AppEnv } from '../app';
import { chatRoutes } from './chat';
import { mailRoutes } from './mail';
import { Transcript } from './transcript';

export interface DevDeps {
  config: Pick<Config, 'env' | 'zalo' | 'mail' | 'committee'>;
  /** The simulator's fake Zalo API; without it there is nothing to simulate. */
  fakeZalo?: FakeZaloApi;
  clock: Clock;
  logger: Logger;
  /** Base URL of this server once it listens; the chat page POSTs its webhook events there. */
  selfUrl: () => string | undefined;
}

/**
 * The simulator's pages, to be mounted at /dev: the Zalo chat (/dev/chat) and the local mailbox
 * (/dev/mail). Returns null, so nothing is mounted, unless Zalo runs in simulator mode outside production.
 */
export function devRoutes(deps: DevDeps): Hono<AppEnv> | null {
  const { config, fakeZalo } = deps;
  if (config.env === 'production' || config.zalo.mode !== 'simulator' || !fakeZalo) return null;

  const transcript = new Transcript(() => deps.clock.now());
  transcript.follow(fakeZalo);

  return new Hono<AppEnv>()
    .get('/', (c) => c.redirect('/dev/chat'))
    .route(
      '/',
      chatRoutes({
        fake: fakeZalo,
        transcript,
        clock: deps.clock,
        logger: deps.logger,
        ids: { appId: config.zalo.appId, oaId: config.zalo.oaId },
        oaSecretKey: config.zalo.oaSecretKey,
        oaName: config.committee.name,
        selfUrl: deps.selfUrl,
      }),
    )
    .route('/', mailRoutes({ dir: config.mail.dir, smtp: Boolean(config.mail.smtpUrl) }));
}
