import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { type Browser, launchBrowser } from '../../helpers/browser.js';
import { authHeader, createAdmin, createModerator, createUser, type TestUser } from '../../factories/index.js';
import { cleanWordFilter, poll, postComment, widgetText, openArticlePage, unexpectedProblems } from '../../helpers/widget.js';

/**
 * Reactions, the "top" order, editors' picks and author badges in the comment section, in Chromium against the real
 * service (the article page at /articles/:slug, as widget-reader.e2e-spec.ts).
 */
let t: TestApp;
let base: string;
let browser: Browser;
let seq = 0;
const OLD = new Date('2000-01-01T00:00:00Z');

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});
beforeEach(() => cleanWordFilter(t));

async function article() {
  const slug = `widget-reactions-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  await t.prisma.article.create({ data: { slug, title: 'Реакции', blocks: [{ type: 'paragraph', text: 'Текст.' }], publishedAt: OLD } });
  return slug;
}

const open = (slug: string, user?: TestUser) => openArticlePage(t, browser, base, slug, user);

const unexpected = unexpectedProblems;
const stored = (id: string) => t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { reactions: true } });

describe('reactions in the comment section', () => {
  it('should react with the button (pressed state, count, keyboard), show badges and picks, and order by top', async () => {
    const slug = await article();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const [moderator, admin] = [await createModerator(t), await createAdmin(t)];
    const first = await postComment(t, ana, slug, 'Първият коментар.');
    const second = await postComment(t, bob, slug, 'Вторият коментар.');
    await t.http.put(`/api/admin/users/${ana.id}/badge`).set(authHeader(admin)).send({ badge: 'journalist' }).expect(200);
    await t.http.put(`/api/admin/comments/${first}/featured`).set(authHeader(moderator)).expect(200);

    const { context, page, problems } = await open(slug, bob);
    try {
      const text = await widgetText(page);
      expect(text).toContain('Журналист');
      expect(text).toContain('Избран от редакцията');
      // Bob reacts to Ana's comment; his own has no button.
      const like = page.locator(`#c-${first}-react-like`);
      await poll(() => like.getAttribute('aria-pressed')).toBe('false');
      expect(await page.locator(`#c-${second}-react-like`).count()).toBe(0);
      await like.click();
      await poll(() => like.getAttribute('aria-pressed')).toBe('true');
      await poll(() => like.textContent()).toBe('Харесвам 1');
      await poll(async () => (await stored(first)).reactions).toEqual({ like: 1 });

      // The keyboard takes it back.
      await like.focus();
      await page.keyboard.press('Enter');
      await poll(() => like.getAttribute('aria-pressed')).toBe('false');
      await poll(async () => (await stored(first)).reactions).toEqual({});
      await like.press('Space');
      await poll(async () => (await stored(first)).reactions).toEqual({ like: 1 });

      // "Най-добри": the comment with a reaction comes first although it is older.
      await page.getByLabel('Подреждане').selectOption('top');
      await poll(() => widgetText(page)).toMatch(/Първият коментар\.[\s\S]*Вторият коментар\./);
      await page.getByLabel('Подреждане').selectOption('newest');
      await poll(() => widgetText(page)).toMatch(/Вторият коментар\.[\s\S]*Първият коментар\./);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should put the reaction back as it was when the service refuses it, and show why', async () => {
    const slug = await article();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const id = await postComment(t, ana, slug, 'Коментар за реакция.');
    const { context, page, problems } = await open(slug, bob);
    try {
      const like = page.locator(`#c-${id}-react-like`);
      await poll(() => like.getAttribute('aria-pressed')).toBe('false');
      // Banned meanwhile: the widget still offers the button, the service refuses.
      await t.prisma.user.update({ where: { id: bob.id }, data: { bannedAt: new Date(), banReason: 'spam' } });
      await like.click();
      await poll(() => widgetText(page)).toContain('Профилът ви е спрян');
      await poll(() => like.getAttribute('aria-pressed')).toBe('false');
      expect(await like.textContent()).toBe('Харесвам');
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should show the counts without a button to a reader who is not signed in', async () => {
    const slug = await article();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const id = await postComment(t, ana, slug, 'Коментар с харесване.');
    await t.http.put(`/api/comments/${id}/reactions/mine`).set(authHeader(bob)).send({ kind: 'like' }).expect(200);
    const { context, page } = await open(slug);
    try {
      await poll(() => widgetText(page)).toContain('Харесвам: 1');
      expect(await page.locator(`#c-${id}-react-like`).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
