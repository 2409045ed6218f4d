import { mkdirSync } from 'node:fs';
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
  await page.goto(`${base}${opts.path ?? '/admin/queue/pending'}`);
  return { context, page, problems };
}

/** axe-core on the page as it is: the assertion message lists what to fix. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${what}: axe-core found\n${describeViolations(violations)}`);
}
