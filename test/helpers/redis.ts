import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './net.js';

/**
 * Redis for the tests that need one. The machine's (and CI's) Redis on 127.0.0.1:6379, or TEST_REDIS_URL; it is
 * shared with other test runs, so every run uses keys under its own prefix. Tests that need Redis fail loudly
 * when none answers: they never skip silently.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throws, naming what to do, when no Redis answers at `url`. */
export async function requireRedis(url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `these tests need Redis and none answers at ${url} (${(err as Error).message}): start one (redis-server) or set TEST_REDIS_URL; .ci/run starts a throw-away one when needed`,
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (what a test run left behind). */
export async function deleteKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** A throw-away redis-server on a free port of 127.0.0.1 (no persistence), for tests that stop it. */
export class ScratchRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ScratchRedis> {
    if (!existsSync(REDIS_SERVER)) throw new Error(`these tests start their own Redis and need ${REDIS_SERVER} (or REDIS_SERVER_BIN)`);
    const r = new ScratchRedis(await freePort());
    await r.restart();
    return r;
  }

  /** (Re)starts the server on the same port and waits until it answers. */
  async restart(): Promise<void> {
    this.process = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 100; i++) {
      try {
        await requireRedis(this.url);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Freezes it (SIGSTOP): connections stay open, nothing answers, as with an overloaded or stalled server. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Kills it at once (SIGKILL: no goodbye to its clients), and waits until it is gone. */
  async kill(): Promise<void> {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}
