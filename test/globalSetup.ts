import type { TestProject } from 'vitest/node';
import { startPrivateRedis } from '../src/jobs/redis';

/** One private redis-server on a free port for the whole run; every test uses its own queue prefix. */
export default async function setup(project: TestProject) {
  const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
