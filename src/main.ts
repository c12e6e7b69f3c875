import { loadConfigOrExit } from './config';
import { startRuntime, stopOnSignals } from './runtime';

/** Entry point: validate config, start the roles it names, shut down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await startRuntime(config);
  const { logger } = runtime;
  logger.info(
    { roles: [...config.roles], url: runtime.url, zaloMode: config.zalo.mode, database: config.databaseFile },
    'CadreCare started',
  );
  stopOnSignals(runtime);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
