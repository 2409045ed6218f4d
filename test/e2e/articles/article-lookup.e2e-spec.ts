import { normalizeArticleUrl } from '../../../src/articles/article-url.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { bearer, createUser } from '../../factories/index.js';

const SITE = 'https://www.example.bg';
let t: TestApp;
// Stubs are published now: a database of their own keeps them off the shared database's first article pages.
let db: ScratchDatabase;
let seq = 0;
/** A URL no other test (or file) uses. */
const unique = () => `${SITE}/world/${process.pid}-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  db = await scratchDatabase('newsroom_lookup', { migrated: true });
  t = await startTestApp({
    DATABASE_URL: db.url,
    CORS_ORIGINS: `${SITE},https://other.example.bg`,
    ARTICLE_AUTO_CREATE: 'true',
    ARTICLE_AUTO_CREATE_HOSTS: 'www.example.bg',
  });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const resolve = (body: Record<string, unknown>, origin: string | null = SITE) => {
  const req = t.http.post('/api/articles/resolve');
  return (origin ? req.set('Origin', origin) : req).send(body);
};

describe('canonical article URLs', () => {
  it.each([
    ['https://WWW.Example.bg:443/a/b?utm_source=nl&utm_medium=mail&id=7&fbclid=x#comments', 'https://www.example.bg/a/b?id=7'],
    ['http://www.example.bg/a/?gclid=1', 'http://www.example.bg/a/'],
    ['https://www.example.bg/новина', 'https://www.example.bg/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B0'],
  ])('should normalise %s to %s', (raw, canonical) => {
    expect(normalizeArticleUrl(raw)).toBe(canonical);
  });

  it.each(['javascript:alert(1)', 'ftp://www.example.bg/a', 'https://user:pw@www.example.bg/a', 'not a url'])('should refuse %s', (raw) => {
    expect(normalizeArticleUrl(raw)).toBeUndefined();
  });
});

describe('POST /api/articles/resolve', () => {
  it('should create a stub on first load from an allowed page, then find it by URL, external id and slug', async () => {
    const url = unique();
    const created = await resolve({
      url: `${url}?utm_campaign=x#c`,
      externalId: `cms-${seq}-${process.pid}`,
      title: '  Нова\u200b статия  ',
      language: 'bg',
    }).expect(201);
    const article = created.body.article as { slug: string; url: string; externalId: string; title: string; commentCount: number };
    expect(article).toMatchObject({ url, title: 'Нова статия', commentCount: 0, commentsOpen: true, language: 'bg' });
    expect(article.slug).toMatch(/^nova-statia/);
    expect(created.headers.location).toBe(`/api/articles/${article.slug}`);

    const full = await t.http.get(`/api/articles/${article.slug}`).expect(200);
    expect(full.body.article).toMatchObject({ blocks: [], url, externalId: article.externalId });

    // Found, not created again: by URL (tracking parameters ignored), by external id, by slug.
    for (const body of [{ url: `${url}?fbclid=abc`, title: 'Друго' }, { externalId: article.externalId }, { slug: article.slug }]) {
      const again = await resolve(body).expect(200);
      expect(again.body.article.slug).toBe(article.slug);
    }
    expect(await t.prisma.article.count({ where: { url } })).toBe(1);

    // The cacheable lookup the widget tries first.
    const byUrl = await t.http
      .get('/api/articles')
      .query({ url: `${url}#x` })
      .expect(200);
    expect(byUrl.body).toEqual({ items: [expect.objectContaining({ slug: article.slug, url })], nextCursor: null });
    expect(byUrl.headers['cache-control']).toMatch(/^public/);
    const byId = await t.http.get('/api/articles').query({ externalId: article.externalId }).expect(200);
    expect(byId.body.items).toHaveLength(1);
    const none = await t.http.get('/api/articles').query({ url: unique() }).expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it("should take the page's own slug for a new stub, so its listing pages can count by that slug", async () => {
    const slug = `site-slug-${process.pid}-${++seq}`;
    const res = await resolve({ slug, url: unique(), title: 'Статия със собствен адрес' }).expect(201);
    expect(res.body.article.slug).toBe(slug);
    const counts = await t.http.get('/api/comments/counts').query({ articles: slug }).expect(200);
    expect(counts.body).toEqual({ counts: { [slug]: 0 }, unknown: [] });
  });

  it('should number the slug of a stub whose title is taken, and create one stub when two pages race', async () => {
    const title = `Същото заглавие ${process.pid} ${++seq}`;
    const first = await resolve({ url: unique(), title }).expect(201);
    const second = await resolve({ url: unique(), title }).expect(201);
    expect(second.body.article.slug).toBe(`${first.body.article.slug}-2`);

    const url = unique();
    const both = await Promise.all([resolve({ url, title: 'Състезание' }), resolve({ url, title: 'Състезание' })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(new Set(both.map((r) => (r.body as { article: { slug: string } }).article.slug)).size).toBe(1);
  });

  it('should create nothing for a page off the allow-lists, and say why', async () => {
    const cases: [Record<string, unknown>, string | null, RegExp][] = [
      [{ url: 'https://evil.example.com/a', title: 'x' }, SITE, /evil\.example\.com is not one of ARTICLE_AUTO_CREATE_HOSTS/],
      [{ url: unique(), title: 'x' }, 'https://evil.example.com', /origin is not one of CORS_ORIGINS/],
      [{ url: unique(), title: 'x' }, null, /origin is not one of CORS_ORIGINS/],
      [{ url: unique() }, SITE, /needs its title/],
      [{ externalId: `nothing-${process.pid}`, title: 'x' }, SITE, /needs its url/],
    ];
    for (const [body, origin, message] of cases) {
      const res = await resolve(body, origin).expect(404);
      expect(res.body.error.code).toBe('ARTICLE_NOT_FOUND');
      expect(res.body.error.message).toMatch(message);
    }
    const invalid = await resolve({ url: 'javascript:alert(1)', title: 'x' }).expect(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const empty = await resolve({ title: 'x' }).expect(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('should create nothing when ARTICLE_AUTO_CREATE is off (the default)', async () => {
    const off = await startTestApp({ DATABASE_URL: db.url, CORS_ORIGINS: SITE });
    try {
      const res = await off.http.post('/api/articles/resolve').set('Origin', SITE).send({ url: unique(), title: 'x' }).expect(404);
      expect(res.body.error.message).toMatch(/ARTICLE_AUTO_CREATE/);
    } finally {
      await off.close();
    }
  });
});

describe('POST /api/admin/articles with url and externalId', () => {
  it('should publish an article under its canonical URL and id, each unique', async () => {
    const admin = await createUser(t, { role: 'admin' });
    const url = unique();
    const externalId = `cms-admin-${process.pid}-${++seq}`;
    const blocks = [{ type: 'paragraph', text: 'Текст.' }];
    const created = await t.http
      .post('/api/admin/articles')
      .set('Authorization', bearer(admin))
      .send({ title: `Публикувана ${seq}`, blocks, url: `${url}?utm_source=x`, externalId })
      .expect(201);
    expect(created.body.article).toMatchObject({ url, externalId });
    for (const body of [{ url }, { externalId }]) {
      const dup = await t.http
        .post('/api/admin/articles')
        .set('Authorization', bearer(admin))
        .send({ title: `Друга ${++seq}`, blocks, ...body })
        .expect(409);
      expect(dup.body.error.code).toBe('CONFLICT');
    }
  });
});
