// Production build: bundles the service and the pure-JavaScript packages it loads at start into dist/ with
// esbuild, so a process starts by reading a few files instead of resolving and compiling about a thousand
// modules in node_modules. Left in node_modules (imported as usual): better-sqlite3 (native), Bull Board
// (serves its UI files from its own package folder), and exceljs, mailparser and nodemailer (large, loaded on
// first use). Type-checking is not done here: `npm test` (tsc --noEmit) does it.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Packages imported from node_modules at run time instead of bundled. */
const EXTERNAL_PACKAGES = ['better-sqlite3', '@bull-board/*', 'exceljs', 'mailparser', 'nodemailer'];

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
  external: EXTERNAL_PACKAGES,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  // Less source text for V8 to scan and keep; names stay readable in stack traces and `.name` checks.
  minifyWhitespace: true,
  keepNames: true,
  // The bundled CommonJS packages call require() for node's own modules, which an ES module does not have.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// Migrations ship inside the build: src/store/db.ts looks for drizzle/ next to the running bundle first.
cpSync('drizzle', join(outdir, 'drizzle'), { recursive: true });
console.log(`${outdir}/ built in ${Math.round(performance.now() - started)} ms`);
