import type { Clock } from '../clock';
import type { Config } from '../config';
import { ZaloDelivery } from '../jobs/zaloDelivery';
import type { Logger } from '../logger';
import type { CommitBatcher } from '../store/commitBatcher';
import type { Store } from '../store/db';
import { oaTokens } from '../store/schema';
import { ZaloClient } from '../zalo/client';
import { FakeZaloApi } from '../zalo/fakeApi';
import { InteractionCheck } from '../zalo/interactionCheck';
import { alertAdminsOfTokenFailure } from '../zalo/tokenAlerts';
import { OaTokenManager, saveTokenPair } from '../zalo/tokens';
import type { Cleanups } from './cleanups';
import type { Settings } from './settings';

export interface ZaloParts {
  zalo: ZaloClient;
  tokens: OaTokenManager;
  delivery: ZaloDelivery;
  interactions: InteractionCheck;
  /** Where the OA consent page lives (the fake's address in simulator mode). */
  oauthBase: string;
  /** The simulator's fake Zalo API, when the runtime runs one. */
  fakeZalo?: FakeZaloApi;
}

interface ZaloEnv {
  config: Config;
  settings: Settings;
  store: Store;
  clock: Clock;
  logger: Logger;
  cleanups: Cleanups;
  /** The process's group commit: the send records of concurrent sends share commits. */
  commits: CommitBatcher;
  /** Outbox rows were committed (the token alert): move them to the queues now. */
  afterCommit: () => void;
  /** A fake to use instead of starting one (simulator mode) or talking to Zalo (tests). */
  fakeZalo?: FakeZaloApi;
}

/** The Zalo side: the real API, or the fake that speaks its contract (simulator mode and tests), with its tokens. */
export async function startZalo(env: ZaloEnv): Promise<ZaloParts> {
  const { config, store, clock, logger } = env;
  let fakeZalo = env.fakeZalo;
  let apiBase = config.zalo.apiBase;
  let oauthBase = config.zalo.oauthBase;
  let businessBase = config.zalo.businessBase;
  if (config.zalo.mode === 'simulator' && !fakeZalo) {
    const fake = new FakeZaloApi(() => clock.now());
    fakeZalo = fake;
    const base = await fake.listen();
    env.cleanups.push(() => fake.close());
    apiBase = oauthBase = businessBase = base;
    // The simulator's fake lives in memory and knows only the tokens it issued this time: store its pair.
    saveTokenPair(store.db, fake.issueTokens(), clock.now());
  }
  seedTokens(env, fakeZalo);

  let zaloRef: ZaloClient | undefined;
  const tokens = new OaTokenManager({
    db: store.db,
    clock,
    logger,
    refresh: (refreshToken) => {
      if (!zaloRef) throw new Error('the Zalo client is not built yet');
      return zaloRef.refreshAccessToken(refreshToken);
    },
    onRefreshFailed: (err) => {
      logger.error({ code: err.code }, 'OA token refresh needs an OA admin to reconnect');
      try {
        const ids = alertAdminsOfTokenFailure(store.db, err, clock.now(), { committeeName: config.committee.name, publicBaseUrl: config.http.publicBaseUrl });
        if (ids.length) env.afterCommit();
      } catch (alertErr) {
        logger.error({ err: (alertErr as Error).message }, 'could not queue the OA token alert');
      }
    },
  });
  const zalo = new ZaloClient(
    { apiBase, oauthBase, businessBase, appId: config.zalo.appId, appSecret: config.zalo.appSecret, timeoutMs: config.zalo.httpTimeoutMs, proxyUrl: config.zalo.httpProxy },
    tokens,
  );
  zaloRef = zalo;
  const delivery = new ZaloDelivery({
    db: store.db,
    clock,
    logger,
    zalo,
    settleAfterMs: env.settings.settleAfterMs,
    receiptWaitMs: config.zalo.receiptWaitMs,
    commits: env.commits,
  });
  const interactions = new InteractionCheck(zalo, config.zalo.quotaCacheMs, () => clock.now());
  return { zalo, tokens, delivery, interactions, oauthBase, fakeZalo };
}

/** A first token pair when none is stored: the given fake's, or the bootstrap pair from the config. */
function seedTokens({ config, store, clock }: ZaloEnv, fakeZalo: FakeZaloApi | undefined): void {
  if (config.zalo.mode === 'simulator' && fakeZalo && !store.db.select().from(oaTokens).get()) {
    saveTokenPair(store.db, fakeZalo.issueTokens(), clock.now());
  }
  if (config.zalo.bootstrapAccessToken && config.zalo.bootstrapRefreshToken && !store.db.select().from(oaTokens).get()) {
    saveTokenPair(
      store.db,
      { accessToken: config.zalo.bootstrapAccessToken, refreshToken: config.zalo.bootstrapRefreshToken, expiresIn: 90_000 },
      clock.now(),
    );
  }
}
