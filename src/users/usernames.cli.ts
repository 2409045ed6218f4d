import { loadEnv } from '../config/env.js';
import { createPool } from '../database/pool.js';
import { fillUsernameSkeletons, findUsernameViolations } from './username-audit.js';
import { ReservedUsernames } from './username-rules.js';

// `npm run db:usernames`: stores the confusable skeleton of accounts older than the username rules, then prints
// look-alike collisions and usernames that break today's rules as JSON lines. Exits 1 when there is anything for
// an admin to resolve (usable as a check after an upgrade), 0 otherwise. DATABASE_URL from the environment.
const env = loadEnv();
const url = env.DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const pool = createPool(url, { max: 2, statementTimeoutMillis: 120_000, applicationName: 'newsroom-usernames' });
try {
  const filled = await fillUsernameSkeletons(pool);
  if (!filled) throw new Error('another process is filling username skeletons right now; run again in a moment');
  for (const c of filled.collisions) console.log(JSON.stringify({ level: 'warn', msg: 'look-alike usernames', ...c }));
  const violations = await findUsernameViolations(pool, ReservedUsernames.forSite(env.RESERVED_USERNAMES));
  for (const v of violations) console.log(JSON.stringify({ level: 'warn', msg: 'username breaks the rules', ...v }));
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'usernames checked',
      filled: filled.filled,
      collisions: filled.collisions.length,
      violations: violations.length,
    }),
  );
  process.exitCode = filled.collisions.length + violations.length > 0 ? 1 : 0;
} catch (err) {
  console.error(JSON.stringify({ level: 'error', msg: 'username check failed', error: (err as Error).message }));
  process.exitCode = 1;
} finally {
  await pool.end();
}
