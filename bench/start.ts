/**
 * Time to ready and idle RSS of the production build against the TypeScript sources run through tsx:
 * each role (web, worker, both in one process) is started a few times on one data directory (the first start
 * creates and migrates the database) and timed from spawn to its "CadreCare started" log line; RSS is read
 * 2 s after that, for the node process and for any wrapper processes around it. The build runs as `npm start`
 * runs it (with its node options) and without them.
 *   npm run bench:start [-- runs] [--build-only] [--node-flag=--max-semi-space-size=2]
 * (--build-only: skip the tsx comparison; --node-flag: also start the build with that node option, repeatable)
 */
import { spawn, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startPrivateRedis } from '../src/jobs/redis';
import { BENCH_APP_ID, BENCH_OA_SECRET } from './signedEvents';
import { fmt, productionNodeFlags, rssMb } from './lib';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const buildOnly = args.includes('--build-only');
const nodeFlags = args.filter((a) => a.startsWith('--node-flag=')).map((a) => a.slice('--node-flag='.length));
if (!existsSync('dist/main.js')) execSync('npm run -s build', { stdio: 'inherit' });

/** Process ids of `pid` and every descendant. */
function tree(pid: number): number[] {
  const out = execSync('ps -eo pid=,ppid=').toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const all = [pid];
  for (let i = 0; i < all.length; i++) for (const [p, pp] of out) if (pp === all[i]) all.push(p);
  return all;
}

async function startOnce(command: string[], env: Record<string, string>) {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.join(' ')} did not start`)), 60_000);
    rl.on('line', (line) => {
      if (line.includes('CadreCare started')) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)));
  });
  await new Promise((r) => setTimeout(r, 2_000));
  const pids = tree(child.pid!);
  // The node process that runs the service is the largest of the tree (tsx -> node + its esbuild helper, or node alone).
  const rss = pids.map(rssMb).sort((a, b) => a - b);
  const stopped = new Promise((r) => child.once('exit', r));
  for (const p of pids.reverse()) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await stopped;
  return { readyMs, serviceRss: rss[rss.length - 1]!, wrapperRss: rss.slice(0, -1).reduce((a, b) => a + b, 0), processes: rss.length };
}

const redis = await startPrivateRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server' });
const startFlags = productionNodeFlags();
const commands: Record<string, string[]> = {
  // What `npm start` and the systemd unit run, and the same without their node options.
  [['node', ...startFlags, 'dist/main.js'].join(' ')]: [process.execPath, ...startFlags, 'dist/main.js'],
  'node dist/main.js': [process.execPath, 'dist/main.js'],
  'tsx src/main.ts (before)': [process.execPath, 'node_modules/.bin/tsx', 'src/main.ts'],
};
if (buildOnly) delete commands['tsx src/main.ts (before)'];
for (const flag of nodeFlags) commands[`node ${flag} dist/main.js`] = [process.execPath, flag, 'dist/main.js'];
console.log(`time to ready (spawn -> "CadreCare started") and idle RSS, ${runs} starts each (the first creates the database)`);
console.log('command                                       roles        first start  later starts (median)  RSS service  RSS wrappers');
try {
  for (const [name, command] of Object.entries(commands)) {
    for (const roles of ['web,worker', 'web', 'worker']) {
      const dir = mkdtempSync(join(tmpdir(), 'cadrecare-start-'));
      const env = {
        NODE_ENV: 'production',
        ROLES: roles,
        PORT: '0',
        DATA_DIR: dir,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: `start${Math.random().toString(36).slice(2, 8)}`,
        ZALO_APP_ID: BENCH_APP_ID,
        ZALO_APP_SECRET: 'bench-app-secret',
        ZALO_OA_SECRET_KEY: BENCH_OA_SECRET,
        ZALO_ACCESS_TOKEN: 'bench-access',
        ZALO_REFRESH_TOKEN: 'bench-refresh',
        SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
        PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
        LOG_LEVEL: 'info',
      };
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await startOnce(command, env));
      rmSync(dir, { recursive: true, force: true });
      const later = results.slice(1).map((r) => r.readyMs).sort((a, b) => a - b);
      const median = later.length ? later[Math.floor(later.length / 2)]! : NaN;
      const last = results[results.length - 1]!;
      console.log(
        `${name.padEnd(45)} ${roles.padEnd(12)} ${fmt(results[0]!.readyMs, 0).padStart(8)} ms  ${fmt(median, 0).padStart(14)} ms       ${fmt(last.serviceRss).padStart(7)} MB  ${fmt(last.wrapperRss).padStart(7)} MB (${last.processes - 1} processes)`,
      );
    }
  }
  console.log(`load average: ${execSync('cat /proc/loadavg').toString().trim()}`);
} finally {
  await redis.stop();
}
