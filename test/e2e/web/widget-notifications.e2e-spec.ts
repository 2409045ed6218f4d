import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { axeViolations, type Browser, collectProblems, describeViolations, launchBrowser, type Page } from '../../helpers/browser.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { freePort } from '../../helpers/net.js';
import { SmtpSink } from '../../helpers/smtp.js';
import { authHeader, createUser } from '../../factories/index.js';
import { expectAccessible, openConsole, staff } from '../../helpers/console.js';
import { cleanWordFilter, openArticlePage, poll, postComment, screenshot, unexpectedProblems, widgetText } from '../../helpers/widget.js';

/**
 * A reader opts into reply mails from the comment section (web/widget/components/notifications.tsx), in Chromium
 * against the real app, its outbox worker and a real SMTP server in this process (test/helpers/smtp.ts), on a
 * database of its own: the worker mails only what this file causes. PUBLIC_URL is the address the app listens on,
 * so the confirmation link in the mail opens in the browser.
 */
let db: ScratchDatabase;
let sink: SmtpSink;
let t: TestApp;
let base: string;
let browser: Browser;
let seq = 0;

beforeAll(async () => {
  db = await scratchDatabase('widget_mail', { migrated: true });
  sink = await SmtpSink.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({
    DATABASE_URL: db.url,
    SMTP_URL: sink.url,
    MAIL_FROM: 'Коментари <comments@example.test>',
    PUBLIC_URL: base,
    MAIL_POLL_INTERVAL_MS: '50',
    // Twelve hours away: the worker's own digest run never starts during the test.
    MAIL_DIGEST_HOUR_UTC: String((new Date().getUTCHours() + 12) % 24),
  });
  await t.app.listen(port, '127.0.0.1');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sink?.stop();
  await db?.drop();
});
beforeEach(() => cleanWordFilter(t));
afterEach(() => vi.restoreAllMocks());

async function article(app: TestApp) {
  const slug = `widget-mail-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  await app.prisma.article.create({
    data: {
      slug,
      title: 'Статия за известия',
      blocks: [{ type: 'paragraph', text: 'Текст.' }],
      publishedAt: new Date('2000-01-01T00:00:00Z'),
    },
  });
  return slug;
}

const focusedId = (page: Page) =>
  page.evaluate<string | null>(`document.querySelector('newsroom-comments').shadowRoot.activeElement?.id ?? null`);
const focusedText = (page: Page) =>
  page.evaluate<string>(`document.querySelector('newsroom-comments').shadowRoot.activeElement?.textContent ?? ''`);
const liveRegion = (page: Page) => page.locator('newsroom-comments [role="status"]').textContent();
const panelButton = (page: Page) => page.getByRole('button', { name: 'Известия по имейл' });

async function expectNoViolations(page: Page) {
  const violations = await axeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

describe('e-mail notifications in the comment section', () => {
  it('should opt in with the keyboard, mail the confirmation link, confirm it in the browser, then mail a reply', async () => {
    const slug = await article(t);
    const [ana, bob] = [await createUser(t), await createUser(t)];
    const root = await postComment(t, ana, slug, 'Какво мислите?');
    const { context, page, problems } = await openArticlePage(t, browser, base, slug, ana);
    try {
      await panelButton(page).click();
      await poll(() => focusedId(page)).toBe('nc-notifications');
      await poll(() => widgetText(page)).toContain(`Адрес: ${ana.email}. Още не е потвърден`);
      expect(await page.getByRole('radio', { name: 'не ме известявай' }).isChecked()).toBe(true);
      await expectNoViolations(page);

      // Keyboard only: into the radio group, down to "веднага", on to "Запази".
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: 'веднага' }).isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      await poll(() => focusedText(page)).toBe('Запази');
      await page.keyboard.press('Enter');
      const sent = `Изпратихме връзка за потвърждение на ${ana.email}.`;
      await poll(() => widgetText(page)).toContain(sent);
      await poll(() => liveRegion(page)).toBe(`Настройките за известия са запазени. ${sent} Отворете я, за да започнат известията.`);
      expect(await t.prisma.mailPreference.findUniqueOrThrow({ where: { userId: ana.id } })).toMatchObject({
        replies: 'immediate',
        locale: 'bg',
      });
      await poll(() => sink.to(ana.email).length).toBe(1);
      expect(sink.to(ana.email)[0]!.subject).toBe('Потвърдете адреса си за известия');

      // The first mail went astray: a second link, and only the newest one works.
      await page.getByRole('button', { name: 'Изпрати връзката отново' }).click();
      await poll(() => sink.to(ana.email).length).toBe(2);
      await expectNoViolations(page);
      await screenshot(page, 'widget-notifications-light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await expectNoViolations(page);
      await screenshot(page, 'widget-notifications-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/email\/confirm\?token=[A-Za-z0-9_.-]+)/.exec(sink.to(ana.email)[1]!.text)?.[1];
      expect(link).toBeDefined();
      const mailPage = await context.newPage();
      const mailProblems = collectProblems(mailPage);
      await mailPage.goto(link!);
      await mailPage.getByRole('button', { name: 'Потвърждавам / Confirm' }).click();
      await mailPage.getByRole('heading', { name: 'Адресът е потвърден' }).waitFor();
      expect(mailProblems).toEqual([]);
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: ana.id } })).emailVerifiedAt).not.toBeNull();

      // Escape closes the panel (focus back on its button); opened again, it says the address is confirmed.
      await page.bringToFront();
      await page.getByRole('button', { name: 'Затвори' }).focus();
      await page.keyboard.press('Escape');
      await poll(() => focusedId(page)).toBe('nc-notifications-button');
      await page.keyboard.press('Enter');
      await poll(() => widgetText(page)).toContain(`Адрес: ${ana.email} (потвърден).`);
      expect(await page.getByRole('radio', { name: 'веднага' }).isChecked()).toBe(true);
      expect(await page.getByRole('button', { name: 'Изпрати връзката отново' }).count()).toBe(0);

      await postComment(t, bob, slug, 'Отговорът на Боб.', { parentId: root });
      await poll(() => sink.to(ana.email).length).toBe(3);
      const reply = sink.to(ana.email)[2]!;
      expect(reply.text).toContain('Отговорът на Боб.');
      expect(reply.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/email\/unsubscribe\?token=/);
      expect(unexpectedProblems(problems)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should say so, instead of the form, to an account without an e-mail address', async () => {
    const slug = await article(t);
    const reader = await createUser(t);
    await t.prisma.user.update({ where: { id: reader.id }, data: { email: null } });
    const { context, page, problems } = await openArticlePage(t, browser, base, slug, reader);
    try {
      await panelButton(page).click();
      await poll(() => widgetText(page)).toContain('Профилът ви няма имейл адрес, затова не можем да ви известяваме по имейл.');
      expect(await page.getByRole('radio').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should offer no notifications panel where the site sends no mail', async () => {
    const off = await startTestApp({ DATABASE_URL: db.url, SMTP_URL: '', MAIL_FROM: '' });
    try {
      const offBase = await listen(off);
      expect((await off.http.get('/api/client-config').expect(200)).body.config.mail).toEqual({ enabled: false });
      const slug = await article(off);
      const reader = await createUser(off);
      const { context, page, problems } = await openArticlePage(off, browser, offBase, slug, reader);
      try {
        await poll(() => widgetText(page)).toContain(`Влезли сте като ${reader.username}`);
        // The configuration has arrived (the guidelines link and reactions come from it too): no button.
        await poll(() =>
          page.evaluate<boolean>(`performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/client-config'))`),
        ).toBe(true);
        await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
        expect(await panelButton(page).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Решения на модераторите' }).count()).toBe(1);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      await off.close();
    }
  });
});

describe("the console: a moderator's own notifications", () => {
  it('should confirm the address from the page, then turn on the daily queue digest, with nothing axe-core finds', async () => {
    const moderator = await staff(t, 'moderator');
    const tab = await openConsole(browser, base, moderator, { path: '/admin/notifications' });
    try {
      const { page } = tab;
      await page.getByRole('heading', { level: 1, name: 'Моите известия' }).waitFor();
      await page.getByText(`Адресът ${moderator.email} още не е потвърден`).waitFor();
      await page.getByRole('button', { name: 'Изпрати връзка за потвърждение' }).click();
      await poll(() => sink.to(moderator.email).length).toBe(1);
      const token = /confirm\?token=([A-Za-z0-9_.-]+)/.exec(sink.to(moderator.email)[0]!.text)?.[1];
      expect(token).toBeTruthy();
      await t.http.post('/api/email/confirm').send({ token }).expect(200);

      await page.reload();
      await page.getByText(`Пишем ви на ${moderator.email} (потвърден).`).waitFor();
      const digest = page.getByLabel('Всеки ден имейл за опашката за модериране');
      await digest.check();
      await poll(
        async () => (await t.http.get('/api/me/notifications').set(authHeader(moderator)).expect(200)).body.notifications.queueDigest,
      ).toBe(true);
      await expectAccessible(page, 'my notifications');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });
});
