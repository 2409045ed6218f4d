import { AppError } from '../../../src/common/errors/app-error.js';
import { applyCommentChange, commentSnapshotSelect, recordNewComment } from '../../../src/comment-core/comment-state.js';
import { recount } from '../../../src/comment-core/recount.js';
import type { CommentStatus } from '../../../src/generated/prisma/enums.js';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createArticle, createUser, type TestUser } from '../../factories/index.js';

let t: TestApp;
const TX = { maxWait: 15_000, timeout: 30_000 };

/** A moderator decision through comment-state; false when it lost a race (409 VERSION_CONFLICT). */
async function decide(id: string, status: CommentStatus): Promise<boolean> {
  try {
    await t.prisma.$transaction(async (tx) => {
      const before = await tx.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
      await applyCommentChange(tx, before, { status }, { action: status, actorId: null });
    }, TX);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'VERSION_CONFLICT') return false;
    throw err;
  }
}

const post = (user: TestUser, slug: string, body: string) =>
  t.http.post(`/api/articles/${slug}/comments`).set('Authorization', bearer(user)).send({ body });
const countOf = async (slug: string) => (await t.http.get(`/api/articles/${slug}/comments/count`).expect(200)).body.count as number;
const visibleInDb = (articleId: string) => t.prisma.comment.count({ where: { articleId, status: 'approved', deletedAt: null } });

beforeAll(async () => {
  t = await startTestApp({ DB_POOL_MAX: '20' });
});
afterAll(async () => {
  await t.close();
});
// The word lists are global data other test files change concurrently; these tests are about counting.
beforeEach(() => {
  vi.spyOn(t.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('pagination', () => {
  type Item = { id: string; createdAt: string };

  async function seed(n: number) {
    const a = await createArticle(t);
    const user = await createUser(t);
    // Five comments share one timestamp so the id tiebreaker is exercised; inserted through comment-state.
    const tie = new Date(Date.now() - 60_000);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = await t.prisma.$transaction(async (tx) => {
        const c = await tx.comment.create({
          data: {
            articleId: a.id,
            authorId: user.id,
            body: `c${i}`,
            status: 'approved',
            createdAt: i < 5 ? tie : new Date(tie.getTime() + i * 1000),
          },
          select: commentSnapshotSelect,
        });
        await recordNewComment(tx, c, null);
        return c.id;
      });
      ids.push(id);
    }
    return { a, user, ids };
  }

  async function walk(slug: string, sort: 'oldest' | 'newest', between: () => Promise<void>) {
    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Item[]; nextCursor: string | null } } = await t.http
        .get(`/api/articles/${slug}/comments`)
        .query({ limit: 3, sort, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (++pages <= 4) await between();
    } while (cursor && pages < 100);
    return seen;
  }

  const key = (i: Item) => `${i.createdAt}|${i.id}`;

  it.each(['oldest', 'newest'] as const)('should page %s first without gaps or repeats while comments are added', async (sort) => {
    const { a, user, ids } = await seed(14);
    const added: string[] = [];
    const seen = await walk(a.slug, sort, async () => {
      const res = await post(user, a.slug, `нов ${added.length}`).expect(201);
      await decide(res.body.comment.id, 'approved');
      added.push(res.body.comment.id);
    });
    const seenIds = seen.map((i) => i.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    // Strictly ordered by (createdAt, id) in the requested direction.
    const keys = seen.map(key);
    const ordered = [...keys].sort();
    expect(keys).toEqual(sort === 'oldest' ? ordered : ordered.reverse());
    // Comments added behind the cursor show up at the end (oldest first) or never in this walk (newest first).
    if (sort === 'oldest') expect(seenIds.slice(-added.length)).toEqual(added);
    else expect(seenIds.some((id) => added.includes(id))).toBe(false);
  });

  it('should reject a malformed cursor and out-of-range limits', async () => {
    const a = await createArticle(t);
    expect((await t.http.get(`/api/articles/${a.slug}/comments`).query({ cursor: 'garbage' }).expect(400)).body.error.code).toBe(
      'INVALID_CURSOR',
    );
    await t.http.get(`/api/articles/${a.slug}/comments`).query({ limit: 0 }).expect(400);
    await t.http.get(`/api/articles/${a.slug}/comments`).query({ limit: 101 }).expect(400);
    await t.http.get(`/api/articles/${a.slug}/comments`).query({ sort: 'random' }).expect(400);
  });
});

describe('comment counters under concurrency', () => {
  it('should keep the counts equal to count(*) after 50 concurrent posts, approvals, rejections and deletions', async () => {
    const pre = await createArticle(t);
    const post_ = await createArticle(t, { moderationMode: 'post' });
    const moderator = await createUser(t, { role: 'moderator' });
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser(t)));

    // 50 posts at once: 40 pending on the pre-moderated article, 10 approved at once on the post-moderated one.
    const posted = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(users[i % 10], i < 40 ? pre.slug : post_.slug, `коментар ${i}`)),
    );
    expect(posted.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ids = posted.map((r) => r.body.comment.id as string);

    // Then, all at once: every comment approved (some twice, racing), some rejected, some deleted by author or moderator.
    const ops: Promise<unknown>[] = [];
    ids.forEach((id, i) => {
      ops.push(decide(id, 'approved'));
      if (i % 5 === 0) ops.push(decide(id, 'approved'));
      if (i % 7 === 0) ops.push(decide(id, 'rejected'));
      if (i % 6 === 0)
        ops.push(
          t.http
            .delete(`/api/comments/${id}`)
            .set('Authorization', bearer(users[i % 10]))
            .then((r) => r.status),
        );
      if (i % 9 === 0)
        ops.push(
          t.http
            .delete(`/api/comments/${id}`)
            .set('Authorization', bearer(moderator))
            .then((r) => r.status),
        );
    });
    const outcomes = await Promise.all(ops);
    for (const o of outcomes) if (typeof o === 'number') expect([204, 404, 409]).toContain(o);

    for (const a of [pre, post_]) {
      const actual = await visibleInDb(a.id);
      expect(await countOf(a.slug)).toBe(actual);
      expect((await t.prisma.article.findUniqueOrThrow({ where: { id: a.id } })).approvedCommentCount).toBe(actual);
    }
    expect(await visibleInDb(pre.id)).toBeGreaterThan(0);
    const bulk = await t.http
      .get('/api/comments/counts')
      .query({ articles: `${pre.slug},${post_.slug}` })
      .expect(200);
    expect(bulk.body.counts).toEqual({ [pre.slug]: await visibleInDb(pre.id), [post_.slug]: await visibleInDb(post_.id) });
    for (const u of users) {
      const row = await t.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
      expect(row.approvedCommentCount).toBe(
        await t.prisma.comment.count({ where: { authorId: u.id, status: 'approved', deletedAt: null } }),
      );
    }
    const drift = await recount(t.prisma.pool, { repair: false });
    expect(drift.articles.filter((d) => d.id === pre.id || d.id === post_.id)).toEqual([]);
    expect(drift.users.filter((d) => users.some((u) => u.id === d.id))).toEqual([]);
  });
});

describe('bulk counts', () => {
  it('should count known slugs, list unknown ones, cap at 100 and answer 304 to a matching ETag', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const user = await createUser(t);
    await post(user, a.slug, 'едно').expect(201);
    await post(user, a.slug, 'две').expect(201);
    const res = await t.http
      .get('/api/comments/counts')
      .query({ articles: `${a.slug},no-such-slug` })
      .expect(200);
    expect(res.body).toEqual({ counts: { [a.slug]: 2, 'no-such-slug': 0 }, unknown: ['no-such-slug'] });
    await t.http
      .get('/api/comments/counts')
      .set('If-None-Match', res.headers.etag)
      .query({ articles: `${a.slug},no-such-slug` })
      .expect(304);
    const tooMany = Array.from({ length: 101 }, (_, i) => `s${i}`).join(',');
    expect((await t.http.get('/api/comments/counts').query({ articles: tooMany }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await t.http.get('/api/comments/counts').expect(400);
    // A new comment changes the representation, so the old ETag no longer matches.
    await post(user, a.slug, 'три').expect(201);
    const after = await t.http
      .get('/api/comments/counts')
      .set('If-None-Match', res.headers.etag)
      .query({ articles: `${a.slug},no-such-slug` })
      .expect(200);
    expect(after.body.counts[a.slug]).toBe(3);
  });

  it('should list slugs named like Object.prototype members in counts too', async () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const res = await t.http
      .get('/api/comments/counts')
      .query({ articles: names.join(',') })
      .expect(200);
    // Parsed without a reviver: `__proto__` is then an own key, as the client sees it.
    const body = JSON.parse(res.text) as { counts: Record<string, number>; unknown: string[] };
    expect(Object.keys(body.counts).sort()).toEqual([...names].sort());
    expect(Object.values(body.counts)).toEqual([0, 0, 0, 0]);
    expect(body.unknown.sort()).toEqual([...names].sort());
  });
});

describe('recount', () => {
  it('should report injected drift and repair it', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const user = await createUser(t);
    await post(user, a.slug, 'едно').expect(201);
    await post(user, a.slug, 'две').expect(201);
    await t.prisma.$executeRaw`UPDATE articles SET approved_comment_count = approved_comment_count + 5 WHERE id = ${a.id}::uuid`;
    await t.prisma.$executeRaw`UPDATE users SET approved_comment_count = 0 WHERE id = ${user.id}::uuid`;
    expect(await countOf(a.slug)).toBe(7);

    const found = await recount(t.prisma.pool, { repair: false });
    expect(found.articles).toContainEqual({ id: a.id, name: a.slug, stored: 7, actual: 2 });
    expect(found.users).toContainEqual({ id: user.id, name: user.username, stored: 0, actual: 2 });
    expect(found.repaired).toBe(0);
    expect(await countOf(a.slug)).toBe(7);

    const fixed = await recount(t.prisma.pool, { repair: true });
    expect(fixed.repaired).toBeGreaterThanOrEqual(2);
    expect(await countOf(a.slug)).toBe(2);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).approvedCommentCount).toBe(2);
    const again = await recount(t.prisma.pool, { repair: false });
    expect(again.articles.some((d) => d.id === a.id)).toBe(false);
    expect(again.users.some((d) => d.id === user.id)).toBe(false);
  });

  it('should repair correctly while comments are being approved concurrently', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    await t.prisma.$executeRaw`UPDATE articles SET approved_comment_count = approved_comment_count + 3 WHERE id = ${a.id}::uuid`;
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => post(users[i % 5], a.slug, `паралелно ${i}`).expect(201)),
      recount(t.prisma.pool, { repair: true }),
      recount(t.prisma.pool, { repair: true }),
    ]);
    // The injected +3 was committed before the repairs started, so it is gone; the racing increments all survive.
    expect(await countOf(a.slug)).toBe(await visibleInDb(a.id));
    expect(await visibleInDb(a.id)).toBe(20);
  });
});
