// The moderation console's queue with 500 pending comments, in a real browser (run by hand, not a timed test):
//
//   node bench/console.mjs            (BENCH_RUNS=7 page loads; CHROMIUM_PATH=/usr/bin/chromium)
//
// Builds, starts the production build on a free port with its embedded PostgreSQL in a temp folder, creates an
// admin and 500 pending comments through the API, then opens /admin/queue/pending in Chromium (the admin's session
// in storage, as after a sign-in) BENCH_RUNS times and reads the console's own performance marks:
//   data → first card   `queue:data` (the first page's JSON parsed) to `queue:first-card` (the frame after the
//                       first card was drawn): the budget is 300 ms;
//   load → first card   navigation start to that frame (script, sign-in check, stream, request, render);
//   500 cards           the other four pages loaded with "Load more" until all 500 cards are drawn;
//   j with 500 cards    a keypress moving the focus to the next card, with 500 cards on the page.
// Prints a Markdown table and writes bench/results/console.md.
/* global document, MutationObserver, requestAnimationFrame, KeyboardEvent */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PENDING = 500;
const log = (m) => console.error(`[console-bench] ${m}`);

const SENTENCES = [
  'Съвместното производство с Япония е разумна стъпка – въпросът е колко бързо ще започне.',
  'А кой ще плати за всичко това? Пак ние, данъкоплатците.',
  'Добър анализ, благодаря на редакцията. Чакам продължението.',
  'Не съм съгласен с автора: системите за ПВО не се произвеждат за година.',
  'Интересно е какво мисли по въпроса министърът на отбраната.',
  'Статията пропуска най-важното – сроковете и цената.',
];

async function main() {
  log('building');
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');

  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user, which must enter this folder
  const [port, pgPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const admin = { email: 'bench-admin@example.bg', password: 'bench-admin-password-1' };
  const service = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: join(dir, 'pg'),
      EMBEDDED_PG_PORT: String(pgPort),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      SEED_ARTICLE: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error('the service did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const json = (res) => res.json();
    const post = (path, body, token) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      }).then(json);
    const session = await post('/api/auth/login', { login: admin.email, password: admin.password });
    const { items } = await fetch(`${base}/api/articles?limit=1`).then(json);
    const slug = items[0].slug;
    log(`posting ${PENDING} pending comments on ${slug}`);
    const readers = [];
    for (let r = 0; r < 25; r++) {
      const name = `reader_${r}`;
      readers.push(
        (await post('/api/auth/register', { email: `${name}@example.bg`, username: name, password: 'липов цвят над Витоша' })).accessToken,
      );
    }
    for (let i = 0; i < PENDING; i += 25) {
      await Promise.all(
        readers.map((token, r) =>
          post(`/api/articles/${slug}/comments`, { body: `${SENTENCES[(i + r) % SENTENCES.length]} (${i + r + 1})` }, token),
        ),
      );
    }

    // The API alone: the five pages of the queue, as the console requests them.
    const apiMs = [];
    for (let i = 0, cursor; i === 0 || cursor; i++) {
      const t0 = performance.now();
      const page = await fetch(`${base}/api/admin/comments?status=pending&limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      }).then(json);
      apiMs.push(performance.now() - t0);
      cursor = page.nextCursor;
    }
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    const stored = JSON.stringify({
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresAt: Date.now() + 14 * 60_000,
      user: session.user,
    });
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ locale: 'bg-BG', viewport: { width: 1280, height: 900 } });
      await context.addInitScript((s) => localStorage.setItem('newsroom-console:session', s), stored);
      const page = await context.newPage();
      await page.goto(`${base}/admin/queue/pending`);
      await page.waitForFunction(() => performance.getEntriesByName('queue:first-card').length > 0, null, { timeout: 30_000 });
      const marks = await page.evaluate(() => ({
        data: performance.getEntriesByName('queue:data')[0].startTime,
        first: performance.getEntriesByName('queue:first-card')[0].startTime,
      }));
      const loadMore = async () => {
        const t0 = Date.now();
        for (let n = await page.locator('.cards > li').count(); n < PENDING; n = await page.locator('.cards > li').count()) {
          // A click through the DOM: cards drawn while scrolling (content-visibility) move the button under the mouse.
          await page.getByRole('button', { name: 'Покажи още' }).evaluate((b) => b.click());
          await page.waitForFunction((before) => document.querySelectorAll('.cards > li').length > before, n);
        }
        return Date.now() - t0;
      };
      const allMs = await loadMore();
      await page.locator('.cards > li').first().locator('article').focus();
      const key = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const before = document.querySelector('[aria-current="true"]');
            const t0 = performance.now();
            const observer = new MutationObserver(() => {
              const now = document.querySelector('[aria-current="true"]');
              if (now && now !== before) {
                observer.disconnect();
                requestAnimationFrame(() => resolve(performance.now() - t0));
              }
            });
            observer.observe(document.querySelector('.cards'), { attributes: true, subtree: true, attributeFilter: ['aria-current'] });
            document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
          }),
      );
      runs.push({ dataToFirst: marks.first - marks.data, navToFirst: marks.first, allMs, keyMs: key });
      await context.close();
    }
    await browser.close();

    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const max = (xs) => Math.max(...xs);
    const row = (label, key) =>
      `| ${label} | ${median(runs.map((r) => r[key])).toFixed(0)} ms | ${max(runs.map((r) => r[key])).toFixed(0)} ms |`;
    const report = [
      `Console queue bench, ${new Date().toISOString().slice(0, 10)}, ${PENDING} pending comments, ${RUNS} page loads (Chromium ${browser.version()}, ${process.platform}, node ${process.version}).`,
      '',
      '| measure | median | max |',
      '|---|---|---|',
      row('data → first card drawn (budget 300 ms)', 'dataToFirst'),
      row('navigation → first card drawn', 'navToFirst'),
      row('load the other 400 (Load more ×4) until 500 cards are drawn', 'allMs'),
      row('`j` with 500 cards on the page', 'keyMs'),
      '',
      `The API alone: each page of 100 (GET /api/admin/comments) in ${apiMs.map((m) => m.toFixed(0)).join(', ')} ms.`,
      '',
    ].join('\n');
    console.log(report);
    writeFileSync(join(root, 'bench', 'results', 'console.md'), report);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
