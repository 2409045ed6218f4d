import pg from 'pg';

export interface PoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  statementTimeoutMillis?: number;
  applicationName?: string;
}

/**
 * A pg pool that survives database restarts: an `error` listener keeps idle-client errors from killing the
 * process, `connectionTimeoutMillis` keeps a dead or saturated server from hanging requests, and
 * `statement_timeout` bounds every query.
 */
export function createPool(connectionString: string, opts: PoolOptions = {}, onError?: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMillis ?? 5000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: opts.applicationName ?? 'newsroom-comments',
  });
  pool.on('error', (err) => onError?.(err));
  return pool;
}
