import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

/** A free TCP port on loopback, found by letting the OS pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  bin: string;
  /** Directory for the AOF; omit for a throwaway in-memory server (tests). */
  dataDir?: string;
  /** Listen on this port (a restart on the same address); a free one by default. */
  port?: number;
}

/**
 * Starts a private redis-server child on a free loopback port: the demo's and the tests' Redis when no
 * REDIS_URL is given. AOF on and noeviction, as BullMQ requires in production.
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<RedisHandle> {
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--maxmemory-policy', 'noeviction'];
  if (options.dataDir) {
    const dir = resolve(options.dataDir);
    mkdirSync(dir, { recursive: true });
    args.push('--dir', dir, '--appendonly', 'yes', '--save', '');
  } else {
    args.push('--save', '', '--appendonly', 'no');
  }
  let child: ChildProcess;
  try {
    child = spawn(options.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`could not start ${options.bin}: ${String(err)}`);
  }
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const spawnError = new Promise<Error>((r) => child.once('error', (e) => r(e)));

  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    // The answer must come from our child: another server that took the port first would answer too.
    const ok = await probe
      .connect()
      .then(() => probe.info('server'))
      .then((info) => /process_id:(\d+)/.exec(info)?.[1] === String(child.pid))
      .catch(() => false);
    probe.disconnect();
    if (ok) break;
    const failed = await Promise.race([
      spawnError.then((e) => `${options.bin} failed to start: ${e.message} (install Debian's redis-server or set REDIS_URL)`),
      exited.then((code) => `${options.bin} exited with ${code}: ${stderr.trim()}`),
      new Promise<null>((r) => setTimeout(() => r(null), 50)),
    ]);
    if (failed) throw new Error(failed);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.bin} did not answer on port ${port} within 10 s`);
    }
  }

  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Connection options per BullMQ's production guide. */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Producers used on a request path fail fast instead of queueing commands while Redis is away; the outbox keeps the work. */
export function producerConnection(url: string): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false };
  return new Redis(url, options);
}
