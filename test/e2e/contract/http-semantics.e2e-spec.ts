import { randomUUID } from 'node:crypto';
import { createAdmin, createArticle, publishComment, createReader, type TestArticle, type TestUser } from '../../factories/index.js';
import { SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';

/**
 * HTTP details a client author (or a proxy between them and us) relies on, checked as a class over every operation
 * of the document rather than route by route: 304s without content headers, 405 with the path's own `Allow` before
 * any authentication, unknown query parameters refused everywhere under /api, and CORS preflights.
 */
let t: TestApp;
let admin: TestUser;
let article: TestArticle;
let commentId: string;
type Operation = { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, unknown> };
let paths: Record<string, Record<string, Operation>>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A concrete URL for a documented path: real slugs and ids where the route reads them, a fresh uuid elsewhere. */
function urlOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'slug' ? article.slug : path.startsWith('/api/comments/') ? commentId : randomUUID(),
  );
}

beforeAll(async () => {
  t = await startTestApp({ CORS_ORIGINS: 'https://news.example' });
  admin = await createAdmin(t);
  article = await createArticle(t);
  const reader = await createReader(t);
  commentId = await publishComment(t, article, reader, admin);
  paths = (await t.http.get('/api/docs-json').expect(200)).body.paths;
});

afterAll(async () => {
  await t.close();
});

describe('304 Not Modified (RFC 9110 §15.4.5)', () => {
  /** Required query parameters of the conditional routes. */
  const QUERY: Record<string, Record<string, string>> = { getCommentCounts: { articles: SEED_SLUG } };

  it('should answer If-None-Match on every operation documenting 304 without content headers, with the 200 ETag', async () => {
    const conditional = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.responses['304'])
        .map(([method, op]) => ({ method, path, op: op as Operation & { operationId: string } })),
    );
    expect(conditional.length).toBeGreaterThanOrEqual(6);
    for (const { method, path, op } of conditional) {
      expect(method).toBe('get');
      // Declared, so generated clients can send it.
      expect(
        op.parameters?.find((p) => p.in === 'header' && p.name === 'If-None-Match'),
        op.operationId,
      ).toBeDefined();
      const url = urlOf(path);
      const ok = await t.http
        .get(url)
        .query(QUERY[op.operationId] ?? {})
        .expect(200);
      const notModified = await t.http
        .get(url)
        .query(QUERY[op.operationId] ?? {})
        .set('If-None-Match', ok.headers.etag as string);
      expect(notModified.status, op.operationId).toBe(304);
      expect(notModified.headers['content-type'], op.operationId).toBeUndefined();
      expect(notModified.headers['content-length'], op.operationId).toBeUndefined();
      expect(notModified.headers.etag).toBe(ok.headers.etag);
      expect(notModified.headers['cache-control']).toBe(ok.headers['cache-control']);
    }
  });
});

describe('405 Method Not Allowed (RFC 9110 §15.5.6)', () => {
  it('should list the methods of the path itself, not of a parametric sibling', async () => {
    const res = await t.http.post('/api/comments/counts').query({ articles: SEED_SLUG }).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('should answer 405 before authentication', async () => {
    const res = await t.http.delete('/api/comments/counts').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    const patch = await t.http.patch('/api/comments/counts').send({}).expect(405);
    expect(patch.headers.allow).toBe('GET, HEAD');
  });

  it('should still reach a route whose parameter matches a sibling path (an article whose slug is "resolve")', async () => {
    if (!(await t.prisma.article.findUnique({ where: { slug: 'resolve' } }))) await createArticle(t, { slug: 'resolve' });
    const res = await t.http.get('/api/articles/resolve').expect(200);
    expect(res.body.article.slug).toBe('resolve');
    const put = await t.http.put('/api/articles/resolve').send({}).expect(405);
    expect(put.headers.allow).toBe('GET, HEAD, POST');
  });

  it('should answer every undocumented method of every documented path with 405 and exactly its documented methods', async () => {
    const wrong: string[] = [];
    // /api/articles/resolve is also the URL of an article whose slug is "resolve" (above).
    for (const [path, item] of Object.entries(paths).filter(([p]) => p !== '/api/articles/resolve')) {
      const documented = METHODS.filter((m) => item[m]);
      const allow = [...documented.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]))];
      const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
      const expected = order.filter((m) => allow.includes(m)).join(', ');
      for (const method of METHODS.filter((m) => !item[m])) {
        const res = await t.http[method](urlOf(path));
        if (res.status !== 405 || res.headers.allow !== expected)
          wrong.push(`${method.toUpperCase()} ${path}: ${res.status} Allow: ${res.headers.allow} (expected 405 ${expected})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('unknown query parameters', () => {
  it('should be refused with 400 VALIDATION_FAILED on every /api operation, before anything else runs', async () => {
    const accepted: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const res = await t.http[method](urlOf(path)).query({ utm_source: 'newsletter' }).set('Authorization', `Bearer ${admin.token}`);
        if (res.status !== 400 || res.body?.error?.code !== 'VALIDATION_FAILED')
          accepted.push(`${method.toUpperCase()} ${path}: ${res.status}`);
        else expect(res.body.error.details).toEqual([{ field: 'utm_source', message: 'property utm_source should not exist' }]);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('should still accept documented query parameters', async () => {
    await t.http.get('/api/articles').query({ limit: 1 }).expect(200);
    await t.http.get('/api/comments/counts').query({ articles: SEED_SLUG }).expect(200);
  });
});

describe('CORS', () => {
  it('should let the widget send Notice-Key and Last-Event-ID cross-origin', async () => {
    const res = await t.http
      .options('/api/comments/counts/events')
      .set('Origin', 'https://news.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'last-event-id, notice-key');
    expect(res.status).toBe(204);
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['notice-key', 'last-event-id']));
  });

  it('should answer an OPTIONS request without Origin as a plain OPTIONS (204 with Allow), not a text/plain 400', async () => {
    const res = await t.http.options('/api/comments/counts').expect(204);
    expect(res.headers.allow).toBe('GET, HEAD');
    const unknown = await t.http.options('/api/nope').expect(404);
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('request bodies', () => {
  it('should refuse a body on every operation that takes none, before reading it (so none of them lists 413 or 415)', async () => {
    const wrong: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const method of (['post', 'put', 'patch', 'delete'] as const).filter(
        (m) => item[m] && !(item[m] as { requestBody?: unknown }).requestBody,
      )) {
        const responses = Object.keys(item[method].responses);
        if (responses.includes('413') || responses.includes('415')) wrong.push(`${method.toUpperCase()} ${path} documents 413/415`);
        const res = await t.http[method](urlOf(path))
          .set('Authorization', `Bearer ${admin.token}`)
          .set('Content-Type', 'text/plain')
          .send('x'.repeat(200_000));
        if (res.status !== 400 || res.body?.error?.code !== 'VALIDATION_FAILED')
          wrong.push(`${method.toUpperCase()} ${path}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('no body', () => {
  it('should not parse a missing body on an operation that takes none, whatever Content-Type comes with it', async () => {
    const res = await t.http
      .delete(`/api/admin/word-filters/${randomUUID()}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .set('Content-Type', 'application/json');
    expect(res.status).toBe(404);
  });
});

describe('the document', () => {
  type Doc = {
    paths: Record<string, Record<string, Operation & { parameters?: { name: string; in: string; required?: boolean }[] }>>;
    components: { schemas: Record<string, { oneOf?: unknown[]; properties?: Record<string, { items?: { oneOf?: { $ref: string }[] } }> }> };
  };
  let doc: Doc;
  beforeAll(async () => {
    doc = (await t.http.get('/api/docs-json').expect(200)).body as Doc;
  });

  it('should declare each header parameter once (Notice-Key, optional)', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const headers = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
        expect(new Set(headers).size, `${method} ${path}`).toBe(headers.length);
      }
    }
    const noticeKey = doc.paths['/api/notices/{noticeId}'].get.parameters?.filter((p) => p.in === 'header');
    expect(noticeKey).toEqual([expect.objectContaining({ name: 'Notice-Key', required: false })]);
  });

  it('should show errors as Cache-Control: no-store, and document 400, 408, 414 and 431 on every operation', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of ['400', '408', '414', '431']) expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined();
        for (const [status, response] of Object.entries(
          op.responses as Record<string, { headers?: Record<string, { schema: { example?: string } }> }>,
        )) {
          if (Number(status) >= 400 && JSON.stringify(response).includes('ErrorResponse')) {
            expect(response.headers?.['Cache-Control']?.schema.example, `${method} ${path} ${status}`).toBe('no-store');
          }
        }
      }
    }
  });

  it('should say exactly one of password / ssoToken for an erasure, and tell bulk results apart by ok', () => {
    expect(doc.components.schemas.EraseAccountDto.oneOf).toEqual([{ required: ['password'] }, { required: ['ssoToken'] }]);
    const items = doc.components.schemas.BulkResultDto.properties?.results.items?.oneOf?.map((s) => s.$ref.split('/').pop() ?? '');
    expect(items).toHaveLength(2);
    const oks = items!.map((name) => (doc.components.schemas[name] as { properties: { ok: { enum: unknown[] } } }).properties.ok.enum);
    expect(oks).toEqual([[true], [false]]);
  });

  it('should document the NDJSON export as a stream of statements, with why its fields are snake_case', () => {
    const op = doc.paths['/api/admin/transparency/statements'].get as Operation & {
      description: string;
      responses: { '200': { content: Record<string, Record<string, unknown>> } };
    };
    const media = op.responses['200'].content['application/x-ndjson'];
    expect(media.schema).toMatchObject({ type: 'string' });
    expect(media['x-itemSchema']).toMatchObject({ type: 'object' });
    expect(String(media.example).endsWith('\n')).toBe(true);
    expect(op.description).toMatch(/snake_case/);
  });
});
