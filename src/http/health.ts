import { Hono } from 'hono';

export interface HealthDeps {
  /** Checks the dependencies the service cannot work without; each check resolves true when reachable. */
  readiness: Record<string, () => Promise<boolean>>;
}

export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const entries = await Promise.all(
        Object.entries(deps.readiness).map(async ([name, check]) => {
          const ok = await Promise.race([
            check().catch(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(false), 2_000).unref()),
          ]);
          return [name, ok ? 'ok' : 'down'] as const;
        }),
      );
      const checks = Object.fromEntries(entries);
      const ready = entries.every(([, v]) => v === 'ok');
      return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
    });
}
