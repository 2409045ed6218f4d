import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../src/database/migrator.js';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the suite's PostgreSQL server (for tests that need exact row counts or their own
 * migration history). `migrated: true` applies the project's migrations to it; `adminUrl`: on another server.
 */
export async function scratchDatabase(prefix: string, opts: { migrated?: boolean; adminUrl?: string } = {}): Promise<ScratchDatabase> {
  const adminUrl = opts.adminUrl ?? inject('adminDatabaseUrl');
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (opts.migrated) await migrate(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Runs one statement as the suite's superuser (roles and databases are cluster-wide, so not on the test database). */
export async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
