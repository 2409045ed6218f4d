import { mkdirSync } from 'node:fs';
import { onTestFailed } from 'vitest';
import { join } from 'node:path';
import type { TestApp } from './app.js';
import { createUser as registerUser, type TestUser } from '../factories/index.js';
import { axeViolations, type Browser, type BrowserContext, collectProblems, describeViolations, type Page } from './browser.js';

/** Where the browser tests keep what a person should look at (git-ignored). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export async function staff(t: TestApp, role: 'moderator' | 'admin' | 'reader' = 'moderator'): Promise<TestUser> {
  return registerUser(t, { role });
}

export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

/**
 * A browser context signed in as `user` (the console's stored session, as after a sign-in), on `path`. Its own
 * context: two moderators are two contexts, with their own storage.
 */
export async function openConsole(
  browser: Browser,
  base: string,
  user: TestUser | null,
  opts: { path?: string; colorScheme?: 'light' | 'dark'; locale?: 'bg' | 'en' } = {},
): Promise<ConsoleTab> {
  const context = await browser.newContext({
    colorScheme: opts.colorScheme ?? 'light',
    locale: opts.locale === 'en' ? 'en-GB' : 'bg-BG',
    viewport: { width: 1280, height: 900 },
  });
  if (user) {
    const session = {
      accessToken: user.token,
      refreshToken: user.refreshToken,
      expiresAt: Date.now() + 14 * 60_000,
      user: { id: user.id, username: user.username, role: 'moderator' },
    };
    // A script of the page's own (the tests' tsconfig has no DOM types): the session as a sign-in leaves it.
    const stored = JSON.stringify(JSON.stringify(session));
    await context.addInitScript(
      `if (!localStorage.getItem('newsroom-console:session')) localStorage.setItem('newsroom-console:session', ${stored});`,
    );
  }
  const page = await context.newPage();
  const problems = collectProblems(page);
  await watchForFreezes(page, problems);
  // A failed or timed-out test leaves what the page showed: where it was, its text, a screenshot.
  onTestFailed(async ({ task }) => {
    if (page.isClosed()) return;
    const name = `failed-${task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60)}-${Date.now()}.png`;
    const text = await Promise.race([
      page
        .locator('main')
        .innerText()
        .catch(() => ''),
      new Promise<string>((r) => setTimeout(() => r('(no answer)'), 5_000)),
    ]);
    await Promise.race([page.screenshot({ path: artifact(name) }).catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    console.error(
      `console page at ${page.url()} when "${task.name}" failed (screenshot ${name}):\n${text.slice(0, 2000)}\nproblems: ${problems.join('; ')}`,
    );
  });
  // The page's clock, which runs as the real one until a test moves it on (sendDecisions).
  await page.clock.install();
  await page.goto(`${base}${opts.path ?? '/admin/queue/pending'}`);
  return { context, page, problems };
}

/** How long the console holds a decision for undo before sending it (UNDO_MS in web/admin/queue/decisions.ts). */
const UNDO_MS = 5_000;

/**
 * Sends the decisions a page holds for undo now, as if the undo window had passed: the page's clock jumps over it
 * (the window itself, and undoing within it, are tested as they run).
 */
export async function sendDecisions(page: Page): Promise<void> {
  await page.clock.fastForward(UNDO_MS);
}

/**
 * A page whose main thread stops answering (a render or focus loop) makes every later step hang until the test's
 * timeout, with nothing said about where. This asks the page for a trivial answer every 2 s; when none comes within
 * 10 s it pauses the page's JavaScript, records where it was as a problem (and prints it), and lets it run on.
 */
async function watchForFreezes(page: Page, problems: string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  const scripts = new Map<string, string>();
  cdp.on('Debugger.scriptParsed', (e) => scripts.set(e.scriptId, e.url));
  let stopped = false;
  page.on('close', () => (stopped = true));
  const check = async () => {
    if (stopped) return;
    const answered = await Promise.race([
      page.evaluate('1').then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    if (stopped) return;
    if (!answered) {
      const paused = new Promise<{
        callFrames: { functionName: string; location: { scriptId: string; lineNumber: number; columnNumber?: number } }[];
      }>((resolve) => cdp.once('Debugger.paused', resolve));
      await cdp.send('Debugger.pause').catch(() => undefined);
      const at = await Promise.race([paused, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
      const where = (at?.callFrames ?? [])
        .slice(0, 12)
        .map(
          (f) =>
            `${f.functionName || '(anonymous)'} ${scripts.get(f.location.scriptId) ?? f.location.scriptId}:${f.location.lineNumber + 1}:${(f.location.columnNumber ?? 0) + 1}`,
        )
        .join(' < ');
      const problem = `page froze (no answer for 10 s) at: ${where || 'unknown'}`;
      problems.push(problem);
      console.error(problem);
      await cdp.send('Debugger.resume').catch(() => undefined);
      return;
    }
    setTimeout(() => void check(), 2_000);
  };
  setTimeout(() => void check(), 2_000);
}

/** axe-core on the page as it is: the assertion message lists what to fix. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${what}: axe-core found\n${describeViolations(violations)}`);
}
