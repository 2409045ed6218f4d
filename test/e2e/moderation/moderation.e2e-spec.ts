import { randomUUID } from 'node:crypto';
import type { CommentStatus } from '../../../src/generated/prisma/enums.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createComment, createUser, type TestUser } from '../../factories/index.js';

let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let reader: TestUser;

const decide = (u: TestUser, id: string, body: Record<string, unknown>) =>
  t.http.patch(`/api/admin/comments/${id}`).set(authHeader(u)).send(body);
const queue = (u: TestUser, query: Record<string, string | number | undefined>) =>
  t.http.get('/api/admin/comments').set(authHeader(u)).query(query);

/** The denormalised counters equal the truth, and the public count agrees. */
async function expectCountersExact(article: { id: string; slug: string }, authorIds: string[]) {
  const visible = await t.prisma.comment.count({ where: { articleId: article.id, status: 'approved', deletedAt: null } });
  const row = await t.prisma.article.findUniqueOrThrow({ where: { id: article.id }, select: { approvedCommentCount: true } });
  expect(row.approvedCommentCount).toBe(visible);
  const pub = await t.http.get(`/api/articles/${article.slug}/comments/count`).expect(200);
  expect(pub.body.count).toBe(visible);
  for (const id of authorIds) {
    const [u, n] = await Promise.all([
      t.prisma.user.findUniqueOrThrow({ where: { id }, select: { approvedCommentCount: true } }),
      t.prisma.comment.count({ where: { authorId: id, status: 'approved', deletedAt: null } }),
    ]);
    expect(u.approvedCommentCount).toBe(n);
  }
}

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator, reader] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' }), createUser(t)]);
});
afterAll(async () => {
  await t.close();
});

describe('admin route permissions', () => {
  const id = randomUUID();
  // The admin's call adds this entry to the word filter every spec file shares: a word no comment contains (it was
  // 'x', which then rejected any comment with an "x" in it, e.g. `<img src=x>` in the console's inert-HTML test).
  const unusedWord = `zqperm${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 8)}`;
  afterAll(async () => {
    await t.prisma.wordFilter.deleteMany({ where: { word: unusedWord } });
  });
  const routes: [method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object][] = [
    ['get', '/api/admin/comments'],
    ['get', '/api/admin/queue/summary'],
    ['patch', `/api/admin/comments/${id}`, { status: 'approved' }],
    ['post', '/api/admin/comments/bulk', { ids: [id], status: 'approved' }],
    ['get', '/api/admin/articles/no-such-article/comment-counts'],
    ['patch', '/api/admin/articles/no-such-article', { commentsOpen: false }],
    ['post', `/api/admin/users/${id}/ban`, { reason: 'x' }],
    ['delete', `/api/admin/users/${id}/ban`],
    ['get', '/api/admin/word-filters'],
    ['post', '/api/admin/word-filters', { word: unusedWord, kind: 'banned' }],
    ['delete', `/api/admin/word-filters/${id}`],
    ['get', '/api/admin/audit-log'],
  ];

  it.each(routes)('should answer %s %s with 401 anonymously and 403 for a reader', async (method, path, body) => {
    const anon = await t.http[method](path).send(body);
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('UNAUTHENTICATED');
    const asReader = await t.http[method](path).set(authHeader(reader)).send(body);
    expect(asReader.status).toBe(403);
    expect(asReader.body.error.code).toBe('FORBIDDEN');
  });

  // Word lists are admin-managed: moderators read them, only admins change them.
  const adminOnly = new Set(['post /api/admin/word-filters', `delete /api/admin/word-filters/${id}`]);

  it.each(routes)('should let moderators and admins through %s %s', async (method, path, body) => {
    for (const u of [moderator, admin]) {
      const res = await t.http[method](path).set(authHeader(u)).send(body);
      if (u === moderator && adminOnly.has(`${method} ${path}`)) expect(res.status).toBe(403);
      else expect([401, 403]).not.toContain(res.status);
    }
  });
});

describe('GET /api/admin/comments (queue)', () => {
  it('should list each status of an article with article, author and reports, pending oldest first', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const reporter = await createUser(t);
    const base = Date.now() - 3_600_000;
    const at = (s: number) => new Date(base + s * 1000);
    const p2 = await createComment(t, a, author, { createdAt: at(2) });
    const p1 = await createComment(t, a, author, { createdAt: at(1), body: 'the oldest pending' });
    const ap = await createComment(t, a, author, { status: 'approved', createdAt: at(3), reportCount: 2 });
    const rj = await createComment(t, a, author, { status: 'rejected', createdAt: at(4) });
    const sp = await createComment(t, a, author, { status: 'spam', createdAt: at(5) });
    const dl = await createComment(t, a, author, { createdAt: at(6), deleted: true, reportCount: 1 });
    await t.prisma.commentReport.createMany({
      data: [
        { commentId: ap.id, reporterId: reporter.id, reason: 'insult', createdAt: at(10) },
        { commentId: ap.id, reporterId: moderator.id, reason: 'spam link', createdAt: at(11) },
      ],
    });

    const ids = async (status: string) =>
      ((await queue(moderator, { status, article: a.slug }).expect(200)).body.items as { adminComment: { id: string } }[]).map(
        (i) => i.adminComment.id,
      );
    expect(await ids('pending')).toEqual([p1.id, p2.id]);
    expect(await ids('approved')).toEqual([ap.id]);
    expect(await ids('rejected')).toEqual([rj.id]);
    expect(await ids('spam')).toEqual([sp.id]);
    expect(await ids('reported')).toEqual([ap.id]); // the deleted reported one is not in the queue
    expect(await ids('deleted')).toEqual([dl.id]);

    const res = await queue(moderator, { status: 'reported', article: a.slug }).expect(200);
    expect(res.body).toEqual({
      items: [
        {
          adminComment: {
            id: ap.id,
            body: expect.any(String),
            status: 'approved',
            statusReason: null,
            version: 1,
            parentId: null,
            depth: 0,
            createdAt: at(3).toISOString(),
            editedAt: null,
            deletedAt: null,
            featured: false,
          },
          article: { id: a.id, slug: a.slug, title: a.title },
          author: { id: author.id, username: author.username, approvedCommentCount: 1, banned: false, role: 'reader' },
          reportCount: 2,
          reportReasons: ['spam link', 'insult'],
          notices: [],
          hold: null,
          parent: null,
        },
      ],
      nextCursor: null,
    });
  });

  it('should default to the pending queue and page through it without gaps or repeats', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await createComment(t, a, author, { createdAt: new Date(Date.UTC(2020, 0, 1, 0, 0, i)) })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { adminComment: { id: string } }[]; nextCursor: string | null } } = await queue(admin, {
        article: a.slug,
        limit: 2,
        cursor: cursor ?? undefined,
      }).expect(200);
      seen.push(...res.body.items.map((i) => i.adminComment.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
  });

  it('should page newest first for other statuses', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const created: string[] = [];
    for (let i = 0; i < 3; i++)
      created.push((await createComment(t, a, author, { status: 'rejected', createdAt: new Date(Date.UTC(2020, 0, 1, 0, 0, i)) })).id);
    const first = await queue(admin, { status: 'rejected', article: a.slug, limit: 2 }).expect(200);
    const second = await queue(admin, { status: 'rejected', article: a.slug, limit: 2, cursor: first.body.nextCursor }).expect(200);
    expect([...first.body.items, ...second.body.items].map((i: { adminComment: { id: string } }) => i.adminComment.id)).toEqual(
      created.reverse(),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('should filter by author and by a case-insensitive substring, with % and _ taken literally', async () => {
    const a = await createArticle(t);
    const [u1, u2] = await Promise.all([createUser(t), createUser(t)]);
    const pct = await createComment(t, a, u1, { body: 'I am 100% Sure' });
    await createComment(t, a, u1, { body: 'I am 1000 sure' });
    const under = await createComment(t, a, u2, { body: 'snake_case here' });
    await createComment(t, a, u2, { body: 'snakeXcase here' });
    const cyr = await createComment(t, a, u2, { body: 'Много ДОБРА статия' });
    const ids = async (query: Record<string, string>) =>
      ((await queue(moderator, { article: a.slug, ...query }).expect(200)).body.items as { adminComment: { id: string } }[]).map(
        (i) => i.adminComment.id,
      );
    expect(await ids({ q: '100%' })).toEqual([pct.id]);
    expect(await ids({ q: '0% sURE' })).toEqual([pct.id]);
    expect(await ids({ q: 'snake_case' })).toEqual([under.id]);
    expect(await ids({ q: 'добра' })).toEqual([cyr.id]);
    expect(await ids({ q: '\\' })).toEqual([]);
    expect(await ids({ author: u1.id })).toHaveLength(2);
    expect(await ids({ author: u2.id, q: 'snake' })).toHaveLength(2);
  });

  it('should flag a banned author', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    await createComment(t, a, author);
    await t.prisma.user.update({ where: { id: author.id }, data: { bannedAt: new Date() } });
    const res = await queue(moderator, { article: a.slug }).expect(200);
    expect(res.body.items[0].author.banned).toBe(true);
  });

  it('should reject bad filters with 400 and an unknown article with 404', async () => {
    for (const query of [
      { status: 'nope' },
      { author: 'not-a-uuid' },
      { limit: 0 },
      { limit: 101 },
      { article: 'Bad Slug' },
      { cursor: 'x' },
      { foo: 1 },
    ]) {
      const res = await queue(moderator, query).expect(400);
      expect(['VALIDATION_FAILED', 'INVALID_CURSOR']).toContain(res.body.error.code);
    }
    const res = await queue(moderator, { article: 'no-such-article-here' }).expect(404);
    expect(res.body.error.code).toBe('ARTICLE_NOT_FOUND');
  });
});

describe('GET /api/admin/queue/summary', () => {
  it('should count every status and report the oldest pending comment', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const before = (await t.http.get('/api/admin/queue/summary').set(authHeader(moderator)).expect(200)).body;
    const oldest = new Date(Date.UTC(1999, 0, 1));
    const old = await createComment(t, a, author, { createdAt: oldest });
    await createComment(t, a, author, { status: 'spam' });
    await createComment(t, a, author, { deleted: true });
    const res = await t.http.get('/api/admin/queue/summary').set(authHeader(moderator)).expect(200);
    expect(Object.keys(res.body.counts).sort()).toEqual(['approved', 'deleted', 'noticed', 'pending', 'rejected', 'reported', 'spam']);
    expect(res.body.counts.pending).toBeGreaterThanOrEqual(before.counts.pending + 1);
    expect(res.body.counts.spam).toBeGreaterThanOrEqual(before.counts.spam + 1);
    expect(res.body.counts.deleted).toBeGreaterThanOrEqual(before.counts.deleted + 1);
    expect(res.body.oldestPending.createdAt).toBe(oldest.toISOString());
    const expectedAge = (Date.now() - oldest.getTime()) / 1000;
    expect(Math.abs(res.body.oldestPending.ageSeconds - expectedAge)).toBeLessThan(60);
    // Out of the way for anyone else reading the summary.
    await decide(moderator, old.id, { status: 'rejected' }).expect(200);
  });
});

describe('PATCH /api/admin/comments/:commentId (decisions)', () => {
  it('should apply every transition of the table, with counters and one audit row each', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const c = await createComment(t, a, author);
    const steps: [CommentStatus, string][] = [
      ['approved', 'approve'],
      ['rejected', 'reject'],
      ['spam', 'spam'],
      ['approved', 'approve'],
      ['spam', 'spam'],
      ['rejected', 'reject'],
      ['approved', 'approve'],
    ];
    let version = 1;
    for (const [status] of steps) {
      const res = await decide(moderator, c.id, { status, reason: `because ${status}`, version }).expect(200);
      expect(res.body.adminComment).toMatchObject({ id: c.id, status, version: version + 1, statusReason: `because ${status}` });
      await expectCountersExact(a, [author.id]);
      version++;
    }
    const audit = await t.prisma.moderationAction.findMany({ where: { commentId: c.id }, orderBy: [{ createdAt: 'asc' }] });
    expect(audit.map((r) => [r.toStatus, r.action])).toEqual(steps);
    expect(audit.map((r) => r.fromStatus)).toEqual(['pending', ...steps.slice(0, -1).map(([s]) => s)]);
    for (const r of audit) expect(r).toMatchObject({ moderatorId: moderator.id, reason: `because ${r.toStatus}` });
  });

  it('should refuse the same status, a deleted comment and a pending target with 409 INVALID_TRANSITION', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const ap = await createComment(t, a, author, { status: 'approved' });
    const dl = await createComment(t, a, author, { deleted: true });
    for (const [id, status] of [
      [ap.id, 'approved'],
      [dl.id, 'approved'],
      [dl.id, 'rejected'],
    ] as const) {
      const res = await decide(moderator, id, { status }).expect(409);
      expect(res.body.error.code).toBe('INVALID_TRANSITION');
    }
    expect((await decide(moderator, ap.id, { status: 'approved' }).expect(409)).body.error.message).toBe(
      'An approved comment cannot become approved',
    );
    const res = await decide(moderator, ap.id, { status: 'pending' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await t.prisma.moderationAction.count({ where: { commentId: { in: [ap.id, dl.id] } } })).toBe(0);
    await expectCountersExact(a, [author.id]);
  });

  it('should answer a stale version with 409 VERSION_CONFLICT and change nothing', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const c = await createComment(t, a, author);
    await decide(moderator, c.id, { status: 'approved', version: 1 }).expect(200);
    const res = await decide(admin, c.id, { status: 'rejected', version: 1 }).expect(409);
    expect(res.body.error.code).toBe('VERSION_CONFLICT');
    const row = await t.prisma.comment.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ status: 'approved', version: 2 });
  });

  it('should answer 404 for an unknown comment and 400 for a malformed id or body', async () => {
    expect((await decide(moderator, randomUUID(), { status: 'approved' }).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
    await decide(moderator, 'nope', { status: 'approved' }).expect(400);
    await decide(moderator, randomUUID(), { status: 'approved', extra: 1 }).expect(400);
    await decide(moderator, randomUUID(), { status: 'approved', reason: 'x'.repeat(501) }).expect(400);
    await decide(moderator, randomUUID(), { status: 'approved', version: 0 }).expect(400);
  });

  it('should let exactly one of 10 concurrent decisions on the same version win', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const c = await createComment(t, a, author);
    const targets: CommentStatus[] = ['approved', 'rejected', 'spam'];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        decide(i % 2 ? admin : moderator, c.id, { status: targets[i % 3], version: 1, reason: `r${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(9);
    for (const r of conflicts) expect(r.body.error.code).toBe('VERSION_CONFLICT');
    const row = await t.prisma.comment.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ status: ok[0]!.body.adminComment.status, version: 2 });
    expect(await t.prisma.moderationAction.count({ where: { commentId: c.id } })).toBe(1);
    await expectCountersExact(a, [author.id]);
  });

  it('should keep counters and audit exact under concurrent decisions without a version', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const comments = await Promise.all(Array.from({ length: 3 }, () => createComment(t, a, author)));
    const targets: CommentStatus[] = ['approved', 'rejected', 'spam'];
    const results = await Promise.all(
      comments.flatMap((c) => Array.from({ length: 10 }, (_, i) => decide(moderator, c.id, { status: targets[i % 3] }))),
    );
    for (const r of results) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(['VERSION_CONFLICT', 'INVALID_TRANSITION']).toContain(r.body.error.code);
    }
    const wins = results.filter((r) => r.status === 200).length;
    expect(await t.prisma.moderationAction.count({ where: { commentId: { in: comments.map((c) => c.id) } } })).toBe(wins);
    const versions = await t.prisma.comment.findMany({ where: { id: { in: comments.map((c) => c.id) } }, select: { version: true } });
    expect(versions.reduce((s, v) => s + v.version - 1, 0)).toBe(wins);
    await expectCountersExact(a, [author.id]);
  });
});

describe('POST /api/admin/comments/bulk', () => {
  it('should apply the valid ids in one go and report the others', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const p1 = await createComment(t, a, author);
    const p2 = await createComment(t, a, author);
    const ap = await createComment(t, a, author, { status: 'approved' });
    const dl = await createComment(t, a, author, { deleted: true });
    const unknown = randomUUID();
    const res = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(moderator))
      .send({ ids: [p1.id, unknown, ap.id, p2.id, dl.id], status: 'approved', reason: 'looks fine' })
      .expect(200);
    expect(res.body).toEqual({
      results: [
        { id: p1.id, ok: true, status: 'approved' },
        { id: unknown, ok: false, error: { code: 'COMMENT_NOT_FOUND', message: expect.any(String) } },
        { id: ap.id, ok: false, error: { code: 'INVALID_TRANSITION', message: expect.any(String) } },
        { id: p2.id, ok: true, status: 'approved' },
        { id: dl.id, ok: false, error: { code: 'INVALID_TRANSITION', message: expect.any(String) } },
      ],
      applied: 2,
      failed: 3,
    });
    const audit = await t.prisma.moderationAction.findMany({ where: { commentId: { in: [p1.id, p2.id, ap.id, dl.id] } } });
    expect(audit).toHaveLength(2);
    for (const row of audit)
      expect(row).toMatchObject({
        action: 'approve',
        moderatorId: moderator.id,
        fromStatus: 'pending',
        toStatus: 'approved',
        reason: 'looks fine',
      });
    await expectCountersExact(a, [author.id]);
    expect((await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count).toBe(3);
  });

  it('should apply nothing when the transaction fails part-way', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const c1 = await createComment(t, a, author, { status: 'approved' });
    const c2 = await createComment(t, a, author, { status: 'approved' });
    // Corrupt the article counter so the second decrement violates its CHECK (>= 0) mid-transaction.
    await t.prisma.article.update({ where: { id: a.id }, data: { approvedCommentCount: 1 } });
    const res = await t.http
      .post('/api/admin/comments/bulk')
      .set(authHeader(moderator))
      .send({ ids: [c1.id, c2.id], status: 'rejected' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const rows = await t.prisma.comment.findMany({ where: { id: { in: [c1.id, c2.id] } }, select: { status: true, version: true } });
    expect(rows).toEqual([
      { status: 'approved', version: 1 },
      { status: 'approved', version: 1 },
    ]);
    expect(await t.prisma.moderationAction.count({ where: { commentId: { in: [c1.id, c2.id] } } })).toBe(0);
    expect((await t.prisma.article.findUniqueOrThrow({ where: { id: a.id } })).approvedCommentCount).toBe(1);
  });

  it('should validate the id list', async () => {
    const id = randomUUID();
    for (const body of [
      { ids: [], status: 'approved' },
      { ids: [id, id], status: 'approved' },
      { ids: ['nope'], status: 'approved' },
      { ids: Array.from({ length: 501 }, () => randomUUID()), status: 'approved' },
      { ids: [id], status: 'deleted' },
      { ids: [id] },
    ]) {
      const res = await t.http.post('/api/admin/comments/bulk').set(authHeader(moderator)).send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('should approve 500 comments from several authors in one request, quickly', async () => {
    const a = await createArticle(t);
    const authors = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    const ids = Array.from({ length: 500 }, () => randomUUID());
    await t.prisma.comment.createMany({
      data: ids.map((id, i) => ({ id, articleId: a.id, authorId: authors[i % 5]!.id, body: `bulk ${i}` })),
    });
    const started = performance.now();
    const res = await t.http.post('/api/admin/comments/bulk').set(authHeader(admin)).send({ ids, status: 'approved' }).expect(200);
    const ms = performance.now() - started;
    console.log(`bulk approve of 500 comments: ${Math.round(ms)} ms`);
    expect(res.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect(ms).toBeLessThan(2_000); // ~0.4 s measured alone
    expect(await t.prisma.moderationAction.count({ where: { commentId: { in: ids } } })).toBe(500);
    await expectCountersExact(
      a,
      authors.map((u) => u.id),
    );
    expect((await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count).toBe(500);
  });
});

describe('articles: counts and settings', () => {
  it('should count each status of one article, approved agreeing with the public count', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    await createComment(t, a, author);
    await createComment(t, a, author);
    await createComment(t, a, author, { status: 'approved' });
    await createComment(t, a, author, { status: 'approved', deleted: true });
    await createComment(t, a, author, { status: 'rejected' });
    await createComment(t, a, author, { status: 'spam', deleted: true });
    const res = await t.http.get(`/api/admin/articles/${a.slug}/comment-counts`).set(authHeader(moderator)).expect(200);
    expect(res.body).toEqual({
      slug: a.slug,
      counts: { pending: 2, approved: 1, rejected: 1, spam: 0, reported: 0, noticed: 0, deleted: 2 },
    });
    expect((await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count).toBe(res.body.counts.approved);
    expect(
      (await t.http.get('/api/admin/articles/no-such-slug/comment-counts').set(authHeader(moderator)).expect(404)).body.error.code,
    ).toBe('ARTICLE_NOT_FOUND');
  });

  it('should change settings without approving pending comments', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const pending = await createComment(t, a, author);
    const res = await t.http
      .patch(`/api/admin/articles/${a.slug}`)
      .set(authHeader(moderator))
      .send({ moderation: 'post', trustedBypass: false })
      .expect(200);
    expect(res.body.articleSettings).toMatchObject({
      id: a.id,
      slug: a.slug,
      moderation: 'post',
      trustedBypass: false,
      commentsOpen: true,
      commentCount: 0,
    });
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('pending');
    const closed = await t.http.patch(`/api/admin/articles/${a.slug}`).set(authHeader(admin)).send({ commentsOpen: false }).expect(200);
    expect(closed.body.articleSettings).toMatchObject({ commentsOpen: false, moderation: 'post' });
    expect(closed.body).not.toHaveProperty('article');
    const post = await t.http.post(`/api/articles/${a.slug}/comments`).set(authHeader(author)).send({ body: 'closed now?' });
    expect(post.status).toBe(403);
  });

  it('should record every settings change in the audit log, with before, after and reason', async () => {
    const a = await createArticle(t);
    await t.http
      .patch(`/api/admin/articles/${a.slug}`)
      .set(authHeader(moderator))
      .send({ commentsOpen: false, reason: 'legal hold' })
      .expect(200);
    const log = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ article: a.slug }).expect(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({
      action: 'article_settings',
      moderator: { id: moderator.id, username: moderator.username },
      article: { id: a.id, slug: a.slug },
      reason: 'legal hold',
      details: {
        from: { commentsOpen: true, moderation: 'pre', trustedBypass: true },
        to: { commentsOpen: false, moderation: 'pre', trustedBypass: true },
      },
    });
    // A refused change writes nothing.
    await t.http.patch(`/api/admin/articles/${a.slug}`).set(authHeader(moderator)).send({ moderation: 'none' }).expect(400);
    expect(await t.prisma.moderationAction.count({ where: { articleId: a.id } })).toBe(1);
  });

  it('should validate settings', async () => {
    const a = await createArticle(t);
    for (const body of [{}, { moderation: 'none' }, { commentsOpen: 'yes' }, { title: 'x' }]) {
      const res = await t.http.patch(`/api/admin/articles/${a.slug}`).set(authHeader(admin)).send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await t.http.patch('/api/admin/articles/no-such-slug').set(authHeader(admin)).send({ commentsOpen: true }).expect(404)).body.error
        .code,
    ).toBe('ARTICLE_NOT_FOUND');
  });

  it('should refuse null for an optional setting with 400, not pass it to the database (found by the contract fuzz)', async () => {
    const a = await createArticle(t);
    for (const field of ['commentsOpen', 'moderation', 'trustedBypass', 'reason']) {
      const res = await t.http
        .patch(`/api/admin/articles/${a.slug}`)
        .set(authHeader(admin))
        .send({ commentsOpen: false, [field]: null })
        .expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field, message: `${field} must not be null` }] });
    }
    expect(await t.prisma.moderationAction.count({ where: { articleId: a.id } })).toBe(0);
  });
});

describe('GET /api/admin/audit-log', () => {
  it('should list who decided what and why, newest first, filtered by comment and moderator', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const mod2 = await createUser(t, { role: 'moderator' });
    const c = await createComment(t, a, author);
    await decide(moderator, c.id, { status: 'approved', reason: 'fine' }).expect(200);
    await decide(mod2, c.id, { status: 'spam', reason: 'link farm' }).expect(200);
    await decide(moderator, c.id, { status: 'rejected' }).expect(200);
    const res = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ comment: c.id }).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        action: 'reject',
        fromStatus: 'spam',
        toStatus: 'rejected',
        reason: null,
        moderator: { id: moderator.id, username: moderator.username },
      }),
      expect.objectContaining({
        action: 'spam',
        fromStatus: 'approved',
        toStatus: 'spam',
        reason: 'link farm',
        moderator: { id: mod2.id, username: mod2.username },
      }),
      expect.objectContaining({
        action: 'approve',
        fromStatus: 'pending',
        toStatus: 'approved',
        reason: 'fine',
        moderator: { id: moderator.id, username: moderator.username },
      }),
    ]);
    for (const item of res.body.items) {
      expect(item).toEqual({
        id: expect.any(String),
        action: expect.any(String),
        createdAt: expect.any(String),
        moderator: expect.any(Object),
        fromStatus: expect.any(String),
        toStatus: expect.any(String),
        reason: item.reason,
        commentId: c.id,
        article: null,
        details: null,
        targetUser: { id: author.id, username: author.username },
      });
    }
    const byMod = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ moderator: mod2.id }).expect(200);
    expect(byMod.body.items.map((i: { action: string }) => i.action)).toEqual(['spam']);
    const page1 = await t.http.get('/api/admin/audit-log').set(authHeader(admin)).query({ comment: c.id, limit: 2 }).expect(200);
    const page2 = await t.http
      .get('/api/admin/audit-log')
      .set(authHeader(admin))
      .query({ comment: c.id, limit: 2, cursor: page1.body.nextCursor })
      .expect(200);
    expect([...page1.body.items, ...page2.body.items].map((i: { id: string }) => i.id)).toEqual(
      res.body.items.map((i: { id: string }) => i.id),
    );
    expect(page2.body.nextCursor).toBeNull();
  });

  it('should be append-only in the database', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const c = await createComment(t, a, author);
    await decide(moderator, c.id, { status: 'approved' }).expect(200);
    const row = await t.prisma.moderationAction.findFirstOrThrow({ where: { commentId: c.id } });
    await expect(t.prisma.$executeRaw`UPDATE moderation_actions SET reason = 'forged' WHERE id = ${row.id}::uuid`).rejects.toThrow(
      /append-only/,
    );
    await expect(t.prisma.$executeRaw`DELETE FROM moderation_actions WHERE id = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    await expect(t.prisma.moderationAction.update({ where: { id: row.id }, data: { reason: 'forged' } })).rejects.toThrow();
    expect(await t.prisma.moderationAction.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it('should offer no route that changes or removes an entry', async () => {
    const id = randomUUID();
    await t.http.patch(`/api/admin/audit-log/${id}`).set(authHeader(admin)).send({ reason: 'x' }).expect(404);
    await t.http.delete(`/api/admin/audit-log/${id}`).set(authHeader(admin)).expect(404);
  });
});
