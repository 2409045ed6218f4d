import { migrate } from './migrator.js';

// `npm run db:migrate` and the container entrypoint: apply pending migrations to DATABASE_URL, then exit.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
try {
  const { applied, alreadyApplied } = await migrate(url);
  console.log(
    JSON.stringify({ level: 'info', msg: 'migrations applied', applied, alreadyApplied: alreadyApplied.length }),
  );
} catch (err) {
  console.error(JSON.stringify({ level: 'error', msg: 'migration failed', error: (err as Error).message }));
  process.exit(1);
}
