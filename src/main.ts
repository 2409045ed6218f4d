import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ArticlesService } from './articles/articles.service.js';
import { AuthBootstrap } from './auth/auth.bootstrap.js';
import { createLogger } from './common/logger.js';
import { type Env, loadEnv } from './config/env.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded.js';
import { migrate } from './database/migrator.js';

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(env);
  const log = new Logger('Bootstrap');
  Logger.overrideLogger(logger);

  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    embedded = await startEmbeddedDatabase(env.EMBEDDED_PG_DIR, env.EMBEDDED_PG_PORT, (m) => log.log(m));
    process.env.DATABASE_URL = embedded.url;
    log.log(`DATABASE_URL not set: using embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT} (data in ${env.EMBEDDED_PG_DIR})`);
  }
  const stopEmbedded = async () => {
    if (embedded) await embedded.stop().catch((e: unknown) => log.error(`embedded PostgreSQL did not stop cleanly: ${String(e)}`));
    embedded = undefined;
  };

  try {
    const { applied } = await migrate(process.env.DATABASE_URL!);
    log.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');

    const app = await createApp(env, logger);
    if (env.SEED_ARTICLE) await app.get(ArticlesService).seed();
    await app.get(AuthBootstrap).ensureAdmin();

    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      log.log(`${signal} received: finishing in-flight requests`);
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      await app.close();
      await stopEmbedded();
      log.log('stopped');
      process.exit(0);
    };
    process.once('SIGTERM', (s) => void shutdown(s));
    process.once('SIGINT', (s) => void shutdown(s));

    await app.listen({ port: env.PORT, host: env.HOST });
    const url = `http://localhost:${env.PORT}`;
    log.log(`listening on ${url}/api (OpenAPI: ${url}/api/docs)`);
    if (!env.DATABASE_URL) console.log(`\n  Newsroom comments API ready: ${url}/api/articles\n`);
  } catch (err) {
    log.error(`startup failed: ${(err as Error).message}`, (err as Error).stack);
    await stopEmbedded();
    process.exit(1);
  }
}

void main();
