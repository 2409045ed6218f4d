import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createComment, createReader, type TestUser } from '../../factories/index.js';

/**
 * `sort=top` (most reactions first) and `sort=replies` (most direct replies first), newest first among equals,
 * keyset-paginated with the score in the cursor; `featured=true` lists the editors' picks.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Item = { id: string; reactions: Record<string, number>; createdAt: string };

async function pageThrough(slug: string, query: Record<string, string | number>, viewer?: TestUser): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const req = t.http.get(`/api/articles/${slug}/comments`).query({ ...query, limit: 4, ...(cursor ? { cursor } : {}) });
    const res = await (viewer ? req.set(authHeader(viewer)) : req).expect(200);
    items.push(...(res.body.items as Item[]));
    cursor = (res.body.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return items;
}

describe('comment orders', () => {
  it('should list by reactions, then newest, across pages without repeats or gaps', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const readers = await Promise.all(Array.from({ length: 5 }, () => createReader(t)));
    const base = Date.now() - 3_600_000;
    const comments = [];
    for (let i = 0; i < 13; i++)
      comments.push(await createComment(t, article, author, { status: 'approved', createdAt: new Date(base + i * 1000) }));
    // Comment i gets i % 6 reactions: scores 0-5, with ties.
    await Promise.all(
      comments.flatMap((c, i) =>
        readers
          .slice(0, i % 6)
          .map((r) => t.http.put(`/api/comments/${c.id}/reactions/mine`).set(authHeader(r)).send({ kind: 'like' }).expect(200)),
      ),
    );
    const expected = comments
      .map((c, i) => ({ id: c.id, score: i % 6, i }))
      .sort((a, b) => b.score - a.score || b.i - a.i)
      .map((c) => c.id);
    const listed = await pageThrough(article.slug, { sort: 'top' });
    expect(listed.map((c) => c.id)).toEqual(expected);
    expect(listed[0]!.reactions).toEqual({ like: 5 });
    // The same for a signed-in reader (their page merges their own pending comments).
    const pending = await createComment(t, article, readers[0]!);
    const mine = await pageThrough(article.slug, { sort: 'top' }, readers[0]);
    // It has no reactions and is the newest: first of the three without any (comments 12, 6, 0).
    expect(mine.map((c) => c.id)).toEqual([...expected.slice(0, -3), pending.id, ...expected.slice(-3)]);
  });

  it('should page threads by reactions (sort=top) with their replies', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const reader = await createReader(t);
    const base = Date.now() - 3_600_000;
    const tops = [];
    for (let i = 0; i < 5; i++)
      tops.push(await createComment(t, article, author, { status: 'approved', createdAt: new Date(base + i * 1000) }));
    const reply = await createComment(t, article, author, { status: 'approved', parentId: tops[0]!.id });
    await t.http.put(`/api/comments/${tops[1]!.id}/reactions/mine`).set(authHeader(reader)).send({ kind: 'like' }).expect(200);
    await t.http.put(`/api/comments/${reply.id}/reactions/mine`).set(authHeader(reader)).send({ kind: 'like' }).expect(200);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.http
        .get(`/api/articles/${article.slug}/threads`)
        .query({ sort: 'top', limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      ids.push(...(res.body.items as { id: string }[]).map((x) => x.id));
      cursor = (res.body.nextCursor as string | null) ?? undefined;
    } while (cursor);
    // A reaction to a reply does not lift its thread: top-level comments by their own reactions, then newest.
    expect(ids).toEqual([tops[1]!.id, tops[4]!.id, tops[3]!.id, tops[2]!.id, tops[0]!.id]);
  });

  it('should list by direct replies, then newest', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const base = Date.now() - 3_600_000;
    const [a, b, c] = [
      await createComment(t, article, author, { status: 'approved', createdAt: new Date(base) }),
      await createComment(t, article, author, { status: 'approved', createdAt: new Date(base + 1000) }),
      await createComment(t, article, author, { status: 'approved', createdAt: new Date(base + 2000) }),
    ];
    for (let i = 0; i < 2; i++) await createComment(t, article, author, { status: 'approved', parentId: a!.id });
    await createComment(t, article, author, { status: 'approved', parentId: b!.id });
    // Replies not shown to readers do not count.
    await createComment(t, article, author, { status: 'pending', parentId: c!.id });
    await createComment(t, article, author, { status: 'approved', parentId: c!.id, deleted: true });
    const listed = await pageThrough(article.slug, { sort: 'replies' });
    // The replies themselves are on the article's list too (no replies of their own: after a and b).
    expect(listed.slice(0, 2).map((x) => x.id)).toEqual([a!.id, b!.id]);
    expect(listed.map((x) => x.id).filter((id) => id === c!.id || id === a!.id || id === b!.id)).toEqual([a!.id, b!.id, c!.id]);
    expect(listed).toHaveLength(7);
    expect(await t.prisma.comment.findUniqueOrThrow({ where: { id: c!.id }, select: { replyCount: true } })).toEqual({ replyCount: 0 });
  });

  it('should refuse a cursor of another order for a score order with 400 INVALID_CURSOR', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    for (let i = 0; i < 3; i++) await createComment(t, article, author, { status: 'approved' });
    const newest = await t.http.get(`/api/articles/${article.slug}/comments`).query({ sort: 'newest', limit: 1 }).expect(200);
    const res = await t.http
      .get(`/api/articles/${article.slug}/comments`)
      .query({ sort: 'top', cursor: newest.body.nextCursor as string })
      .expect(400);
    expect(res.body.error.code).toBe('INVALID_CURSOR');
  });
});
