import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadDotEnv } from '../config/dotenv.js';
import { loadDatabaseEnv } from '../config/env.js';
import { createPool } from '../database/pool.js';
import { ReservedUsernames } from '../users/username-rules.js';
import { IMPORT_FORMATS, type ImportFormat } from './import-records.js';
import { Importer, type ImportProgress, type ImportReport } from './importer.js';
import { readRecords } from './readers.js';
import { readFileChunks } from './source-file.js';

// `npm run import -- --from disqus|wordpress|coral|remark42|native FILE [--map MAP.json] [--batch-size N] [--no-create-articles] [--json]`
// Reads DATABASE_URL (or the DB_* parts) like the service. Progress on stderr when it is a terminal; the report on
// stdout at the end (a summary, or the whole report as JSON with --json). Exit 0 when the file was read to the end
// (records that could not be imported are listed in the report), 1 when the run stopped (nothing of the batch
// in progress was written: fix the file and run it again, it resumes), 2 for a usage error.
const USAGE = `usage: npm run import -- --from ${IMPORT_FORMATS.join('|')} FILE [--map MAP.json] [--batch-size N] [--no-create-articles] [--json]`;

function parseArgs(argv: string[]) {
  const opts: {
    format?: ImportFormat;
    file?: string;
    map?: Map<string, string>;
    batchSize?: number;
    createMissingArticles: boolean;
    json: boolean;
  } = {
    createMissingArticles: true,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--from') {
      const f = argv[++i];
      if (!IMPORT_FORMATS.includes(f as ImportFormat)) throw new Error(`unknown format "${f ?? ''}": use ${IMPORT_FORMATS.join(', ')}`);
      opts.format = f as ImportFormat;
    } else if (a === '--batch-size') {
      opts.batchSize = Number(argv[++i]);
      if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 10_000)
        throw new Error('--batch-size must be 1..10000');
    } else if (a === '--map') opts.map = readMap(argv[++i]);
    else if (a === '--no-create-articles') opts.createMissingArticles = false;
    else if (a === '--json') opts.json = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (opts.file) throw new Error('one file at a time');
    else opts.file = a;
  }
  if (!opts.format || !opts.file) throw new Error('--from and a file are required');
  return opts as typeof opts & { format: ImportFormat; file: string };
}

/** `--map`: a JSON object, thread source id / identifier / URL → article slug. */
function readMap(path: string | undefined): Map<string, string> {
  if (!path) throw new Error('--map needs a file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--map ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`--map ${path}: expected a JSON object of "thread id, identifier or URL": "article slug"`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}

function summary(r: ImportReport, seconds: number): string {
  const rate = seconds > 0 ? Math.round(r.comments.imported / seconds) : 0;
  const lines = [
    `import ${r.status}: ${r.comments.imported} imported, ${r.comments.skipped} skipped, ${r.comments.failed} failed, ${r.comments.orphans} orphans made top-level (${r.comments.read} read, ${seconds.toFixed(1)} s, ${rate} comments/s)`,
    `articles: ${r.articles.matched} matched, ${r.articles.created} created; authors: ${r.authors.created} accounts created (unclaimed), ${r.authors.reused} found`,
  ];
  if (r.perArticle.length) {
    lines.push('per article (imported / skipped):');
    for (const a of r.perArticle.slice(0, 50)) lines.push(`  ${a.slug}${a.created ? ' (created)' : ''}: ${a.imported} / ${a.skipped}`);
    if (r.perArticle.length > 50) lines.push(`  … and ${r.perArticle.length - 50} more (see --json)`);
  }
  for (const p of r.problems.slice(0, 50)) lines.push(`  ${p.outcome} ${p.key ?? ''} at ${p.place}: ${p.reason}`);
  if (r.problems.length > 50 || r.problemsLeftOut) lines.push(`  … ${r.problems.length - 50 + r.problemsLeftOut} more (see --json)`);
  if (r.error) lines.push(`stopped: ${r.error}`);
  lines.push(`import id ${r.importId}`);
  return lines.join('\n');
}

loadDotEnv();
let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const url = loadDatabaseEnv().DATABASE_URL;
if (!url) {
  console.error('set DATABASE_URL, or DB_HOST, DB_USER, DB_PASSWORD and DB_NAME');
  process.exit(2);
}
let total = 0;
try {
  total = statSync(args.file).size;
} catch (err) {
  console.error(`cannot read ${args.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  process.exit(2);
}

const tty = process.stderr.isTTY;
const started = Date.now();
let bytes = 0;
const draw = (p: ImportProgress) => {
  if (!tty) return;
  const s = (Date.now() - started) / 1000;
  const rate = s > 0 ? p.imported / s : 0;
  const share = total ? bytes / total : 0;
  const eta = share > 0 ? (s / share - s).toFixed(0) : '?';
  process.stderr.write(
    `\r${(share * 100).toFixed(1)}%  ${p.imported} imported, ${p.skipped} skipped, ${p.failed} failed  ${Math.round(rate)}/s  ETA ${eta} s   `,
  );
};

const pool = createPool(url, { max: 2, statementTimeoutMillis: 300_000, applicationName: 'newsroom-import' });
try {
  const importer = new Importer(pool, {
    format: args.format,
    sourceName: basename(args.file),
    batchSize: args.batchSize,
    createMissingArticles: args.createMissingArticles,
    map: args.map,
    reserved: ReservedUsernames.forSite(
      (process.env.RESERVED_USERNAMES ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    onProgress: draw,
  });
  const report = await importer.run(
    readRecords(
      args.format,
      readFileChunks(args.file, (b) => (bytes = b)),
    ),
  );
  if (tty) process.stderr.write('\n');
  console.log(args.json ? JSON.stringify(report, null, 2) : summary(report, (Date.now() - started) / 1000));
  process.exitCode = 0;
} catch (err) {
  if (tty) process.stderr.write('\n');
  const report = (err as { report?: ImportReport }).report;
  if (report) console.log(args.json ? JSON.stringify(report, null, 2) : summary(report, (Date.now() - started) / 1000));
  console.error(`import stopped: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
