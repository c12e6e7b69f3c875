import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface Child {
  child: ChildProcess;
  /** The first JSON line the process printed (its url, tokens or readiness). */
  hello: Record<string, string>;
  /** Every later JSON line. */
  messages: Record<string, unknown>[];
  rssMb(): number;
  stop(): Promise<void>;
}

/**
* Resident memory of a process in MB, from /proc (zeros once it has exited). `rss` is what the targets count;
 * `anon` is the process's own part (V8's heap, malloc, SQLite's cache); the rest of `rss` is pages of the node
 * binary and its libraries, about 50 MB, shared with every other node process on the machine.
 */
export function memoryMb(pid: number): { rss: number; anon: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: 0, anon: 0 };
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024 };
}

export const rssMb = (pid: number) => memoryMb(pid).rss;

/**
 * Starts bench/server.ts with the given arguments in a child process and waits for its first JSON line. The
 * child runs with the node options of `npm start` (so its RSS and GC cost are those of production), then
 * `nodeArgs` (e.g. --cpu-prof).
 */
export async function startChild(args: string[], nodeArgs: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [...productionNodeFlags(), ...nodeArgs, '--import', 'tsx', 'bench/server.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: Record<string, unknown>[] = [];
  const rl = createInterface({ input: child.stdout! });
  const hello = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start`)), 60_000);
    let first = true;
    rl.on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (first) {
        first = false;
        clearTimeout(timer);
        resolve(msg as Record<string, string>);
      } else messages.push(msg);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return {
    child,
    hello,
    messages,
    rssMb: () => rssMb(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
}

/** Fires the given pre-built requests at `url` + path with `connections` concurrent connections, each once. */
export async function fire(
  url: string,
  bodies: { body: string; headers: Record<string, string> }[],
  connections: number,
  path = '/webhooks/zalo',
): Promise<LoadResult> {
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    connections,
    amount: bodies.length,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const b = bodies[next++ % bodies.length]!;
          return { ...req, method: 'POST', body: b.body, headers: b.headers };
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const latency = result.latency as unknown as Record<string, number>;
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds,
    rps: result.requests.total / seconds,
    p50: latency.p50!,
    p97_5: latency.p97_5!,
    p99: latency.p99!,
  };
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** CPU time (user + system) a process has used so far, in ms: per request it does not depend on how busy the machine is. */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * The node options production starts the service with: the words between `node` and `dist/main.js` in
 * package.json's start script, so the benchmarks measure what `npm start` (or the systemd unit) runs.
 * `override` (a benchmark's --node-flags, "" for none) replaces them.
 */
export function productionNodeFlags(override?: string): string[] {
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js'));
}
