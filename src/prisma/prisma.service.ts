import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { databaseFault } from '../common/errors/database-errors.js';
import { createPool } from '../database/pool.js';
import { type Prisma, PrismaClient } from '../generated/prisma/client.js';

export interface TransactionOptions {
  /** How long the transaction may run, in ms (default: twice the statement timeout). */
  timeout?: number;
}

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
    const connectionTimeout = config.get('DB_CONNECTION_TIMEOUT_MS');
    const pool = createPool(
      config.databaseUrl,
      {
        max: config.get('DB_POOL_MAX'),
        connectionTimeoutMillis: connectionTimeout,
        statementTimeoutMillis: config.get('DB_STATEMENT_TIMEOUT_MS'),
      },
      (err) => logger.warn(`idle database connection failed: ${err.message}`),
    );
    super({
      adapter: new PrismaPg(pool, { onPoolError: () => {}, onConnectionError: () => {} }),
      // An interactive transaction first waits for a connection. Prisma's own start wait (maxWait, 2 s by default)
      // must not be shorter than the pool's, or a busy pool answers with Prisma's "unable to start a transaction"
      // before the pool has given up: wait a little longer than the pool, so the pool decides (503).
      transactionOptions: { maxWait: connectionTimeout + 1_000, timeout: 2 * config.get('DB_STATEMENT_TIMEOUT_MS') },
    });
    this.pool = pool;
    this.logger = logger;
  }

  /**
   * An interactive transaction that is run once more when it lost a deadlock or a serialization check (SQLSTATE
   * 40P01 / 40001): PostgreSQL rolled it back entirely, so running it again is safe, and the collision is usually
   * gone by then. A second loss, like every other database failure, reaches the client as 503. `fn` must only do
   * database work through `tx` (it may run twice).
   */
  async transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    try {
      return await this.$transaction(fn, opts);
    } catch (err) {
      if (databaseFault(err) !== 'conflict') throw err;
      this.logger.warn({ msg: 'transaction lost a deadlock or serialization check; retrying once' });
      return this.$transaction(fn, opts);
    }
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
