import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { type Browser, collectProblems, launchBrowser, type Page } from '../../helpers/browser.js';
import { AUDIENCE, ISSUER, SSO_SECRET, signWithSecret } from '../../helpers/publisher.js';
import { createUser } from '../../factories/index.js';
import { cleanWordFilter, poll, decide, postComment, widgetText } from '../../helpers/widget.js';

/**
 * The widget on a news site of another origin (a second local port): real CORS, the site's own Content-Security-
 * Policy, the site handing its reader over with getToken() (SSO), an article created on first load from the page's
 * URL, the count snippet on a listing page, and live updates refused (many readers behind one address).
 */
let t: TestApp;
let base: string;
let site: Server;
let origin: string;
let browser: Browser;
let seq = 0;
const OLD = new Date('2000-01-01T00:00:00Z');
/** The news site's pages, by path; the reader "signed in" there for the token endpoint. */
const pages = new Map<string, string>();
const siteState = { signedIn: false, sub: '' };

const SITE_JS = `
const el = document.querySelector('newsroom-comments');
const events = (window.__events = []);
for (const name of ['ready', 'signin', 'signout', 'login-required', 'posted', 'count', 'error'])
  el?.addEventListener('newsroom:' + name, (e) => events.push(name));
// The site hands its reader over: a short-lived token from its own backend whenever the widget asks.
if (el) el.getToken = async () => {
  const res = await fetch('/comments-token');
  return res.status === 200 ? res.text() : null;
};
// The reader asked to sign in: the site shows its own login; here it signs in at once, then tells the widget.
el?.addEventListener('newsroom:login-required', async () => {
  await fetch('/login', { method: 'POST' });
  await el.signIn();
});
`;

beforeAll(async () => {
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/site.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(SITE_JS);
    if (path === '/login') {
      siteState.signedIn = true;
      return void res.writeHead(204).end();
    }
    if (path === '/comments-token') {
      if (!siteState.signedIn) return void res.writeHead(204).end(); // nobody signed in on the site
      void signWithSecret(SSO_SECRET, { claims: { sub: siteState.sub, name: 'Иван Петров', username: 'ivan_petrov' } }).then((token) =>
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token),
      );
      return;
    }
    const page = pages.get(path);
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // The news site's own strict policy: scripts from itself and the comments service, API calls to the service.
      'content-security-policy': `default-src 'self'; script-src 'self' ${base}; connect-src 'self' ${base}; style-src 'self'; img-src 'self' data:`,
    });
    res.end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  t = await startTestApp({
    CORS_ORIGINS: origin,
    SSO_SECRET,
    SSO_ISSUER: ISSUER,
    SSO_AUDIENCE: AUDIENCE,
    ARTICLE_AUTO_CREATE: 'true',
    ARTICLE_AUTO_CREATE_HOSTS: '127.0.0.1',
    SSE_MAX_STREAMS_PER_IP: '2',
  });
  base = await listen(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});
beforeEach(() => {
  cleanWordFilter(t);
  siteState.signedIn = false;
  siteState.sub = `publisher-reader-${process.pid}-${++seq}`;
});
afterEach(() => vi.restoreAllMocks());

function articlePage(path: string, element: string): string {
  pages.set(
    path,
    `<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>Новина на сайта ${seq}</title><link rel="icon" href="data:,">
<script type="module" src="${base}/embed/v1/comments.js"></script><script type="module" src="/site.js"></script></head>
<body><main><h1>Новина</h1>${element}</main></body></html>`,
  );
  return `${origin}${path}`;
}

async function openPage(url: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

const events = (page: Page) => page.evaluate<string[]>('window.__events');

describe('the widget on a news site of another origin', () => {
  it('should create the article from the page on first load, and sign the site’s reader in through getToken()', async () => {
    const path = `/news/${process.pid}-${seq}/ukrayna-yaponia`;
    const url = articlePage(
      path,
      `<newsroom-comments url="${origin}${path}?utm_source=fb" article-title="Украйна и Япония ${seq}"></newsroom-comments>`,
    );
    const { page, problems, close } = await openPage(url);
    try {
      await poll(() => widgetText(page)).toContain('Още няма коментари.');
      expect(await widgetText(page)).toContain('Коментари (0)');
      const stub = await t.prisma.article.findUniqueOrThrow({
        where: { url: `${origin}${path}` },
        select: { slug: true, title: true, blocks: true },
      });
      expect(stub).toMatchObject({ title: `Украйна и Япония ${seq}`, blocks: [] });

      // Not signed in on the site: getToken() has nothing; asking to sign in lets the site show its login.
      await page.getByRole('button', { name: 'Вход с профила от сайта' }).click();
      await poll(() => widgetText(page)).toContain('Влезли сте като Иван Петров');
      expect(await events(page)).toEqual(expect.arrayContaining(['ready', 'login-required', 'signin']));
      // Nothing of the site's token or ours in the page's URL or markup.
      expect(page.url()).toBe(url);

      await page.getByLabel('Вашият коментар').fill('Коментар от читател на сайта.');
      await page.getByRole('button', { name: 'Публикувай' }).click();
      await poll(() => widgetText(page)).toContain('Очаква одобрение');
      const comment = await t.prisma.comment.findFirstOrThrow({
        where: { article: { slug: stub.slug } },
        select: { body: true, author: { select: { displayName: true, identities: { select: { subject: true } } } } },
      });
      expect(comment).toEqual({
        body: 'Коментар от читател на сайта.',
        author: { displayName: 'Иван Петров', identities: [{ subject: siteState.sub }] },
      });
      expect(await events(page)).toContain('posted');
      expect(problems, problems.join('\n')).toEqual([]);

      // The next article page of the site: still signed in (the session is kept for the site's origin).
      const next = articlePage(`${path}-2`, `<newsroom-comments article="${stub.slug}"></newsroom-comments>`);
      await page.goto(next);
      await poll(() => widgetText(page)).toContain('Влезли сте като Иван Петров');
      expect(await widgetText(page)).toContain('Коментар от читател на сайта.');
    } finally {
      await close();
    }
  });

  it('should fill 50 counts on a listing page with one request, and keep them live', async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 50; i++) slugs.push(`listing-${process.pid}-${seq}-${i}`);
    await t.prisma.article.createMany({ data: slugs.map((slug, i) => ({ slug, title: `Статия ${i}`, blocks: [], publishedAt: OLD })) });
    const author = await createUser(t);
    await postComment(t, author, slugs[1]!, 'Един коментар.');
    for (const body of ['Първи.', 'Втори.']) await postComment(t, author, slugs[2]!, body);
    const path = `/listing-${seq}`;
    pages.set(
      path,
      `<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>Новини</title><link rel="icon" href="data:,"></head><body><main><ul>${slugs
        .map((s) => `<li><a href="/${s}">${s}</a> <span data-newsroom-count="${s}">…</span></li>`)
        .join(
          '',
        )}</ul><p lang="en"><span data-newsroom-count="${slugs[2]}"></span></p><p><span data-newsroom-count="${slugs[1]}" data-newsroom-count-format="number"></span></p>
<script src="${base}/embed/v1/count.js" data-live></script></main></body></html>`,
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = collectProblems(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${base}/api/`)) requests.push(new URL(r.url()).pathname);
    });
    try {
      await page.goto(`${origin}${path}`);
      const count = (slug: string, n = 0) => page.locator(`[data-newsroom-count="${slug}"]`).nth(n).textContent();
      await poll(() => count(slugs[49]!)).toBe('0 коментара');
      expect(await count(slugs[1]!)).toBe('1 коментар');
      expect(await count(slugs[2]!)).toBe('2 коментара');
      expect(await count(slugs[2]!, 1)).toBe('2 comments');
      expect(await count(slugs[1]!, 1)).toBe('1');
      expect(requests.filter((p) => p === '/api/comments/counts')).toHaveLength(1);

      const id = await postComment(t, author, slugs[49]!, 'Нов коментар.', { approve: false });
      await decide(t, id, 'approved');
      await poll(() => count(slugs[49]!)).toBe('1 коментар');
      expect(requests.filter((p) => p === '/api/comments/counts')).toHaveLength(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should poll the count quietly when live updates are refused, and offer the new comments', async () => {
    const slug = `refused-${process.pid}-${seq}`;
    await t.prisma.article.create({ data: { slug, title: 'Много читатели', blocks: [], publishedAt: OLD } });
    const author = await createUser(t);
    const element = `<newsroom-comments article="${slug}" poll-seconds="1"></newsroom-comments>`;
    // SSE_MAX_STREAMS_PER_IP is 2 here: a third reader behind the same address is refused a stream.
    const readers: Awaited<ReturnType<typeof openPage>>[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await openPage(articlePage(`/many-${seq}-${i}`, element));
      await poll(() => widgetText(r.page)).toContain('Коментари (0)');
      readers.push(r);
    }
    const third = readers[2]!;
    try {
      await postComment(t, author, slug, 'Коментар, който третият читател вижда с опресняване.');
      // Polled every second here, through the browser's cache (the count is cacheable for 5 s, as from a CDN).
      await poll(() => third.page.getByRole('heading', { name: 'Коментари (1)' }).count(), 20_000).toBe(1);
      await third.page.getByRole('button', { name: 'Има нови коментари — обнови' }).click();
      await poll(() => widgetText(third.page)).toContain('Коментар, който третият читател вижда с опресняване.');
      // The first two had the comment announced live.
      await poll(() => widgetText(readers[0]!.page)).toContain('1 нов коментар — покажи');
      // The refused stream is a failed request in the console; nothing else went wrong.
      expect(third.problems.filter((p) => !/status of 429/.test(p))).toEqual([]);
    } finally {
      for (const r of readers) await r.close();
    }
  });
});
