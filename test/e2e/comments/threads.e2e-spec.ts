import { applyCommentChange, commentSnapshotSelect } from '../../../src/comment-core/comment-state.js';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createUser, type TestUser } from '../../factories/index.js';

let t: TestApp;
let seq = 0;
const OLD = new Date('2000-01-01T00:00:00Z');

async function createArticle() {
  const slug = `threads-spec-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return t.prisma.article.create({
    data: { slug, title: `Threads ${seq}`, blocks: [], publishedAt: OLD },
    select: { id: true, slug: true },
  });
}

async function approve(id: string) {
  await t.prisma.$transaction(async (tx) => {
    const before = await tx.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    await applyCommentChange(tx, before, { status: 'approved' }, { action: 'approve', actorId: null });
  });
}

async function post(user: TestUser, slug: string, body: string, parentId?: string, approved = true): Promise<string> {
  const res = await t.http
    .post(`/api/articles/${slug}/comments`)
    .set('Authorization', bearer(user))
    .send({ body, ...(parentId && { parentId }) })
    .expect(201);
  if (approved) await approve(res.body.comment.id);
  return res.body.comment.id as string;
}

interface Thread {
  id: string;
  body: string | null;
  status: string;
  replies: { items: { id: string; body: string | null; depth: number }[]; nextCursor: string | null };
  replyCount: number;
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  vi.spyOn(t.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /api/articles/:slug/threads', () => {
  it('should answer top-level comments newest first, each with its first replies oldest first and its reply count', async () => {
    const a = await createArticle();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const first = await post(ana, a.slug, 'Първа нишка');
    const second = await post(bob, a.slug, 'Втора нишка');
    const replies: string[] = [];
    for (let i = 1; i <= 5; i++) replies.push(await post(i % 2 ? bob : ana, a.slug, `Отговор ${i}`, i === 3 ? replies[0] : first));

    const res = await t.http.get(`/api/articles/${a.slug}/threads`).query({ replies: 2 }).expect(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=10/);
    expect(res.body.article).toMatchObject({ slug: a.slug, commentCount: 7, commentsOpen: true, url: null, externalId: null });
    const items = res.body.items as Thread[];
    expect(items.map((i) => i.id)).toEqual([second, first]);
    expect(items[0]).toMatchObject({ replyCount: 0, replies: { items: [], nextCursor: null } });
    expect(items[1].replyCount).toBe(5);
    expect(items[1].replies.items.map((r) => r.body)).toEqual(['Отговор 1', 'Отговор 2']);
    expect(res.body.nextCursor).toBeNull();

    // The rest of the thread through the comment pages, from the thread's cursor: a reply to a reply included.
    const more = await t.http
      .get(`/api/articles/${a.slug}/comments`)
      .query({ rootId: first, sort: 'oldest', cursor: items[1].replies.nextCursor })
      .expect(200);
    expect((more.body.items as { body: string; depth: number }[]).map((r) => [r.body, r.depth])).toEqual([
      ['Отговор 3', 2],
      ['Отговор 4', 1],
      ['Отговор 5', 1],
    ]);
  });

  it('should page the top-level comments with a cursor, oldest first on request, without gaps or repeats', async () => {
    const a = await createArticle();
    const ana = await createUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await post(ana, a.slug, `Нишка ${i}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.http
        .get(`/api/articles/${a.slug}/threads`)
        .query({ sort: 'oldest', limit: 2, ...(cursor && { cursor }) })
        .expect(200);
      seen.push(...(res.body.items as Thread[]).map((i) => i.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it("should show a signed-in author their own pending comments and replies, and nobody else's", async () => {
    const a = await createArticle();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const root = await post(ana, a.slug, 'Одобрена');
    const pendingTop = await post(bob, a.slug, 'Чака одобрение', undefined, false);
    const pendingReply = await post(bob, a.slug, 'Отговор, който чака', root, false);

    const anonymous = await t.http.get(`/api/articles/${a.slug}/threads`).expect(200);
    expect((anonymous.body.items as Thread[]).map((i) => [i.id, i.replyCount])).toEqual([[root, 0]]);

    const own = await t.http.get(`/api/articles/${a.slug}/threads`).set('Authorization', bearer(bob)).expect(200);
    expect(own.headers['cache-control']).toBe('no-store');
    const items = own.body.items as Thread[];
    expect(items.map((i) => [i.id, i.status])).toEqual([
      [pendingTop, 'pending'],
      [root, 'approved'],
    ]);
    expect(items[1]).toMatchObject({ replyCount: 1, replies: { items: [{ id: pendingReply, body: 'Отговор, който чака' }] } });
    expect(own.body.article.commentCount).toBe(1);

    const other = await t.http.get(`/api/articles/${a.slug}/threads`).set('Authorization', bearer(ana)).expect(200);
    expect((other.body.items as Thread[]).map((i) => i.id)).toEqual([root]);
  });

  it('should keep a deleted comment with replies as a placeholder and answer an article without comments', async () => {
    const a = await createArticle();
    const ana = await createUser(t);
    const empty = await t.http.get(`/api/articles/${a.slug}/threads`).expect(200);
    expect(empty.body).toMatchObject({ article: { slug: a.slug, commentCount: 0 }, items: [], nextCursor: null });

    const root = await post(ana, a.slug, 'Ще бъде изтрит');
    await post(ana, a.slug, 'Отговорът остава', root);
    await t.http.delete(`/api/comments/${root}`).set('Authorization', bearer(ana)).expect(204);
    const res = await t.http.get(`/api/articles/${a.slug}/threads`).expect(200);
    expect(res.body.items[0]).toMatchObject({ id: root, deleted: true, body: null, author: null, replyCount: 1 });
  });

  it('should answer 404 for an unknown article and 400 for bad parameters', async () => {
    const missing = await t.http.get('/api/articles/nyama-takava-statia-threads/threads').expect(404);
    expect(missing.body.error.code).toBe('ARTICLE_NOT_FOUND');
    const a = await createArticle();
    for (const query of [{ limit: 51 }, { replies: 21 }, { sort: 'best' }, { cursor: 'nope' }, { utm_source: 'x' }]) {
      const res = await t.http.get(`/api/articles/${a.slug}/threads`).query(query).expect(400);
      expect(['VALIDATION_FAILED', 'INVALID_CURSOR']).toContain(res.body.error.code);
    }
  });
});

describe('GET /api/client-config', () => {
  it('should tell the pages the sign-in methods, the edit window and the limits, cacheable and without secrets', async () => {
    const res = await t.http.get('/api/client-config').expect(200);
    expect(res.body).toEqual({
      config: {
        auth: { local: 'true', sso: false },
        comments: { editWindowSeconds: 900, maxLength: 5000, reportReasonMaxLength: 500, reactionKinds: ['like'] },
        dsa: { termsUrl: null, appealWindowMonths: 6 },
        mail: { enabled: false },
      },
    });
    expect(res.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=3600, stale-if-error=86400');
  });
});
