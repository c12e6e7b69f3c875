import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startRuntime, type Runtime } from '../src/runtime';
import type { FakeZaloApi } from '../src/zalo/fakeApi';

export interface Simulator {
  runtime: Runtime;
  url: string;
  fake: FakeZaloApi;
  stop(): Promise<void>;
}

/** The real runtime in simulator mode, as `npm run demo` starts it, on a temp directory and the test Redis. */
export async function startSimulator(existingDir?: string): Promise<Simulator> {
  const dir = existingDir ?? mkdtempSync(join(tmpdir(), 'cadrecare-sim-'));
  const runtime = await startRuntime(
    loadConfig({
      NODE_ENV: 'test',
      ZALO_MODE: 'simulator',
      ROLES: 'web,worker',
      PORT: '0',
      DATA_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `sim${randomBytes(6).toString('hex')}`,
      LOG_LEVEL: 'silent',
    }),
    { logger: createLogger('silent') },
  );
  return {
    runtime,
    url: runtime.url!,
    fake: runtime.fakeZalo!,
    stop: async () => {
      await runtime.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

