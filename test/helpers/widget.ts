import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyCommentChange, commentSnapshotSelect } from '../../src/comment-core/comment-state.js';
import { WordFilterService } from '../../src/word-filter/word-filter.service.js';
import type { TestApp } from './app.js';
import { type Browser, type BrowserContext, collectProblems, type Page, type Response } from './browser.js';
import { bearer, TEST_PASSWORD, type TestUser } from '../factories/index.js';

/** Screenshots a person should look at: git-ignored, kept after the run (the docs' copies: UPDATE_SCREENSHOTS=1). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
export const DOCS_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

export async function screenshot(page: Page, name: string, opts: { docs?: boolean; fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: opts.fullPage ?? true });
  if (opts.docs && process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(DOCS_IMAGES, { recursive: true });
    await page.screenshot({ path: `${DOCS_IMAGES}${name}.png`, fullPage: opts.fullPage ?? true });
  }
}

/** The word lists are global data other test files change: the tests here post ordinary text, judged clean. */
export function cleanWordFilter(t: TestApp): void {
  vi.spyOn(t.app.get(WordFilterService), 'check').mockResolvedValue({ verdict: 'clean' });
}

/** A moderator's decision through the one code path that keeps counters, audit and live events exact. */
export async function decide(t: TestApp, id: string, status: 'approved' | 'rejected'): Promise<void> {
  await t.prisma.$transaction(async (tx) => {
    const before = await tx.comment.findUniqueOrThrow({ where: { id }, select: commentSnapshotSelect });
    await applyCommentChange(tx, before, { status }, { action: status === 'approved' ? 'approve' : 'reject', actorId: null });
  });
}

/** Posts through the API (and approves, unless told not to). */
export async function postComment(
  t: TestApp,
  user: TestUser,
  slug: string,
  body: string,
  opts: { parentId?: string; approve?: boolean } = {},
) {
  const res = await t.http
    .post(`/api/articles/${slug}/comments`)
    .set('Authorization', bearer(user))
    .send({ body, ...(opts.parentId && { parentId: opts.parentId }) });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id = (res.body as { comment: { id: string } }).comment.id;
  if (opts.approve ?? true) await decide(t, id, 'approved');
  return id;
}

/** Text the widget shows inside its shadow root (empty before it has drawn). */
export const widgetText = (page: Page) =>
  page
    .locator('newsroom-comments')
    .evaluate((el) => (el as unknown as { shadowRoot: { textContent: string } | null }).shadowRoot?.textContent ?? '');

/**
 * `expect.poll` with room for a busy machine (the default gives up after one second): what a reader would wait for,
 * a live update, a stream refused and polled. Fails only when the condition never comes.
 */
export const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 50 });

/**
 * The article page of `slug` in a browser context of its own, signed in as `user` when given (its tokens where the
 * widget keeps them: localStorage), once the comment section has drawn.
 */
export async function openArticlePage(
  t: TestApp,
  browser: Browser,
  base: string,
  slug: string,
  user?: TestUser,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  if (user) {
    const res = await t.http.post('/api/auth/login').send({ login: user.username, password: TEST_PASSWORD }).expect(200);
    const session = { ...res.body, expiresAt: Date.now() + (res.body as { expiresIn: number }).expiresIn * 1000 };
    await context.addInitScript(
      ([key, value]) =>
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(key, value),
      [`newsroom-comments ${base}`, JSON.stringify(session)] as const,
    );
  }
  const page = await context.newPage();
  const problems = collectProblems(page);
  const path = (r: Response) => new URL(r.url()).pathname;
  // A signed-in reader's widget asks who they are now, then reloads the first page (their own pending comments).
  // Both answers have landed before the test changes anything on the server: one answered after a change (a ban,
  // comments closed) would already show it, and take away the button or form the test is about to use.
  const session = user
    ? page
        .waitForResponse((r) => path(r) === '/api/auth/me')
        .then(() => page.waitForResponse((r) => r.request().method() === 'GET' && path(r).endsWith('/threads')))
    : undefined;
  await page.goto(`${base}/articles/${slug}`);
  await poll(() => widgetText(page)).toContain('Коментари (');
  await session;
  return { context, page, problems };
}

/** A refusal a test provokes is also a failed fetch in the console: that line is expected, nothing else. */
export const unexpectedProblems = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of (4\d\d)/.test(p));
