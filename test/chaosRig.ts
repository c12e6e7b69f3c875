import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { freePort, startPrivateRedis, type RedisHandle } from '../src/jobs/redis';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import { startSmtpSink, type SmtpSink } from './smtp';

/**
 * Chaos rig for the service as deployed: the fake Zalo API and a real SMTP server live in the calling process
 * (so what reached "Zalo" and "the mail server" survives every kill), a private redis-server that can be
 * restarted on the same port, and the service itself in child processes (test/chaosService.ts) on one SQLite
 * file: web and worker in one process, or split. Signed events go through the real webhook at a fixed rate,
 * and every delivery that does not get 200 is retried the way Zalo retries. Shared by test/chaos.test.ts and
 * bench/chaos.ts.
 */

const CHAOS_APP_ID = '4242424242424242424';
const CHAOS_OA_ID = '5353535353535353535';
const CHAOS_OA_SECRET = 'chaos-oa-secret-key';
const CHAOS_FALLBACK_EMAIL = 'truc-ban@benhvien.test';

export type Roles = 'web,worker' | 'web' | 'worker';

/**
 * Bundles test/chaosService.ts (packages stay external) under test-artifacts/, where node_modules resolves and
 * the repo's drizzle/ is found: a restart then takes plain node's start, not a TypeScript transpile of src/.
 */
async function bundleService(): Promise<string> {
  const outdir = join('test-artifacts', `chaos-service-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { service: 'test/chaosService.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
  });
  return join(outdir, 'service.mjs');
}

export interface Service {
  roles: Roles;
  child: ChildProcess;
  startedAt: number;
  readyAt: number;
}

export interface SentEvent {
  msgId: string;
  userId: string;
  firstSentAt: number;
  /** When a delivery finally got 200. */
  acceptedAt?: number;
  deliveries: number;
}

/** Compressed Zalo retry schedule (Zalo: about 30 s, 5 min, 15 min, 30 min, 1 h), the last delay repeating. */
const FAST_RETRIES_MS = [300, 600, 1_000, 1_500, 2_000];

/** Posts signed events to the webhook and retries, as Zalo does, every delivery that does not answer 200. */
export class ZaloLikeSender {
  readonly events = new Map<string, SentEvent>();
  /** Deliveries refused (non-200) or dropped (connection refused or reset, timeout). */
  failedDeliveries = 0;
  private open = 0;

  constructor(
    private readonly url: () => string,
    /** Waits between deliveries of one event, each with up to 20% jitter so retries do not arrive in waves. */
    private readonly retryDelaysMs: number[] = FAST_RETRIES_MS,
  ) {}

  get inFlight(): number {
    return this.open;
  }

  send(userId: string, text: string): SentEvent {
    const msgId = `chaos${randomBytes(6).toString('hex')}`;
    const signed = signEvent(userTextEvent({ appId: CHAOS_APP_ID, oaId: CHAOS_OA_ID }, userId, text, Date.now(), msgId), CHAOS_OA_SECRET);
    const event: SentEvent = { msgId, userId, firstSentAt: Date.now(), deliveries: 0 };
    this.events.set(msgId, event);
    this.open += 1;
    void this.deliver(event, signed, 0);
    return event;
  }

  private async deliver(event: SentEvent, signed: { body: string; headers: Record<string, string> }, retry: number): Promise<void> {
    event.deliveries += 1;
    let ok = false;
    try {
      const res = await fetch(`${this.url()}/webhooks/zalo`, {
        method: 'POST',
        headers: retry ? { ...signed.headers, 'x-zevent-num-retry': String(retry) } : signed.headers,
        body: signed.body,
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.status === 200;
    } catch {
      ok = false;
    }
    if (ok) {
      event.acceptedAt = Date.now();
      this.open -= 1;
      return;
    }
    this.failedDeliveries += 1;
    const base = this.retryDelaysMs[Math.min(retry, this.retryDelaysMs.length - 1)]!;
    const wait = base * (1 + Math.random() * 0.2);
    setTimeout(() => void this.deliver(event, signed, retry + 1), wait);
  }

  /**
   * Sends `count` events at `perSecond`, round-robin over `users`; `onTick(i)` runs before event i (to kill or
   * restart something at a chosen moment). Resolves when the last one has been sent once.
   */
  async fireAtRate(o: { users: string[]; count: number; perSecond: number; text?: (i: number) => string; onTick?: (i: number) => Promise<void> | void }) {
    const started = performance.now();
    for (let i = 0; i < o.count; i++) {
      await o.onTick?.(i);
      const due = started + (i * 1000) / o.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.send(o.users[i % o.users.length]!, o.text?.(i) ?? 'menu');
    }
  }
}

export interface ReplyAccount {
  events: number;
  /** Events never stored by the service (no inbound row). */
  lostEvents: number;
  replyRows: number;
  /** Reply rows not done: still waiting, or failed. */
  unfinishedRows: number;
  failedRows: number;
  /** Messages the fake Zalo API holds for these users. */
  zaloMessages: number;
  /**
   * Messages at Zalo that no recorded send owns (beyond one per send still in flight), or owned twice: the user
   * saw a reply twice.
   */
  doubled: number;
  /** Reply parts recorded as done whose message Zalo does not hold. */
  lostReplies: number;
  /** Sends attempted more than once (an attempt left in flight was found missing and sent again). */
  retriedSends: number;
}

export interface MailAccount {
  mailRows: number;
  unfinished: number;
  /** Rows whose Message-ID the mail server never got. */
  lost: number;
  /** Mails the server got whose Message-ID belongs to no row. */
  strangers: number;
  /** Extra copies of a row's mail (same Message-ID: mail clients show one). */
  copies: number;
}

export class ChaosRig {
  readonly services = new Set<Service>();
  readonly sender: ZaloLikeSender;
  private sqlite: Database.Database | null = null;

  private constructor(
    readonly fake: FakeZaloApi,
    readonly fakeUrl: string,
    readonly smtp: SmtpSink,
    public redis: RedisHandle,
    readonly redisPort: number,
    readonly webPort: number,
    readonly dir: string,
    readonly env: Record<string, string>,
    private readonly serviceBundle: string,
    retryDelaysMs?: number[],
  ) {
    this.sender = new ZaloLikeSender(() => `http://127.0.0.1:${this.webPort}`, retryDelaysMs);
  }

  static async start(options: { env?: Record<string, string>; redisBin?: string; retryDelaysMs?: number[] } = {}): Promise<ChaosRig> {
    const fake = new FakeZaloApi();
    fake.enforceWindow = false;
    const fakeUrl = await fake.listen();
    const pair = fake.issueTokens();
    const smtp = await startSmtpSink();
    const redisPort = await freePort();
    const redis = await startPrivateRedis({ bin: options.redisBin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server', port: redisPort });
    const webPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cadrecare-chaos-'));
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(webPort),
      DATA_DIR: dir,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'chaos',
      ZALO_MODE: 'live',
      ZALO_APP_ID: CHAOS_APP_ID,
      ZALO_OA_ID: CHAOS_OA_ID,
      ZALO_APP_SECRET: 'chaos-app-secret',
      ZALO_OA_SECRET_KEY: CHAOS_OA_SECRET,
      ZALO_API_BASE: fakeUrl,
      ZALO_OAUTH_BASE: fakeUrl,
      ZALO_BUSINESS_API_BASE: fakeUrl,
      ZALO_ACCESS_TOKEN: pair.accessToken,
      ZALO_REFRESH_TOKEN: pair.refreshToken,
      ZALO_HTTP_TIMEOUT_MS: '2000',
      ZALO_SEND_BACKOFF_MS: '100',
      ZALO_SEND_ATTEMPTS: '20',
      OUTBOX_LOCK_MS: '2000',
      OUTBOX_RECONCILE_INTERVAL_MS: '500',
      OUTBOX_RECONCILE_GRACE_MS: '1000',
      SMTP_URL: smtp.url,
      REQUEST_FALLBACK_EMAIL: CHAOS_FALLBACK_EMAIL,
      SESSION_SECRET: 'chaos-session-secret-chaos-session-secret-0123',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    return new ChaosRig(fake, fakeUrl, smtp, redis, redisPort, webPort, dir, env, await bundleService(), options.retryDelaysMs);
  }

  /** Where the service processes' output goes (their warnings and errors), for a failure's diagnosis. */
  get logFile(): string {
    return join(this.dir, 'service.log');
  }

  /** Starts a service process with these roles; resolves when it is ready (the web role listening). */
  async startService(roles: Roles): Promise<Service> {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [this.serviceBundle], {
      env: { ...process.env, ...this.env, ROLES: roles },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = (line: string) => appendFileSync(this.logFile, `${new Date().toISOString()} [${roles} ${child.pid}] ${line}\n`);
    createInterface({ input: child.stderr! }).on('line', log);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service ${roles} did not start within 60 s`)), 60_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log(line);
        if (line.startsWith('{"ready":true')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`service ${roles} exited with ${code ?? signal}`));
      });
    });
    child.removeAllListeners('exit');
    const service: Service = { roles, child, startedAt, readyAt: Date.now() };
    this.services.add(service);
    return service;
  }

  /** What is still open, for a failure message: rows by kind and status, events not yet accepted, the log's tail. */
  diagnose(): string {
    const open = this.db()
      .prepare(
        `SELECT kind, status, count(*) AS n, max(attempts) AS attempts, max(last_error) AS lastError FROM outbox
         WHERE status IN ('blocked', 'pending', 'queued') AND due_at <= ? GROUP BY kind, status`,
      )
      .all(Date.now());
    const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    return `open rows ${JSON.stringify(open)}; events not yet accepted ${this.sender.inFlight}; service log tail:\n${tail}`;
  }

  /** SIGKILL: no shutdown, no flush; whatever was mid-flight stays so. */
  async kill(service: Service): Promise<void> {
    this.services.delete(service);
    if (service.child.exitCode !== null || service.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      service.child.once('exit', () => resolve());
      service.child.kill('SIGKILL');
    });
  }

  /** Stops redis-server and starts an empty one on the same port after `downMs` (everything in Redis is lost). */
  async restartRedis(downMs: number): Promise<void> {
    await this.redis.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server', port: this.redisPort });
  }

  /** The service's SQLite file, read from here (WAL: the service keeps writing meanwhile). */
  db(): Database.Database {
    if (!this.sqlite) {
      this.sqlite = new Database(join(this.dir, 'cadrecare.db'), { fileMustExist: true });
      this.sqlite.pragma('busy_timeout = 5000');
    }
    return this.sqlite;
  }

  /** Highest outbox row id now: the replies owed at this moment. */
  lastOutboxId(): number {
    return (this.db().prepare('SELECT coalesce(max(id), 0) AS id FROM outbox').get() as { id: number }).id;
  }

  /** Unfinished Zalo replies and mails with an id up to `upTo` (all when omitted). */
  unfinished(upTo = Number.MAX_SAFE_INTEGER): number {
    return (
      this.db()
        .prepare(
          `SELECT count(*) AS n FROM outbox WHERE id <= ? AND due_at <= ? AND kind IN ('zalo.message', 'email.message', 'request.escalate')
             AND status IN ('blocked', 'pending', 'queued')`,
        )
        .get(upTo, Date.now()) as { n: number }
    ).n;
  }

  /** Waits until every event was accepted and every reply and mail has finished; false on timeout. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.sender.inFlight === 0 && this.unfinished() === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until every reply and mail owed at `upTo` has finished; returns when (epoch ms), or null on timeout. */
  async caughtUp(upTo: number, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.unfinished(upTo) === 0) return Date.now();
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** What happened to these users' events and replies, from the service's SQLite and the fake Zalo API. */
  accountReplies(userIds: string[]): ReplyAccount {
    const users = new Set(userIds);
    const events = [...this.sender.events.values()].filter((e) => users.has(e.userId));
    const db = this.db();
    const json = JSON.stringify(userIds);
    const stored = new Set(
      (db.prepare('SELECT dedupe_key AS k FROM inbound_events WHERE zalo_user_id IN (SELECT value FROM json_each(?))').all(json) as { k: string }[]).map((r) => r.k),
    );
    const rows = db
      .prepare(
        "SELECT id, status, progress FROM outbox WHERE kind = 'zalo.message' AND json_extract(payload, '$.userId') IN (SELECT value FROM json_each(?))",
      )
      .all(json) as { id: number; status: string; progress: number }[];
    const sends = db
      .prepare('SELECT key, zalo_user_id AS userId, status, message_id AS messageId, attempts FROM zalo_sends WHERE zalo_user_id IN (SELECT value FROM json_each(?))')
      .all(json) as {
      key: string;
      userId: string;
      status: string;
      messageId: string | null;
      attempts: number;
    }[];
    const atZalo = this.fake.sent.filter((m) => users.has(m.userId));
    const zaloIds = new Set(atZalo.map((m) => m.messageId));
    const owners = new Map<string, number>();
    for (const s of sends) if (s.status === 'sent' && s.messageId) owners.set(s.messageId, (owners.get(s.messageId) ?? 0) + 1);
    const sendByKey = new Map(sends.map((s) => [s.key, s]));
    let lostReplies = 0;
    for (const row of rows.filter((r) => r.status === 'done')) {
      for (let part = 0; part < row.progress; part++) {
        const s = sendByKey.get(`outbox-${row.id}-${part}`);
        if (!s || s.status !== 'sent' || !s.messageId || !zaloIds.has(s.messageId)) lostReplies += 1;
      }
    }
    // A send still in flight (its answer not back yet, or not yet settled) may own one message no record names yet.
    const inFlight = new Map<string, number>();
    for (const s of sends) if (s.status === 'in_flight') inFlight.set(s.userId, (inFlight.get(s.userId) ?? 0) + 1);
    const unowned = new Map<string, number>();
    for (const m of atZalo) if (!owners.has(m.messageId)) unowned.set(m.userId, (unowned.get(m.userId) ?? 0) + 1);
    const doubled =
      [...unowned].reduce((n, [user, count]) => n + Math.max(0, count - (inFlight.get(user) ?? 0)), 0) +
      [...owners.values()].reduce((n, c) => n + (c - 1), 0);
    return {
      events: events.length,
      lostEvents: events.filter((e) => !stored.has(`msg-${e.msgId}`)).length,
      replyRows: rows.length,
      unfinishedRows: rows.filter((r) => r.status !== 'done').length,
      failedRows: rows.filter((r) => r.status === 'failed').length,
      zaloMessages: atZalo.length,
      doubled,
      lostReplies,
      retriedSends: sends.filter((s) => s.attempts > 1).length,
    };
  }

  /** Every mail row against what the SMTP server received, by Message-ID. */
  accountMail(): MailAccount {
    const rows = this.db().prepare("SELECT id, status FROM outbox WHERE kind = 'email.message'").all() as { id: number; status: string }[];
    const host = '127.0.0.1';
    const expected = new Map(rows.map((r) => [`<outbox-${r.id}@${host}>`, r]));
    const received = new Map<string, number>();
    for (const m of this.smtp.mails) received.set(m.messageId ?? '', (received.get(m.messageId ?? '') ?? 0) + 1);
    return {
      mailRows: rows.length,
      unfinished: rows.filter((r) => r.status !== 'done').length,
      lost: rows.filter((r) => !received.has(`<outbox-${r.id}@${host}>`)).length,
      strangers: [...received.keys()].filter((id) => !expected.has(id)).length,
      copies: [...received.values()].reduce((n, c) => n + (c - 1), 0),
    };
  }

  async stop(): Promise<void> {
    for (const s of [...this.services]) await this.kill(s);
    this.sqlite?.close();
    await this.redis.stop();
    await this.fake.close();
    await this.smtp.close();
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(dirname(this.serviceBundle), { recursive: true, force: true });
  }
}

/** `count` Zalo user ids starting at `first` (strings: they exceed 2^53). */
export const chaosUsers = (first: bigint, count: number) => Array.from({ length: count }, (_, i) => String(first + BigInt(i)));
