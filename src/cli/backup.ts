import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfigOrExit } from '../config';
import { runCommand } from './run';

/**
 * Online backup of the SQLite file while the service runs (better-sqlite3's `.backup()`, SQLite's backup
 * API: a consistent snapshot, writers are not stopped), then an integrity check of the copy.
 *   npm run db:backup                          -> DATA_DIR/backups/cadrecare-YYYYMMDD-HHMMSS.db
 *   npm run db:backup -- --out /mnt/b/x.db     -> that file
 *   npm run db:backup -- --keep 14             -> also delete all but the 14 newest in the backups folder
 */

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, keep: { type: 'string' } } });
  const config = loadConfigOrExit();
  const keep = values.keep === undefined ? null : Number(values.keep);
  if (keep !== null && !(Number.isInteger(keep) && keep >= 1)) {
    console.error('--keep: a whole number of backups to keep, at least 1');
    return 2;
  }
  const source = resolve(config.databaseFile);
  if (!existsSync(source)) {
    console.error(`No database at ${source} (DATABASE_FILE / DATA_DIR).`);
    return 1;
  }
  const folder = resolve(config.dataDir, 'backups');
  const target = resolve(values.out ?? join(folder, `cadrecare-${stamp(new Date())}.db`));
  if (target === source) {
    console.error('--out must not be the database itself');
    return 2;
  }
  if (existsSync(target)) {
    console.error(`${target} exists; choose another --out`);
    return 2;
  }
  mkdirSync(dirname(target), { recursive: true });

  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const started = Date.now();
  try {
    await db.backup(target);
  } finally {
    db.close();
  }
  // The copy keeps the source's WAL mode; make it one self-contained file (no -wal / -shm beside it).
  const copy = new Database(target);
  copy.pragma('journal_mode = DELETE');
  let check: string;
  let tables: number;
  try {
    check = String(copy.pragma('integrity_check', { simple: true }));
    tables = copy.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()?.n ?? 0;
  } finally {
    copy.close();
  }
  if (check !== 'ok') {
    console.error(`Backup written to ${target} but its integrity check failed: ${check}`);
    return 1;
  }
  const size = statSync(target).size;
  console.log(`Backup ${target}: ${(size / 1024 / 1024).toFixed(1)} MB, ${tables} tables, integrity ok, ${Date.now() - started} ms.`);

  if (keep !== null && dirname(target) === folder) {
    const old = readdirSync(folder)
      .filter((f) => /^cadrecare-\d{8}-\d{6}\.db$/.test(f))
      .sort()
      .reverse()
      .slice(keep);
    for (const f of old) rmSync(join(folder, f));
    if (old.length) console.log(`Removed ${old.length} older backup(s), kept ${keep}.`);
  }
  return 0;
}

runCommand(main);
