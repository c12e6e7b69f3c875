import type { Logger } from '../logger';

/**
 * Shutdown steps, pushed as each part starts and run in reverse: the order of starting (SQLite, Redis, queues,
 * workers, server) gives the shutdown order server -> workers -> queues -> Redis -> SQLite.
 */
export class Cleanups {
  private readonly steps: (() => Promise<void> | void)[] = [];

  constructor(private readonly logger: Logger) {}

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step once, newest first; a failing step is logged and the others still run. */
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'shutdown step failed');
      }
    }
  }
}
