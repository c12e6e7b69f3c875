import { getHeapStatistics } from 'node:v8';
import { loadConfigOrExit } from './config';
import { startRuntime, stopOnSignals } from './runtime';

/** Entry point: validate config, start the roles it names, shut down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await startRuntime(config);
  const { logger } = runtime;
  // The heap limit shows whether the node options of `npm start` (--max-old-space-size) reached this process.
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1048576);
  logger.info(
    { roles: [...config.roles], url: runtime.url, zaloMode: config.zalo.mode, database: config.databaseFile, heapLimitMb },
    'CadreCare started',
  );
  stopOnSignals(runtime);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
