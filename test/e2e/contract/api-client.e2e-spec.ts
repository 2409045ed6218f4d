import { randomUUID } from 'node:crypto';
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../openapi/schema.js';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';
import { createUser, TEST_PASSWORD } from '../../factories/index.js';

/**
 * An integrator's view: a client generated from the committed document (openapi-typescript types + openapi-fetch)
 * drives the whole reader flow and the whole moderator flow against the running service. `npm test` type-checks
 * this file, so a response shape the document and the code disagree on fails to compile or to run.
 */
let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_ENABLED: 'true' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
});
afterAll(async () => {
  await t.close();
});

/** A client that signs its requests with whatever token `auth.token` holds at the time. */
function client(auth: { token?: string } = {}) {
  const api = createClient<paths>({ baseUrl });
  const bearer: Middleware = {
    onRequest({ request }) {
      if (auth.token) request.headers.set('Authorization', `Bearer ${auth.token}`);
      return request;
    },
  };
  api.use(bearer);
  return api;
}

describe('typed client generated from the OpenAPI document', () => {
  it('should drive the reader flow: register, read, comment, edit, report, delete, refresh, logout', async () => {
    const session: { token?: string } = {};
    const api = client(session);
    const username = `reader_${randomUUID().slice(0, 8)}`;

    const reg = await api.POST('/api/auth/register', {
      body: { email: `${username}@example.bg`, username, password: 'липов цвят над Витоша' },
    });
    expect(reg.response.status).toBe(201);
    expect(reg.response.headers.get('location')).toBe('/api/auth/me');
    expect(reg.response.headers.get('cache-control')).toBe('no-store');
    session.token = reg.data!.accessToken;

    const me = await api.GET('/api/auth/me');
    expect(me.data!.user).toMatchObject({ username, role: 'reader' });
    expect(me.response.headers.get('cache-control')).toBe('no-store');

    const list = await client().GET('/api/articles', { params: { query: { limit: 5 } } });
    expect(list.data!.items.map((a) => a.slug)).toContain(SEED_SLUG);

    const article = await client().GET('/api/articles/{slug}', { params: { path: { slug: SEED_SLUG } } });
    expect(article.data!.article.title).toMatch(/Зеленски/);
    const etag = article.response.headers.get('etag')!;
    const again = await fetch(`${baseUrl}/api/articles/${SEED_SLUG}`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);

    // Comments go on an article of this test's own (other test files expect the seed article to have none).
    const own = await client({ token: (await createUser(t, { role: 'admin' })).token }).POST('/api/admin/articles', {
      body: {
        title: `Япония и Украйна договориха съвместно производство ${randomUUID().slice(0, 6)}`,
        blocks: [{ type: 'paragraph', text: 'Първите системи се очакват догодина.' }],
      },
    });
    const slug = own.data!.article.slug;
    const posted = await api.POST('/api/articles/{slug}/comments', {
      params: { path: { slug }, header: { 'Idempotency-Key': randomUUID() } },
      body: { body: 'Съвместното производство с Япония е разумна стъпка.' },
    });
    expect(posted.response.status).toBe(201);
    const comment = posted.data!.comment;
    expect(posted.response.headers.get('location')).toBe(`/api/comments/${comment.id}`);
    expect(comment.status).toBe('pending');
    expect(posted.response.headers.get('ratelimit-policy')).toContain('"comment-post-user";q=10;w=60');

    // Readers see their own pending comment; the page is private to them.
    const mine = await api.GET('/api/articles/{slug}/comments', { params: { path: { slug }, query: { sort: 'newest', limit: 10 } } });
    expect(mine.data!.items.map((c) => c.id)).toContain(comment.id);
    expect(mine.response.headers.get('cache-control')).toBe('no-store');

    const edited = await api.PATCH('/api/comments/{commentId}', {
      params: { path: { commentId: comment.id } },
      body: { body: 'Поправка: разумна и навременна стъпка.' },
    });
    expect(edited.data!.comment.editedAt).not.toBeNull();

    const other = await createUser(t, { role: 'moderator' });
    const approved = await client({ token: other.token }).PATCH('/api/admin/comments/{commentId}', {
      params: { path: { commentId: comment.id } },
      body: { status: 'approved' },
    });
    expect(approved.data!.adminComment.status).toBe('approved');

    const stranger = client({ token: (await createUser(t)).token });
    const report = await stranger.POST('/api/comments/{commentId}/reports', {
      params: { path: { commentId: comment.id } },
      body: { reason: 'Обиди към други читатели' },
    });
    expect(report.response.status).toBe(201);
    const myReport = await stranger.GET('/api/comments/{commentId}/reports/mine', { params: { path: { commentId: comment.id } } });
    expect(report.response.headers.get('location')).toBe(`/api/comments/${comment.id}/reports/mine`);
    expect(myReport.data!.report.reason).toBe('Обиди към други читатели');
    const twice = await stranger.POST('/api/comments/{commentId}/reports', {
      params: { path: { commentId: comment.id } },
      body: { reason: 'пак' },
    });
    expect(twice.error?.error.code).toBe('ALREADY_REPORTED');

    const count = await client().GET('/api/articles/{slug}/comments/count', { params: { path: { slug } } });
    expect(count.data!.count).toBe(1);
    expect(count.response.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30, stale-if-error=600');
    const counts = await client().GET('/api/comments/counts', {
      params: { query: { articles: [slug, SEED_SLUG, 'nyama-takava-statia'] } },
    });
    expect(counts.data).toEqual({ counts: { [slug]: 1, [SEED_SLUG]: 0, 'nyama-takava-statia': 0 }, unknown: ['nyama-takava-statia'] });
    const notModified = await fetch(`${baseUrl}/api/comments/counts?articles=${slug}`, { headers: { 'If-None-Match': '*' } });
    expect(notModified.status).toBe(304);

    const removed = await api.DELETE('/api/comments/{commentId}', { params: { path: { commentId: comment.id } } });
    expect(removed.response.status).toBe(204);
    const gone = await client().GET('/api/comments/{commentId}', { params: { path: { commentId: comment.id } } });
    expect(gone.data!.comment).toMatchObject({ deleted: true, body: null, author: null });

    const refreshed = await api.POST('/api/auth/refresh', { body: { refreshToken: reg.data!.refreshToken } });
    expect(refreshed.response.headers.get('cache-control')).toBe('no-store');
    const reused = await api.POST('/api/auth/refresh', { body: { refreshToken: reg.data!.refreshToken } });
    expect(reused.error?.error.code).toBe('REFRESH_TOKEN_REUSED');
    expect(reused.response.headers.get('www-authenticate')).toBe('Bearer realm="newsroom"');
    const out = await api.POST('/api/auth/logout', { body: { refreshToken: refreshed.data!.refreshToken } });
    expect(out.response.status).toBe(204);

    session.token = 'not.a.jwt';
    const rejected = await api.GET('/api/auth/me');
    expect(rejected.error?.error.code).toBe('INVALID_TOKEN');
    expect(rejected.response.headers.get('www-authenticate')).toMatch(/^Bearer realm="newsroom", error="invalid_token"/);
  });

  it('should drive the moderator flow: queue, decisions, bulk, settings, bans, word filters, audit log', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const moderator = await createUser(t, { role: 'moderator' });
    const reader = await createUser(t);
    const adminApi = client({ token: admin.token });
    const mod = client({ token: moderator.token });
    const readerApi = client({ token: reader.token });

    const created = await adminApi.POST('/api/admin/articles', {
      body: {
        title: `Софийският метрополитен пуска нова линия ${randomUUID().slice(0, 6)}`,
        blocks: [{ type: 'paragraph', text: 'Новата линия ще свърже Люлин с центъра.' }],
      },
    });
    expect(created.response.status).toBe(201);
    const slug = created.data!.article.slug;
    expect(created.response.headers.get('location')).toBe(`/api/articles/${slug}`);

    const ids: string[] = [];
    for (const body of ['Първи коментар', 'Втори коментар', 'Трети коментар']) {
      const r = await readerApi.POST('/api/articles/{slug}/comments', { params: { path: { slug } }, body: { body } });
      ids.push(r.data!.comment.id);
    }

    const queue = await mod.GET('/api/admin/comments', { params: { query: { status: 'pending', article: slug } } });
    expect(queue.data!.items.map((i) => i.adminComment.id)).toEqual(ids);
    expect(queue.response.headers.get('cache-control')).toBe('no-store');
    const first = queue.data!.items[0]!.adminComment;

    const summary = await mod.GET('/api/admin/queue/summary');
    expect(summary.data!.counts.pending).toBeGreaterThanOrEqual(3);

    const decided = await mod.PATCH('/api/admin/comments/{commentId}', {
      params: { path: { commentId: first.id } },
      body: { status: 'approved', version: first.version },
    });
    expect(decided.data!.adminComment).toMatchObject({ status: 'approved', version: first.version + 1 });
    const stale = await mod.PATCH('/api/admin/comments/{commentId}', {
      params: { path: { commentId: first.id } },
      body: { status: 'rejected', version: first.version },
    });
    expect(stale.error?.error.code).toBe('VERSION_CONFLICT');

    const bulk = await mod.POST('/api/admin/comments/bulk', {
      body: { ids: [ids[1]!, ids[2]!, randomUUID()], status: 'spam', reason: 'реклама' },
    });
    expect(bulk.response.status).toBe(200);
    expect(bulk.data).toMatchObject({ applied: 2, failed: 1 });
    expect(bulk.data!.results[2]).toMatchObject({ ok: false, error: { code: 'COMMENT_NOT_FOUND' } });

    const perArticle = await mod.GET('/api/admin/articles/{slug}/comment-counts', { params: { path: { slug } } });
    expect(perArticle.data).toEqual({
      slug,
      counts: { pending: 0, approved: 1, rejected: 0, spam: 2, reported: 0, noticed: 0, deleted: 0 },
    });

    const settings = await mod.PATCH('/api/admin/articles/{slug}', {
      params: { path: { slug } },
      body: { commentsOpen: false, reason: 'Темата привлича обиди' },
    });
    expect(settings.data!.articleSettings.commentsOpen).toBe(false);
    const closed = await readerApi.POST('/api/articles/{slug}/comments', { params: { path: { slug } }, body: { body: 'Още един' } });
    expect(closed.error?.error.code).toBe('COMMENTS_CLOSED');

    const banned = await mod.POST('/api/admin/users/{userId}/ban', {
      params: { path: { userId: reader.id } },
      body: { reason: 'Спам', rejectPending: true },
    });
    expect(banned.data!.user).toMatchObject({ id: reader.id, ban: { until: null, reason: 'Спам' } });
    const refused = await readerApi.POST('/api/articles/{slug}/comments', { params: { path: { slug } }, body: { body: 'Забранен' } });
    expect(refused.error?.error.code).toBe('USER_BANNED');
    const me = await readerApi.GET('/api/auth/me');
    expect(me.data!.user.ban).toEqual({ since: expect.any(String), until: null, reason: 'Спам' });
    const view = await mod.GET('/api/admin/users/{userId}', { params: { path: { userId: reader.id } } });
    expect(view.data!.user.ban).toEqual(me.data!.user.ban);
    const lifted = await mod.DELETE('/api/admin/users/{userId}/ban', { params: { path: { userId: reader.id } } });
    expect(lifted.data!.user.ban).toBeNull();

    const forbidden = await mod.POST('/api/admin/word-filters', { body: { word: 'глупак', kind: 'banned' } });
    expect(forbidden.error?.error.code).toBe('FORBIDDEN');
    expect(forbidden.response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const word = `дума${randomUUID().slice(0, 4).replace(/[0-9]/g, 'я')}`;
    const filter = await adminApi.POST('/api/admin/word-filters', { body: { word, kind: 'suspect' } });
    expect(filter.response.status).toBe(201);
    const location = filter.response.headers.get('location')!;
    expect(location).toBe(`/api/admin/word-filters/${filter.data!.filter.id}`);
    const fetched = await mod.GET('/api/admin/word-filters/{wordFilterId}', { params: { path: { wordFilterId: filter.data!.filter.id } } });
    expect(fetched.data!.filter.word).toBe(word);
    const filters = await mod.GET('/api/admin/word-filters', { params: { query: { kind: 'suspect' } } });
    expect(filters.data!.items.map((f) => f.id)).toContain(filter.data!.filter.id);
    expect(
      (await adminApi.DELETE('/api/admin/word-filters/{wordFilterId}', { params: { path: { wordFilterId: filter.data!.filter.id } } }))
        .response.status,
    ).toBe(204);

    const promoted = await adminApi.PATCH('/api/admin/users/{userId}', {
      params: { path: { userId: reader.id } },
      body: { role: 'moderator' },
    });
    expect(promoted.data!.user.role).toBe('moderator');

    const audit = await mod.GET('/api/admin/audit-log', { params: { query: { targetUser: reader.id, limit: 10 } } });
    expect(audit.data!.items.map((e) => e.action)).toEqual(expect.arrayContaining(['ban', 'unban', 'role_change']));
    const byArticle = await mod.GET('/api/admin/audit-log', { params: { query: { article: slug } } });
    expect(byArticle.data!.items[0]).toMatchObject({ action: 'article_settings', reason: 'Темата привлича обиди', article: { slug } });

    // Login still works for the (now promoted) reader, through the same typed client.
    const login = await client().POST('/api/auth/login', { body: { login: reader.username, password: TEST_PASSWORD } });
    expect(login.data!.user.role).toBe('moderator');
  });
});
