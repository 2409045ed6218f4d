import { readFileSync } from 'node:fs';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';

const seedJson = JSON.parse(readFileSync(new URL('../../../prisma/seed/article.json', import.meta.url), 'utf8')) as {
  title: string;
  slug: string;
  blocks: { type: string; text: string }[];
};
const seedTxt = readFileSync(new URL('../../../prisma/seed/article.txt', import.meta.url), 'utf8');

describe('foundation: seed article, read API, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should serve the seed article byte-identical to the source text, with count 0', async () => {
    const res = await t.http.get(`/api/articles/${SEED_SLUG}`).expect(200);
    const a = res.body.article;
    expect(a).toMatchObject({ slug: SEED_SLUG, title: seedJson.title, language: 'bg', commentCount: 0, commentsOpen: true });
    expect(typeof a.id).toBe('string');
    expect(new Date(a.publishedAt).toString()).not.toBe('Invalid Date');
    // article.txt = the blocks, one per line, then blank lines and the comment-section label (not part of the body).
    const label = seedTxt.lastIndexOf('\nКоментари (0)');
    expect(label).toBeGreaterThan(0);
    const body = seedTxt.slice(0, label).replace(/\n+$/, '');
    const served = a.blocks.map((b: { text: string }) => b.text);
    expect(served).toHaveLength(10);
    expect(Buffer.from(served.join('\n'), 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(served).toEqual(body.split('\n'));
    expect(a.blocks[7]).toEqual({ type: 'heading', text: 'Украйна започва износ на въоръжение' });
    expect(a.blocks.filter((b: { type: string }) => b.type === 'heading')).toHaveLength(1);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('should list no comments and count 0 for the seed article', async () => {
    const list = await t.http.get(`/api/articles/${SEED_SLUG}/comments`).expect(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    const count = await t.http.get(`/api/articles/${SEED_SLUG}/comments/count`).expect(200);
    expect(count.body).toEqual({ slug: SEED_SLUG, count: 0 });
    expect(count.headers.etag).toMatch(/^"/);
    expect(count.headers['cache-control']).toMatch(/max-age=\d+/);
    await t.http.get(`/api/articles/${SEED_SLUG}/comments/count`).set('If-None-Match', count.headers.etag).expect(304);
  });

  it('should list articles with slug, title and commentCount', async () => {
    // Other test files add articles concurrently, so walk the pages until the seed article shows up.
    type Item = { slug: string; title: string; commentCount: number };
    let found: Item | undefined;
    let cursor: string | null = null;
    for (let page = 0; page < 100 && !found; page++) {
      const res: { body: { items: Item[]; nextCursor: string | null } } = await t.http
        .get('/api/articles')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body).toHaveProperty('nextCursor');
      found = res.body.items.find((i) => i.slug === SEED_SLUG);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(found).toEqual(expect.objectContaining({ slug: SEED_SLUG, title: seedJson.title, commentCount: 0 }));
  });

  it('should paginate articles by cursor without gaps or repeats', async () => {
    const stamp = Date.now();
    for (let i = 0; i < 5; i++) {
      await t.prisma.article.create({
        data: {
          slug: `page-test-${stamp}-${i}`,
          title: `Page test ${i}`,
          blocks: [{ type: 'paragraph', text: 'x' }],
          publishedAt: new Date(Date.UTC(2001, 0, 1, 0, 0, i)),
        },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: { slug: string }[]; nextCursor: string | null } } = await t.http
        .get('/api/articles')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { slug: string }) => i.slug));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    expect(new Set(seen).size).toBe(seen.length);
    const total = await t.prisma.article.count();
    expect(seen).toHaveLength(total);
    const mine = seen.filter((s) => s.startsWith(`page-test-${stamp}-`));
    expect(mine).toEqual([4, 3, 2, 1, 0].map((i) => `page-test-${stamp}-${i}`));
  });

  it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5']])('should reject limit=%s with 400 and field details', async (limit) => {
    const res = await t.http.get('/api/articles').query({ limit }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
  });

  it('should accept the limit bounds 1 and 100', async () => {
    const one = await t.http.get('/api/articles').query({ limit: 1 }).expect(200);
    expect(one.body.items).toHaveLength(1);
    await t.http.get('/api/articles').query({ limit: 100 }).expect(200);
  });

  it('should reject a malformed cursor with 400 INVALID_CURSOR', async () => {
    const res = await t.http.get('/api/articles').query({ cursor: 'not-a-cursor' }).expect(400);
    expect(res.body.error.code).toBe('INVALID_CURSOR');
    // Well-formed but forged: dates JavaScript parses and PostgreSQL cannot store.
    for (const t0 of ['0000-01-01T00:00:00Z', '-000200-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      const forged = Buffer.from(JSON.stringify({ t: t0, id: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
      for (const path of ['/api/articles', `/api/articles/${SEED_SLUG}/comments`]) {
        const r = await t.http.get(path).query({ cursor: forged }).expect(400);
        expect(r.body.error.code).toBe('INVALID_CURSOR');
      }
    }
  });

  it('should reject unknown query parameters', async () => {
    const res = await t.http.get('/api/articles').query({ foo: 'bar' }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('should answer an unknown slug with 404 ARTICLE_NOT_FOUND everywhere', async () => {
    for (const path of [
      '/api/articles/no-such-article',
      '/api/articles/no-such-article/comments',
      '/api/articles/no-such-article/comments/count',
      '/api/articles/%D0%B1%D0%B3',
    ]) {
      const res = await t.http.get(path).expect(404);
      expect(res.body).toEqual({ error: { code: 'ARTICLE_NOT_FOUND', message: expect.any(String) } });
    }
  });

  it('should answer unknown routes with 404 ROUTE_NOT_FOUND in the error body', async () => {
    const res = await t.http.get('/api/nope').expect(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) } });
  });

  it('should answer a known path with a wrong method with 405 and Allow (RFC 9110 §15.5.6)', async () => {
    const res = await t.http.delete('/api/articles').expect(405);
    expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD');
    const res2 = await t.http.put(`/api/comments/${'0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10'}`).send({}).expect(405);
    expect(res2.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
  });

  it('should answer malformed JSON with 400 INVALID_JSON and no stack trace', async () => {
    const res = await t.http.post('/api/auth/register').set('content-type', 'application/json').send('{"email":').expect(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('should report health with database readiness', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
    await t.http.get('/api/health/live').expect(200);
  });

  it('should serve the OpenAPI document and UI', async () => {
    const doc = await t.http.get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    // Every route the application serves (the checked permission table lists them all) is documented.
    const routes = Object.keys(
      JSON.parse(readFileSync(new URL('../contract/route-permissions.json', import.meta.url), 'utf8')) as Record<string, string>,
    );
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThan(20);
    expect(documented.sort()).toEqual(routes.sort());
    const ui = await t.http.get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('should send security headers and a request id', async () => {
    const res = await t.http.get('/api/health/live').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const res2 = await t.http.get('/api/health/live').expect(200);
    expect(res2.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should add nothing when seeding again', async () => {
    const before = await t.prisma.article.count({ where: { slug: SEED_SLUG } });
    const { ArticlesService } = await import('../../../src/articles/articles.service.js');
    expect(await t.app.get(ArticlesService).seed()).toBe(false);
    expect(await t.prisma.article.count({ where: { slug: SEED_SLUG } })).toBe(before);
    expect(before).toBe(1);
  });
});
