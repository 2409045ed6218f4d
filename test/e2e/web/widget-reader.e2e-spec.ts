import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { type Browser, launchBrowser, type Page } from '../../helpers/browser.js';
import { bearer, createUser, TEST_PASSWORD, type TestUser } from '../../factories/index.js';
import { cleanWordFilter, poll, postComment, widgetText, openArticlePage, unexpectedProblems } from '../../helpers/widget.js';

/**
 * What a reader does in the comment section, in Chromium against the real service: the article page at
 * /articles/:slug (the widget on the service's own origin; other origins: widget-embed.e2e-spec.ts).
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
afterEach(() => vi.restoreAllMocks());

/** An article of this test's own (published long ago: it never pushes the seed article off the first pages). */
async function article(title = 'Статия за тест') {
  const slug = `widget-reader-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  await t.prisma.article.create({ data: { slug, title, blocks: [{ type: 'paragraph', text: 'Текст на статията.' }], publishedAt: OLD } });
  return slug;
}

const open = (slug: string, user?: TestUser) => openArticlePage(t, browser, base, slug, user);

const unexpected = unexpectedProblems;
const heading = (page: Page, text: string) => page.getByRole('heading', { name: text });
const approveViaApi = async (moderator: TestUser, id: string) =>
  t.http.patch(`/api/admin/comments/${id}`).set('Authorization', bearer(moderator)).send({ status: 'approved' }).expect(200);

/** The id of the element focused inside the widget's shadow root. */
const focusedId = (page: Page) =>
  page.evaluate<string | null>(`document.querySelector('newsroom-comments').shadowRoot.activeElement?.id ?? null`);
const focusedText = (page: Page) =>
  page.evaluate<string>(
    `(() => { const a = document.querySelector('newsroom-comments').shadowRoot.activeElement; return a ? (a.getAttribute('aria-label') || a.textContent || a.id) : ''; })()`,
  );

describe('a reader in the comment section', () => {
  it('should register and post, see the comment pending with the count at 0, then see it approved live; others are offered it', async () => {
    const slug = await article();
    const moderator = await createUser(t, { role: 'moderator' });
    const author = await open(slug);
    const other = await open(slug);
    try {
      const { page } = author;
      await page.getByRole('button', { name: 'Регистрация' }).click();
      const name = `reader${process.pid}x${seq}`;
      await page.getByLabel('Имейл').fill(`${name}@example.test`);
      await page.getByLabel('Потребителско име').fill(name);
      await page.getByLabel('Парола').fill('дълга парола за тест');
      await page.getByRole('button', { name: 'Регистрация', exact: true }).last().click();
      await poll(() => widgetText(page)).toContain(`Влезли сте като ${name}`);

      await page.getByLabel('Вашият коментар').fill('Първият ми коментар тук.');
      await page.getByRole('button', { name: 'Публикувай' }).click();
      await poll(() => widgetText(page)).toContain('Очаква одобрение');
      expect(await widgetText(page)).toContain('Виждате го само вие, докато модератор не го одобри.');
      expect(await heading(page, 'Коментари (0)').count()).toBe(1);
      // Focus went to the new comment; the live region said what happened.
      await poll(() => focusedId(page)).toMatch(/^c-/);
      await poll(() => widgetText(page)).toContain('Коментарът е изпратен и очаква одобрение от модератор.');
      expect(await widgetText(other.page)).not.toContain('Първият ми коментар тук.');

      const comment = await t.prisma.comment.findFirstOrThrow({ where: { article: { slug } }, select: { id: true } });
      await approveViaApi(moderator, comment.id);
      // Both pages follow without a reload: the count, the author's badge gone, the other reader offered the comment.
      await poll(() => heading(page, 'Коментари (1)').count()).toBe(1);
      await poll(() => widgetText(page)).not.toContain('Очаква одобрение');
      await poll(() => heading(other.page, 'Коментари (1)').count()).toBe(1);
      expect(await widgetText(other.page)).not.toContain('Първият ми коментар тук.');
      const offer = other.page.getByRole('button', { name: '1 нов коментар — покажи' });
      await offer.click();
      await poll(() => widgetText(other.page)).toContain('Първият ми коментар тук.');
      await poll(() => focusedId(other.page)).toBe(`c-${comment.id}`);
      expect([...author.problems, ...other.problems]).toEqual([]);
    } finally {
      await author.context.close();
      await other.context.close();
    }
  });

  it('should reply, edit the reply within the window, and delete it, each answered in place', async () => {
    const slug = await article();
    const [ana, bob] = [await createUser(t), await createUser(t)];
    await t.prisma.article.update({ where: { slug }, data: { moderationMode: 'post' } });
    const root = await postComment(t, ana, slug, 'Какво мислите?');
    const { context, page, problems } = await open(slug, bob);
    try {
      await page.getByRole('button', { name: 'Отговори' }).click();
      const box = page.getByLabel(`Вашият отговор на ${ana.username}`);
      await poll(() => focusedId(page)).toBe(`c-${root}-reply-text`);
      await box.fill('Мисля, че е добре.');
      await page.getByRole('button', { name: 'Отговори', exact: true }).last().click();
      await poll(() => widgetText(page)).toContain('Мисля, че е добре.');
      await poll(() => heading(page, 'Коментари (2)').count()).toBe(1);
      const reply = await t.prisma.comment.findFirstOrThrow({ where: { parentId: root }, select: { id: true } });
      await poll(() => focusedId(page)).toBe(`c-${reply.id}`);

      await page.getByRole('button', { name: 'Редактирай' }).click();
      const edit = page.getByLabel('Редактиране на коментара');
      await edit.fill('Мисля, че е много добре.');
      await page.getByRole('button', { name: 'Запази' }).click();
      await poll(() => widgetText(page)).toContain('Мисля, че е много добре.');
      expect(await widgetText(page)).toContain('редактиран');
      expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: reply.id } })).body).toBe('Мисля, че е много добре.');

      await page.getByRole('button', { name: 'Изтрий' }).click();
      await poll(() => focusedText(page)).toBe('Да, изтрий');
      await page.keyboard.press('Enter');
      await poll(() => widgetText(page)).not.toContain('Мисля, че е много добре.');
      await poll(() => heading(page, 'Коментари (1)').count()).toBe(1);
      expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: reply.id } })).deletedAt).not.toBeNull();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should post with the keyboard alone: sign in, write, send, and land on the new comment', async () => {
    const slug = await article();
    const reader = await createUser(t);
    const { context, page, problems } = await open(slug);
    /** Tab until the focused element (inside the widget) satisfies `match`. */
    const tabTo = async (match: (text: string) => boolean) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (match(await focusedText(page))) return;
      }
      throw new Error('not reachable with Tab');
    };
    try {
      await tabTo((text) => text === 'Вход');
      await page.keyboard.press('Enter');
      await poll(() => focusedId(page)).toBe('nc-login');
      await page.keyboard.type(reader.username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await poll(() => widgetText(page)).toContain('Влязохте като');
      await tabTo((text) => text === 'nc-new');
      await page.keyboard.type('Написано само с клавиатура.');
      await page.keyboard.press('Control+Enter');
      await poll(() => widgetText(page)).toContain('Написано само с клавиатура.');
      await poll(() => focusedId(page)).toMatch(/^c-[0-9a-f-]{36}$/);
      expect(await t.prisma.comment.count({ where: { article: { slug }, body: 'Написано само с клавиатура.' } })).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should keep markup and script in comments inert, on the server-rendered page and in the widget', async () => {
    const slug = await article();
    const author = await createUser(t);
    const bodies = [
      '<img src=x onerror="window.__xss=1"> и <script>window.__xss=2</script>',
      'javascript:window.__xss=3 [връзка](javascript:window.__xss=4) <a href="javascript:window.__xss=5">тук</a>',
      '"><svg onload="window.__xss=6"> https://www.example.bg/ok?a=1&b=<b>2</b>',
    ];
    for (const body of bodies) await postComment(t, author, slug, body);
    const html = (await t.http.get(`/articles/${slug}`).expect(200)).text;
    expect(html).not.toMatch(/<img|<svg|<script>window|href="javascript/i);
    const { context, page, problems } = await open(slug);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await poll(() => widgetText(page)).toContain('<img src=x onerror="window.__xss=1">');
      for (const body of bodies) expect(await widgetText(page)).toContain(body.split(' https')[0]);
      const inside = await page.evaluate<{ img: number; svg: number; script: number; hrefs: string[]; xss: unknown }>(`(() => {
        const root = document.querySelector('newsroom-comments').shadowRoot;
        return {
          img: root.querySelectorAll('img').length,
          svg: root.querySelectorAll('svg').length,
          script: root.querySelectorAll('script').length,
          hrefs: [...root.querySelectorAll('.nc-body a')].map((a) => a.getAttribute('href') + ' ' + a.rel),
          xss: window.__xss,
        };
      })()`);
      // The address stops where markup starts: `<b>2</b>` stays text after it.
      expect(inside).toEqual({
        img: 0,
        svg: 0,
        script: 0,
        hrefs: ['https://www.example.bg/ok?a=1&b= nofollow ugc noopener noreferrer'],
        xss: undefined,
      });
      expect(await widgetText(page)).toContain('https://www.example.bg/ok?a=1&b=<b>2</b>');
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should send a notice of illegal content (DSA Art. 16) from an anonymous reader, with its receipt and key', async () => {
    const slug = await article();
    const author = await createUser(t);
    const id = await postComment(t, author, slug, 'Коментар, за който ще има сигнал.');
    const { context, page, problems } = await open(slug);
    try {
      await page.getByRole('button', { name: 'Сигнализирай' }).click();
      await page.getByLabel('Вид незаконно съдържание').selectOption('STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS');
      await page.getByLabel('Обяснение: защо съдържанието е незаконно').fill('Публикува домашния ми адрес.');
      await page.getByLabel('Вашето име').fill('Мария Иванова');
      await page.getByLabel('Имейл').fill('maria@example.test');
      await page.getByRole('button', { name: 'Изпрати сигнала' }).click();
      // Good faith is required: the form says so and stays.
      await poll(() => widgetText(page)).toContain('Потвърждавам добросъвестно');
      await page.getByLabel('Потвърждавам добросъвестно, че сигналът е точен и пълен.').check();
      await page.getByRole('button', { name: 'Изпрати сигнала' }).click();
      await poll(() => widgetText(page)).toContain('Сигналът е получен на');
      const key = /Ключ за проверка на решението \(пазете го, показва се само сега\): ([\w-]+)/.exec(await widgetText(page))?.[1];
      const notice = await t.prisma.notice.findFirstOrThrow({
        where: { commentId: id },
        select: { id: true, category: true, notifierName: true },
      });
      expect(notice).toMatchObject({
        category: 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
        notifierName: 'Мария Иванова',
      });
      const read = await t.http.get(`/api/notices/${notice.id}`).set('Notice-Key', key!).expect(200);
      expect(read.body.notice).toMatchObject({ id: notice.id, status: 'received', commentId: id });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should report a comment as a signed-in reader, flagged as illegal content too', async () => {
    const slug = await article();
    const [author, reader] = [await createUser(t), await createUser(t)];
    const id = await postComment(t, author, slug, 'Коментар, за който ще има доклад.');
    const { context, page, problems } = await open(slug, reader);
    try {
      await page.getByRole('button', { name: 'Сигнализирай' }).click();
      await page.getByLabel('Спам или реклама').check();
      await page.getByLabel('Подробности (по желание)').fill('Реклама на казино.');
      await page.getByLabel(/Смятам, че съдържанието е незаконно/).check();
      await page.getByLabel('Вид незаконно съдържание').selectOption('STATEMENT_CATEGORY_SCAMS_AND_FRAUD');
      await page.getByLabel('Потвърждавам добросъвестно, че сигналът е точен и пълен.').check();
      await page.getByRole('button', { name: 'Изпрати сигнала' }).click();
      await poll(() => widgetText(page)).toContain('Благодарим ви. Сигналът е изпратен на модераторите.');
      const report = await t.http.get(`/api/comments/${id}/reports/mine`).set('Authorization', bearer(reader)).expect(200);
      expect(report.body.report.reason).toBe('Спам или реклама: Реклама на казино.');
      expect(await t.prisma.notice.count({ where: { commentId: id, category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' } })).toBe(1);
      // Twice is refused, in a sentence.
      await page.getByRole('button', { name: 'Сигнализирай' }).click();
      await page.getByRole('button', { name: 'Изпрати сигнала' }).click();
      await poll(() => widgetText(page)).toContain('Вече сте сигнализирали за този коментар.');
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should show a banned reader why and until when, their decisions, and let them appeal', async () => {
    const slug = await article();
    const [reader, moderator] = [await createUser(t), await createUser(t, { role: 'moderator' })];
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await t.http
      .post(`/api/admin/users/${reader.id}/ban`)
      .set('Authorization', bearer(moderator))
      .send({ reason: 'Повтарящи се обиди', until })
      .expect(200);
    const { context, page, problems } = await open(slug, reader);
    try {
      await poll(() => widgetText(page)).toContain('Профилът ви е спрян');
      const text = await widgetText(page);
      expect(text).toContain('Причина: Повтарящи се обиди');
      expect(text).toContain('Не можете да публикувате до');
      expect(await page.getByLabel('Вашият коментар').count()).toBe(0);
      // Their data, as the export route gives it (GDPR Art. 15, 20), downloaded from the widget.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Изтегли данните ми' }).click();
      expect((await download).suggestedFilename()).toBe('my-comments-data.json');
      await page.getByRole('button', { name: 'Решения на модераторите' }).first().click();
      await poll(() => widgetText(page)).toContain('Профилът ви е спрян');
      await poll(() => focusedId(page)).toBe('nc-decisions');
      await page.getByRole('button', { name: 'Обжалвай' }).click();
      await page.getByLabel('Защо решението е неправилно?').fill('Не съм обидил никого.');
      await page.getByRole('button', { name: 'Изпрати жалбата' }).click();
      await poll(() => widgetText(page)).toContain('Жалбата е изпратена. Ще я разгледа друг модератор.');
      expect(await widgetText(page)).toContain('Жалбата се разглежда');
      const appeals = await t.http.get('/api/admin/appeals').set('Authorization', bearer(moderator)).expect(200);
      expect(
        (appeals.body.items as { appeal: { explanation: string } }[]).some((a) => a.appeal.explanation === 'Не съм обидил никого.'),
      ).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should say every refusal in a sentence: a wrong password, and comments closed under the reader', async () => {
    const slug = await article();
    const reader = await createUser(t);
    const { context, page, problems } = await open(slug);
    try {
      await page.getByRole('button', { name: 'Вход' }).click();
      await page.getByLabel('Имейл или потребителско име').fill(reader.username);
      await page.getByLabel('Парола').fill('грешна-парола-123');
      await page.getByRole('button', { name: 'Вход', exact: true }).last().click();
      await poll(() => widgetText(page)).toContain('Грешно потребителско име, имейл или парола.');
      await page.getByLabel('Парола').fill(TEST_PASSWORD);
      // Signing in reloads the first page (the reader's own pending comments appear). Comments are closed only once
      // it has landed: a reload answered after the change would already say so and take the form away.
      const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/threads'));
      await page.getByRole('button', { name: 'Вход', exact: true }).last().click();
      await poll(() => widgetText(page)).toContain('Влезли сте като');
      expect((await reloaded).status()).toBe(200);

      await t.prisma.article.update({ where: { slug }, data: { commentsOpen: false } });
      await page.getByLabel('Вашият коментар').fill('Закъснял коментар.');
      await page.getByRole('button', { name: 'Публикувай' }).click();
      await poll(() => widgetText(page)).toContain('Коментарите към тази статия са затворени.');
      expect(await widgetText(page)).not.toMatch(/COMMENTS_CLOSED|Error|undefined/);
      expect(unexpected(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
