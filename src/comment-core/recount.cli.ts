import { loadDotEnv } from '../config/dotenv.js';
import { loadDatabaseEnv } from '../config/env.js';
import { createPool } from '../database/pool.js';
import { recount } from './recount.js';

// `npm run db:recount [-- --repair]`: prints counter drift as JSON lines; exits 1 when drift was found and not
// repaired (usable as a monitoring check), 0 otherwise. DATABASE_URL (or the DB_* parts) from the environment or .env.
loadDotEnv();
const url = loadDatabaseEnv().DATABASE_URL;
if (!url) {
  console.error('set DATABASE_URL, or DB_HOST, DB_USER, DB_PASSWORD and DB_NAME');
  process.exit(2);
}
const repair = process.argv.slice(2).includes('--repair');
const pool = createPool(url, { max: 2, statementTimeoutMillis: 120_000, applicationName: 'newsroom-recount' });
try {
  const result = await recount(pool, { repair });
  for (const table of ['articles', 'users', 'reactions'] as const) {
    for (const d of result[table]) console.log(JSON.stringify({ level: 'warn', msg: 'counter drift', table, ...d }));
  }
  const drifted = result.articles.length + result.users.length + result.reactions.length;
  console.log(JSON.stringify({ level: 'info', msg: 'recount done', drifted, repaired: result.repaired }));
  process.exitCode = drifted > 0 && !repair ? 1 : 0;
} catch (err) {
  console.error(JSON.stringify({ level: 'error', msg: 'recount failed', error: (err as Error).message }));
  process.exitCode = 1;
} finally {
  await pool.end();
}
