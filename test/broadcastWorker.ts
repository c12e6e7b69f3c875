/**
 * A worker process for the broadcast recovery tests: the real runtime with ROLES=worker, configured from the
 * environment the test passes (its SQLite file, Redis and fake Zalo API). CLOCK_OFFSET_MS shifts the clock
 * as the test's own clock is shifted. Prints one JSON line when ready. The test kills it with SIGKILL.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startRuntime } from '../src/runtime';

const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const config = loadConfig({ ...process.env, ROLES: 'worker' });
const runtime = await startRuntime(config, { clock: { now: () => Date.now() + offset }, logger: createLogger(config.logLevel) });
console.log(JSON.stringify({ ready: true, pid: process.pid }));
process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
