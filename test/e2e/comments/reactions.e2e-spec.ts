import { recount } from '../../../src/comment-core/recount.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { json, listen, SseClient } from '../../helpers/sse.js';
import { authHeader, TEST_PASSWORD, createArticle, createComment, createReader, type TestUser } from '../../factories/index.js';

/**
 * Reactions (PUT/DELETE /api/comments/:commentId/reactions/mine): one per reader and comment, counted exactly in the
 * statement that records it, shown in every comment view, refused on one's own comment and while banned.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ DB_POOL_MAX: '20', REACTION_KINDS: 'like,insightful' });
});
afterAll(async () => {
  await t.close();
});

const reactPath = (id: string) => `/api/comments/${id}/reactions/mine`;
const put = (u: TestUser, id: string, kind = 'like') => t.http.put(reactPath(id)).set(authHeader(u)).send({ kind });
const del = (u: TestUser, id: string) => t.http.delete(reactPath(id)).set(authHeader(u));
const stored = (id: string) => t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { reactions: true, reactionCount: true } });
const reactedEvents = (id: string) =>
  t.prisma.domainEvent.count({ where: { type: 'comment.reacted', data: { path: ['comment', 'id'], equals: id } } });

async function approvedComment() {
  const article = await createArticle(t);
  const author = await createReader(t);
  const comment = await createComment(t, article, author, { status: 'approved' });
  return { article, author, comment };
}

describe('reactions', () => {
  it('should count 200 parallel reactions by 100 readers exactly, and recount should find no drift', async () => {
    const { article, author } = await approvedComment();
    const a = await createComment(t, article, author, { status: 'approved' });
    const b = await createComment(t, article, author, { status: 'approved' });
    const readers: TestUser[] = [];
    for (let i = 0; i < 100; i += 25) readers.push(...(await Promise.all(Array.from({ length: 25 }, () => createReader(t)))));

    const started = performance.now();
    const answers = await Promise.all(readers.flatMap((r, i) => [put(r, a.id), put(r, b.id, i % 2 ? 'insightful' : 'like')]));
    const ms = performance.now() - started;
    console.log(`200 parallel reactions by 100 readers: ${Math.round(ms)} ms (${Math.round((200 / ms) * 1000)} req/s)`);
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect(await stored(a.id)).toEqual({ reactions: { like: 100 }, reactionCount: 100 });
    expect(await stored(b.id)).toEqual({ reactions: { like: 50, insightful: 50 }, reactionCount: 100 });

    // Half take theirs back while the other half repeat it, and a quarter change kind, all at once.
    await Promise.all(
      readers.flatMap((r, i) =>
        i < 50 ? [del(r, a.id).expect(200)] : [put(r, a.id).expect(200), ...(i >= 75 ? [put(r, b.id, 'insightful').expect(200)] : [])],
      ),
    );
    expect(await stored(a.id)).toEqual({ reactions: { like: 50 }, reactionCount: 50 });
    // Readers 75-99 had like on even indexes: 12 of them moved to insightful.
    expect(await stored(b.id)).toEqual({ reactions: { like: 38, insightful: 62 }, reactionCount: 100 });
    expect(await t.prisma.commentReaction.count({ where: { commentId: a.id } })).toBe(50);

    const drift = await recount(t.prisma.pool, { repair: false });
    expect(drift.reactions.filter((d) => d.id === a.id || d.id === b.id)).toEqual([]);
  });

  it('should show the counts in every comment view and the reader their own reaction', async () => {
    const { article, comment } = await approvedComment();
    const reader = await createReader(t);
    const answer = await put(reader, comment.id, 'insightful').expect(200);
    expect(answer.body).toEqual({ reaction: { commentId: comment.id, reactions: { insightful: 1 }, myReaction: 'insightful' } });

    const anonymous = await t.http.get(`/api/comments/${comment.id}`).expect(200);
    expect(anonymous.body.comment).toMatchObject({ reactions: { insightful: 1 }, featured: false });
    expect(anonymous.body.comment).not.toHaveProperty('myReaction');
    const mine = await t.http.get(`/api/comments/${comment.id}`).set(authHeader(reader)).expect(200);
    expect(mine.body.comment.myReaction).toBe('insightful');

    const page = await t.http.get(`/api/articles/${article.slug}/comments`).set(authHeader(reader)).expect(200);
    expect(page.body.items[0]).toMatchObject({ id: comment.id, reactions: { insightful: 1 }, myReaction: 'insightful' });
    const other = await createReader(t);
    const theirs = await t.http.get(`/api/articles/${article.slug}/comments`).set(authHeader(other)).expect(200);
    expect(theirs.body.items[0]).toMatchObject({ reactions: { insightful: 1 }, myReaction: null });
    const threads = await t.http.get(`/api/articles/${article.slug}/threads`).set(authHeader(reader)).expect(200);
    expect(JSON.stringify(threads.body)).toContain('"myReaction":"insightful"');
  });

  it('should change nothing when the same reaction is put again', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    await put(reader, comment.id).expect(200);
    const events = await reactedEvents(comment.id);
    const again = await put(reader, comment.id).expect(200);
    expect(again.body.reaction).toEqual({ commentId: comment.id, reactions: { like: 1 }, myReaction: 'like' });
    expect(await stored(comment.id)).toEqual({ reactions: { like: 1 }, reactionCount: 1 });
    expect(await reactedEvents(comment.id)).toBe(events);
  });

  it('should take a reaction back with DELETE, and answer 200 when there is none', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    await put(reader, comment.id).expect(200);
    const removed = await del(reader, comment.id).expect(200);
    expect(removed.body.reaction).toEqual({ commentId: comment.id, reactions: {}, myReaction: null });
    expect(await stored(comment.id)).toEqual({ reactions: {}, reactionCount: 0 });
    await del(reader, comment.id).expect(200);
    expect(await stored(comment.id)).toEqual({ reactions: {}, reactionCount: 0 });
    await del(reader, '00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('should append comment.reacted with the counts after each change', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    await put(reader, comment.id).expect(200);
    const events = await t.prisma.domainEvent.findMany({
      where: { type: 'comment.reacted', data: { path: ['comment', 'id'], equals: comment.id } },
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ comment: { id: comment.id, reactions: { like: 1 }, reactionCount: 1 } });
  });

  it("should refuse a reaction to one's own comment with 403", async () => {
    const { author, comment } = await approvedComment();
    const res = await put(author, comment.id).expect(403);
    expect(res.body.error.code).toBe('CANNOT_REACT_OWN_COMMENT');
    expect(await stored(comment.id)).toEqual({ reactions: {}, reactionCount: 0 });
  });

  it('should refuse a banned reader with 403 USER_BANNED', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    await t.prisma.user.update({ where: { id: reader.id }, data: { bannedAt: new Date(), banReason: 'spam' } });
    const res = await put(reader, comment.id).expect(403);
    expect(res.body.error.code).toBe('USER_BANNED');
    expect(await stored(comment.id)).toEqual({ reactions: {}, reactionCount: 0 });
  });

  it('should answer 404 for a comment readers cannot react to (pending, deleted)', async () => {
    const { article, author } = await approvedComment();
    const reader = await createReader(t);
    const pending = await createComment(t, article, author);
    const deleted = await createComment(t, article, author, { status: 'approved', deleted: true });
    expect((await put(reader, pending.id).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
    expect((await put(reader, deleted.id).expect(404)).body.error.code).toBe('COMMENT_NOT_FOUND');
  });

  it('should refuse a kind the newsroom does not offer with 400 INVALID_REACTION', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    const res = await put(reader, comment.id, 'angry').expect(400);
    expect(res.body.error.code).toBe('INVALID_REACTION');
  });

  it('should repair drifted reaction counters', async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    await put(reader, comment.id).expect(200);
    await t.prisma.comment.update({ where: { id: comment.id }, data: { reactionCount: 7, reactions: { like: 7 } } });
    const found = await recount(t.prisma.pool, { repair: false });
    expect(found.reactions).toContainEqual({ id: comment.id, name: comment.id, stored: 7, actual: 1 });
    await recount(t.prisma.pool, { repair: true });
    expect(await stored(comment.id)).toEqual({ reactions: { like: 1 }, reactionCount: 1 });
  });

  it("should export a reader's reactions and remove them, with their counts, when the account is erased", async () => {
    const { comment } = await approvedComment();
    const reader = await createReader(t);
    const other = await createReader(t);
    await put(reader, comment.id, 'insightful').expect(200);
    await put(other, comment.id).expect(200);
    const exported = await t.http.get('/api/me/export').set(authHeader(reader)).expect(200);
    expect(exported.body.reactions).toEqual([
      { commentId: comment.id, articleId: expect.any(String), kind: 'insightful', createdAt: expect.any(String) },
    ]);

    await t.http.delete('/api/me').set(authHeader(reader)).send({ password: TEST_PASSWORD }).expect(200);
    expect(await t.prisma.commentReaction.count({ where: { userId: reader.id } })).toBe(0);
    expect(await stored(comment.id)).toEqual({ reactions: { like: 1 }, reactionCount: 1 });
  });

  it('should send live reactions frames throttled per comment: the first at once, the latest at the end of the second', async () => {
    const { article, comment } = await approvedComment();
    const readers = await Promise.all(Array.from({ length: 10 }, () => createReader(t)));
    const es = await SseClient.open(`${await listen(t.app)}/api/articles/${article.slug}/events`);
    try {
      await es.next((e) => e.event === 'count');
      const started = Date.now();
      await Promise.all(readers.map((r) => put(r, comment.id).expect(200)));
      const first = await es.next((e) => e.event === 'reactions');
      expect(json(first)).toMatchObject({ id: comment.id });
      // Ten reactions within a second: one frame at once, then one with the final counts (not ten frames).
      const last = await es.next((e) => e.event === 'reactions' && json<{ reactions: { like?: number } }>(e).reactions.like === 10, 5_000);
      expect(json(last)).toEqual({ id: comment.id, reactions: { like: 10 } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(es.events.filter((e) => e.event === 'reactions').length).toBeLessThanOrEqual(3);
    } finally {
      es.close();
    }
  });
});
