import { startTestApp, type TestApp } from '../../helpers/app.js';
import { json, listen, SseClient } from '../../helpers/sse.js';
import { authHeader, createAdmin, createArticle, createComment, createModerator, createReader } from '../../factories/index.js';

/** Editors' picks (PUT/DELETE /api/admin/comments/:commentId/featured) and badges (PUT/DELETE /api/admin/users/:userId/badge). */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const audits = (commentId: string) =>
  t.prisma.moderationAction.findMany({ where: { commentId }, select: { action: true, moderatorId: true }, orderBy: { createdAt: 'asc' } });

describe("editors' picks", () => {
  it('should let a moderator feature and unfeature a comment, audited, shown to readers and listed with featured=true', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const moderator = await createModerator(t);
    const picked = await createComment(t, article, author, { status: 'approved' });
    await createComment(t, article, author, { status: 'approved' });

    const res = await t.http.put(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
    expect(res.body.comment).toMatchObject({ id: picked.id, featured: true });
    await t.http.put(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
    expect((await t.http.get(`/api/comments/${picked.id}`).expect(200)).body.comment.featured).toBe(true);
    const picks = await t.http.get(`/api/articles/${article.slug}/comments`).query({ featured: 'true' }).expect(200);
    expect(picks.body.items.map((c: { id: string }) => c.id)).toEqual([picked.id]);
    expect((await t.http.get(`/api/articles/${article.slug}/comments`).expect(200)).body.items).toHaveLength(2);

    const off = await t.http.delete(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
    expect(off.body.comment.featured).toBe(false);
    expect((await t.http.get(`/api/articles/${article.slug}/comments`).query({ featured: 'true' }).expect(200)).body.items).toEqual([]);
    // Featuring twice is one change: one audit row each way.
    expect(await audits(picked.id)).toEqual([
      { action: 'feature', moderatorId: moderator.id },
      { action: 'unfeature', moderatorId: moderator.id },
    ]);
  });

  it("should mark a pick live on the article's stream, and take the mark back live, once per change", async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const moderator = await createModerator(t);
    const picked = await createComment(t, article, author, { status: 'approved' });
    const es = await SseClient.open(`${await listen(t.app)}/api/articles/${article.slug}/events`);
    try {
      await es.next((e) => e.event === 'count');
      await t.http.put(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
      const on = await es.next((e) => e.event === 'comment');
      expect(json(on)).toMatchObject({ id: picked.id, featured: true, status: 'approved' });
      await t.http.put(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
      await t.http.delete(`/api/admin/comments/${picked.id}/featured`).set(authHeader(moderator)).expect(200);
      const off = await es.next((e) => e.event === 'comment' && json<{ featured: boolean }>(e).featured === false);
      expect(json(off)).toMatchObject({ id: picked.id, featured: false });
      // Featuring twice is one change: one event each way, for webhooks too.
      const events = await t.prisma.domainEvent.findMany({
        where: { type: 'comment.featured', data: { path: ['comment', 'id'], equals: picked.id } },
        orderBy: { id: 'asc' },
        select: { data: true },
      });
      expect(events.map((e) => (e.data as { featured: boolean }).featured)).toEqual([true, false]);
      expect(es.events.filter((e) => e.event === 'comment')).toHaveLength(2);
    } finally {
      es.close();
    }
  });

  it('should refuse to feature a comment readers cannot see with 409 COMMENT_NOT_PUBLISHED, and an unknown one with 404', async () => {
    const article = await createArticle(t);
    const author = await createReader(t);
    const moderator = await createModerator(t);
    const pending = await createComment(t, article, author);
    const res = await t.http.put(`/api/admin/comments/${pending.id}/featured`).set(authHeader(moderator)).expect(409);
    expect(res.body.error.code).toBe('COMMENT_NOT_PUBLISHED');
    await t.http.put('/api/admin/comments/00000000-0000-4000-8000-000000000000/featured').set(authHeader(moderator)).expect(404);
  });
});

describe('badges', () => {
  it("should show an admin-given badge as author.badge in comment views, without changing the author's role", async () => {
    const article = await createArticle(t);
    const journalist = await createReader(t);
    const admin = await createAdmin(t);
    const comment = await createComment(t, article, journalist, { status: 'approved' });

    const set = await t.http
      .put(`/api/admin/users/${journalist.id}/badge`)
      .set(authHeader(admin))
      .send({ badge: 'journalist' })
      .expect(200);
    expect(set.body.user).toMatchObject({ badge: 'journalist', role: 'reader' });
    const view = await t.http.get(`/api/comments/${comment.id}`).expect(200);
    expect(view.body.comment.author).toEqual({ id: journalist.id, username: journalist.username, badge: 'journalist' });
    const page = await t.http.get(`/api/articles/${article.slug}/comments`).expect(200);
    expect(page.body.items[0].author.badge).toBe('journalist');

    const removed = await t.http.delete(`/api/admin/users/${journalist.id}/badge`).set(authHeader(admin)).expect(200);
    expect(removed.body.user.badge).toBeNull();
    expect((await t.http.get(`/api/comments/${comment.id}`).expect(200)).body.comment.author.badge).toBeNull();
    const actions = await t.prisma.moderationAction.findMany({
      where: { targetUserId: journalist.id },
      select: { action: true, reason: true },
    });
    expect(actions).toEqual([
      { action: 'badge_change', reason: '- -> journalist' },
      { action: 'badge_change', reason: 'journalist -> -' },
    ]);
  });

  it('should refuse a malformed badge with 400', async () => {
    const reader = await createReader(t);
    const admin = await createAdmin(t);
    const res = await t.http.put(`/api/admin/users/${reader.id}/badge`).set(authHeader(admin)).send({ badge: 'Staff!' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
