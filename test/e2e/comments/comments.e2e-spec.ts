import { randomUUID } from 'node:crypto';
import type { MockInstance } from 'vitest';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { approveComment, bearer, createArticle, createUser, postComment, setCommentStatus, type TestUser } from '../../factories/index.js';

let t: TestApp;

const post = (user: TestUser, slug: string, payload: Record<string, unknown>) =>
  t.http.post(`/api/articles/${slug}/comments`).set('Authorization', bearer(user)).send(payload);

/** Posted through the API, then approved the way a moderator's decision is recorded. */
async function postApproved(user: TestUser, slug: string, body: string, parentId?: string): Promise<string> {
  const { id } = await postComment(t, { slug }, user, { body, parentId });
  await approveComment(t, id);
  return id;
}

const countOf = async (slug: string) => (await t.http.get(`/api/articles/${slug}/comments/count`).expect(200)).body.count as number;
const visibleInDb = (articleId: string) => t.prisma.comment.count({ where: { articleId, status: 'approved', deletedAt: null } });
const listIds = async (slug: string, user?: TestUser) => {
  const req = t.http.get(`/api/articles/${slug}/comments`).query({ limit: 100 });
  const res = await (user ? req.set('Authorization', bearer(user)) : req).expect(200);
  return (res.body.items as { id: string }[]).map((i) => i.id);
};

/** The word lists are global data other test files change concurrently: pin the seam, test verdicts explicitly. */
const cleanFilter = (app: TestApp) => vi.spyOn(app.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
let filter: MockInstance<WordFilterService['check']>;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  filter = cleanFilter(t);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /api/articles/:slug/comments', () => {
  it('should store a new comment as pending, hidden from readers and not counted until approved', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const other = await createUser(t);
    const res = await post(author, a.slug, { body: 'Първи коментар' }).expect(201);
    expect(res.body.comment).toEqual({
      id: expect.any(String),
      body: 'Първи коментар',
      author: { id: author.id, username: author.username, badge: null },
      status: 'pending',
      deleted: false,
      parentId: null,
      rootId: null,
      depth: 0,
      createdAt: expect.any(String),
      editedAt: null,
      reactions: {},
      featured: false,
    });
    const id = res.body.comment.id as string;
    expect(await listIds(a.slug)).toEqual([]);
    expect(await listIds(a.slug, other)).toEqual([]);
    expect(await countOf(a.slug)).toBe(0);

    await approveComment(t, id);
    const list = await t.http.get(`/api/articles/${a.slug}/comments`).expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id,
        body: 'Първи коментар',
        status: 'approved',
        author: { id: author.id, username: author.username, badge: null },
      }),
    ]);
    expect(await countOf(a.slug)).toBe(1);
    const bulk = await t.http.get('/api/comments/counts').query({ articles: a.slug }).expect(200);
    expect(bulk.body.counts).toEqual({ [a.slug]: 1 });
    expect((await t.http.get(`/api/articles/${a.slug}`).expect(200)).body.article.commentCount).toBe(1);
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: author.id } })).approvedCommentCount).toBe(1);
  });

  it('should show the signed-in author their own pending comments merged into the ordering', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const other = await createUser(t);
    const first = await postApproved(other, a.slug, 'одобрен 1');
    const mine = (await post(author, a.slug, { body: 'мой, чака' }).expect(201)).body.comment.id as string;
    const third = await postApproved(other, a.slug, 'одобрен 2');
    const othersPending = (await post(other, a.slug, { body: 'чужд, чака' }).expect(201)).body.comment.id as string;

    expect(await listIds(a.slug)).toEqual([first, third]);
    const res = await t.http.get(`/api/articles/${a.slug}/comments`).set('Authorization', bearer(author)).expect(200);
    expect(res.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [first, 'approved'],
      [mine, 'pending'],
      [third, 'approved'],
    ]);
    const newest = await t.http
      .get(`/api/articles/${a.slug}/comments`)
      .query({ sort: 'newest' })
      .set('Authorization', bearer(other))
      .expect(200);
    expect(newest.body.items.map((i: { id: string }) => i.id)).toEqual([othersPending, third, first]);
  });

  it('should store SQL and HTML verbatim, normalise line breaks and strip control characters', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const user = await createUser(t);
    const raw = `  <script>alert("x")</script>\r\n'; DROP TABLE comments; --\u0000\u0007\u009b Здравей 👋\tсвят!\r<b>&amp;</b>  \n`;
    const stored = `<script>alert("x")</script>\n'; DROP TABLE comments; -- Здравей 👋\tсвят!\n<b>&amp;</b>`;
    const res = await post(user, a.slug, { body: raw }).expect(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.comment.body).toBe(stored);
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } })).body).toBe(stored);
    const list = await t.http.get(`/api/articles/${a.slug}/comments`).expect(200);
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    expect(list.body.items[0].body).toBe(stored);
    expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(1);
  });

  it('should accept exactly 5000 code points, including astral characters that take two UTF-16 units', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    await post(user, a.slug, { body: 'а'.repeat(5000) }).expect(201);
    const emoji = '😀'.repeat(5000); // 10000 UTF-16 units, 5000 code points
    const res = await post(user, a.slug, { body: emoji }).expect(201);
    expect(res.body.comment.body).toBe(emoji);
    const tooLong = await post(user, a.slug, { body: '😀'.repeat(5001) }).expect(400);
    expect(tooLong.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'body' })] });
  });

  describe('bad input', () => {
    let a: { id: string; slug: string };
    let other: { id: string; slug: string };
    let user: TestUser;
    let foreignParent: string;
    let pendingParent: string;
    beforeAll(async () => {
      a = await createArticle(t);
      other = await createArticle(t);
      user = await createUser(t);
      foreignParent = await postApproved(user, other.slug, 'на друга статия');
      pendingParent = (await post(user, a.slug, { body: 'чака одобрение' }).expect(201)).body.comment.id;
    });

    const cases: [string, () => Record<string, unknown>, number, string][] = [
      ['empty body', () => ({ body: '' }), 400, 'VALIDATION_FAILED'],
      ['whitespace-only body', () => ({ body: ' \n\t\r\n \u00a0 ' }), 400, 'VALIDATION_FAILED'],
      ['control characters only', () => ({ body: '\u0000\u0001\u001f' }), 400, 'VALIDATION_FAILED'],
      ['invisible characters only', () => ({ body: '\u200b\ufeff' }), 400, 'VALIDATION_FAILED'],
      ['5001 characters', () => ({ body: 'я'.repeat(5001) }), 400, 'VALIDATION_FAILED'],
      ['body as a number', () => ({ body: 123 }), 400, 'VALIDATION_FAILED'],
      ['body as an array', () => ({ body: ['x'] }), 400, 'VALIDATION_FAILED'],
      ['body null', () => ({ body: null }), 400, 'VALIDATION_FAILED'],
      ['missing body', () => ({}), 400, 'VALIDATION_FAILED'],
      ['an extra field', () => ({ body: 'ok', status: 'approved' }), 400, 'VALIDATION_FAILED'],
      ['a non-uuid parentId', () => ({ body: 'ok', parentId: 'abc' }), 400, 'VALIDATION_FAILED'],
      ['a numeric parentId', () => ({ body: 'ok', parentId: 1 }), 400, 'VALIDATION_FAILED'],
      ['an unknown parentId', () => ({ body: 'ok', parentId: randomUUID() }), 404, 'PARENT_NOT_FOUND'],
      ['a parent on another article', () => ({ body: 'ok', parentId: foreignParent }), 400, 'INVALID_PARENT'],
      ['a pending parent', () => ({ body: 'ok', parentId: pendingParent }), 404, 'PARENT_NOT_FOUND'],
    ];

    it.each(cases)('should reject %s with a 4xx and store nothing', async (_name, payload, status, code) => {
      const before = await t.prisma.comment.count({ where: { authorId: user.id } });
      const res = await post(user, a.slug, payload()).expect(status);
      expect(res.body.error.code).toBe(code);
      expect(await t.prisma.comment.count({ where: { authorId: user.id } })).toBe(before);
    });

    it('should reject an unknown article, a missing token, bad JSON and bad idempotency keys', async () => {
      const before = await t.prisma.comment.count({ where: { authorId: user.id } });
      expect((await post(user, 'no-such-article', { body: 'ok' }).expect(404)).body.error.code).toBe('ARTICLE_NOT_FOUND');
      expect((await post(user, 'x'.repeat(300), { body: 'ok' }).expect(404)).body.error.code).toBe('ARTICLE_NOT_FOUND');
      expect((await t.http.post(`/api/articles/${a.slug}/comments`).send({ body: 'ok' }).expect(401)).body.error.code).toBe(
        'UNAUTHENTICATED',
      );
      const badJson = await t.http
        .post(`/api/articles/${a.slug}/comments`)
        .set('Authorization', bearer(user))
        .set('content-type', 'application/json')
        .send('{"body":');
      expect(badJson.status).toBe(400);
      expect(badJson.body.error.code).toBe('INVALID_JSON');
      const text = await t.http
        .post(`/api/articles/${a.slug}/comments`)
        .set('Authorization', bearer(user))
        .set('content-type', 'text/plain')
        .send('hello');
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      for (const key of ['', 'has space', 'k'.repeat(101), 'clé', 'a\tb']) {
        const res = await post(user, a.slug, { body: `key ${key}` }).set('Idempotency-Key', key);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('INVALID_IDEMPOTENCY_KEY');
      }
      expect(await t.prisma.comment.count({ where: { authorId: user.id } })).toBe(before);
    });
  });

  it('should answer 403 COMMENTS_CLOSED on a closed article and store nothing', async () => {
    const a = await createArticle(t, { commentsOpen: false });
    const user = await createUser(t);
    const res = await post(user, a.slug, { body: 'затворено' }).expect(403);
    expect(res.body.error.code).toBe('COMMENTS_CLOSED');
    expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(0);
  });

  it('should refuse a banned user', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    await t.prisma.user.update({ where: { id: user.id }, data: { bannedAt: new Date() } });
    const res = await post(user, a.slug, { body: 'забранен' }).expect(403);
    expect(res.body.error.code).toBe('USER_BANNED');
    expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(0);
  });

  it('should approve at once on a post-moderated article, count it and audit auto_approve', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const user = await createUser(t);
    const res = await post(user, a.slug, { body: 'веднага' }).expect(201);
    expect(res.body.comment.status).toBe('approved');
    expect(await countOf(a.slug)).toBe(1);
    expect(await listIds(a.slug)).toEqual([res.body.comment.id]);
    const audit = await t.prisma.moderationAction.findMany({ where: { commentId: res.body.comment.id } });
    expect(audit).toEqual([expect.objectContaining({ action: 'auto_approve', moderatorId: null, fromStatus: null, toStatus: 'approved' })]);
  });

  describe('word filter', () => {
    it('should store a comment with banned words as rejected, tell the author, and audit filter_reject', async () => {
      filter.mockResolvedValueOnce({ verdict: 'banned', matched: ['лошадума'] });
      const a = await createArticle(t, { moderationMode: 'post' });
      const user = await createUser(t);
      const res = await post(user, a.slug, { body: 'текст с лошадума' }).expect(201);
      expect(res.body.comment.status).toBe('rejected');
      const row = await t.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
      expect(row.statusReason).toContain('лошадума');
      expect(await listIds(a.slug)).toEqual([]);
      expect(await countOf(a.slug)).toBe(0);
      const audit = await t.prisma.moderationAction.findMany({ where: { commentId: row.id } });
      expect(audit).toEqual([expect.objectContaining({ action: 'filter_reject', moderatorId: null, toStatus: 'rejected' })]);
    });

    it('should hold a comment with suspect words as pending even on a post-moderated article', async () => {
      filter.mockResolvedValueOnce({ verdict: 'suspect', matched: ['казино'] });
      const a = await createArticle(t, { moderationMode: 'post' });
      const user = await createUser(t);
      const res = await post(user, a.slug, { body: 'онлайн казино' }).expect(201);
      expect(filter).toHaveBeenCalledWith('онлайн казино');
      expect(res.body.comment.status).toBe('pending');
      expect(await countOf(a.slug)).toBe(0);
      const audit = await t.prisma.moderationAction.findMany({ where: { commentId: res.body.comment.id } });
      expect(audit).toEqual([expect.objectContaining({ action: 'filter_hold', toStatus: 'pending' })]);
    });

    it('should filter edits too: banned words in an edit reject the comment', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const id = await postApproved(user, a.slug, 'чисто');
      filter.mockResolvedValueOnce({ verdict: 'banned', matched: ['мръсно'] });
      const res = await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(user)).send({ body: 'мръсно' }).expect(200);
      expect(res.body.comment.status).toBe('rejected');
      expect(await countOf(a.slug)).toBe(0);
      const actions = await t.prisma.moderationAction.findMany({ where: { commentId: id } });
      expect(actions.map((x) => [x.action, x.fromStatus, x.toStatus]).sort()).toEqual([
        ['approve', 'pending', 'approved'],
        ['edit', 'approved', 'pending'],
        ['filter_reject', 'pending', 'rejected'],
      ]);
    });
  });

  describe('Idempotency-Key', () => {
    it('should return the first result for a sequential retry and 422 for the same key with another payload', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const first = await post(user, a.slug, { body: 'веднъж' }).set('Idempotency-Key', 'key-1').expect(201);
      const again = await post(user, a.slug, { body: 'веднъж' }).set('Idempotency-Key', 'key-1').expect(201);
      expect(again.body.comment).toEqual(first.body.comment);
      const reused = await post(user, a.slug, { body: 'друго' }).set('Idempotency-Key', 'key-1').expect(422);
      expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(1);
      // Keys are scoped per author.
      const other = await createUser(t);
      const theirs = await post(other, a.slug, { body: 'веднъж' }).set('Idempotency-Key', 'key-1').expect(201);
      expect(theirs.body.comment.id).not.toBe(first.body.comment.id);
    });

    it('should create one comment for concurrent retries with the same key', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => post(user, a.slug, { body: 'бързо' }).set('Idempotency-Key', 'race-key')),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(new Set(results.map((r) => r.body.comment.id)).size).toBe(1);
      expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(1);
    });

    it('should let one of two concurrent uses of a key on different articles win and refuse the other', async () => {
      const a = await createArticle(t);
      const b = await createArticle(t);
      const user = await createUser(t);
      const results = await Promise.all([a, b].map((x) => post(user, x.slug, { body: 'същото' }).set('Idempotency-Key', 'cross-key')));
      expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
      expect(await t.prisma.comment.count({ where: { authorId: user.id } })).toBe(1);
    });
  });

  describe('duplicates', () => {
    it('should refuse the same body on the same article within the window with 409 DUPLICATE_COMMENT', async () => {
      const a = await createArticle(t);
      const b = await createArticle(t);
      const user = await createUser(t);
      await post(user, a.slug, { body: 'повтарям се' }).expect(201);
      const dup = await post(user, a.slug, { body: '  повтарям се \r\n' }).expect(409);
      expect(dup.body.error.code).toBe('DUPLICATE_COMMENT');
      await post(user, a.slug, { body: 'нещо друго' }).expect(201);
      await post(user, b.slug, { body: 'повтарям се' }).expect(201);
      const someoneElse = await createUser(t);
      await post(someoneElse, a.slug, { body: 'повтарям се' }).expect(201);
      expect(await t.prisma.comment.count({ where: { authorId: user.id } })).toBe(3);
    });

    it('should let exactly one of several concurrent identical posts through', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const results = await Promise.all(Array.from({ length: 6 }, () => post(user, a.slug, { body: 'двоен клик' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(await t.prisma.comment.count({ where: { articleId: a.id } })).toBe(1);
    });

    it('should allow the same body again after the author deleted it', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const id = (await post(user, a.slug, { body: 'грешка' }).expect(201)).body.comment.id;
      await t.http.delete(`/api/comments/${id}`).set('Authorization', bearer(user)).expect(204);
      await post(user, a.slug, { body: 'грешка' }).expect(201);
    });
  });

  describe('replies', () => {
    it('should nest replies to any depth with rootId and depth, and filter by parentId and rootId', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const root = await postApproved(user, a.slug, 'корен');
      const r1 = await post(user, a.slug, { body: 'отговор', parentId: root }).expect(201);
      expect(r1.body.comment).toMatchObject({ parentId: root, rootId: root, depth: 1 });
      await approveComment(t, r1.body.comment.id);
      const r2 = await post(user, a.slug, { body: 'отговор на отговора', parentId: r1.body.comment.id }).expect(201);
      expect(r2.body.comment).toMatchObject({ parentId: r1.body.comment.id, rootId: root, depth: 2 });
      await approveComment(t, r2.body.comment.id);
      const other = await postApproved(user, a.slug, 'друг корен');

      expect(await listIds(a.slug)).toEqual([root, r1.body.comment.id, r2.body.comment.id, other]);
      const direct = await t.http.get(`/api/articles/${a.slug}/comments`).query({ parentId: root }).expect(200);
      expect(direct.body.items.map((i: { id: string }) => i.id)).toEqual([r1.body.comment.id]);
      const thread = await t.http.get(`/api/articles/${a.slug}/comments`).query({ rootId: root }).expect(200);
      expect(thread.body.items.map((i: { id: string }) => i.id)).toEqual([r1.body.comment.id, r2.body.comment.id]);
      await t.http.get(`/api/articles/${a.slug}/comments`).query({ rootId: 'nope' }).expect(400);
    });

    it('should refuse a reply to a deleted or rejected parent', async () => {
      const a = await createArticle(t);
      const user = await createUser(t);
      const deleted = await postApproved(user, a.slug, 'ще изтрия');
      await t.http.delete(`/api/comments/${deleted}`).set('Authorization', bearer(user)).expect(204);
      expect((await post(user, a.slug, { body: 'x', parentId: deleted }).expect(404)).body.error.code).toBe('PARENT_NOT_FOUND');
      const rejected = await postApproved(user, a.slug, 'ще отхвърлят');
      await setCommentStatus(t, rejected, 'rejected');
      expect((await post(user, a.slug, { body: 'y', parentId: rejected }).expect(404)).body.error.code).toBe('PARENT_NOT_FOUND');
      expect(await t.prisma.comment.count({ where: { articleId: a.id, parentId: { not: null } } })).toBe(0);
    });
  });
});

describe('PATCH /api/comments/:commentId', () => {
  it('should store the old body as a revision, mark it edited and send an approved comment back to pending', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const id = await postApproved(user, a.slug, 'първа версия');
    expect(await countOf(a.slug)).toBe(1);
    const res = await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(user)).send({ body: ' втора версия ' }).expect(200);
    expect(res.body.comment).toMatchObject({ id, body: 'втора версия', status: 'pending', editedAt: expect.any(String) });
    expect(await countOf(a.slug)).toBe(0);
    expect(await listIds(a.slug)).toEqual([]);
    expect(await listIds(a.slug, user)).toEqual([id]);
    const revisions = await t.prisma.commentRevision.findMany({ where: { commentId: id } });
    expect(revisions).toEqual([expect.objectContaining({ body: 'първа версия', version: 2 })]);
    const audit = await t.prisma.moderationAction.findFirstOrThrow({ where: { commentId: id, action: 'edit' } });
    expect(audit).toMatchObject({ moderatorId: user.id, fromStatus: 'approved', toStatus: 'pending' });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).approvedCommentCount).toBe(0);
  });

  it('should keep an edit published on a post-moderated article, like a new comment there', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const user = await createUser(t);
    const id = (await post(user, a.slug, { body: 'бързо' }).expect(201)).body.comment.id;
    const res = await t.http
      .patch(`/api/comments/${id}`)
      .set('Authorization', bearer(user))
      .send({ body: 'бързо и поправено' })
      .expect(200);
    expect(res.body.comment).toMatchObject({ status: 'approved', body: 'бързо и поправено' });
    expect(await countOf(a.slug)).toBe(1);
    expect(await t.prisma.commentRevision.count({ where: { commentId: id } })).toBe(1);
  });

  it('should freeze a closed article: nobody edits there, moderators included, but authors may still delete', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const reader = await createUser(t);
    const moderator = await createUser(t, { role: 'moderator' });
    const own = (await post(reader, a.slug, { body: 'мнение на читател' }).expect(201)).body.comment.id as string;
    const staff = (await post(moderator, a.slug, { body: 'мнение на модератор' }).expect(201)).body.comment.id as string;
    await t.prisma.article.update({ where: { id: a.id }, data: { commentsOpen: false } });
    for (const [who, id] of [
      [reader, own],
      [moderator, staff],
    ] as const) {
      const res = await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(who)).send({ body: 'поправка' }).expect(403);
      expect(res.body.error.code).toBe('COMMENTS_CLOSED');
    }
    expect(await t.prisma.commentRevision.count({ where: { commentId: { in: [own, staff] } } })).toBe(0);
    await t.http.delete(`/api/comments/${own}`).set('Authorization', bearer(reader)).expect(204);
  });

  it('should keep an edited comment pending and add no revision when the body is unchanged', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const id = (await post(user, a.slug, { body: 'чака' }).expect(201)).body.comment.id;
    const same = await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(user)).send({ body: 'чака' }).expect(200);
    // The same shape as any edit's answer: the comment, without GET's `decision`.
    expect(Object.keys(same.body)).toEqual(['comment']);
    expect(same.body.comment).toMatchObject({ id, body: 'чака', status: 'pending' });
    expect(same.body.comment.decision).toBeUndefined();
    expect(await t.prisma.commentRevision.count({ where: { commentId: id } })).toBe(0);
    const res = await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(user)).send({ body: 'чака още' }).expect(200);
    expect(res.body.comment.status).toBe('pending');
    expect(await t.prisma.commentRevision.count({ where: { commentId: id } })).toBe(1);
  });

  it('should refuse others, closed edit windows, rejected, deleted and unknown comments, and bad bodies', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const stranger = await createUser(t);
    const moderator = await createUser(t, { role: 'moderator' });
    const id = await postApproved(user, a.slug, 'мой');
    const patch = (who: TestUser, cid: string, body: unknown) =>
      t.http.patch(`/api/comments/${cid}`).set('Authorization', bearer(who)).send({ body });

    expect((await patch(stranger, id, 'чужд').expect(403)).body.error.code).toBe('NOT_COMMENT_AUTHOR');
    expect((await patch(moderator, id, 'модератор').expect(403)).body.error.code).toBe('NOT_COMMENT_AUTHOR');
    expect((await patch(user, id, '   ').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await patch(user, id, 'x'.repeat(5001)).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await t.http.patch(`/api/comments/${id}`).set('Authorization', bearer(user)).send({ body: 'ok', status: 'approved' }).expect(400);
    await t.http.patch(`/api/comments/${id}`).send({ body: 'ok' }).expect(401);
    expect((await patch(user, 'not-a-uuid', 'ok').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await patch(user, randomUUID(), 'ok').expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');

    await t.prisma.comment.update({ where: { id }, data: { createdAt: new Date(Date.now() - 16 * 60_000) } });
    const late = await patch(user, id, 'късно').expect(403);
    expect(late.body.error).toEqual({ code: 'EDIT_WINDOW_CLOSED', message: 'Comments can be edited for 15 minutes after posting' });

    const rejected = (await post(user, a.slug, { body: 'ще бъде отхвърлен' }).expect(201)).body.comment.id;
    await setCommentStatus(t, rejected, 'rejected');
    expect((await patch(user, rejected, 'поправен').expect(409)).body.error.code).toBe('COMMENT_NOT_EDITABLE');

    const deleted = (await post(user, a.slug, { body: 'ще изтрия' }).expect(201)).body.comment.id;
    await t.http.delete(`/api/comments/${deleted}`).set('Authorization', bearer(user)).expect(204);
    expect((await patch(user, deleted, 'възкресен').expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');

    // A stranger cannot learn about someone's pending comment by trying to edit it.
    const pending = (await post(user, a.slug, { body: 'скрит' }).expect(201)).body.comment.id;
    expect((await patch(stranger, pending, 'x').expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');

    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id } })).body).toBe('мой');
    expect(await t.prisma.commentRevision.count({ where: { comment: { articleId: a.id } } })).toBe(0);
    expect(await countOf(a.slug)).toBe(1);
  });
});

describe('DELETE /api/comments/:commentId', () => {
  it('should soft-delete for the author, keep replies and show a placeholder without body or author', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const replier = await createUser(t);
    const parent = await postApproved(user, a.slug, 'родител');
    const reply = await postApproved(replier, a.slug, 'отговор', parent);
    expect(await countOf(a.slug)).toBe(2);

    await t.http.delete(`/api/comments/${parent}`).set('Authorization', bearer(user)).expect(204);
    expect(await countOf(a.slug)).toBe(1);
    expect(await visibleInDb(a.id)).toBe(1);
    const list = await t.http.get(`/api/articles/${a.slug}/comments`).expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: parent, deleted: true, body: null, author: null }),
      expect.objectContaining({ id: reply, parentId: parent, rootId: parent, body: 'отговор' }),
    ]);
    const row = await t.prisma.comment.findUniqueOrThrow({ where: { id: parent } });
    expect(row).toMatchObject({ deletedById: user.id, body: 'родител' });
    expect(row.deletedAt).toBeInstanceOf(Date);
    const audit = await t.prisma.moderationAction.findFirstOrThrow({ where: { commentId: parent, action: 'delete' } });
    expect(audit.moderatorId).toBe(user.id);
    // Deleting twice is 404: the comment no longer exists for its author.
    expect((await t.http.delete(`/api/comments/${parent}`).set('Authorization', bearer(user)).expect(404)).body.error.code).toBe(
      'COMMENT_NOT_FOUND',
    );
    expect(await countOf(a.slug)).toBe(1);
  });

  it('should let a moderator delete, refuse a stranger with 403 and an anonymous caller with 401', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    const stranger = await createUser(t);
    const moderator = await createUser(t, { role: 'moderator' });
    const id = await postApproved(user, a.slug, 'спорен');
    expect((await t.http.delete(`/api/comments/${id}`).set('Authorization', bearer(stranger)).expect(403)).body.error.code).toBe(
      'NOT_COMMENT_AUTHOR',
    );
    await t.http.delete(`/api/comments/${id}`).expect(401);
    await t.http.delete('/api/comments/123').set('Authorization', bearer(user)).expect(400);
    expect(await countOf(a.slug)).toBe(1);
    await t.http.delete(`/api/comments/${id}`).set('Authorization', bearer(moderator)).expect(204);
    expect(await countOf(a.slug)).toBe(0);
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id } })).deletedById).toBe(moderator.id);
  });

  it('should let the author delete a pending comment without touching the counter', async () => {
    const a = await createArticle(t);
    const user = await createUser(t);
    await postApproved(user, a.slug, 'остава');
    const id = (await post(user, a.slug, { body: 'чака' }).expect(201)).body.comment.id;
    await t.http.delete(`/api/comments/${id}`).set('Authorization', bearer(user)).expect(204);
    expect(await countOf(a.slug)).toBe(1);
    expect(await listIds(a.slug, user)).toHaveLength(1);
  });
});

describe('POST /api/comments/:commentId/reports', () => {
  it('should count reports once per reader and send the comment back to pending at the threshold', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const readers = await Promise.all([1, 2, 3, 4].map(() => createUser(t)));
    const id = await postApproved(author, a.slug, 'спорно мнение');
    const report = (who: TestUser, reason: unknown = 'обида') =>
      t.http.post(`/api/comments/${id}/reports`).set('Authorization', bearer(who)).send({ reason });

    const first = await report(readers[0]).expect(201);
    expect(first.body.report).toEqual({ id: expect.any(String), commentId: id, reason: 'обида', createdAt: expect.any(String) });
    expect((await report(readers[0]).expect(409)).body.error.code).toBe('ALREADY_REPORTED');
    expect((await report(author).expect(403)).body.error.code).toBe('CANNOT_REPORT_OWN_COMMENT');
    expect((await report(readers[1], '').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await report(readers[1], 'x'.repeat(501)).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await report(readers[1], 5).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await t.http.post(`/api/comments/${id}/reports`).send({ reason: 'x' }).expect(401);
    expect(await countOf(a.slug)).toBe(1);

    // The last two arrive together: both count, exactly one of them crosses the threshold.
    const results = await Promise.all([report(readers[1]), report(readers[2])]);
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    const row = await t.prisma.comment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ reportCount: 3, status: 'pending' });
    expect(await countOf(a.slug)).toBe(0);
    const audit = await t.prisma.moderationAction.findMany({ where: { commentId: id, action: 'report_threshold' } });
    expect(audit).toEqual([expect.objectContaining({ moderatorId: null, fromStatus: 'approved', toStatus: 'pending' })]);
    // Hidden now: it cannot be reported further.
    expect((await report(readers[3]).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
    expect(await t.prisma.commentReport.count({ where: { commentId: id } })).toBe(3);

    // A moderator's approval after the threshold sticks; later reports are recorded only.
    await approveComment(t, id);
    await report(readers[3]).expect(201);
    expect(await t.prisma.comment.findUniqueOrThrow({ where: { id } })).toMatchObject({ reportCount: 4, status: 'approved' });
    expect(await countOf(a.slug)).toBe(1);
  });

  it('should answer 404 for pending, unknown and deleted comments', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const reader = await createUser(t);
    const pending = (await post(author, a.slug, { body: 'чака' }).expect(201)).body.comment.id;
    await t.http.post(`/api/comments/${pending}/reports`).set('Authorization', bearer(reader)).send({ reason: 'спам' }).expect(404);
    await t.http.post(`/api/comments/${randomUUID()}/reports`).set('Authorization', bearer(reader)).send({ reason: 'спам' }).expect(404);
    const deleted = await postApproved(author, a.slug, 'изтрит');
    await t.http.delete(`/api/comments/${deleted}`).set('Authorization', bearer(author)).expect(204);
    await t.http.post(`/api/comments/${deleted}/reports`).set('Authorization', bearer(reader)).send({ reason: 'спам' }).expect(404);
    expect(await t.prisma.commentReport.count({ where: { reporterId: reader.id } })).toBe(0);
  });
});

describe('GET /api/comments/:commentId', () => {
  it('should show approved comments to everyone and pending ones only to the author and moderators', async () => {
    const a = await createArticle(t);
    const author = await createUser(t);
    const stranger = await createUser(t);
    const moderator = await createUser(t, { role: 'moderator' });
    const approved = await postApproved(author, a.slug, 'видим');
    const pending = (await post(author, a.slug, { body: 'скрит' }).expect(201)).body.comment.id;
    expect((await t.http.get(`/api/comments/${approved}`).expect(200)).body.comment).toMatchObject({ id: approved, body: 'видим' });
    expect((await t.http.get(`/api/comments/${pending}`).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
    await t.http.get(`/api/comments/${pending}`).set('Authorization', bearer(stranger)).expect(404);
    expect((await t.http.get(`/api/comments/${pending}`).set('Authorization', bearer(author)).expect(200)).body.comment.status).toBe(
      'pending',
    );
    await t.http.get(`/api/comments/${pending}`).set('Authorization', bearer(moderator)).expect(200);
    await t.http.get('/api/comments/not-a-uuid').expect(400);
  });
});

describe('trusted authors', () => {
  let trusted: TestApp;
  beforeAll(async () => {
    trusted = await startTestApp({ TRUSTED_USER_APPROVED_COMMENTS: '2' });
  });
  beforeEach(() => {
    cleanFilter(trusted);
  });
  afterAll(async () => {
    await trusted.close();
  });

  it('should approve at once once the author has enough approved comments, unless the article opts out', async () => {
    const a = await createArticle(t);
    const strict = await createArticle(t, { trustedBypass: false });
    const user = await createUser(trusted);
    const send = (slug: string, body: string) =>
      trusted.http.post(`/api/articles/${slug}/comments`).set('Authorization', bearer(user)).send({ body });
    for (const body of ['едно', 'две']) {
      const res = await send(a.slug, body).expect(201);
      expect(res.body.comment.status).toBe('pending');
      await approveComment(t, res.body.comment.id);
    }
    const third = await send(a.slug, 'три').expect(201);
    expect(third.body.comment.status).toBe('approved');
    expect(
      await trusted.prisma.moderationAction.findFirst({ where: { commentId: third.body.comment.id, action: 'auto_approve' } }),
    ).not.toBeNull();
    expect((await send(strict.slug, 'строго').expect(201)).body.comment.status).toBe('pending');
    expect(await countOf(a.slug)).toBe(3);
  });
});
