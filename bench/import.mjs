// `node bench/import.mjs`: generates a Disqus export of BENCH_IMPORT_COMMENTS comments (default 200,000) under
// 2,000 threads, by 20,000 authors (a tenth of them namesakes of "Иван Петров"), a third of them replies, a few
// spam and deleted, Cyrillic HTML bodies; builds, starts a scratch PostgreSQL (embedded, in a temp folder, or
// BENCH_DATABASE_URL's server), migrates, and runs the built `npm run import` on it as a separate process, twice
// (the second run imports nothing). Measures wall time, comments/s and the importer's peak RSS (VmHWM), checks the
// counters with recount, and writes bench/results/import.md.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.BENCH_IMPORT_COMMENTS ?? 200_000);
const THREADS = 2000;
const AUTHORS = 20_000;
const cleanups = [];

async function startDatabase() {
  let serverUrl = process.env.BENCH_DATABASE_URL;
  serverUrl ??= await startEmbeddedPostgres('newsroom-bench-import', cleanups);
  const name = `newsroom_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await c.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A deterministic pseudo-random sequence, so every run imports the same file. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const WORDS = ['новини', 'правителство', 'бюджет', 'футбол', 'София', 'времето', 'съгласен', 'не', 'съм', 'това', 'е', 'добре', 'лошо'];

async function generate(path) {
  const out = createWriteStream(path);
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const rand = rng(42);
  await write(
    '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n',
  );
  for (let t = 1; t <= THREADS; t++) {
    await write(
      `  <thread dsq:id="${t}">\n    <id/>\n    <forum>bench</forum>\n    <link>https://bench.example.bg/news/statia-${t}</link>\n    <title>Статия ${t}</title>\n    <createdAt>2018-01-01T00:00:00Z</createdAt>\n  </thread>\n`,
    );
  }
  const threadOf = new Int32Array(N + 1);
  const start = Date.UTC(2018, 0, 1);
  for (let i = 1; i <= N; i++) {
    const thread = 1 + Math.floor(rand() * THREADS);
    let parent = 0;
    // A third are replies to an earlier comment of the same thread (found by probing back a little).
    if (rand() < 0.33) {
      for (let j = i - 1; j > Math.max(0, i - 400); j--) {
        if (threadOf[j] === thread) {
          parent = j;
          break;
        }
      }
    }
    threadOf[i] = thread;
    const a = Math.floor(rand() * AUTHORS);
    const name = a % 10 === 0 ? 'Иван Петров' : `Читател ${a}`;
    const anonymous = a % 3 === 0;
    const words = Array.from({ length: 8 + Math.floor(rand() * 40) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const r = rand();
    await write(
      `  <post dsq:id="${1_000_000 + i}">\n    <id/>\n    <message><![CDATA[<p>${words}</p><p>Виж <a href="https://bench.example.bg/x/${i}">тук</a></p>]]></message>\n` +
        `    <createdAt>${new Date(start + i * 60_000).toISOString().replace('.000', '')}</createdAt>\n` +
        `    <isDeleted>${r < 0.02}</isDeleted>\n    <isSpam>${r > 0.97}</isSpam>\n` +
        `    <author>\n      <email>reader${a}@example.bg</email>\n      <name>${name}</name>\n      <isAnonymous>${anonymous}</isAnonymous>\n` +
        (anonymous ? '' : `      <username>reader_${a}</username>\n`) +
        `    </author>\n    <ipAddress>192.0.2.${a % 250}</ipAddress>\n    <thread dsq:id="${thread}"/>\n` +
        (parent ? `    <parent dsq:id="${1_000_000 + parent}"/>\n` : '') +
        '  </post>\n',
    );
  }
  await write('</disqus>\n');
  out.end();
  await once(out, 'finish');
}

/** Runs the built import CLI; peak RSS is the process's VmHWM, sampled until it exits. */
async function runImport(url, file) {
  const started = process.hrtime.bigint();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--enable-source-maps',
      'dist/import/import.cli.js',
      '--from',
      'disqus',
      file,
      '--json',
      ...(process.env.BENCH_IMPORT_ARGS ?? '').split(' ').filter(Boolean),
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let peakKb = 0;
  // CPU time (user + system, clock ticks) of the importer and of its database backends (a local server: their
  // /proc entries are readable), the last value seen per process: on a shared machine the wall time depends on
  // the load, the CPU an import costs much less.
  const ticks = new Map();
  const cpuOf = (pid, key) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks.set(key, Number(f[11]) + Number(f[12]));
    } catch {
      // exited
    }
  };
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  let backends = [];
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited
    }
    cpuOf(child.pid, 'importer');
    for (const pid of backends) cpuOf(pid, `database ${pid}`);
  };
  const timer = setInterval(sample, 50);
  const finder = setInterval(() => {
    monitor
      .query("SELECT pid FROM pg_stat_activity WHERE application_name = 'newsroom-import'")
      .then((r) => (backends = r.rows.map((x) => x.pid)))
      .catch(() => {});
  }, 200);
  const [code] = await once(child, 'exit');
  clearInterval(timer);
  clearInterval(finder);
  await monitor.end();
  const importerCpu = (ticks.get('importer') ?? 0) / 100;
  const databaseCpu = [...ticks].filter(([key]) => key !== 'importer').reduce((a, [, t]) => a + t, 0) / 100;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`import exited ${code}: ${stderr}\n${stdout.slice(0, 2000)}`);
  return { report: JSON.parse(stdout), seconds, peakMb: Math.round(peakKb / 1024), importerCpu, databaseCpu };
}

try {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const dir = mkdtempSync(join(os.tmpdir(), 'newsroom-bench-import-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'disqus.xml');
  const t0 = Date.now();
  await generate(file);
  const mb = (statSync(file).size / 1024 / 1024).toFixed(1);
  console.error(`generated ${N} comments, ${mb} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const url = await startDatabase();
  const { migrate } = await import(join(root, 'dist', 'database', 'migrator.js'));
  await migrate(url);

  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  const first = await runImport(url, file);
  const second = await runImport(url, file);
  const { recount } = await import(join(root, 'dist', 'comment-core', 'recount.js'));
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const drift = await recount(pool, { repair: false });
  await pool.end();

  const rate = (r) => Math.round(r.report.comments.read / r.seconds);
  const lines = [
    `# Import bench (bench/import.mjs)`,
    '',
    `${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}.`,
    `A generated Disqus export: ${N} comments (${mb} MB), ${THREADS} threads, ${AUTHORS} authors (a tenth named "Иван Петров"), a third replies.`,
    '',
    `Load average before the run: ${load}.`,
    '',
    '| run | comments imported | skipped | wall time | comments/s | peak RSS (importer) | CPU: importer + database | comments per CPU-second |',
    '|---|---|---|---|---|---|---|---|',
    ...[
      ['first', first],
      ['second (same file)', second],
    ].map(
      ([name, r]) =>
        `| ${name} | ${r.report.comments.imported} | ${r.report.comments.skipped} | ${r.seconds.toFixed(1)} s | ${rate(r)} | ${r.peakMb} MB | ${r.importerCpu.toFixed(1)} s + ${r.databaseCpu.toFixed(1)} s | ${Math.round(r.report.comments.read / (r.importerCpu + r.databaseCpu))} |`,
    ),
    '',
    `Articles created: ${first.report.articles.created}; accounts created: ${first.report.authors.created}; orphans: ${first.report.comments.orphans}; counter drift after import: ${drift.articles.length + drift.users.length}.`,
    '',
  ];
  writeFileSync(join(root, 'bench', 'results', 'import.md'), lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  for (const c of cleanups.reverse()) await c();
}
