import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader as bearer, createUser as registerUser, type TestUser } from '../../factories/index.js';
import { type Browser, launchBrowser, type Page } from '../../helpers/browser.js';
import { artifact, expectAccessible, openConsole, sendDecisions, staff } from '../../helpers/console.js';

/**
 * The moderation console's queue in a real browser (Debian Chromium) against the real service: sign-in, a comment
 * arriving live, keyboard decisions, reasons, a race between two moderators, bulk, bans, inert comment text,
 * axe-core in light and dark. Every queue here is filtered to its own article: other spec files share the database.
 */
let t: TestApp;
let base: string;
let browser: Browser;
let admin: TestUser;
let seq = 0;

const as = (u: TestUser) => bearer(u.token);

async function article(title = 'Зеленски: Украйна иска съвместно производство на системи за ПВО с Япония') {
  const slug = `console-queue-${process.pid}-${Date.now().toString(36)}-${++seq}`;
  return t.prisma.article.create({
    data: { slug, title, blocks: [{ type: 'paragraph', text: 'x' }], publishedAt: new Date(Date.UTC(1992, 0, seq)) },
    select: { id: true, slug: true, title: true },
  });
}

async function post(author: TestUser, slug: string, body: string, parentId?: string): Promise<string> {
  const res = await t.http.post(`/api/articles/${slug}/comments`).set(as(author)).send({ body, parentId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.comment.id as string;
}

/** A reader with a realistic name (for the screenshot), registered through the API. */
async function named(username: string): Promise<TestUser> {
  const name = `${username}_${randomBytes(2).toString('hex')}`;
  const password = 'липов цвят над Витоша';
  const res = await t.http
    .post('/api/auth/register')
    .send({ email: `${name}@example.bg`, username: name, password })
    .expect(201);
  return {
    id: res.body.user.id,
    email: `${name}@example.bg`,
    username: name,
    password,
    token: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

/** Published whatever the word filter (shared by every spec file) makes of it. */
async function approved(id: string): Promise<string> {
  const now = await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { status: true } });
  if (now.status !== 'approved') await t.http.patch(`/api/admin/comments/${id}`).set(as(admin)).send({ status: 'approved' }).expect(200);
  return id;
}

const card = (page: Page, id: string) => page.locator(`[data-comment-id="${id}"]`);
const queueOf = (slug: string, queue = 'pending') => `/admin/queue/${queue}?article=${encodeURIComponent(slug)}`;
const status = async (id: string) => (await t.prisma.comment.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t);
  browser = await launchBrowser();
  admin = await staff(t, 'admin');
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the moderation console: queues', () => {
  it('should sign a moderator in, show a pending comment arriving live and approve it with the keyboard: the public count becomes 1', async () => {
    const a = await article();
    const [moderator, reader] = await Promise.all([staff(t), registerUser(t)]);
    const tab = await openConsole(browser, base, null, { path: queueOf(a.slug) });
    try {
      const { page } = tab;
      await expectAccessible(page, 'sign-in page');
      await page.getByLabel('Имейл или потребителско име').fill(moderator.username);
      await page.getByLabel('Парола').fill(moderator.password);
      await page.getByRole('button', { name: 'Вход', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: /Чакащи/ }).waitFor();
      await page.getByText('Тук няма нищо за модериране.').waitFor();
      await page.locator('.live.on').waitFor();

      const id = await post(reader, a.slug, 'Съвместното производство с Япония е разумна стъпка.');
      await card(page, id).waitFor();
      await expect.poll(() => card(page, id).getAttribute('aria-current')).toBe('true');
      await expectAccessible(page, 'queue with a card (light)');
      await page.keyboard.press('a');
      await expect.poll(() => card(page, id).getAttribute('class')).toContain('phase-sending');
      await sendDecisions(page);
      await expect
        .poll(async () => (await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count, { timeout: 15_000 })
        .toBe(1);
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });

  it("should reject with one of the newsroom's reasons chosen by key, and the author should find the statement in their decisions", async () => {
    const a = await article();
    const [moderator, reader] = await Promise.all([staff(t), registerUser(t)]);
    const label = `Лична нападка ${randomBytes(3).toString('hex')}`;
    await t.http
      .post('/api/admin/decision-reasons')
      .set(as(admin))
      .send({
        label,
        appliesTo: ['reject'],
        position: 0,
        statement: { incompatibleContentGround: 'Правила, т. 3', incompatibleContentExplanation: 'Лична нападка срещу друг читател.' },
      })
      .expect(201);
    const id = await post(reader, a.slug, 'Ти си никой и нищо не разбираш.');
    const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug), colorScheme: 'dark' });
    try {
      const { page } = tab;
      await card(page, id).waitFor();
      await page.keyboard.press('r');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expectAccessible(page, 'reason dialog (dark)');
      const position = await dialog.locator('label.choice').filter({ hasText: label }).locator('kbd').textContent();
      await page.keyboard.press(position!);
      await page.keyboard.press('Enter');
      await expect.poll(() => card(page, id).getAttribute('class')).toContain('phase-sending');
      await sendDecisions(page);
      await expect.poll(() => status(id), { timeout: 15_000 }).toBe('rejected');
      const mine = await t.http.get('/api/me/decisions').set(as(reader)).expect(200);
      expect(JSON.stringify(mine.body)).toContain('Лична нападка срещу друг читател.');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });

  it('should let one of two moderators win a race for the same comment and tell the other who decided', async () => {
    const a = await article();
    const [maria, petar, reader] = await Promise.all([staff(t), staff(t), registerUser(t)]);
    const raced = await post(reader, a.slug, 'Коментар, за който двама решават едновременно.');
    const watched = await post(reader, a.slug, 'Коментар, решен пред очите на колега.');
    const first = await openConsole(browser, base, maria, { path: queueOf(a.slug) });
    const second = await openConsole(browser, base, petar, { path: queueOf(a.slug) });
    try {
      await card(first.page, raced).waitFor();
      await card(second.page, raced).waitFor();
      await second.page.locator('.live.on').waitFor();
      // Both decide within the undo window: Maria's approval is sent first, Petar's rejection at the version he read.
      await card(first.page, raced).getByRole('button', { name: 'Одобри' }).click();
      await card(second.page, raced).getByRole('button', { name: 'Отхвърли…' }).click();
      await second.page.getByRole('dialog').getByRole('button', { name: 'Отхвърли', exact: true }).click();
      await expect.poll(() => card(second.page, raced).getAttribute('class')).toContain('phase-sending');
      await sendDecisions(first.page);
      await expect.poll(() => status(raced)).toBe('approved');
      await sendDecisions(second.page);
      const lost = card(second.page, raced).locator('.card-state.warn');
      await lost.waitFor({ timeout: 15_000 });
      expect(await lost.textContent()).toContain(maria.username);
      expect(await status(raced)).toBe('approved');

      // A decision taken while a colleague looks shows on the colleague's card at once.
      await card(first.page, watched).getByRole('button', { name: 'Спам' }).click();
      await expect.poll(() => card(first.page, watched).getAttribute('class')).toContain('phase-sending');
      await sendDecisions(first.page);
      const changed = card(second.page, watched).locator('.card-state.warn');
      await changed.waitFor({ timeout: 15_000 });
      expect(await changed.textContent()).toContain(maria.username);
      // Chromium logs the 409 of the lost race as a failed resource: that answer is the point here.
      expect([...first.problems, ...second.problems].filter((p) => !p.includes('status of 409'))).toEqual([]);
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });

  it('should reject 50 comments at once from the keyboard (select all, r, Enter), each at the version it was read', async () => {
    const a = await article();
    const [moderator, reader] = await Promise.all([staff(t), registerUser(t)]);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await post(reader, a.slug, `Реклама номер ${i}: купете сега!`));
    const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug) });
    try {
      const { page } = tab;
      await expect.poll(() => page.locator('.cards > li').count()).toBe(50);
      // j and k move the focus; a decision taken by mistake is undone with u before it is sent.
      await expect.poll(() => card(page, ids[0]).getAttribute('aria-current')).toBe('true');
      await page.keyboard.press('j');
      await expect.poll(() => card(page, ids[1]).getAttribute('aria-current')).toBe('true');
      await page.keyboard.press('k');
      await expect.poll(() => card(page, ids[0]).getAttribute('aria-current')).toBe('true');
      await page.keyboard.press('a');
      await expect.poll(() => card(page, ids[0]).getAttribute('class')).toContain('phase-sending');
      await page.keyboard.press('u');
      await expect.poll(() => card(page, ids[0]).getAttribute('class')).toContain('phase-open');
      await page.keyboard.press('Shift+X');
      await page.getByText('50 избрани').waitFor();
      await page.keyboard.press('r');
      await page.getByRole('dialog').getByRole('heading', { name: 'Отхвърляне на 50 коментара' }).waitFor();
      await page.getByRole('dialog').getByLabel('Друго основание (напишете го)').check();
      await page.getByLabel(/Основание \(записва се/).fill('Реклама');
      await page.getByRole('dialog').getByRole('button', { name: 'Отхвърли', exact: true }).click();
      await expect.poll(() => card(page, ids[49]).getAttribute('class')).toContain('phase-sending');
      await sendDecisions(page);
      await expect
        .poll(() => t.prisma.comment.count({ where: { id: { in: ids }, status: 'rejected', statusReason: 'Реклама' } }), {
          timeout: 15_000,
        })
        .toBe(50);
      // The undone approval was never sent: the audit log has no approval of that comment.
      expect(await t.prisma.moderationAction.count({ where: { commentId: ids[0], action: 'approve' } })).toBe(0);
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
    // 50 comments posted, drawn and decided: a budget by work, not the default 30 s.
  }, 120_000);

  it('should stay responsive while ten approvals in a row move the focus down the queue, and send all ten', async () => {
    const a = await article();
    const [moderator, reader] = await Promise.all([staff(t), registerUser(t)]);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await post(reader, a.slug, `Мнение номер ${i}`));
    const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug) });
    try {
      const { page } = tab;
      await expect.poll(() => page.locator('.cards > li').count()).toBe(12);
      await expect.poll(() => card(page, ids[0]).getAttribute('aria-current')).toBe('true');
      // Each approval hands the focus to the next card while the decided one changes: two cards must never take the
      // focus from each other (the page locked up, and a key press never returned, about every other time).
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('a');
        await expect.poll(() => card(page, ids[i]).getAttribute('class')).toContain('phase-sending');
        await expect.poll(() => card(page, ids[i + 1]).getAttribute('aria-current')).toBe('true');
      }
      await sendDecisions(page);
      await expect
        .poll(() => t.prisma.comment.count({ where: { id: { in: ids.slice(0, 10) }, status: 'approved' } }), { timeout: 15_000 })
        .toBe(10);
      expect(await status(ids[10])).toBe('pending');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  }, 60_000);

  it('should ban an author with a statement of reasons from the queue, rejecting their pending comments', async () => {
    const a = await article();
    const [moderator, author] = await Promise.all([staff(t), registerUser(t)]);
    const id = await post(author, a.slug, 'Пак съм тук с обидите си.');
    await post(author, a.slug, 'И още един.');
    const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug) });
    try {
      const { page } = tab;
      await card(page, id).waitFor();
      await page.keyboard.press('b');
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: `Блокиране на ${author.username}` }).waitFor();
      await expectAccessible(page, 'ban dialog');
      await dialog.getByLabel('Основание, което потребителят получава').fill('Системни обиди към други читатели.');
      await dialog.getByLabel('Срок').selectOption('30');
      await dialog.getByRole('button', { name: 'Блокирай', exact: true }).click();
      await expect.poll(async () => (await t.prisma.user.findUniqueOrThrow({ where: { id: author.id } })).bannedAt).not.toBeNull();
      expect(await t.prisma.comment.count({ where: { authorId: author.id, status: 'pending' } })).toBe(0);
      const decisions = await t.http.get('/api/me/decisions').set(as(author)).expect(200);
      expect(JSON.stringify(decisions.body)).toContain('Системни обиди към други читатели.');
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
  });

  it('should show HTML and script in comments, notes and replies as text, in every view, running none of it', async () => {
    const a = await article();
    const [moderator, author] = await Promise.all([staff(t), registerUser(t)]);
    const evil = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>получер</b> <a href="javascript:window.__pwned=3">връзка</a>`;
    await t.http.patch(`/api/admin/articles/${a.slug}`).set(as(admin)).send({ moderation: 'post' }).expect(200);
    const parent = await approved(await post(author, a.slug, evil));
    await t.http.patch(`/api/admin/articles/${a.slug}`).set(as(admin)).send({ moderation: 'pre' }).expect(200);
    const reply = await post(author, a.slug, `${evil} (отговор)`, parent);
    await t.http.post(`/api/admin/users/${author.id}/notes`).set(as(moderator)).send({ body: evil }).expect(201);
    const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug) });
    try {
      const { page } = tab;
      const c = card(page, reply);
      await c.waitFor();
      expect(await c.locator('.body').textContent()).toBe(`${evil} (отговор)`);
      expect(await c.locator('.parent-body').textContent()).toBe(evil);
      expect(await c.locator('.body b, .body img, .body script, .body a, .parent b, .parent img').count()).toBe(0);
      await page.keyboard.press('o');
      const drawer = page.getByRole('dialog');
      await drawer.locator('.note-body').first().waitFor();
      expect(await drawer.locator('.note-body').first().textContent()).toBe(evil);
      expect(await drawer.locator('.note-body b, .note-body img').count()).toBe(0);
      await expectAccessible(page, 'author drawer');
      await page.keyboard.press('Escape');
      await page.goto(`${base}${queueOf(a.slug, 'decided')}&status=approved`);
      await card(page, parent).waitFor();
      expect(await card(page, parent).locator('.body').textContent()).toBe(evil);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(tab.problems).toEqual([]);
    } finally {
      await tab.context.close();
    }
    // Two queues and the drawer drawn, axe-core run once: a budget by work, as the other browser tests have.
  }, 60_000);

  it('should keep every queue view free of axe-core findings in light and dark, and leave a screenshot of the queue', async () => {
    const a = await article();
    const [moderator, ivan, maria] = await Promise.all([named('redaktor_elena'), named('ivan_petrov'), named('maria_ivanova')]);
    await t.prisma.user.update({ where: { id: moderator.id }, data: { role: 'moderator' } });
    const suspect = `идиот${[...randomBytes(3).toString('hex')].map((h) => 'абвгдежзийклмноп'[parseInt(h, 16)]).join('')}`;
    await t.http.post('/api/admin/word-filters').set(as(admin)).send({ word: suspect, kind: 'suspect' }).expect(201);
    await t.http.patch(`/api/admin/articles/${a.slug}`).set(as(admin)).send({ moderation: 'post' }).expect(200);
    const root = await approved(
      await post(ivan, a.slug, 'Съвместното производство с Япония е разумна стъпка – въпросът е колко бързо ще започне.'),
    );
    await t.http.patch(`/api/admin/articles/${a.slug}`).set(as(admin)).send({ moderation: 'pre' }).expect(200);
    await post(maria, a.slug, 'А кой ще плати за всичко това? Пак ние, данъкоплатците.', root);
    await post(ivan, a.slug, `Само ${suspect} би повярвал на това обещание.`);
    await post(maria, a.slug, 'Добър анализ, благодаря на редакцията.\nЧакам продължението.');
    for (const scheme of ['light', 'dark'] as const) {
      const tab = await openConsole(browser, base, moderator, { path: queueOf(a.slug), colorScheme: scheme });
      try {
        const { page } = tab;
        await expect.poll(() => page.locator('.cards > li').count()).toBe(3);
        await page.locator('.live.on').waitFor();
        await expectAccessible(page, `pending queue (${scheme})`);
        await page.screenshot({ path: artifact(`console-queue-${scheme}.png`), fullPage: false });
        // `UPDATE_DOCS_IMAGES=1 npx vitest run test/e2e/web/console-queue.e2e-spec.ts` refreshes docs/images.
        if (process.env.UPDATE_DOCS_IMAGES) {
          mkdirSync(join(process.cwd(), 'docs', 'images'), { recursive: true });
          const name = scheme === 'light' ? 'console-queue.png' : 'console-queue-dark.png';
          copyFileSync(artifact(`console-queue-${scheme}.png`), join(process.cwd(), 'docs', 'images', name));
        }
        await page.keyboard.press('?');
        await page.getByRole('dialog').getByRole('heading', { name: 'Клавишни комбинации' }).waitFor();
        await expectAccessible(page, `shortcuts (${scheme})`);
        await page.keyboard.press('Escape');
        for (const q of ['flagged', 'reported', 'notices', 'decided']) {
          await page.goto(`${base}${queueOf(a.slug, q)}`);
          await page.locator('.cards[aria-busy="false"]').waitFor({ state: 'attached' });
          await expectAccessible(page, `${q} queue (${scheme})`);
        }
        expect(tab.problems).toEqual([]);
      } finally {
        await tab.context.close();
      }
    }
  }, 120_000);
});
