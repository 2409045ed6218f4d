import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { createPool } from '../database/pool.js';
import { PrismaClient } from '../generated/prisma/client.js';

/**
 * Prisma 7 (rust-free client) on a pg pool we own: the pool has an error listener, a connection timeout and a
 * statement timeout, so a database restart produces 503s and recovery instead of a crash or a hang.
 * `pool` is exposed for the few hot read paths that skip Prisma's per-query overhead.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  readonly pool: pg.Pool;
  private readonly logger: Logger;

  constructor(config: AppConfig) {
    const logger = new Logger('Database');
    const pool = createPool(
      config.databaseUrl,
      {
        max: config.get('DB_POOL_MAX'),
        connectionTimeoutMillis: config.get('DB_CONNECTION_TIMEOUT_MS'),
        statementTimeoutMillis: config.get('DB_STATEMENT_TIMEOUT_MS'),
      },
      (err) => logger.warn(`idle database connection failed: ${err.message}`),
    );
    super({ adapter: new PrismaPg(pool, { onPoolError: () => {}, onConnectionError: () => {} }) });
    this.pool = pool;
    this.logger = logger;
  }

  async onModuleInit(): Promise<void> {
    // Fail fast with a readable message if the database is unreachable at boot.
    try {
      await this.pool.query('SELECT 1');
    } catch (err) {
      this.logger.error(`cannot reach the database: ${(err as Error).message}`);
      throw err;
    }
  }

  /**
   * Runs after Nest has closed the HTTP server, i.e. after in-flight requests finished (onModuleDestroy would run
   * before, and cut their queries off).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => {});
  }
}
