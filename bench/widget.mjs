// `node bench/widget.mjs`: how long the reader's widget takes to draw its first 20 comments once their data has
// arrived in the browser (docs/widget.md, "Small and fast"). Run by hand, not a timed test.
//
// The real build (dist/public, rebuilt when web/ changed) in Debian's Chromium, served by a small stand-in for the
// service that answers the widget's requests from memory: a page of 20 threads (each with its first reply), the
// configuration, the count. What is measured, per page load, inside the page:
//   data arrived  = the threads response's responseEnd (Resource Timing)
//   drawn         = the first animation frame after the 20th top-level comment is in the shadow root
// Also with the CPU slowed 4× (DevTools' throttling, roughly a mid-range phone). Env: BENCH_RUNS (default 30),
// BENCH_DEBUG=1 (each load's times), BENCH_SERVE=1 (only serve the bench page and print its address: for DevTools).
/* global window, document, requestAnimationFrame, MutationObserver */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const SLUG = 'bench-article';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

await buildWeb();
const manifest = JSON.parse(readFileSync(`${root}dist/public/manifest.json`, 'utf8'));

const words = 'Съвместното производство с Япония е разумна стъпка, въпросът е колко бързо ще започне и кой ще плати сметката'.split(' ');
const text = (i, n) => Array.from({ length: n }, (_, k) => words[(i * 7 + k) % words.length]).join(' ');
const comment = (i, extra = {}) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  body: `${text(i, 25 + (i % 30))} https://www.example.bg/analiz/${i}`,
  author: { id: `00000000-0000-4000-9000-${String(i % 50).padStart(12, '0')}`, username: `reader_${i % 50}` },
  status: 'approved',
  deleted: false,
  parentId: null,
  rootId: null,
  depth: 0,
  createdAt: new Date(Date.now() - i * 60_000).toISOString(),
  editedAt: null,
  ...extra,
});
const threads = JSON.stringify({
  article: {
    id: '00000000-0000-4000-8000-aaaaaaaaaaaa',
    slug: SLUG,
    title: 'Bench',
    language: 'bg',
    commentCount: 40,
    commentsOpen: true,
    publishedAt: new Date().toISOString(),
    url: null,
    externalId: null,
  },
  items: Array.from({ length: 20 }, (_, i) => {
    const top = comment(i + 1);
    const reply = comment(1000 + i, { parentId: top.id, rootId: top.id, depth: 1 });
    return { ...top, replies: { items: [reply], nextCursor: null }, replyCount: 1 };
  }),
  nextCursor: 'eyJ0IjoiMjAyNi0xMS0yOFQwOToxMjo0NS4xMjBaIiwiaWQiOiIwYjZmN2E1Mi04ZDNjLTRjMWUtOWE1NS0yZjNkOWMxZTdhMTAifQ',
});
const config = JSON.stringify({
  config: {
    auth: { local: 'true', sso: false },
    comments: { editWindowSeconds: 900, maxLength: 5000, reportReasonMaxLength: 500 },
    dsa: { termsUrl: null, appealWindowMonths: 6 },
  },
});
const page = `<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>Bench</title><link rel="icon" href="data:,">
<script type="module" src="/embed/v1/comments.js"></script></head><body><main><h1>Bench</h1>
<newsroom-comments article="${SLUG}" live="off"></newsroom-comments></main></body></html>`;

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  const json = (body) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  if (path === `/api/articles/${SLUG}/threads`) return json(threads);
  if (path === `/api/articles/${SLUG}/comments/count`) return json(JSON.stringify({ slug: SLUG, count: 40 }));
  if (path === '/api/client-config') return json(config);
  const file = manifest.files[path.slice(1)];
  if (!file) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file.type }).end(readFileSync(`${root}dist/public${path}`));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

if (process.env.BENCH_SERVE) {
  console.log(base);
  await new Promise(() => {});
}
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

/** One page load: ms from the threads data's arrival to the frame that shows the 20 comments. */
async function once(context, throttle) {
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await tab.addInitScript(() => {
    // When the 20th top-level comment enters the shadow root (a MutationObserver: the same task as the render),
    // then the next frame (it is on screen).
    window.__drawn = new Promise((resolve) => {
      const watch = () => {
        const root = document.querySelector('newsroom-comments')?.shadowRoot;
        if (!root) return void requestAnimationFrame(watch);
        new MutationObserver((_, observer) => {
          if (root.querySelectorAll('.nc-thread').length < 20) return;
          observer.disconnect();
          window.__inDom = performance.now();
          requestAnimationFrame(() => resolve(performance.now()));
        }).observe(root, { childList: true, subtree: true });
      };
      watch();
    });
  });
  await tab.goto(base);
  const drawn = await tab.evaluate(() => window.__drawn);
  const arrived = await tab.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('/threads'))?.responseEnd);
  const inDom = await tab.evaluate(() => window.__inDom);
  if (process.env.BENCH_DEBUG) console.log({ arrived, inDom, drawn });
  await tab.close();
  return drawn - arrived;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s.at(-1) };
};

const results = {};
for (const throttle of [1, 4]) {
  const context = await browser.newContext();
  const times = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const ms = await once(context, throttle);
    if (i >= 3) times.push(ms); // the first loads warm the browser's caches
  }
  await context.close();
  results[throttle === 1 ? 'this machine' : 'CPU slowed 4×'] = stats(times);
}
await browser.close();
server.close();

const gz = (p) => manifest.files[p]?.gzipBytes;
const chunk = Object.keys(manifest.files).find((p) => p.startsWith('embed/v1/assets/main-') && p.endsWith('.js'));
console.log(`widget: loader ${gz('embed/v1/comments.js')} B gz, widget ${gz(chunk)} B gz, count snippet ${gz('embed/v1/count.js')} B gz`);
console.log(`first 20 comments drawn after their data arrived (${RUNS} page loads each; budget 200 ms):`);
for (const [name, r] of Object.entries(results)) {
  console.log(`  ${name.padEnd(14)} median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
}
