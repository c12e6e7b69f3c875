// Production build: bundles the service's own code (src/) into dist/ with esbuild; packages stay in
// node_modules and load as usual (better-sqlite3 is native, bull-board serves its UI files from its package).
// Type-checking is not done here: `npm test` (tsc --noEmit) does it.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// `node scripts/build.mjs [outdir]`: dist/ by default; the build test writes to a directory of its own.
const outdir = process.argv[2] ?? 'dist';
const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    main: 'src/main.ts',
    'cli/backup': 'src/cli/backup.ts',
    'cli/createAdmin': 'src/cli/createAdmin.ts',
    'cli/zaloConnect': 'src/cli/zaloConnect.ts',
  },
  outdir,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// Migrations ship inside the build: src/store/db.ts looks for drizzle/ next to the running bundle first.
cpSync('drizzle', join(outdir, 'drizzle'), { recursive: true });
console.log(`${outdir}/ built in ${Math.round(performance.now() - started)} ms`);
