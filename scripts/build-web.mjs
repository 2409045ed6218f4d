// Builds the pages' code in web/ (the reader widget, the count snippet and the moderation console) into
// dist/public/ with Rolldown (the bundler inside Vite; used directly: no HTML entries, no preload helpers), only when a source changed since the last web build (the key covers web/, this script,
// package-lock.json). Every file is also written gzip- and brotli-compressed, and dist/public/manifest.json lists
// them with their content hashes for the service (src/web/web-assets.ts), which serves them from memory.
//
//   dist/public/embed/v1/comments.js   the widget's loader: small, unhashed, short-lived cache
//   dist/public/embed/v1/count.js      the count snippet for listing pages (classic script, IIFE)
//   dist/public/embed/v1/assets/*      hashed chunks, and the reader pages' stylesheet: cached for a year, immutable
//   dist/public/admin/assets/*         the console's hashed code (the service writes the /admin page around it)
//
// Also usable as a module: `await buildWeb()` returns { built, ms }.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(root, 'web');
const outDir = join(root, 'dist', 'public');
const manifestPath = join(outDir, 'manifest.json');
// Bump when the output layout changes.
const FORMAT = 2;

function files(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files(path, out);
    else out.push(path);
  }
  return out.sort();
}

function sourceKey() {
  const hash = createHash('sha1').update(`format ${FORMAT}\n`);
  for (const file of [...files(webDir), fileURLToPath(import.meta.url), join(root, 'package-lock.json')]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const CONTENT_TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** Writes .gz and .br next to every compressible file and returns the manifest entries. */
function compressAndList() {
  const entries = {};
  for (const file of files(outDir)) {
    if (file.endsWith('.gz') || file.endsWith('.br') || file === manifestPath) continue;
    const rel = relative(outDir, file).split(sep).join('/');
    const ext = rel.slice(rel.lastIndexOf('.'));
    const body = readFileSync(file);
    const compressible = ext !== '.png' && ext !== '.woff2';
    if (compressible) {
      writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(
        `${file}.br`,
        brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      );
    }
    entries[rel] = {
      type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      bytes: body.length,
      gzipBytes: compressible ? statSync(`${file}.gz`).size : null,
      sha256: createHash('sha256').update(body).digest('base64url'),
      compressed: compressible,
    };
  }
  return entries;
}

/** Comments and spaces out (a descendant combinator before `:` must be written `*:`, e.g. `.x *:focus`). */
const minifyCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{}:;,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();

/** CSS files are imported as text (`import css from './x.css'`) and adopted into a shadow root or a page. */
const cssAsText = {
  name: 'css-as-text',
  load(id) {
    if (!id.endsWith('.css')) return null;
    return { code: `export default ${JSON.stringify(minifyCss(readFileSync(id, 'utf8')))};`, moduleType: 'js' };
  },
};

export async function buildWeb({ force = false } = {}) {
  const started = performance.now();
  const key = sourceKey();
  if (!force && existsSync(manifestPath)) {
    try {
      if (JSON.parse(readFileSync(manifestPath, 'utf8')).key === key) return { built: false, ms: Math.round(performance.now() - started) };
    } catch {
      // unreadable manifest: build again
    }
  }
  const { build } = await import('rolldown');
  const staging = `${outDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const common = {
    platform: 'browser',
    plugins: [cssAsText],
    // JSX settings (Preact's automatic runtime) come from web/tsconfig.json, which Rolldown reads.
    transform: { target: 'es2022' },
    logLevel: 'warn',
  };
  const output = (dir, format = 'esm') => ({
    dir,
    format,
    minify: true,
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'assets/[name]-[hash].js',
  });
  const embedDir = join(staging, 'embed', 'v1');
  // 1. The widget: its loader at a fixed name; what the loader imports lazily is hashed (immutable).
  await build({ ...common, input: { comments: join(webDir, 'embed', 'comments.ts') }, output: output(embedDir) });
  // 2. The count snippet: a classic script (a plain <script src> on listing pages), nothing to load after it.
  await build({ ...common, input: { count: join(webDir, 'embed', 'count.ts') }, output: output(embedDir, 'iife') });
  // 3. The moderation console: one hashed entry (the service writes /admin's HTML around it, from the manifest).
  await build({
    ...common,
    input: { console: join(webDir, 'admin', 'main.tsx') },
    output: { ...output(join(staging, 'admin')), entryFileNames: 'assets/[name]-[hash].js' },
  });
  // 4. The reader pages' stylesheet (GET / and /articles/:slug): the page's own layout and the comment section's
  //    styles for the comments the page renders on the server. A hashed file (immutable), linked under style-src 'self'.
  const pageCss = minifyCss(
    `${readFileSync(join(webDir, 'pages', 'article.css'), 'utf8')}\n${readFileSync(join(webDir, 'widget', 'styles.css'), 'utf8')}`,
  );
  const cssHash = createHash('sha256').update(pageCss).digest('base64url').replace(/[-_]/g, '').slice(0, 8);
  mkdirSync(join(embedDir, 'assets'), { recursive: true });
  writeFileSync(join(embedDir, 'assets', `article-${cssHash}.css`), pageCss);
  // Swap in the new output whole, so a running service or a parallel test never reads a half-written tree.
  const previous = `${outDir}.${process.pid}.old`;
  mkdirSync(join(root, 'dist'), { recursive: true });
  if (existsSync(outDir)) renameSync(outDir, previous);
  renameSync(staging, outDir);
  rmSync(previous, { recursive: true, force: true });
  const entries = compressAndList();
  writeFileSync(manifestPath, JSON.stringify({ key, files: entries }, null, 1));
  return { built: true, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const r = await buildWeb({ force: process.argv.includes('--force') });
    console.log(r.built ? `web: built in ${r.ms} ms` : 'web: up to date');
  } catch (err) {
    console.error(`web build failed: ${err.message}`);
    process.exit(1);
  }
}
