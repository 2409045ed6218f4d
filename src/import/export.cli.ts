import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { loadDotEnv } from '../config/dotenv.js';
import { loadDatabaseEnv } from '../config/env.js';
import { createPool } from '../database/pool.js';
import { EXPORT_FORMATS, type ExportFormat, exportSite } from './site-export.js';

// `npm run export -- --format native|disqus|wxr [--out FILE]`: the whole site (articles, the accounts that wrote
// comments, every comment) in the native JSON-lines format, or as a Disqus or WordPress (WXR) export
// (docs/import-export.md), to stdout or FILE. DATABASE_URL like the service.
const USAGE = `usage: npm run export -- --format ${EXPORT_FORMATS.join('|')} [--out FILE]`;
const argv = process.argv.slice(2);
let out: string | undefined;
let format: string | undefined;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--format') format = argv[++i];
  else if (argv[i] === '--out') out = argv[++i];
  else {
    console.error(`unknown argument ${argv[i]}\n${USAGE}`);
    process.exit(2);
  }
}
if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
  console.error(`--format ${format ?? '(missing)'}: use ${EXPORT_FORMATS.join(', ')}\n${USAGE}`);
  process.exit(2);
}
loadDotEnv();
const url = loadDatabaseEnv().DATABASE_URL;
if (!url) {
  console.error('set DATABASE_URL, or DB_HOST, DB_USER, DB_PASSWORD and DB_NAME');
  process.exit(2);
}
const pool = createPool(url, { max: 1, statementTimeoutMillis: 300_000, applicationName: 'newsroom-export' });
const sink = out ? createWriteStream(out) : process.stdout;
try {
  for await (const line of exportSite(pool, format as ExportFormat)) {
    // Back-pressure: a slow pipe or disk pauses the reading.
    if (!sink.write(line)) await once(sink, 'drain');
  }
  if (out) {
    sink.end();
    await once(sink, 'finish');
  }
} catch (err) {
  console.error(`export failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
