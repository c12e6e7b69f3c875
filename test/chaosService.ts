/**
 * The service as deployed, for the chaos test and bench: the real runtime with the roles and everything else
 * taken from the environment the parent passes (its SQLite file, Redis, fake Zalo API, SMTP server). Prints
 * one JSON line when ready. The parent kills it with SIGKILL.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startRuntime } from '../src/runtime';

const config = loadConfig(process.env);
const runtime = await startRuntime(config, { logger: createLogger(config.logLevel) });
console.log(JSON.stringify({ ready: true, pid: process.pid, url: runtime.url ?? null }));
process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
