import { loadDotEnv } from '../config/dotenv.js';
import { loadDatabaseEnv } from '../config/env.js';
import { grantServiceRole } from './grants.js';
import { migrate } from './migrator.js';

// `npm run db:migrate` and the Compose `migrate` service: apply pending migrations as the schema owner, optionally
// grant the service's role its rights (MIGRATE_GRANT_TO), then exit. One JSON line of outcome; exit 1 on failure,
// 2 on missing configuration.
const print = (level: 'info' | 'error', fields: Record<string, unknown>) =>
  (level === 'error' ? console.error : console.log)(JSON.stringify({ level, ...fields }));

let env: ReturnType<typeof loadDatabaseEnv>;
try {
  loadDotEnv();
  env = loadDatabaseEnv();
} catch (err) {
  print('error', { msg: 'migration not started', error: (err as Error).message });
  process.exit(2);
}
const url = env.DATABASE_URL;
if (!url) {
  print('error', { msg: 'migration not started', error: 'set DATABASE_URL, or DB_HOST, DB_USER, DB_PASSWORD and DB_NAME' });
  process.exit(2);
}
try {
  const { applied, alreadyApplied } = await migrate(url);
  if (env.MIGRATE_GRANT_TO) await grantServiceRole(url, env.MIGRATE_GRANT_TO);
  print('info', { msg: 'migrations applied', applied, alreadyApplied: alreadyApplied.length, grantedTo: env.MIGRATE_GRANT_TO });
} catch (err) {
  print('error', { msg: 'migration failed', error: (err as Error).message });
  process.exit(1);
}
