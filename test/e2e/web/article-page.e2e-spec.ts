import { readFileSync } from 'node:fs';
import { listen, SEED_SLUG, startTestApp, type TestApp } from '../../helpers/app.js';
import { axeViolations, type Browser, collectProblems, describeViolations, launchBrowser, type Page } from '../../helpers/browser.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { createUser, type TestUser } from '../../factories/index.js';
import { cleanWordFilter, poll, postComment, screenshot, widgetText } from '../../helpers/widget.js';

/**
 * The seed article's page, GET /articles/:slug: the article and its comment section rendered on the server (no
 * JavaScript needed to read either), then taken over by the widget. A database of its own: the seed article must
 * start with no comments here, whatever the other test files post on it.
 */
const seed = JSON.parse(readFileSync(new URL('../../../prisma/seed/article.json', import.meta.url), 'utf8')) as {
  title: string;
  blocks: { type: string; text: string }[];
};

let db: ScratchDatabase;
let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  db = await scratchDatabase('newsroom_page', { migrated: true });
  t = await startTestApp({ DATABASE_URL: db.url, PUBLIC_URL: 'https://comments.example.bg' });
  base = await listen(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await db?.drop();
});
beforeEach(() => cleanWordFilter(t));
afterEach(() => vi.restoreAllMocks());

/** A reader of this page's own database, with a name fit for a screenshot. */
function reader(username: string): Promise<TestUser> {
  return createUser(t, { username, email: `${username}@example.bg` });
}

/** The seed article's discussion (two threads, a reply with links), posted once for the tests that need it. */
let commented: Promise<void> | undefined;
const withComments = () =>
  (commented ??= (async () => {
    const [ivan, maria] = [await reader('ivan_petrov'), await reader('maria_georgieva')];
    const root = await postComment(t, ivan, SEED_SLUG, 'Кога ще започне производството? Статията не казва нищо за срокове.');
    await postComment(t, maria, SEED_SLUG, 'Вижте https://www.example.bg/analiz и (още тук: https://bg.wikipedia.org/wiki/ПВО).', {
      parentId: root,
    });
    await postComment(t, maria, SEED_SLUG, 'Съвместното производство с Япония е разумна стъпка – въпросът е колко бързо ще започне.');
  })());

async function open(options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...options });
  const page = await context.newPage();
  return { context, page, problems: collectProblems(page) };
}

/** The article's text as the reader's browser lays it out: each block's rendered text, in order. */
const storyBlocks = (page: Page) =>
  page
    .locator('article.story > p:not(.byline), article.story > h2')
    .evaluateAll((els) => els.map((el) => (el as unknown as { textContent: string }).textContent));

describe('the seed article’s page', () => {
  it('should show the article byte for byte and `Коментари (0)`, under a strict policy, whatever the link adds', async () => {
    const res = await t.http.get(`/articles/${SEED_SLUG}?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/unsafe/);
    expect(res.headers['x-robots-tag']).toBeUndefined();
    expect(res.text).toContain(`<link rel="canonical" href="https://comments.example.bg/articles/${SEED_SLUG}">`);

    const { context, page, problems } = await open();
    try {
      await page.goto(`${base}/articles/${SEED_SLUG}?utm_campaign=x`);
      await poll(() => widgetText(page)).toContain('Коментари (0)');
      expect(await page.locator('h1').textContent()).toBe(seed.title);
      expect(await storyBlocks(page)).toEqual(seed.blocks.map((b) => b.text));
      await poll(() => page.getByRole('heading', { name: 'Коментари (0)' }).count()).toBe(1);
      await poll(() => widgetText(page)).toContain('Още няма коментари. Бъдете първи.');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should be read without JavaScript: the article and the first page of comments, as search engines get it', async () => {
    await withComments();
    const { context, page } = await open({ javaScriptEnabled: false });
    try {
      await page.goto(`${base}/articles/${SEED_SLUG}`);
      expect(await page.locator('newsroom-comments').evaluate((el) => (el as unknown as { shadowRoot: unknown }).shadowRoot)).toBeNull();
      await poll(() => page.getByRole('heading', { name: 'Коментари (3)' }).isVisible()).toBe(true);
      expect(await page.getByText('Кога ще започне производството?').isVisible()).toBe(true);
      const link = page.getByRole('link', { name: 'https://www.example.bg/analiz' });
      expect(await link.getAttribute('rel')).toBe('nofollow ugc noopener noreferrer');
      // (Chromium's script switch keeps the parser's scripting flag, so <noscript> is not drawn here; it is in the HTML.)
      expect(await page.locator('newsroom-comments noscript').first().textContent()).toContain('Коментирането изисква JavaScript.');
      expect(await storyBlocks(page)).toEqual(seed.blocks.map((b) => b.text));
    } finally {
      await context.close();
    }
  });

  it('should hand the server-rendered comments to the widget without a frame in between', async () => {
    await withComments();
    const { context, page, problems } = await open();
    try {
      // Every animation frame from the first one: is the first comment on screen, in the light DOM or the shadow root?
      // (A string: it runs in the page, whose DOM the tests' TypeScript does not type.)
      await context.addInitScript(`
        window.__frames = [];
        const tick = () => {
          const host = document.querySelector('newsroom-comments');
          if (host) {
            const list = (host.shadowRoot ?? host).querySelector('.nc-list');
            const shown = list ? list.innerText : '';
            window.__frames.push((host.shadowRoot ? 'widget' : 'server') + ':' + shown.includes('Кога ще започне производството?'));
          }
          if (window.__frames.length < 600) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      `);
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.goto(`${base}/articles/${SEED_SLUG}`);
      await poll(() => widgetText(page)).toContain('Кога ще започне производството?');
      const frames = () => page.evaluate<string[]>('window.__frames');
      await poll(async () => (await frames()).some((f) => f.startsWith('widget'))).toBe(true);
      expect((await frames()).filter((f) => f.endsWith(':false'))).toEqual([]);
      // The first page came with the HTML: the widget asked for no thread page of its own.
      expect(requests.filter((p) => p.endsWith('/threads'))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each(['light', 'dark'] as const)('should have nothing axe-core finds, page and open widget, %s', async (colorScheme) => {
    const { context, page, problems } = await open({ colorScheme });
    try {
      await page.goto(`${base}/articles/${SEED_SLUG}`);
      await poll(() => widgetText(page)).toContain('Влезте, за да коментирате');
      const loaded = await axeViolations(page);
      expect(loaded, describeViolations(loaded)).toEqual([]);
      // Open: the registration form and a notice form on a comment.
      await page.getByRole('button', { name: 'Регистрация' }).click();
      await page.getByRole('button', { name: 'Сигнализирай' }).first().click();
      await poll(() => page.getByLabel('Обяснение: защо съдържанието е незаконно').isVisible()).toBe(true);
      const open = await axeViolations(page);
      expect(open, describeViolations(open)).toEqual([]);
      await screenshot(page, `widget-open-${colorScheme}`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each(['light', 'dark'] as const)('should keep a screenshot of the seed page with its comments (%s)', async (colorScheme) => {
    await withComments();
    const { context, page } = await open({ colorScheme, viewport: { width: 900, height: 900 } });
    try {
      await page.goto(`${base}/articles/${SEED_SLUG}`);
      await poll(() => widgetText(page)).toContain('Кога ще започне производството?');
      await screenshot(page, `seed-page-with-comments-${colorScheme}`);
      // For docs/widget.md (npm test with UPDATE_SCREENSHOTS=1 refreshes them): the comment section.
      await page.locator('newsroom-comments').scrollIntoViewIfNeeded();
      await screenshot(page, colorScheme === 'light' ? 'article-page' : 'article-page-dark', { docs: true, fullPage: false });
    } finally {
      await context.close();
    }
  });
});

describe('the other reader pages', () => {
  it('should list the articles on / with their counts, linking to their pages', async () => {
    await withComments();
    const { context, page, problems } = await open();
    try {
      await page.goto(`${base}/?utm_source=x`);
      const link = page.getByRole('link', { name: seed.title });
      expect(await link.getAttribute('href')).toBe(`/articles/${SEED_SLUG}`);
      await poll(() => page.locator(`[data-newsroom-count="${SEED_SLUG}"]`).textContent()).toBe('3 коментара');
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await link.click();
      await poll(() => page.locator('h1').textContent()).toBe(seed.title);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should answer an unknown article with a 404 page and a bad cursor with a 400 page', async () => {
    const missing = await t.http.get('/articles/nyama-takava-statia').expect(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(missing.text).toContain('Няма такава статия');
    await t.http.get('/articles/Not_A_Slug').expect(404);
    const bad = await t.http.get('/?cursor=nonsense').expect(400);
    expect(bad.text).toContain('Няма такава страница');
  });
});
