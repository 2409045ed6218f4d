import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { StartupError } from './common/errors/startup-error.js';
import { createLogger } from './common/logger.js';
import { probePort } from './common/port-probe.js';
import type { Env } from './config/env.js';
import { DatabaseUnreachableError } from './database/connect.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded.js';
import { migrate, pendingMigrations } from './database/migrator.js';
import { checkConfiguration } from './preflight.js';

const log = new Logger('Bootstrap');
// Longest a stop may take (requests draining, then the database) before the process exits anyway.
const STOP_TIMEOUT_MS = 15_000;

/**
 * Start-up and shutdown of the service. Everything it starts (the embedded PostgreSQL, the HTTP server) it stops
 * itself, in reverse order: on SIGINT (Ctrl-C), SIGTERM or SIGHUP the HTTP server stops accepting and lets
 * in-flight requests finish, then the database pool closes, then the embedded database stops, then the process
 * exits 0. A start-up failure prints one line (cause and the variable to change) and exits 1 (78 for bad
 * configuration).
 */
async function main(): Promise<void> {
  // The configuration first: the application's modules (Nest, Prisma, every feature) load only once it is valid.
  const checked = checkConfiguration();
  let env = checked.env;
  const envFile = checked.envFile;
  const [{ createApp }, { ArticlesService }, { AuthBootstrap }, { FirstAdminSetup }] = await Promise.all([
    import('./app.factory.js'),
    import('./articles/articles.service.js'),
    import('./auth/auth.bootstrap.js'),
    import('./setup/first-admin-setup.service.js'),
  ]);
  const logger = createLogger(env);
  Logger.overrideLogger(logger);
  if (envFile) log.log(`read settings from ${envFile} (variables already set in the environment win)`);

  let embedded: EmbeddedDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  let state: 'starting' | 'running' | 'stopping' = 'starting';
  // Signal handlers change `state` while start-up awaits; read it through this so the checks are not narrowed away.
  const cancelled = () => state === 'stopping';
  let firstSignalAt = 0;

  const stopAll = async (exitCode: number): Promise<never> => {
    const force = setTimeout(() => {
      log.error(`not stopped within ${STOP_TIMEOUT_MS / 1000} s: exiting anyway`);
      embedded?.kill();
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
    // The HTTP server first (in-flight requests finish, then the pool closes), the database last.
    if (app) await app.close().catch((e: unknown) => log.error(`HTTP server did not close cleanly: ${String(e)}`));
    if (embedded) await embedded.stop().catch((e: unknown) => log.error(`embedded PostgreSQL did not stop cleanly: ${String(e)}`));
    if (exitCode === 0) log.log('stopped');
    process.exit(exitCode);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (state === 'stopping') {
      // npm passes a terminal's Ctrl-C on as well, so the same keypress can arrive twice: only a later one forces.
      if (Date.now() - firstSignalAt < 1000) return;
      log.warn(`${signal} again: exiting without waiting for requests`);
      process.exit(1); // the embedded database's watchdog sees the process end and stops it
    }
    firstSignalAt = Date.now();
    log.log(state === 'running' ? `${signal}: stopping; in-flight requests finish first` : `${signal}: start-up cancelled`);
    state = 'stopping';
    void stopAll(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    await assertCanListen(env);
    if (!env.DATABASE_URL) {
      embedded = await startEmbeddedDatabase(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT, (m) => log.log(m));
      if (cancelled()) return; // a signal arrived meanwhile: stopAll is under way
      env = { ...env, DATABASE_URL: embedded.url };
      process.env.DATABASE_URL = embedded.url;
      log.log(
        `no database configured: embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}, data in ${env.EMBEDDED_PG_DIR}, log in ${embedded.logFile}`,
      );
    }
    const url = env.DATABASE_URL!;
    if (env.MIGRATE_ON_START) {
      const { applied } = await migrate(url);
      log.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    } else {
      const pending = await pendingMigrations(url);
      if (pending.length) {
        throw new StartupError(
          `the database schema is ${pending.length} migration(s) behind (${pending.join(', ')}): run the migrations first ` +
            '(npm run db:migrate, or the Compose "migrate" service), or set MIGRATE_ON_START=true with a role that may change the schema',
        );
      }
    }
    if (cancelled()) return;

    app = await createApp(env, logger);
    if (env.SEED_ARTICLE) await app.get(ArticlesService).seed();
    await app.get(AuthBootstrap).ensureAdmin();
    if (cancelled()) return;

    await listen(app, env);
    if (cancelled()) return;
    state = 'running';
    log.log(readyLine(app, env));
    // No admin yet: a one-time link to the console's setup page (src/setup), at the address a browser uses.
    await app.get(FirstAdminSetup).announce(env.PUBLIC_URL ?? localOrigin(app, env));
  } catch (err) {
    if (cancelled()) return;
    state = 'stopping';
    log.fatal(startupFailure(err));
    if (!(err instanceof StartupError || err instanceof DatabaseUnreachableError)) log.debug((err as Error).stack);
    await stopAll(1);
  }
}

/** The origin of this process's server as seen from the machine it runs on (in a container: the container). */
function localOrigin(app: NestFastifyApplication, env: Env): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(env.HOST) ? 'localhost' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  return `http://${host}:${port}`;
}

/**
 * What is true once listening: the bound address, and where readers reach the API when PUBLIC_URL says so (behind
 * Compose's proxy or a CDN the process cannot know its published address); else the address on this machine.
 */
function readyLine(app: NestFastifyApplication, env: Env): string {
  const { address, port, family } = app.getHttpServer().address() as AddressInfo;
  const bound = family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`;
  const api = `${env.PUBLIC_URL ?? localOrigin(app, env)}/api`;
  const where = env.PUBLIC_URL ? `public address ${api}` : `${api} on this machine`;
  return `ready: listening on ${bound}; ${where} (OpenAPI: ${api}/docs)${process.stdout.isTTY ? '; Ctrl-C stops' : ''}`;
}

/** Fails before anything is started when the HTTP port cannot be used (and again at listen, for a late race). */
async function assertCanListen(env: Env): Promise<void> {
  if (env.PORT === 0) return;
  const code = await probePort(env.PORT, env.HOST);
  if (code) throw listenError(code, env);
}

async function listen(app: NestFastifyApplication, env: Env): Promise<void> {
  try {
    await app.listen({ port: env.PORT, host: env.HOST });
  } catch (err) {
    throw listenError((err as NodeJS.ErrnoException).code, env) ?? err;
  }
}

function listenError(code: string | undefined, env: Env): StartupError | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(
        `PORT=${env.PORT} is already in use on ${env.HOST} (another instance, or another program): set PORT to a free port`,
      );
    case 'EACCES':
      return new StartupError(
        `not allowed to listen on ${env.HOST}:${env.PORT} (ports below 1024 need privileges): set PORT to 1024 or above`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `HOST=${env.HOST} is not an address of this machine: set HOST (0.0.0.0 for every interface, 127.0.0.1 for this machine only)`,
      );
    default:
      return code ? new StartupError(`cannot listen on ${env.HOST}:${env.PORT} (${code}): check HOST and PORT`) : undefined;
  }
}

/** The one line printed for a failed start. */
function startupFailure(err: unknown): string {
  if (err instanceof StartupError) return err.message;
  if (err instanceof DatabaseUnreachableError) {
    const setting = process.env.DATABASE_URL ? 'DATABASE_URL' : 'DB_HOST, DB_PORT, DB_USER, DB_PASSWORD and DB_NAME';
    return `${err.message}: check ${setting}`;
  }
  return `start-up failed: ${(err as Error).message ?? String(err)} (LOG_LEVEL=debug shows the stack)`;
}

void main();
