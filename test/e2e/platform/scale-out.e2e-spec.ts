import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { applyCommentChange, commentSnapshotSelect } from '../../../src/comment-core/comment-state.js';
import { createArticle, createUser, TEST_PASSWORD, type TestUser, uniq } from '../../factories/index.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { deleteKeys, requireRedis, ScratchRedis, TEST_REDIS_URL } from '../../helpers/redis.js';
import { json, listen, SseClient, type SseEvent } from '../../helpers/sse.js';

/**
 * Several instances of the service on one PostgreSQL and one Redis (two Nest applications in this process, as two
 * processes behind a proxy would be): rate limits shared through Redis, live updates reaching subscribers of every
 * instance, counts exact under concurrent writes spread over the instances, and what happens when Redis stops.
 * Needs Redis (the machine's, TEST_REDIS_URL, or the one .ci/run starts): without one these tests fail, loudly.
 */

/** This run's keys in the shared Redis. */
const PREFIX = `test:scale:${process.pid}:${randomBytes(4).toString('hex')}:`;
let ipSeq = 0;
/** A fresh client address (the instances trust one proxy hop, as behind the Compose proxy). */
const freshIp = () => `203.0.113.${(++ipSeq % 250) + 1}`;

/** A reader (or admin) registered from a fresh client address, so registration's own rate limit never interferes. */
const register = (t: TestApp, role?: 'admin') => createUser(t, { role, headers: { 'X-Forwarded-For': freshIp() } });

/** A sign-in from `ip` (by default an address of its own: the limit that counts is per account and address). */
const login = (t: TestApp, user: TestUser, password: string, ip = freshIp()) =>
  t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ login: user.email, password });
const isCount = (slug: string, count: number) => (e: SseEvent) => e.event === 'count' && json(e).slug === slug && json(e).count === count;

const shared = { RATE_LIMIT_ENABLED: 'true', TRUST_PROXY: '1', REDIS_KEY_PREFIX: PREFIX };

describe('several instances on one PostgreSQL and one Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let urlB: string;
  let admin: TestUser;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    await requireRedis();
    [a, b] = [await startTestApp({ ...shared, REDIS_URL: TEST_REDIS_URL }), await startTestApp({ ...shared, REDIS_URL: TEST_REDIS_URL })];
    urlB = await listen(b.app);
    admin = await register(a, 'admin');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteKeys(PREFIX);
  });

  it('should hold the per-account-and-address login limit across instances: 5 tries in total, the owner elsewhere unaffected', async () => {
    const user = await register(a);
    const attacker = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(i % 2 ? b : a, user, 'wrong password!', attacker)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const t of [a, b]) {
      const res = await login(t, user, TEST_PASSWORD, attacker); // even the right password, from that address
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(res.headers.ratelimit).toMatch(/"login-account-address";r=0;t=\d+/);
    }
    // The owner, from another address, is not locked out by the attacker's tries.
    expect((await login(b, user, TEST_PASSWORD)).status).toBe(200);
    // Both instances report the shared store.
    for (const t of [a, b])
      expect((await t.http.get('/api/health').expect(200)).body.checks.rateLimits).toMatchObject({
        store: 'redis',
        shared: true,
        redis: { status: 'up' },
      });
  });

  it('should keep every count exact with 50 concurrent posts and 100 concurrent decisions spread over the instances', async () => {
    const article = await createArticle(a);
    const readers = await Promise.all(Array.from({ length: 50 }, (_, i) => register(i % 2 ? b : a)));
    const subscriber = await SseClient.open(`${urlB}/api/articles/${article.slug}/events`);
    clients.push(subscriber);
    await subscriber.next();

    const posts = await Promise.all(
      readers.map((r, i) =>
        (i % 2 ? a : b).http
          .post(`/api/articles/${article.slug}/comments`)
          .set('Authorization', `Bearer ${r.token}`)
          .set('X-Forwarded-For', freshIp())
          .send({ body: `Коментар номер ${i} от ${r.username}` }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(50).fill(201));
    const ids = posts.map((p) => p.body.comment.id as string);

    // Two moderators decide every comment at the same moment, one through each instance: exactly one wins.
    const decide = (t: TestApp, id: string, status: string) =>
      t.http.patch(`/api/admin/comments/${id}`).set('Authorization', `Bearer ${admin.token}`).send({ status });
    const approvals = await Promise.all(ids.flatMap((id) => [decide(a, id, 'approved'), decide(b, id, 'approved')]));
    expect(approvals.filter((r) => r.status === 200)).toHaveLength(50);
    expect(approvals.filter((r) => r.status !== 200).every((r) => r.status === 409)).toBe(true);
    // Then half are rejected, spread over both instances, while the other half are approved again (no-ops refused).
    const second = await Promise.all(
      ids.map((id, i) => (i < 25 ? decide(i % 2 ? a : b, id, 'rejected') : decide(i % 2 ? a : b, id, 'approved'))),
    );
    expect(second.map((r) => r.status)).toEqual([...Array(25).fill(200), ...Array(25).fill(409)]);

    const stored = await a.prisma.article.findUniqueOrThrow({ where: { id: article.id }, select: { approvedCommentCount: true } });
    const truth = await a.prisma.comment.count({ where: { articleId: article.id, status: 'approved', deletedAt: null } });
    expect([stored.approvedCommentCount, truth]).toEqual([25, 25]);
    for (const t of [a, b]) {
      expect((await t.http.get(`/api/articles/${article.slug}/comments/count`).expect(200)).body.count).toBe(25);
      expect((await t.http.get(`/api/comments/counts?articles=${article.slug}`).expect(200)).body.counts[article.slug]).toBe(25);
    }
    const authors = await a.prisma.user.findMany({
      where: { id: { in: readers.map((r) => r.id) } },
      select: { id: true, approvedCommentCount: true },
    });
    const approvedBy = new Set(
      (await a.prisma.comment.findMany({ where: { id: { in: ids }, status: 'approved' }, select: { authorId: true } })).map(
        (c) => c.authorId,
      ),
    );
    for (const u of authors) expect(u.approvedCommentCount).toBe(approvedBy.has(u.id) ? 1 : 0);
    // The subscriber on B saw the count climb to 50 and settle at 25, whichever instance made each change.
    await subscriber.next(isCount(article.slug, 50), 10_000);
    await subscriber.next(isCount(article.slug, 25), 10_000);
    expect(json(subscriber.events.filter((e) => e.event === 'count').at(-1)!)).toEqual({ slug: article.slug, count: 25 });
  });

  it('should bring a decision made on instance A to a subscriber on instance B within a second', async () => {
    const article = await createArticle(a);
    const reader = await register(a);
    const id = (
      await a.http
        .post(`/api/articles/${article.slug}/comments`)
        .set('Authorization', `Bearer ${reader.token}`)
        .set('X-Forwarded-For', freshIp())
        .send({ body: 'Бързо ли е?' })
        .expect(201)
    ).body.comment.id as string;
    const subscriber = await SseClient.open(`${urlB}/api/articles/${article.slug}/events`);
    clients.push(subscriber);
    await subscriber.next();

    await a.http.patch(`/api/admin/comments/${id}`).set('Authorization', `Bearer ${admin.token}`).send({ status: 'approved' }).expect(200);
    const answered = performance.now();
    const event = await subscriber.next((e) => e.event === 'comment' && json(e).id === id, 5_000);
    expect(event.at - answered).toBeLessThan(1_000); // the requirement, not a benchmark: typically a few ms
    await subscriber.next(isCount(article.slug, 1));
  });

  it('should never announce a change whose transaction rolled back', async () => {
    const article = await createArticle(a);
    const reader = await register(a);
    const post = (body: string) =>
      a.http
        .post(`/api/articles/${article.slug}/comments`)
        .set('Authorization', `Bearer ${reader.token}`)
        .set('X-Forwarded-For', freshIp())
        .send({ body })
        .expect(201);
    const doomed = (await post('Ще бъде върнат')).body.comment.id as string;
    const kept = (await post('Ще бъде одобрен')).body.comment.id as string;
    const subscriber = await SseClient.open(`${urlB}/api/articles/${article.slug}/events`);
    clients.push(subscriber);
    await subscriber.next();

    // On instance A: the approval runs (counters, audit, domain events) and then the transaction rolls back.
    const snapshot = await a.prisma.comment.findUniqueOrThrow({ where: { id: doomed }, select: commentSnapshotSelect });
    await expect(
      a.prisma.transaction(async (tx) => {
        await applyCommentChange(tx, snapshot, { status: 'approved' }, { action: 'approve', actorId: admin.id });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await a.http
      .patch(`/api/admin/comments/${kept}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ status: 'approved' })
      .expect(200);

    const first = await subscriber.next((e) => e.id !== undefined);
    expect([first.event, json(first).id]).toEqual(['comment', kept]);
    await subscriber.next(isCount(article.slug, 1));
    expect(subscriber.events.some((e) => e.data.includes(doomed))).toBe(false);
  });
});

describe('when Redis stops', () => {
  let redis: ScratchRedis;
  let c: TestApp;
  let d: TestApp;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    const env = { ...shared, REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '200' };
    [c, d] = [await startTestApp(env), await startTestApp(env)];
  });
  afterAll(async () => {
    await c?.close();
    await d?.close();
    await redis?.kill();
  });

  it('should not wait for a Redis that stops answering: past REDIS_COMMAND_TIMEOUT_MS the limits count in memory', async () => {
    const user = await register(c);
    redis.pause();
    try {
      const started = performance.now();
      const ip = freshIp();
      for (let i = 0; i < 5; i++) await login(c, user, 'wrong password!', ip).expect(401);
      expect((await login(c, user, TEST_PASSWORD, ip)).status).toBe(429);
      // Six sign-ins, each waiting at most the 200 ms timeout per rule, not for Redis.
      expect(performance.now() - started).toBeLessThan(15_000);
      expect((await c.http.get('/api/health').expect(200)).body.checks.rateLimits).toMatchObject({
        shared: false,
        redis: { status: 'down' },
      });
    } finally {
      redis.resume();
    }
  });

  it('should keep answering without a 5xx, enforce the limits per instance, and share them again once Redis is back', async () => {
    const before = await register(c);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await login(i % 2 ? d : c, before, 'wrong password!', ip).expect(401);
    expect((await login(d, before, TEST_PASSWORD, ip)).status).toBe(429); // shared while Redis runs

    // Each instance says so once per outage, not once per request (at debug level when it follows another outage
    // within a minute, as the paused Redis above did).
    const said = (level: 'warn' | 'debug') => vi.spyOn(Logger.prototype, level);
    const [warn, debug] = [said('warn'), said('debug')];
    const notAnswering = () =>
      [...warn.mock.calls, ...debug.mock.calls].filter(([entry]) =>
        (entry as { msg?: string } | undefined)?.msg?.startsWith('Redis is not answering'),
      ).length;
    await redis.kill();
    const during = await register(d);
    const statuses: number[] = [];
    // The same account through C five times, then a sixth: C counts on its own now.
    for (let i = 0; i < 6; i++) statuses.push((await login(c, during, 'wrong password!', ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // D has its own count: five more tries there before it refuses.
    const onD: number[] = [];
    for (let i = 0; i < 6; i++) onD.push((await login(d, during, 'wrong password!', ip)).status);
    expect(onD).toEqual([401, 401, 401, 401, 401, 429]);
    // Other routes answer normally, and readiness tells what happened.
    await c.http.get('/api/articles').expect(200);
    expect(notAnswering()).toBe(2);
    warn.mockRestore();
    debug.mockRestore();
    const health = (await c.http.get('/api/health').expect(200)).body.checks.rateLimits;
    expect(health).toMatchObject({ store: 'redis', shared: false, fallbackSince: expect.any(String), redis: { status: 'down' } });

    await redis.restart();
    const back = async (t: TestApp) => {
      for (let i = 0; i < 100; i++) {
        // Any limited request lets the instance notice; readiness then shows it.
        await t.http
          .post('/api/auth/login')
          .set('X-Forwarded-For', freshIp())
          .send({ login: uniq('nobody'), password: 'x'.repeat(12) });
        if ((await t.http.get('/api/health').expect(200)).body.checks.rateLimits.shared) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    expect(await back(c)).toBe(true);
    expect(await back(d)).toBe(true);
    const after = await register(c);
    for (let i = 0; i < 5; i++) await login(i % 2 ? d : c, after, 'wrong password!', ip).expect(401);
    expect((await login(c, after, TEST_PASSWORD, ip)).status).toBe(429); // shared again
  });
});
