import { readFileSync } from 'node:fs';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader as bearer, createUser as registerUser, type TestUser } from '../../factories/index.js';
import { type Browser, launchBrowser } from '../../helpers/browser.js';
import { expectAccessible, openConsole, staff } from '../../helpers/console.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

/**
 * The console's admin pages and its limits in a real browser: webhooks (the secret shown once), every admin page
 * accessible in light and dark, a reader kept out (and refused by the API on every console route), and a member
 * of staff who is demoted or banned losing the console at once with a message saying why.
 */
let t: TestApp;
let base: string;
let browser: Browser;
let admin: TestUser;
let receiver: WebhookReceiver;

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  base = await listen(t);
  browser = await launchBrowser();
  admin = await staff(t, 'admin');
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await t?.close();
});

describe('the moderation console: admin pages and access', () => {
  it('should let an admin create a webhook and show its signing secret once, then test it and see the delivery', async () => {
    const tab = await openConsole(browser, base, admin, { path: '/admin/webhooks' });
    try {
      const { page } = tab;
      await page.getByRole('heading', { level: 1, name: 'Уебкукички' }).waitFor();
      await expectAccessible(page, 'webhooks page');
      await page.getByLabel('Адрес (URL)').fill(receiver.url);
      await page.getByLabel('Описание').fill('Редакционен Slack');
      await page.getByRole('button', { name: 'Създай' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Тайна за подписване' }).waitFor();
      await expectAccessible(page, 'the secret, shown once');
      const secret = (await dialog.getByTestId('webhook-secret').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      receiver.useSecret(secret);
      await dialog.getByRole('button', { name: 'Записах я' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
      const [endpoint] = (await t.http.get('/api/admin/webhooks').set(bearer(admin.token)).expect(200)).body.items;
      expect(JSON.stringify(endpoint)).not.toContain(secret);

      const row = page.getByRole('row').filter({ hasText: receiver.url });
      await row.getByRole('button', { name: 'Изпрати тест' }).click();
      await expect.poll(() => receiver.received.some((r) => r.type === 'webhook.test')).toBe(true);
      await row.getByRole('button', { name: 'Доставки' }).click();
      await page.getByRole('dialog').getByText('webhook.test').waitFor();
      await expectAccessible(page, 'deliveries');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });

  it('should keep every admin page free of axe-core findings in light and dark, and change an article’s settings', async () => {
    const slug = `console-admin-${process.pid}-${Date.now().toString(36)}`;
    await t.prisma.article.create({
      data: { slug, title: 'Статия за настройки', blocks: [], publishedAt: new Date(Date.UTC(1993, 0, 1)) },
    });
    for (const scheme of ['light', 'dark'] as const) {
      const tab = await openConsole(browser, base, admin, { path: '/admin/articles', colorScheme: scheme });
      try {
        const { page } = tab;
        for (const [path, heading] of [
          ['articles', 'Статии'],
          ['word-filters', 'Филтър за думи'],
          ['users', 'Потребители и роли'],
          ['reasons', 'Основания за решения'],
          ['audit', 'Дневник'],
          ['transparency', 'Прозрачност (DSA)'],
          ['appeals', 'Обжалвания'],
        ] as const) {
          await page.goto(`${base}/admin/${path}`);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          if (path === 'reasons') await page.getByRole('button', { name: 'Добави основание' }).click();
          if (path === 'transparency') {
            await page.getByRole('button', { name: 'Покажи отчета' }).click();
            await page.getByRole('heading', { name: 'Решения (чл. 17)' }).waitFor();
          }
          await expectAccessible(page, `${path} (${scheme})`);
        }
        if (scheme === 'light') {
          await page.goto(`${base}/admin/articles`);
          await page.getByLabel('Заглавието или адресът съдържа').fill(slug);
          await page.getByRole('button', { name: 'Приложи' }).click();
          await page.getByLabel('Коментарите към „Статия за настройки“ са отворени').uncheck();
          await expect
            .poll(async () => (await t.prisma.article.findUniqueOrThrow({ where: { slug }, select: { commentsOpen: true } })).commentsOpen)
            .toBe(false);
        }
        expect(tab.problems).toEqual([]);
      } finally {
        await tab.context.close();
      }
    }
  }, 120_000);

  it("should keep a reader out of the console, and the API should refuse the reader's token on every console route", async () => {
    const reader = await registerUser(t);
    const tab = await openConsole(browser, base, reader);
    try {
      const { page } = tab;
      await page.getByText('конзолата е затворена за него', { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Вход', exact: true }).waitFor();
      expect(await page.locator('.cards').count()).toBe(0);
      // And signing in with the password says the same.
      const again = await registerUser(t);
      await page.getByLabel('Имейл или потребителско име').fill(again.username);
      await page.getByLabel('Парола').fill(again.password);
      await page.getByRole('button', { name: 'Вход', exact: true }).click();
      await page.getByRole('alert').getByText('Този акаунт не е на модератор или администратор.').waitFor();
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
    const routes = JSON.parse(readFileSync(new URL('../contract/route-permissions.json', import.meta.url), 'utf8')) as Record<
      string,
      string
    >;
    const id = '00000000-0000-4000-8000-000000000000';
    // A reader's token the console did not sign out (signing out now ends the session's access tokens too).
    const outsider = await registerUser(t);
    const staffRoutes = Object.entries(routes).filter(([, who]) => who.includes('moderator') || who === 'admin');
    expect(staffRoutes.length).toBeGreaterThan(40);
    for (const [route] of staffRoutes) {
      const [method, path] = route.split(' ');
      const url = path.replace(/:(\w+)/g, (_m, name: string) => (name === 'slug' ? 'some-article' : id));
      // No body: the role guard answers before any body would be validated (and an operation without one refuses it).
      const res = await t.http[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url).set(bearer(outsider.token));
      expect(res.status, route).toBe(403);
      expect(res.body.error.code, route).toBe('FORBIDDEN');
    }
  });

  it('should close the console at once, saying why, for a moderator who is demoted and for one who is banned', async () => {
    const [demoted, banned] = await Promise.all([staff(t), staff(t)]);
    const first = await openConsole(browser, base, demoted);
    const second = await openConsole(browser, base, banned);
    try {
      await first.page.locator('.live.on').waitFor();
      await second.page.locator('.live.on').waitFor();
      await t.http.patch(`/api/admin/users/${demoted.id}`).set(bearer(admin.token)).send({ role: 'reader' }).expect(200);
      await t.http.post(`/api/admin/users/${banned.id}/ban`).set(bearer(admin.token)).send({ reason: 'Злоупотреба с правата' }).expect(200);
      await first.page.getByText('Този акаунт не е (или вече не е) на модератор', { exact: false }).waitFor({ timeout: 10_000 });
      await second.page.getByText('Акаунтът ви е блокиран', { exact: false }).waitFor({ timeout: 10_000 });
      expect(
        await first.page.evaluate(() =>
          (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
            'newsroom-console:session',
          ),
        ),
      ).toBeNull();
      await expectAccessible(first.page, 'sign-in page with the reason');
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
  it('should feature a published comment from the decided queue and give its author a badge, both shown to readers', async () => {
    const slug = `console-picks-${process.pid}-${Date.now().toString(36)}`;
    await t.prisma.article.create({ data: { slug, title: 'Статия с избор', blocks: [], publishedAt: new Date('2001-01-01T00:00:00Z') } });
    const reader = await registerUser(t);
    const posted = await t.http
      .post(`/api/articles/${slug}/comments`)
      .set(bearer(reader.token))
      .send({ body: 'Добре аргументиран коментар.' });
    expect(posted.status).toBe(201);
    const id = posted.body.comment.id as string;
    await t.http.patch(`/api/admin/comments/${id}`).set(bearer(admin.token)).send({ status: 'approved' }).expect(200);

    const tab = await openConsole(browser, base, admin, { path: `/admin/queue/decided?article=${slug}&status=approved` });
    try {
      const { page } = tab;
      const pick = page.locator(`[data-comment-id="${id}"]`).getByRole('button', { name: 'Избор на редакцията' });
      await expect.poll(() => pick.getAttribute('aria-pressed')).toBe('false');
      // With the keyboard: the toggle keeps the focus while the service answers (a disabled button would drop it).
      await pick.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => pick.getAttribute('aria-pressed')).toBe('true');
      expect(await pick.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      expect((await t.http.get(`/api/comments/${id}`).expect(200)).body.comment.featured).toBe(true);
      await expectAccessible(page, 'decided queue with a pick');

      await page.goto(`${base}/admin/users`);
      await page.getByLabel('Потребителското име започва с, или имейл').fill(reader.username);
      await page.getByRole('button', { name: 'Приложи' }).click();
      const badge = page.getByLabel(`Значка на ${reader.username}`);
      await badge.selectOption('journalist');
      await expect.poll(async () => (await t.http.get(`/api/comments/${id}`).expect(200)).body.comment.author.badge).toBe('journalist');
      await expectAccessible(page, 'users with a badge');
      await badge.selectOption('');
      await expect.poll(async () => (await t.http.get(`/api/comments/${id}`).expect(200)).body.comment.author.badge).toBeNull();
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });
});
