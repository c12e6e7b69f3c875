import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { sql } from 'drizzle-orm';
import type { Db } from '../src/store/db';

/** Scans used by the privacy tests: every Redis key of a queue prefix, every SQLite table, a mail directory. */

/** Every key under the queue prefix, with its value read by type, as one string. */
export async function dumpRedis(redisUrl: string, prefix: string): Promise<{ keys: number; text: string }> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const parts: string[] = [];
    let cursor = '0';
    let keys = 0;
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(${type})`;
        parts.push(`${key} ${type} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
    return { keys, text: parts.join('\n') };
  } finally {
    redis.disconnect();
  }
}

/** A value as it could be stored: as written, JSON-escaped, and with every non-ASCII character as \uXXXX. */
export const storedForms = (s: string) => [
  s,
  JSON.stringify(s).slice(1, -1),
  s.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
];

/**
 * Every row of every table (listed from sqlite_master) that holds one of `needles`, as "table: needle".
 * `skip` leaves out rows on purpose (e.g. the registry row erasure keeps).
 */
export function scanSqlite(db: Db, needles: string[], skip: (table: string, row: Record<string, unknown>) => boolean = () => false): string[] {
  const tables = db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`);
  const hits: string[] = [];
  for (const { name } of tables) {
    for (const row of db.all<Record<string, unknown>>(sql`select * from ${sql.identifier(name)}`)) {
      if (skip(name, row)) continue;
      const text = JSON.stringify(row);
      for (const n of needles) if (storedForms(n).some((f) => text.includes(f))) hits.push(`${name}: ${n}`);
    }
  }
  return [...new Set(hits)];
}

/** Mail files in `dir` that hold one of `needles`, decoded (MIME) and raw, as "file: needle". */
export async function scanMailDir(dir: string, needles: string[]): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
  const hits: string[] = [];
  for (const name of names) {
    const raw = await readFile(join(dir, name));
    const mail = await simpleParser(raw);
    const text = [JSON.stringify(mail.to), mail.subject, mail.text, mail.html || '', raw.toString('utf8')].join('\n');
    for (const n of needles) if (text.includes(n)) hits.push(`${name}: ${n}`);
  }
  return hits;
}
