import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { axeViolations, type Browser, collectProblems, describeViolations, launchBrowser } from '../../helpers/browser.js';
import { WebAssets } from '../../../src/web/web-assets.js';

describe('the pages’ files (/embed/v1, /admin)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://www.example.bg' });
    base = await listen(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should serve the loader to any origin, short-lived, and its chunks immutable', async () => {
    const loader = await t.http.get('/embed/v1/comments.js').set('Origin', 'https://www.example.bg').expect(200);
    expect(loader.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(loader.headers['access-control-allow-origin']).toBe('*');
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(loader.headers['cache-control']).toMatch(/^public, max-age=300\b/);
    const chunk = /\.\/(assets\/[\w.-]+\.js)/.exec(loader.text)?.[1];
    expect(chunk).toBeDefined();
    const app = await t.http.get(`/embed/v1/${chunk}`).expect(200);
    expect(app.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(app.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('should send brotli or gzip as accepted, and 304 without content headers when unchanged', async () => {
    const br = await t.http
      .get('/embed/v1/comments.js')
      .set('Accept-Encoding', 'gzip, br')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    const gz = await t.http.get('/embed/v1/comments.js').set('Accept-Encoding', 'gzip;q=1, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    const notModified = await t.http.get('/embed/v1/comments.js').set('If-None-Match', br.headers.etag as string);
    expect(notModified.status).toBe(304);
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers['content-length']).toBeUndefined();
  });

  it('should let an allowed news site preflight every method and header the widget sends', async () => {
    const res = await t.http
      .options('/api/comments/00000000-0000-4000-8000-000000000000')
      .set('Origin', 'https://www.example.bg')
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization, content-type, last-event-id, notice-key')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://www.example.bg');
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toContain('PUT');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'last-event-id', 'notice-key']));
  });

  it('should answer 404 with the error body for a file that does not exist', async () => {
    const res = await t.http.get('/embed/v1/assets/nothing-here.js').expect(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No such file' } });
  });

  it('should keep the loader within 3 KB and everything it can load within 40 KB gzipped (the real build)', () => {
    const assets = WebAssets.load();
    expect(assets.missing).toBeUndefined();
    const gz = (path: string) => gzipSync(assets.get(path)!.body, { level: 9 }).length;
    expect(gz('embed/v1/comments.js')).toBeLessThanOrEqual(3 * 1024);
    // Every chunk reachable from the loader, through static and dynamic imports alike (rolldown may split shared code).
    const reachable = new Set<string>();
    const visit = (path: string) => {
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      for (const [, spec] of assets
        .get(path)!
        .body.toString()
        .matchAll(/["'`](\.{1,2}\/[\w./-]+\.js)["'`]/g)) {
        const target = new URL(spec!, `https://x/${dir}`).pathname.slice(1);
        expect(assets.get(target), `${path} imports ${target}, which the build did not write`).toBeDefined();
        if (!reachable.has(target)) {
          reachable.add(target);
          visit(target);
        }
      }
    };
    visit('embed/v1/comments.js');
    expect(reachable.size).toBeGreaterThan(0);
    const rest = [...reachable].reduce((sum, path) => sum + gz(path), 0);
    expect(rest).toBeLessThanOrEqual(40 * 1024);
  });

  it('should serve the console page with a strict policy, out of search engines, its script pinned by hash', async () => {
    const res = await t.http.get('/admin').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe');
    expect(res.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(res.text).toMatch(/<script type="module" src="\/admin\/assets\/console-[\w-]+\.js" integrity="sha256-[\w+/=]+"><\/script>/);
    await t.http.get('/admin/queues/pending?utm_source=mail').expect(200);
  });

  it('should load the console in a real browser under its policy, with nothing axe-core finds', async () => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const problems = collectProblems(tab);
      await tab.goto(`${base}/admin`);
      await expect.poll(() => tab.locator('#app').textContent()).not.toBe('');
      expect(problems).toEqual([]);
      const violations = await axeViolations(tab);
      expect(violations, describeViolations(violations)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // The widget working on an allowed origin, end to end: test/e2e/web/widget-embed.e2e-spec.ts.
  it('should load the widget on a page of an origin CORS_ORIGINS does not list, and say in a sentence that comments cannot be reached', async () => {
    const page = `<!doctype html><html lang="bg"><head><title>Новина</title>
<script type="module" src="${base}/embed/v1/comments.js"></script></head>
<body><main><newsroom-comments article="some-slug"></newsroom-comments></main></body></html>`;
    const site: Server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `script-src ${base}; connect-src ${base}`,
      });
      res.end(page);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const problems = collectProblems(tab);
      await tab.goto(`http://127.0.0.1:${(site.address() as { port: number }).port}/`);
      // The loader and its chunk load across origins (module scripts: CORS and CORP); the API refuses this origin.
      const text = () => tab.locator('newsroom-comments').evaluate((el) => el.shadowRoot?.textContent ?? '');
      await expect.poll(text, { timeout: 10_000 }).toContain('Няма връзка със сървъра за коментари.');
      expect(await text()).not.toMatch(/NETWORK_ERROR|undefined/);
      expect(problems.filter((p) => !/CORS policy|Failed to load resource: net::ERR_FAILED/.test(p))).toEqual([]);
    } finally {
      await context.close();
      await new Promise((resolve) => site.close(resolve));
    }
  });
});
