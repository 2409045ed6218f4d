import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadEnv } from '../../../src/config/env.js';
import { freePort } from '../../helpers/net.js';
import { adminQuery } from '../../helpers/db.js';
import { buildDist, repoRoot, runSmoke, serviceEnv, SMOKE_ADMIN, startProcess } from '../../helpers/start-process.js';

// Production runs with two database roles: the owner applies migrations (the Compose `migrate` step), the service
// connects as a role that can only read and write rows. Passwords may contain characters a URL must encode.

const ODD_PASSWORD = 'p@ss:w/o#rd?%&= x';

describe('database roles and connection settings', () => {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const owner = `newsroom_owner_${suffix}`;
  const app = `newsroom_app_${suffix}`;
  const dbName = `newsroom_roles_${suffix}`;
  const admin = new URL(inject('adminDatabaseUrl'));
  const parts = (user: string, database = dbName) => ({
    DB_HOST: admin.hostname,
    DB_PORT: admin.port || '5432',
    DB_USER: user,
    DB_PASSWORD: ODD_PASSWORD,
    DB_NAME: database,
  });

  beforeAll(async () => {
    buildDist();
    const pw = `'${ODD_PASSWORD.replace(/'/g, "''")}'`;
    // What docker/db-init/10-roles.sh does in Compose: an owner for the schema, a login role for the service.
    await adminQuery(`CREATE ROLE ${owner} LOGIN PASSWORD ${pw}`);
    await adminQuery(`CREATE ROLE ${app} LOGIN PASSWORD ${pw}`);
    await adminQuery(`CREATE DATABASE ${dbName} OWNER ${owner}`);
    await adminQuery(`REVOKE ALL ON DATABASE ${dbName} FROM PUBLIC`);
    await adminQuery(`GRANT CONNECT ON DATABASE ${dbName} TO ${app}`);
  }, 60_000);

  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminQuery(`DROP ROLE IF EXISTS ${app}`);
    await adminQuery(`DROP ROLE IF EXISTS ${owner}`);
  });

  it('should connect with a password containing @ : / # given as DB_* parts', async () => {
    const { DATABASE_URL } = loadEnv(parts(owner));
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query<{ u: string; d: string }>('SELECT current_user AS u, current_database() AS d');
      expect(rows[0]).toEqual({ u: owner, d: dbName });
    } finally {
      await c.end();
    }
  });

  it('should refuse to serve on a schema that is behind, naming the migration step', async () => {
    const p = startProcess(
      process.execPath,
      ['dist/main.js'],
      serviceEnv({ ...parts(app), PORT: String(await freePort()), MIGRATE_ON_START: 'false' }),
    );
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(
      /FATAL \[Bootstrap\] the database schema is \d+ migration\(s\) behind \(\d+_init.*\): run the migrations first/,
    );
    expect(p.output()).not.toContain(ODD_PASSWORD);
  }, 60_000);

  it('should migrate as the owner and grant the service role only row rights', async () => {
    const migrate = spawnSync(process.execPath, ['dist/database/migrate.cli.js'], {
      cwd: repoRoot,
      env: serviceEnv({ ...parts(owner), MIGRATE_GRANT_TO: app }),
      encoding: 'utf8',
    });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout.trim())).toMatchObject({ level: 'info', msg: 'migrations applied', grantedTo: app });

    const c = new pg.Client({ connectionString: loadEnv(parts(app)).DATABASE_URL });
    await c.connect();
    const denied = (sql: string) => expect(c.query(sql)).rejects.toMatchObject({ code: '42501' });
    try {
      await expect(c.query('SELECT count(*) FROM "_prisma_migrations"')).resolves.toMatchObject({ rowCount: 1 });
      await expect(c.query('SELECT count(*) FROM comments')).resolves.toMatchObject({ rowCount: 1 });
      // No such author (an erased or unknown account): refused, and callable by the service role.
      await expect(
        c.query(`SELECT comment_post_gate(gen_random_uuid(), gen_random_uuid(), 'x', 60, NULL) AS verdict`),
      ).resolves.toMatchObject({ rows: [{ verdict: 'gone' }] });
      // Account erasure may delete earlier versions through this function only (of erased comments: none here).
      await expect(c.query(`SELECT erase_comment_revisions(ARRAY[gen_random_uuid()]) AS n`)).resolves.toMatchObject({ rows: [{ n: 0 }] });
      await denied('CREATE TABLE intruder (id int)');
      await denied('ALTER TABLE comments ADD COLUMN intruder int');
      await denied('TRUNCATE comments');
      await denied('DELETE FROM "_prisma_migrations"');
      await denied('UPDATE moderation_actions SET reason = NULL');
      await denied('DELETE FROM comment_revisions');
    } finally {
      await c.end();
    }
  }, 60_000);

  it('should pass the walkthrough as the service role with an odd password, then stop cleanly', async () => {
    const port = await freePort();
    const p = startProcess(
      process.execPath,
      ['dist/main.js'],
      serviceEnv({
        ...parts(app),
        ...SMOKE_ADMIN,
        PORT: String(port),
        MIGRATE_ON_START: 'false',
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
      }),
    );
    try {
      await p.waitUntilReady(port);
      const smoke = runSmoke(port);
      expect(smoke.status, `${smoke.stdout}\n${smoke.stderr}\n${p.output()}`).toBe(0);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited).toBe(0);
    expect(p.output()).not.toContain(ODD_PASSWORD);
  }, 120_000);
});
