/**
 * The service at a large committee's size: 50,000 cadres (30,000 linked to Zalo), 5 campaigns with slots,
 * bookings and released results, 20,000 care requests, and 500,000 stored messages (250,000 inbound events and
 * 250,000 sent replies in the outbox). Starts the production build on that database as a web process and a
 * worker process and prints the time to ready and RSS of each, then the p50/p95 of the staff pages (registry
 * list and a name search, request inbox, reports page, results queue) and of a results lookup in chat (a linked
 * cadre's "xem kết quả" -> the reply at the fake Zalo API).
 *   npm run bench:scale [-- --cadres 50000 --messages 500000 --samples 40 --keep | --dir <kept directory>] [--prof] [--pages reports,dashboard]
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createStaffUser } from '../src/domain/staff/staff';
import { startPrivateRedis } from '../src/jobs/redis';
import { openStore } from '../src/store/db';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';
import { saveTokenPair } from '../src/zalo/tokens';
import { fmt, productionNodeFlags, rssMb, startChild } from './lib';
import { BENCH_APP_ID, BENCH_OA_SECRET } from './signedEvents';

const { values: opts } = parseArgs({
  options: {
    cadres: { type: 'string', default: '50000' },
    messages: { type: 'string', default: '500000' },
    samples: { type: 'string', default: '40' },
    // Reuse a directory seeded by an earlier run (kept with --keep) instead of seeding again.
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Start the service processes with --cpu-prof (profiles under bench-profiles/).
    prof: { type: 'boolean', default: false },
    // Only the pages whose name contains this text (the chat lookup always runs).
    pages: { type: 'string' },
  },
});
const CADRES = Number(opts.cadres);
const MESSAGES = Number(opts.messages);
const SAMPLES = Number(opts.samples);
const LINKED = Math.round(CADRES * 0.6);
const CLINICS = 17;
const PASSWORD = 'mat-khau-do-tai-123';
const PAGE_TARGET_MS = 200;

execSync('npm run -s build', { stdio: 'inherit' });
const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cadrecare-scale-'));
const dbFile = join(dir, 'cadrecare.db');
const userIdOf = (i: number) => String(830_000_000_000_000_000n + BigInt(i));

// ---- seed ---------------------------------------------------------------------------------------------
const seedStarted = performance.now();
if (!opts.dir) {
  const store = openStore(dbFile);
  const s = store.sqlite;
  const now = Date.now();
  const day = 86_400_000;
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length]!;
  const families = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
  const middles = ['Văn', 'Thị', 'Đức', 'Minh', 'Quang', 'Thu', 'Hữu', 'Ngọc'];
  const givens = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hải', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phương', 'Sơn', 'Thảo', 'Tuấn'];
  const categories = ['duong_chuc', 'nguyen_chuc', 'nguoi_co_cong', 'khac'];
  const classes = ['I', 'II', 'III', 'IV', 'V'];
  s.transaction(() => {
    const clinic = s.prepare('INSERT INTO clinics (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
    for (let c = 1; c <= CLINICS; c++) clinic.run(`PK${c}`, `Phòng khám A số ${c}`, now, now);
    const cadre = s.prepare(
      `INSERT INTO cadres (code, full_name, birth_date, sex, category, unit, phone, email, clinic_id, health_class, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 1; i <= CADRES; i++) {
      const year = 1931 + (i % 25);
      cadre.run(
        `CB${String(i).padStart(6, '0')}`,
        `${pick(families, i)} ${pick(middles, i >> 3)} ${pick(givens, i >> 5)}`,
        `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
        i % 3 ? 'male' : 'female',
        pick(categories, i),
        `Sở ${i % 40}`,
        `09${String(10_000_000 + i).slice(-8)}`,
        i % 2 ? `cb${i}@example.vn` : null,
        (i % CLINICS) + 1,
        pick(classes, i >> 2),
        now,
        now,
      );
    }
    const user = s.prepare('INSERT INTO zalo_users (id, display_name, followed, last_interaction_at, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?)');
    const link = s.prepare("INSERT INTO zalo_links (zalo_user_id, cadre_id, method, linked_at) VALUES (?, ?, 'phone', ?)");
    for (let i = 1; i <= LINKED; i++) {
      user.run(userIdOf(i), `Zalo ${i}`, now - (i % 30) * day, now, now);
      link.run(userIdOf(i), i, now);
    }
    // Five campaigns: four closed rounds with bookings and released results, this round open.
    const campaign = s.prepare(
      "INSERT INTO campaigns (year, round, name, start_date, end_date, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    );
    const slot = s.prepare(
      'INSERT INTO exam_slots (campaign_id, clinic_id, local_date, starts_at, ends_at, capacity, booked, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 40, ?, ?, ?) RETURNING id',
    );
    const booking = s.prepare('INSERT INTO bookings (campaign_id, slot_id, cadre_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    const result = s.prepare(
      `INSERT INTO exam_results (chain_id, cadre_id, campaign_id, exam_date, clinic_id, health_class, conclusions, status, released_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'released', ?, ?, ?)`,
    );
    let chain = 1;
    const rounds = [
      [2024, 1, 'closed'],
      [2024, 2, 'closed'],
      [2025, 1, 'closed'],
      [2025, 2, 'closed'],
      [2026, 1, 'open'],
    ] as const;
    rounds.forEach(([year, round, status], k) => {
      const start = Date.UTC(year, round === 1 ? 2 : 8, 1);
      const id = (campaign.get(year, round, `Khám định kỳ đợt ${round} năm ${year}`, new Date(start).toISOString().slice(0, 10), new Date(start + 60 * day).toISOString().slice(0, 10), status, now, now) as { id: number }).id;
      // 40 days x 8 hours per clinic; a booking for 70% of the cadres (this round: 30% so far).
      const slots: { id: number; clinic: number; date: string }[] = [];
      for (let c = 1; c <= CLINICS; c++)
        for (let d = 0; d < 40; d++)
          for (let h = 0; h < 8; h++) {
            const at = start + d * day + (1 + h) * 3_600_000;
            slots.push({ id: (slot.get(id, c, new Date(at).toISOString().slice(0, 10), at, at + 3_600_000, 0, now, now) as { id: number }).id, clinic: c, date: new Date(at).toISOString().slice(0, 10) });
          }
      const share = status === 'open' ? 0.3 : 0.7;
      for (let i = 1; i <= CADRES; i++) {
        if (((i * 7919 + k * 104729) % 1000) / 1000 >= share) continue;
        const sl = slots[(i * 31 + k) % slots.length]!;
        booking.run(id, sl.id, i, status === 'open' ? 'booked' : i % 9 ? 'attended' : 'no_show', now, now);
        if (status !== 'open' && i % 9) result.run(chain++, i, id, sl.date, sl.clinic, pick(classes, i + k), 'Sức khỏe ổn định.', start + 70 * day, now, now);
      }
    });
    s.prepare(
      `UPDATE exam_slots SET booked = (SELECT count(*) FROM bookings b WHERE b.slot_id = exam_slots.id AND b.status IN ('booked', 'attended', 'no_show'))`,
    ).run();
    const request = s.prepare(
      `INSERT INTO care_requests (type, cadre_id, clinic_id, zalo_user_id, urgency, state, details, ack_due_at, sla, created_at, updated_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, 'Xin khám tại nhà', ?, ?, ?, ?, ?)`,
    );
    const types = ['home_visit', 'medicine', 'record_book', 'question'];
    for (let i = 1; i <= 20_000; i++) {
      const open = i > 19_700;
      const at = now - (20_000 - i) * 600_000;
      request.run(pick(types, i), ((i - 1) % CADRES) + 1, (i % CLINICS) + 1, userIdOf(((i - 1) % LINKED) + 1), i % 17 ? 'normal' : 'urgent', open ? pick(['new', 'acknowledged'], i) : 'done', at + day, open ? 'pending' : 'met', at, at, open ? null : at + day);
    }
    // Stored messages: half inbound events (dedupe keys kept for the replay window), half sent replies.
    const inbound = s.prepare("INSERT INTO inbound_events (dedupe_key, event_name, zalo_user_id, event_at, received_at) VALUES (?, 'user_send_text', ?, ?, ?)");
    const sent = s.prepare(
      "INSERT INTO outbox (kind, lane, payload, due_at, status, progress, channel, created_at, updated_at, done_at) VALUES ('zalo.message', ?, ?, ?, 'done', 1, 'zalo', ?, ?, ?)",
    );
    for (let i = 0; i < MESSAGES / 2; i++) {
      const u = userIdOf((i % LINKED) + 1);
      const at = now - (MESSAGES / 2 - i) * 300;
      inbound.run(`msg-${i}`, u, at, at);
      sent.run(`zalo-${u}`, JSON.stringify({ userId: u, messages: [{ type: 'text', text: 'Dạ, Ban đã nhận được tin nhắn của Ông/Bà.' }] }), at, at, at, at);
    }
  })();
  await createStaffUser(store.db, { username: 'quantri', fullName: 'Quản trị viên', role: 'admin', password: PASSWORD, clinicId: null }, now);
  s.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}
const seedSeconds = (performance.now() - seedStarted) / 1000;
if (!opts.dir) console.log(
  `seeded ${CADRES} cadres (${LINKED} linked), 5 campaigns, 20,000 requests, ${MESSAGES} messages in ${fmt(seedSeconds, 0)} s; database ${fmt(statSync(dbFile).size / 1048576, 0)} MB`,
);

// ---- run ----------------------------------------------------------------------------------------------
/** CPU time (user + system) the process has used so far, in ms: unlike wall time it hardly depends on the machine's load. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

async function startService(roles: string, env: Record<string, string>) {
  const started = performance.now();
  const profArgs = opts.prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve('bench-profiles')}`, `--cpu-prof-name=scale-${roles}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...productionNodeFlags(), ...profArgs, 'dist/main.js'], { env: { PATH: process.env.PATH ?? '', ...env, ROLES: roles }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const rl = createInterface({ input: child.stdout! });
  const url = await new Promise<string | undefined>((resolve, reject) => {
    rl.on('line', (line) => {
      if (line.includes('"CadreCare started"')) resolve((JSON.parse(line) as { url?: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`${roles} exited with ${code}`)));
  });
  return { child, url, readyMs: performance.now() - started };
}

const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const fake = await startChild(['fake', 'firsts']);
if (opts.dir) {
  // A kept database holds the token pair of an earlier run's fake Zalo API: store this one's.
  const store = openStore(dbFile);
  saveTokenPair(store.db, { accessToken: fake.hello.accessToken!, refreshToken: fake.hello.refreshToken!, expiresIn: 90_000 }, Date.now());
  store.close();
}
try {
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dir,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'scale',
    ZALO_APP_ID: BENCH_APP_ID,
    ZALO_APP_SECRET: 'bench-app-secret',
    ZALO_OA_SECRET_KEY: BENCH_OA_SECRET,
    ZALO_API_BASE: fake.hello.url!,
    ZALO_OAUTH_BASE: fake.hello.url!,
    ZALO_ACCESS_TOKEN: fake.hello.accessToken!,
    ZALO_REFRESH_TOKEN: fake.hello.refreshToken!,
    SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
    PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
    LOG_LEVEL: 'info',
  };
  const web = await startService('web', env);
  const worker = await startService('worker', env);
  await new Promise((r) => setTimeout(r, 2_000));
  const idle = { web: rssMb(web.child.pid!), worker: rssMb(worker.child.pid!) };
  console.log(`time to ready on this database: web ${fmt(web.readyMs, 0)} ms, worker ${fmt(worker.readyMs, 0)} ms; idle RSS web ${fmt(idle.web, 0)} MB, worker ${fmt(idle.worker, 0)} MB`);

  const base = web.url!;
  const login = await fetch(`${base}/staff/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'quantri', password: PASSWORD }).toString(),
  });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('cc_staff='))?.split(';')[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);

  const pages: [string, string][] = [
    ['registry list (first page)', '/staff/registry'],
    ['registry search by name', `/staff/registry?q=${encodeURIComponent('Trần Minh')}`],
    ['registry last page', '/staff/registry?page=999'],
    ['request inbox', '/staff/requests'],
    ['reports page (latest campaign)', '/staff/reports'],
    ['results release queue', '/staff/results'],
    ['dashboard', '/staff'],
  ];
  console.log(`staff pages, ${SAMPLES} sequential requests each after one warm-up (target p95 <= ${PAGE_TARGET_MS} ms); load average ${readFileSync('/proc/loadavg', 'utf8').trim()}:`);
  const misses: string[] = [];
  for (const [name, path] of pages.filter(([name]) => !opts.pages || opts.pages.split(',').some((p) => name.includes(p)))) {
    const times: number[] = [];
    let status = 0;
    let bytes = 0;
    let cpuBefore = 0;
    for (let i = 0; i <= SAMPLES; i++) {
      if (i === 1) cpuBefore = cpuMs(web.child.pid!);
      const t = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      bytes = (await res.arrayBuffer()).byteLength;
      status = res.status;
      if (i > 0) times.push(performance.now() - t);
    }
    const p95 = pct(times, 95);
    if (p95 > PAGE_TARGET_MS) misses.push(name);
    const cpuPerRequest = (cpuMs(web.child.pid!) - cpuBefore) / SAMPLES;
    console.log(
      `  ${name.padEnd(32)} p50 ${fmt(pct(times, 50)).padStart(6)} ms  p95 ${fmt(p95).padStart(6)} ms  web CPU ${fmt(cpuPerRequest).padStart(5)} ms/request  (HTTP ${status}, ${fmt(bytes / 1024, 0)} KB)`,
    );
  }

  // Results in chat: linked cadres (with released results) ask one after another; reply = first message back.
  const firstAt = new Map<string, number>();
  let scanned = 0;
  const times: number[] = [];
  for (let i = 0; i < SAMPLES * 2; i++) {
    const u = userIdOf(1 + ((i * 7717) % LINKED));
    const due = performance.timeOrigin + performance.now();
    const { body, headers } = signEvent(userTextEvent({ appId: BENCH_APP_ID, oaId: '5353535353535353535' }, u, 'xem kết quả', Date.now()), BENCH_OA_SECRET);
    const res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    const deadline = Date.now() + 10_000;
    while (!firstAt.has(u) && Date.now() < deadline) {
      for (; scanned < fake.messages.length; scanned++) for (const [id, at] of (fake.messages[scanned] as { firsts?: [string, number][] }).firsts ?? []) firstAt.set(id, at);
      await new Promise((r) => setTimeout(r, 2));
    }
    if (firstAt.has(u)) times.push(firstAt.get(u)! - due);
  }
  if (!times.length) throw new Error('no results lookup was answered');
  console.log(
    `  results lookup in chat           p50 ${fmt(pct(times, 50)).padStart(6)} ms  p95 ${fmt(pct(times, 95)).padStart(6)} ms  (${times.length}/${SAMPLES * 2} answered)`,
  );
  const loaded = { web: rssMb(web.child.pid!), worker: rssMb(worker.child.pid!) };
  console.log(`RSS after the run: web ${fmt(loaded.web, 0)} MB, worker ${fmt(loaded.worker, 0)} MB (target <= 250 MB)`);
  console.log(misses.length ? `pages over ${PAGE_TARGET_MS} ms at p95: ${misses.join(', ')}` : `every page p95 <= ${PAGE_TARGET_MS} ms`);
  console.log(`load average: ${execSync('cat /proc/loadavg').toString().trim()}`);
  for (const c of children.reverse()) {
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
} finally {
  await fake.stop();
  await redis.stop();
  if (opts.keep || opts.dir) console.log(`database kept in ${dir} (rerun with --dir ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
}
