import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FirstAdminSetup } from '../../../src/setup/first-admin-setup.service.js';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { type Browser, collectProblems, launchBrowser } from '../../helpers/browser.js';
import { expectAccessible } from '../../helpers/console.js';
import { scratchDatabase, type ScratchDatabase } from '../../helpers/db.js';
import { AUDIENCE, ISSUER, SSO_SECRET, signWithSecret } from '../../helpers/publisher.js';

/**
 * A fresh install (its own database, no admin): the first admin from the one-time setup link, and staff signing in
 * with the publisher's accounts through SSO_LOGIN_URL (a popup that posts the token back, origin-checked).
 */
let db: ScratchDatabase;
let t: TestApp;
let base: string;
let browser: Browser;
let publisher: Server;
let publisherOrigin: string;

/** The publisher's sign-in page: signed in there already, it posts a token for the console back to its opener. */
function startPublisher(): Promise<void> {
  publisher = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/login') return void res.writeHead(404).end();
    const target = url.searchParams.get('origin') ?? '';
    void signWithSecret(SSO_SECRET, {
      claims: { sub: 'editor-42', name: 'Мария Иванова', email: 'maria@publisher.test', newsroom_role: 'moderator' },
    }).then((token) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="bg"><title>Вход</title><p>Вход…</p>
<script>window.opener.postMessage(${JSON.stringify({ type: 'newsroom-comments:sso', token })}, ${JSON.stringify(target)});</script>`);
    });
  });
  return new Promise((resolve) => publisher.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  db = await scratchDatabase('console_fresh', { migrated: true });
  await startPublisher();
  publisherOrigin = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}`;
  t = await startTestApp({
    DATABASE_URL: db.url,
    SSO_SECRET,
    SSO_ISSUER: ISSUER,
    SSO_AUDIENCE: AUDIENCE,
    SSO_ROLE_CLAIM: 'newsroom_role',
    SSO_TRUST_ROLES: 'true',
    SSO_LOGIN_URL: `${publisherOrigin}/login`,
  });
  base = await listen(t);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((resolve) => publisher?.close(resolve));
  await db?.drop();
});

describe('the moderation console on a fresh install', () => {
  it('should create the first admin from the one-time setup link, once, and drop the code from the address', async () => {
    const link = await t.app.get(FirstAdminSetup).announce(base);
    expect(link).toMatch(/\/admin\/setup#code=/);
    const context = await browser.newContext({ locale: 'bg-BG' });
    try {
      const page = await context.newPage();
      const problems = collectProblems(page);
      await page.goto(link!);
      await page.getByRole('heading', { name: 'Първи администратор' }).waitFor();
      await expectAccessible(page, 'setup page');
      expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('');
      await page.getByLabel('Имейл').fill('editor@example.bg');
      await page.getByLabel('Потребителско име').fill('admin');
      await page.getByLabel('Парола').fill('липов цвят над Витоша');
      await page.getByRole('button', { name: 'Създай администратор и влез' }).click();
      await page.getByRole('heading', { level: 1, name: /Чакащи/ }).waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { location: { pathname: string } }).location.pathname)).toBe(
        '/admin/queue/pending',
      );
      expect(await t.prisma.user.count({ where: { role: 'admin' } })).toBe(1);
      expect(problems).toEqual([]);

      // The same link again: the page still asks, the service refuses.
      const again = await browser.newContext({ locale: 'bg-BG' });
      const second = await again.newPage();
      await second.goto(link!);
      await second.getByLabel('Имейл').fill('other@example.bg');
      await second.getByLabel('Потребителско име').fill('editor_two');
      await second.getByLabel('Парола').fill('липов цвят над Витоша');
      await second.getByRole('button', { name: 'Създай администратор и влез' }).click();
      await second.getByRole('alert').getByText('Вече има администратор: влезте.').waitFor();
      await again.close();
    } finally {
      await context.close();
    }
  });

  it("should sign a member of staff in with the publisher's account through the popup, ignoring messages from elsewhere", async () => {
    const context = await browser.newContext({ locale: 'bg-BG' });
    try {
      const page = await context.newPage();
      const problems = collectProblems(page);
      await page.goto(`${base}/admin`);
      const sso = page.getByRole('button', { name: 'Вход с акаунта в редакцията' });
      await sso.waitFor();
      // A message that does not come from the popup and the publisher's origin is ignored.
      const token = await signWithSecret(SSO_SECRET, { claims: { sub: 'intruder', newsroom_role: 'admin' } });
      await page.evaluate(
        (tk) =>
          (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(
            { type: 'newsroom-comments:sso', token: tk },
            '*',
          ),
        token,
      );
      const [popup] = await Promise.all([page.waitForEvent('popup'), sso.click()]);
      expect(new URL(popup.url()).origin).toBe(publisherOrigin);
      expect(new URL(popup.url()).searchParams.get('origin')).toBe(base);
      await page.getByRole('heading', { level: 1, name: /Чакащи/ }).waitFor();
      expect(await page.locator('.who').textContent()).toContain('модератор');
      expect(await t.prisma.user.count({ where: { identities: { some: { subject: 'intruder' } } } })).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
