import { z } from 'zod';
import { classSchemeIds } from './domain/results/classification';

/** The kinds of organisation that do this work, and how each names itself. */
const committeeKinds = ['ban', 'trung_tam', 'khoa'] as const;
const committeeKindLabels: Record<(typeof committeeKinds)[number], string> = { ban: 'Ban', trung_tam: 'Trung tâm', khoa: 'Khoa' };

/**
 * The only module that reads the environment. `loadConfig` validates it once at boot; a bad or missing
 * value stops the process with a message naming the variable.
 */

/** An optional yes/no switch; undefined when unset so a mode-dependent default can apply. */
const optionalBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .optional()
  .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(v)));

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** Minutes per cadre in line for the estimated wait at check-in, until a counter has measured its own pace. */
export const DEFAULT_MINUTES_PER_CADRE = 8;

const roleList = z
  .string()
  .default('web,worker')
  .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
  .pipe(z.array(z.enum(['web', 'worker'])).min(1, 'name at least one role: web, worker'));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  ROLES: roleList,
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  REDIS_URL: z.url().optional(),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('cadrecare'),

  ZALO_MODE: z.enum(['live', 'simulator']).optional(),
  ZALO_APP_ID: z.string().regex(/^\d+$/, 'digits only').optional(),
  ZALO_APP_SECRET: z.string().min(1).optional(),
  ZALO_OA_SECRET_KEY: z.string().min(1).optional(),
  ZALO_OA_ID: z.string().regex(/^\d+$/, 'digits only').optional(),
  ZALO_API_BASE: z.url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.url().default('https://oauth.zaloapp.com'),
  /** Host of template messages by phone (ZALO.md §7). */
  ZALO_BUSINESS_API_BASE: z.url().default('https://business.openapi.zalo.me'),
  /** How long Zalo's answer to the quota / last-interaction call is trusted for one user. */
  ZALO_QUOTA_CACHE_SECONDS: int(300, 0),
  /** A template by phone whose answer was lost is sent again only if its delivery receipt has not come by then. */
  ZALO_RECEIPT_WAIT_SECONDS: int(600, 0),
  /** Template messages a day before Zalo reports its own figure (a new OA starts at about 500). */
  ZALO_TEMPLATE_DAILY_QUOTA: int(500, 1),
  /** Estimated prices in VND per message, excluding VAT (ZALO.md §7); a customer-service message within 48 h is free. */
  PRICE_CS_BILLED_VND: int(30, 0),
  PRICE_TEMPLATE_BY_USER_VND: int(150, 0),
  PRICE_TEMPLATE_BY_PHONE_VND: int(200, 0),
  PRICE_EMAIL_VND: int(0, 0),
  ZALO_ACCESS_TOKEN: z.string().min(1).optional(),
  ZALO_REFRESH_TOKEN: z.string().min(1).optional(),
  ZALO_BUTTONS: optionalBool,
  ZALO_HTTP_TIMEOUT_MS: int(10_000, 100),
  ZALO_HTTP_PROXY: z.url().optional(),
  ZALO_REQUEST_INFO_IMAGE_URL: z.url().optional(),
  /** JSON map of notice template names to approved Zalo template ids, e.g. {"booking_reminder":"123456"}. */
  ZALO_TEMPLATES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string().regex(/^\d+$/)).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'a JSON object of template name -> numeric template id' });
        return z.NEVER;
      }
    }),

  WEBHOOK_REPLAY_WINDOW_SECONDS: int(24 * 3600, 60),
  WEBHOOK_MAX_SKEW_SECONDS: int(300, 0),
  WEBHOOK_MAX_BODY_BYTES: int(64 * 1024, 1024),

  OUTBOX_RECONCILE_INTERVAL_MS: int(15_000, 100),
  OUTBOX_RECONCILE_GRACE_MS: int(10_000, 0),
  /** Lock of an outbox job (replies, notices, mail); a killed worker's jobs run again after about twice this. */
  OUTBOX_LOCK_MS: int(30_000, 1_000),
  ZALO_SEND_CONCURRENCY: int(16, 1),
  ZALO_SEND_ATTEMPTS: int(8, 1),
  ZALO_SEND_BACKOFF_MS: int(1_000, 1),
  /** Broadcast messages per second across all workers (BullMQ limiter, one batch per 200 ms window); 0 = unthrottled. Zalo allows 4,000 calls a minute per app. */
  BROADCAST_RATE_PER_SECOND: z.coerce.number().min(0).max(5_000).default(30),
  /** Broadcast messages in flight per worker, about (a worker runs at least two batches at once). */
  BROADCAST_CONCURRENCY: int(16, 1),
  BROADCAST_FANOUT_BATCH: int(500, 1),
  /** Lock of a broadcast send job; a killed worker's jobs run again after about this long. */
  BROADCAST_LOCK_MS: int(30_000, 1_000),

  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().default('CadreCare <no-reply@cadrecare.local>'),

  /** What the organisation is since the 2025 reorganisation: a Ban under the Party committee, a Trung tâm under the health department, a Khoa of a hospital. */
  COMMITTEE_KIND: z.enum(committeeKinds).default('ban'),
  /**
   * The organisation's full name as it signs its reports, e.g. "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh Ninh Bình".
   * Unset, it is the kind's own: "Trung tâm Bảo vệ, chăm sóc sức khỏe cán bộ" for a Trung tâm.
   */
  COMMITTEE_NAME: z.string().trim().min(3, 'at least 3 characters').max(200).optional(),
  /** The body it reports to, printed above its name in report headers, e.g. "Tỉnh ủy Ninh Bình" or "Sở Y tế tỉnh Ninh Bình". */
  COMMITTEE_PARENT: z.string().trim().max(200).default(''),
  /** Health classification scheme: Loại I–V, or A / B1 / B2 / C / D (Decision 1266/QĐ-BYT, 2020). Stored results keep their own. */
  HEALTH_CLASS_SCHEME: z.enum(classSchemeIds).default('I-V'),
  COMMITTEE_HOTLINE: z.string().default('0225 3 123 456'),

  /** Signs staff session cookies; when unset outside production, one is generated under DATA_DIR. */
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  SESSION_TTL_HOURS: int(12, 1),
  REGISTRY_IMPORT_MAX_BYTES: int(5 * 1024 * 1024, 1024),
  /** Largest JSON body the staff API accepts (imports have their own limit); over it, 413. */
  API_JSON_MAX_BYTES: int(256 * 1024, 1024),

  /** Requests and escalation: minutes an urgent request may wait for an acknowledgement, then the clinic head. */
  REQUEST_URGENT_ACK_MINUTES: int(15, 1),
  /** Minutes after the clinic head was paged about an urgent request before the on-call staff are. */
  REQUEST_URGENT_HEAD_MINUTES: int(15, 1),
  /** Working hours a normal request may wait for an acknowledgement before the clinic head is told. */
  REQUEST_NORMAL_ACK_WORKING_HOURS: int(4, 1),
  /** Local working hours, Monday to Friday, e.g. 07:30-16:30. */
  REQUEST_WORKING_HOURS: z
    .string()
    .default('07:30-16:30')
    .transform((s, ctx) => {
      const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(s.trim());
      const start = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      const end = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
      if (!m || !(start >= 0 && end <= 24 * 60 && start < end)) {
        ctx.addIssue({ code: 'custom', message: 'HH:MM-HH:MM with the start before the end, e.g. 07:30-16:30' });
        return z.NEVER;
      }
      return { startMinute: start, endMinute: end };
    }),
  /** How long an acknowledge link in an escalation email works. */
  REQUEST_ACK_LINK_TTL_HOURS: int(72, 1),
  /** Where escalations go when neither the clinic nor any on-call staff member has an address. */
  REQUEST_FALLBACK_EMAIL: z.email().optional(),
  /** A conversation with staff closes after this many hours without activity, and the bot resumes. */
  HANDOFF_TIMEOUT_HOURS: int(24, 1),
  /** Local hour, the day before an exam day, when clinic staff get the cadres who have not confirmed (to call them). */
  ATTENDANCE_CALL_LIST_HOUR: z.coerce.number().int().min(7).max(20).default(15),
  /** Minutes per cadre in line for the estimated wait, until the counter has called three numbers that day. */
  ATTENDANCE_DEFAULT_MINUTES_PER_CADRE: z.coerce.number().int().min(1).max(60).default(DEFAULT_MINUTES_PER_CADRE),
  /** A freed exam place offered to the next cadre on the waitlist is held for them this many minutes. */
  WAITLIST_OFFER_MINUTES: int(120, 5),

  /** Bearer token for GET /metrics; when unset, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** A worker-only process (ROLES=worker) serves /metrics on this port when set. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
});

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The simulator's fixed, published values: fine for the built-in fake API, never for a real OA. */
const SIMULATOR_SECRETS = { appSecret: 'simulator-app-secret', oaSecretKey: 'simulator-oa-secret-key' } as const;

/**
 * Estimated bits of a secret from its own character frequencies (Shannon entropy × length): 32 × "a" scores 0,
 * 48 random base64 characters about 250. A cheap guard against placeholders, not a proof of randomness.
 */
function estimatedSecretBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...secret].length;
  let perChar = 0;
  for (const k of counts.values()) perChar -= (k / n) * Math.log2(k / n);
  return perChar * n;
}
const MIN_SECRET_BITS = 100;

type ParsedEnv = z.output<typeof EnvSchema>;
type ZaloMode = NonNullable<ParsedEnv['ZALO_MODE']>;

/** What is wrong with the environment as a whole (each variable is valid alone), each naming its variable. */
function configProblems(env: ParsedEnv, zaloMode: ZaloMode, production: boolean): string[] {
  const problems: string[] = [];
  if (zaloMode === 'simulator' && production) {
    problems.push('ZALO_MODE: the simulator is refused when NODE_ENV=production; set the OA credentials');
  }
  if (zaloMode === 'live') {
    for (const name of ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY'] as const) {
      if (!env[name]) problems.push(`${name}: required when ZALO_MODE=live (or set ZALO_MODE=simulator for the built-in simulator)`);
    }
  }
  if (production && env.ZALO_OA_SECRET_KEY === SIMULATOR_SECRETS.oaSecretKey) {
    problems.push('ZALO_OA_SECRET_KEY: the simulator\'s published key is refused when NODE_ENV=production; use the OA\'s own key');
  }
  if (production && env.ZALO_APP_SECRET === SIMULATOR_SECRETS.appSecret) {
    problems.push('ZALO_APP_SECRET: the simulator\'s published secret is refused when NODE_ENV=production; use the app\'s own secret');
  }
  if (production && !env.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required when NODE_ENV=production (at least 32 random characters, e.g. `openssl rand -base64 48`)');
  }
  if (env.SESSION_SECRET && estimatedSecretBits(env.SESSION_SECRET) < MIN_SECRET_BITS) {
    problems.push('SESSION_SECRET: too easy to guess (repeated or too few different characters); use e.g. `openssl rand -base64 48`');
  }
  // Plain http only on this machine's loopback (a local benchmark of the production build): nothing crosses a network.
  const loopback = /^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/|$)/;
  if (production && !(env.PUBLIC_BASE_URL?.startsWith('https://') || loopback.test(env.PUBLIC_BASE_URL ?? ''))) {
    problems.push('PUBLIC_BASE_URL: an https:// address is required when NODE_ENV=production (session cookies are Secure only over https)');
  }
  return problems;
}

function zaloConfig(env: ParsedEnv, zaloMode: ZaloMode, publicBaseUrl: string) {
  return {
    mode: zaloMode,
    // Simulator defaults are fixed, invented values: they only ever talk to the built-in fake API.
    appId: env.ZALO_APP_ID ?? '1000000000000000001',
    appSecret: env.ZALO_APP_SECRET ?? SIMULATOR_SECRETS.appSecret,
    oaSecretKey: env.ZALO_OA_SECRET_KEY ?? SIMULATOR_SECRETS.oaSecretKey,
    oaId: env.ZALO_OA_ID ?? '2000000000000000002',
    /** The OA a consent must come back from, when ZALO_OA_ID is set. */
    expectedOaId: env.ZALO_OA_ID,
    apiBase: env.ZALO_API_BASE,
    oauthBase: env.ZALO_OAUTH_BASE,
    businessBase: env.ZALO_BUSINESS_API_BASE,
    quotaCacheMs: env.ZALO_QUOTA_CACHE_SECONDS * 1000,
    receiptWaitMs: env.ZALO_RECEIPT_WAIT_SECONDS * 1000,
    templateDailyQuota: env.ZALO_TEMPLATE_DAILY_QUOTA,
    bootstrapAccessToken: env.ZALO_ACCESS_TOKEN,
    bootstrapRefreshToken: env.ZALO_REFRESH_TOKEN,
    // API v3 customer-service buttons are unverified for live OAs; numbered text always works.
    buttons: env.ZALO_BUTTONS ?? zaloMode === 'simulator',
    httpTimeoutMs: env.ZALO_HTTP_TIMEOUT_MS,
    httpProxy: env.ZALO_HTTP_PROXY,
    templates: env.ZALO_TEMPLATES,
    requestInfoImageUrl: env.ZALO_REQUEST_INFO_IMAGE_URL ?? `${publicBaseUrl}/static/share-phone.png`,
  };
}

/** Sending: message prices, the webhook's limits, the outbox relay, broadcasts and Zalo sends. */
function deliveryConfig(env: ParsedEnv) {
  return {
  prices: {
    csBilled: env.PRICE_CS_BILLED_VND,
    templateByUser: env.PRICE_TEMPLATE_BY_USER_VND,
    templateByPhone: env.PRICE_TEMPLATE_BY_PHONE_VND,
    email: env.PRICE_EMAIL_VND,
  },
  webhook: {
    replayWindowMs: env.WEBHOOK_REPLAY_WINDOW_SECONDS * 1000,
    maxSkewMs: env.WEBHOOK_MAX_SKEW_SECONDS * 1000,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
  },
  outbox: {
    reconcileIntervalMs: env.OUTBOX_RECONCILE_INTERVAL_MS,
    reconcileGraceMs: env.OUTBOX_RECONCILE_GRACE_MS,
    lockMs: env.OUTBOX_LOCK_MS,
  },
  broadcast: {
    ratePerSecond: env.BROADCAST_RATE_PER_SECOND,
    concurrency: env.BROADCAST_CONCURRENCY,
    fanoutBatch: env.BROADCAST_FANOUT_BATCH,
    lockMs: env.BROADCAST_LOCK_MS,
  },
  zaloSend: {
    concurrency: env.ZALO_SEND_CONCURRENCY,
    attempts: env.ZALO_SEND_ATTEMPTS,
    backoffMs: env.ZALO_SEND_BACKOFF_MS,
  },
  };
}

function derive(env: ParsedEnv) {
  const production = env.NODE_ENV === 'production';
  // The simulator (and its unauthenticated /dev pages) runs only when asked for by name, never by default.
  const zaloMode = env.ZALO_MODE ?? 'live';
  const problems = configProblems(env, zaloMode, production);
  if (problems.length) throw new ConfigError(problems);

  const dataDir = env.DATA_DIR;
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
  return {
    env: env.NODE_ENV,
    roles: new Set(env.ROLES),
    http: {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl,
    },
    dataDir,
    databaseFile: env.DATABASE_FILE ?? `${dataDir}/cadrecare.db`,
    logLevel: env.LOG_LEVEL,
    redis: {
      url: env.REDIS_URL,
      serverBin: env.REDIS_SERVER_BIN,
      dataDir: `${dataDir}/redis`,
    },
    queuePrefix: env.QUEUE_PREFIX,
    zalo: zaloConfig(env, zaloMode, publicBaseUrl),
    ...deliveryConfig(env),
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      dir: `${dataDir}/mail`,
    },
    committee: {
      kind: env.COMMITTEE_KIND,
      /** "Ban", "Trung tâm" or "Khoa": how the organisation names itself in a sentence. */
      kindLabel: committeeKindLabels[env.COMMITTEE_KIND],
      name: env.COMMITTEE_NAME ?? `${committeeKindLabels[env.COMMITTEE_KIND]} Bảo vệ, chăm sóc sức khỏe cán bộ`,
      parent: env.COMMITTEE_PARENT,
      hotline: env.COMMITTEE_HOTLINE,
      classScheme: env.HEALTH_CLASS_SCHEME,
    },
    staff: {
      sessionSecret: env.SESSION_SECRET,
      /** Where a generated secret is kept when SESSION_SECRET is unset. */
      sessionSecretFile: `${dataDir}/session-secret`,
      sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
      secureCookies: (env.PUBLIC_BASE_URL ?? '').startsWith('https:'),
      importMaxBytes: env.REGISTRY_IMPORT_MAX_BYTES,
      apiJsonMaxBytes: env.API_JSON_MAX_BYTES,
      uploadDir: `${dataDir}/imports`,
    },
    requests: {
      urgentAckMs: env.REQUEST_URGENT_ACK_MINUTES * 60_000,
      urgentHeadMs: env.REQUEST_URGENT_HEAD_MINUTES * 60_000,
      normalAckWorkingMs: env.REQUEST_NORMAL_ACK_WORKING_HOURS * 3600_000,
      workingHours: env.REQUEST_WORKING_HOURS,
      ackLinkTtlMs: env.REQUEST_ACK_LINK_TTL_HOURS * 3600_000,
      fallbackEmail: env.REQUEST_FALLBACK_EMAIL,
      handoffTimeoutMs: env.HANDOFF_TIMEOUT_HOURS * 3600_000,
    },
    aftercare: { waitlistOfferMs: env.WAITLIST_OFFER_MINUTES * 60_000 },
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT },
    attendance: { callListHour: env.ATTENDANCE_CALL_LIST_HOUR, queue: { defaultMinutesPerCadre: env.ATTENDANCE_DEFAULT_MINUTES_PER_CADRE } },
  };
}

export type Config = ReturnType<typeof derive>;

/** Parses an environment (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset", as in most dotenv tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return derive(parsed.data);
}

/** For entry points: the validated config, or the problems printed and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(source: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(source);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
}
